package demo

import (
	"context"
	"strings"
	"time"

	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/gid"
	"maarid/i18n"
	"maarid/money"
	"maarid/pictures"
)

// category is a node of the demo category tree: a sector at the top, the kinds of product
// below it, each with the products the region's exhibitors offer of that kind.
type category struct {
	slug        string
	name        i18n.Text
	description i18n.Text
	sector      exhibitor.Sector // top level only
	children    []category
	products    []product
}

// product is a product template: what an exhibitor of the right activity may sell, and the
// range its price is drawn from.
type product struct {
	name        i18n.Text
	description i18n.Text
	unit        i18n.Text
	price       priceRange
	labels      []string // quality signs a producer may hold for it
	seasonal    bool     // out of season at the end of July, so often not available
}

// priceRange is a price range in dirhams; a price is drawn from it in steps of step centimes,
// so that cheap goods get prices like 35,50 DH and rugs round hundreds.
type priceRange struct {
	lo, hi int64 // MAD
	step   int64 // centimes
}

// arFr makes a text written in Arabic and French only.
func arFr(ar, fr string) i18n.Text { return text(ar, fr, "") }

func mad(lo, hi, step int64) priceRange { return priceRange{lo: lo, hi: hi, step: step} }

// Steps of prices.
const (
	halfDirham = 50
	dirham     = 100
	fiveDH     = 500
	tenDH      = 1000
	fiftyDH    = 5000
	hundredDH  = 10000
)

// Units products are sold by.
var (
	perKg       = text("كلغ", "kg", "kg")
	jar250      = text("برطمان 250 غ", "pot de 250 g", "250 g jar")
	jar370      = text("برطمان 370 غ", "pot de 370 g", "370 g jar")
	jar500      = text("برطمان 500 غ", "pot de 500 g", "500 g jar")
	jar1kg      = text("برطمان 1 كلغ", "pot de 1 kg", "1 kg jar")
	bag50       = text("كيس 50 غ", "sachet de 50 g", "50 g bag")
	bag100      = text("كيس 100 غ", "sachet de 100 g", "100 g bag")
	bag250      = text("كيس 250 غ", "sachet de 250 g", "250 g bag")
	bag500      = text("كيس 500 غ", "sachet de 500 g", "500 g bag")
	bottle250ml = text("قنينة 250 مل", "bouteille de 25 cl", "250 ml bottle")
	bottle500ml = text("قنينة نصف لتر", "bouteille de 50 cl", "500 ml bottle")
	bottle1l    = text("قنينة 1 لتر", "bouteille de 1 L", "1 litre bottle")
	can5l       = text("عبوة 5 لترات", "bidon de 5 L", "5 litre can")
	vial10ml    = text("قارورة 10 مل", "flacon de 10 ml", "10 ml vial")
	crate10kg   = text("صندوق 10 كلغ", "cagette de 10 kg", "10 kg crate")
	figString   = text("قلادة من حوالي 1 كلغ", "chapelet d'environ 1 kg", "string of about 1 kg")
	piece       = text("قطعة", "pièce", "piece")
	piece250g   = text("قطعة 250 غ", "pièce de 250 g", "250 g piece")
	pair        = text("زوج", "paire", "pair")
	set         = text("مجموعة", "lot", "set")
	dozen       = text("12 قطعة", "12 pièces", "12 pieces")
	dish        = text("طبق", "plat", "dish")
	perNight    = text("ليلة للشخص الواحد", "nuitée par personne", "night per person")
	perGroupDay = text("يوم واحد، مجموعة تصل إلى 6 أشخاص", "journée, groupe jusqu'à 6 personnes", "day, group of up to 6")
	perPerson   = text("للشخص الواحد", "par personne", "per person")
	perDay      = text("لليوم الواحد", "par jour", "per day")
	perTrainee  = text("للمشارك الواحد", "par participant", "per participant")
	perMonth    = text("شهريا", "par mois", "per month")
	flatFee     = text("مبلغ جزافي", "forfait", "flat fee")
)

// Quality signs on products.
const (
	labelIGP          = "IGP"
	labelAOP          = "AOP"
	labelBIO          = "BIO"
	labelAgricultural = "LABEL_AGRICOLE"
)

// categories is the demo category tree; positions follow the order of the lists.
var categories = []category{
	{
		slug:        CategoryProduce,
		sector:      exhibitor.SectorAGRI_FOOD,
		name:        text("المنتجات المجالية", "Produits du terroir", "Local produce"),
		description: text("المنتجات الفلاحية المجالية لجهة بني ملال خنيفرة.", "Les produits agricoles du terroir de la région de Béni Mellal-Khénifra.", "Regional agricultural produce of Béni Mellal-Khénifra."),
		children:    produce,
	},
	{
		slug:        CategoryHandicraft,
		sector:      exhibitor.SectorHANDICRAFT,
		name:        text("الصناعة التقليدية", "Artisanat", "Handicrafts"),
		description: text("منتجات الصناع التقليديين والتعاونيات الحرفية بالجهة.", "Les créations des artisans et des coopératives artisanales de la région.", "Work of the region's artisans and craft cooperatives."),
		children:    handicraft,
	},
	{
		slug:        CategoryServices,
		sector:      exhibitor.SectorSERVICES,
		name:        text("الخدمات", "Services", "Services"),
		description: text("السياحة القروية والتكوين والاستشارة والطبخ التقليدي.", "Tourisme rural, formation, conseil et cuisine traditionnelle.", "Rural tourism, training, consulting and traditional catering."),
		children:    services,
	},
}

var produce = []category{
	{slug: "huile-d-olive", name: text("زيت الزيتون", "Huile d'olive", "Olive oil"), products: []product{
		{name: text("زيت الزيتون البكر الممتاز", "Huile d'olive vierge extra", "Extra virgin olive oil"), unit: bottle1l, price: mad(50, 90, fiveDH), labels: []string{labelBIO, labelAOP, labelAgricultural},
			description: arFr("زيت معصور على البارد من زيتون البيشولين المغربية، بطعم فواكهي خفيف.", "Huile pressée à froid d'olives picholine marocaine, au fruité léger.")},
		{name: text("زيت الزيتون البكر الممتاز", "Huile d'olive vierge extra", "Extra virgin olive oil"), unit: can5l, price: mad(250, 420, tenDH), labels: []string{labelBIO},
			description: arFr("عبوة عائلية من زيت الموسم، معصورة في الأيام الأولى بعد الجني.", "Bidon familial d'huile de la saison, pressée dans les jours qui suivent la récolte.")},
		{name: text("زيت الزيتون البكر", "Huile d'olive vierge", "Virgin olive oil"), unit: bottle500ml, price: mad(25, 40, halfDirham),
			description: arFr("زيت زيتون بكر للطبخ اليومي.", "Huile d'olive vierge pour la cuisine de tous les jours.")},
		{name: text("زيت الزيتون بالزعتر", "Huile d'olive au thym", "Thyme-infused olive oil"), unit: bottle250ml, price: mad(35, 60, halfDirham),
			description: arFr("زيت زيتون منقوع بزعتر الجبل، للسلطات والخبز.", "Huile d'olive infusée au thym de montagne, pour les salades et le pain.")},
		{name: text("زيتون أسود مرقد", "Olives noires confites", "Cured black olives"), unit: jar500, price: mad(20, 35, halfDirham),
			description: arFr("زيتون أسود مملح ومجفف على الطريقة التقليدية.", "Olives noires salées et séchées à l'ancienne.")},
	}},
	{slug: "miel", name: text("العسل", "Miel", "Honey"), products: []product{
		{name: text("عسل الزعتر", "Miel de thym", "Thyme honey"), unit: jar500, price: mad(110, 200, tenDH), labels: []string{labelBIO, labelAgricultural},
			description: arFr("عسل داكن بنكهة قوية، من مناحل جبال الأطلس.", "Miel ambré au goût puissant, issu des ruchers des montagnes de l'Atlas.")},
		{name: text("عسل الزعتر", "Miel de thym", "Thyme honey"), unit: jar1kg, price: mad(200, 400, tenDH), labels: []string{labelBIO, labelAgricultural},
			description: arFr("عسل الزعتر في برطمان عائلي.", "Miel de thym en pot familial.")},
		{name: text("عسل السدر", "Miel de jujubier", "Jujube honey"), unit: jar500, price: mad(150, 300, tenDH),
			description: arFr("عسل فاتح ولذيذ، يجنى في أواخر الصيف من أزهار السدر.", "Miel clair et doux, récolté en fin d'été sur les fleurs de jujubier.")},
		{name: text("عسل الدغموس", "Miel d'euphorbe", "Euphorbia honey"), unit: jar250, price: mad(80, 150, fiveDH), labels: []string{labelIGP},
			description: arFr("عسل نادر بطعم لاذع، تشتهر به منطقة تادلة أزيلال.", "Miel rare au goût poivré, spécialité de la région de Tadla-Azilal.")},
		{name: text("عسل متعدد الأزهار", "Miel toutes fleurs", "Wildflower honey"), unit: jar500, price: mad(60, 110, fiveDH),
			description: arFr("عسل ربيعي من أزهار الجبل والبساتين.", "Miel de printemps des fleurs de montagne et des vergers.")},
		{name: text("عسل إكليل الجبل", "Miel de romarin", "Rosemary honey"), unit: jar500, price: mad(90, 150, fiveDH),
			description: arFr("عسل أبيض يتبلور بسرعة، بنكهة لطيفة.", "Miel blanc qui cristallise vite, au parfum délicat.")},
		{name: text("حبوب الطلع", "Pollen de fleurs", "Bee pollen"), unit: bag250, price: mad(60, 100, fiveDH),
			description: arFr("حبوب طلع مجففة بلطف، تؤكل مع العسل أو في الفطور.", "Pollen séché en douceur, à manger avec du miel ou au petit-déjeuner.")},
	}},
	{slug: "amandes-et-noix", name: text("اللوز والجوز", "Amandes et noix", "Almonds and walnuts"), products: []product{
		{name: text("لوز مقشر", "Amandes décortiquées", "Shelled almonds"), unit: perKg, price: mad(90, 140, fiveDH), labels: []string{labelBIO},
			description: arFr("لوز بلدي مقشر ومنتقى يدويا.", "Amandes beldi décortiquées et triées à la main.")},
		{name: text("لوز بلدي بقشرته", "Amandes beldi en coque", "Local almonds in shell"), unit: perKg, price: mad(40, 70, fiveDH),
			description: arFr("لوز البساتين الجبلية، يحفظ طويلا في قشرته.", "Amandes des vergers de montagne, qui se conservent longtemps dans leur coque.")},
		{name: text("لب الجوز", "Cerneaux de noix", "Walnut kernels"), unit: perKg, price: mad(90, 150, fiveDH), labels: []string{labelBIO},
			description: arFr("لب جوز جبلي من جني السنة.", "Cerneaux de noix de montagne de la dernière récolte.")},
		{name: text("جوز جبلي بقشرته", "Noix de montagne en coque", "Mountain walnuts in shell"), unit: perKg, price: mad(40, 70, fiveDH),
			description: arFr("جوز من أشجار معمرة في وديان الأطلس الكبير.", "Noix de noyers centenaires des vallées du Haut Atlas.")},
		{name: text("زيت الجوز", "Huile de noix", "Walnut oil"), unit: bottle250ml, price: mad(80, 150, fiveDH),
			description: arFr("زيت معصور على البارد، للسلطات والأطباق الباردة.", "Huile pressée à froid, pour les salades et les plats froids.")},
		{name: text("لوز محمص ومملح", "Amandes grillées salées", "Salted roasted almonds"), unit: bag250, price: mad(30, 50, halfDirham),
			description: arFr("لوز محمص في الفرن ومملح قليلا.", "Amandes grillées au four et légèrement salées.")},
	}},
	{slug: "caroube", name: text("الخروب", "Caroube", "Carob"), products: []product{
		{name: text("دقيق الخروب", "Farine de caroube", "Carob flour"), unit: bag500, price: mad(20, 35, halfDirham),
			description: arFr("دقيق خروب محمص، بديل طبيعي للكاكاو.", "Farine de caroube torréfiée, substitut naturel du cacao.")},
		{name: text("دبس الخروب", "Sirop de caroube", "Carob syrup"), unit: bottle500ml, price: mad(35, 60, halfDirham),
			description: arFr("دبس كثيف محضر من قرون الخروب دون سكر مضاف.", "Sirop épais de gousses de caroube, sans sucre ajouté.")},
		{name: text("قرون الخروب المجففة", "Gousses de caroube séchées", "Dried carob pods"), unit: perKg, price: mad(10, 20, halfDirham),
			description: arFr("قرون خروب بري مجففة في الشمس.", "Gousses de caroube sauvage séchées au soleil.")},
		{name: text("معجون الخروب", "Pâte à tartiner à la caroube", "Carob spread"), unit: jar250, price: mad(30, 50, halfDirham),
			description: arFr("معجون خروب ولوز للدهن على الخبز.", "Pâte de caroube et d'amandes à tartiner.")},
	}},
	{slug: "agrumes", name: text("البرتقال والحوامض", "Oranges et agrumes", "Oranges and citrus"), products: []product{
		{name: text("برتقال ماروك لايت", "Oranges Maroc Late", "Maroc Late oranges"), unit: crate10kg, price: mad(40, 70, fiveDH), labels: []string{labelAgricultural},
			description: arFr("برتقال متأخر من سهل تادلة، غني بالعصير.", "Oranges tardives de la plaine du Tadla, riches en jus.")},
		{name: text("عصير البرتقال الطازج", "Jus d'orange frais", "Fresh orange juice"), unit: bottle1l, price: mad(12, 20, halfDirham),
			description: arFr("عصير معصور في اليوم نفسه، دون سكر مضاف.", "Jus pressé le jour même, sans sucre ajouté.")},
		{name: text("مربى البرتقال المر", "Confiture d'oranges amères", "Bitter orange marmalade"), unit: jar370, price: mad(25, 40, halfDirham),
			description: arFr("مربى محضر بقشور البرتقال المر على نار هادئة.", "Confiture cuite à feu doux avec les écorces d'oranges amères.")},
		{name: text("قشور البرتقال المسكرة", "Écorces d'orange confites", "Candied orange peel"), unit: bag250, price: mad(25, 45, halfDirham),
			description: arFr("قشور برتقال مسكرة للحلويات التقليدية.", "Écorces confites pour la pâtisserie traditionnelle.")},
		{name: text("ماء الزهر", "Eau de fleur d'oranger", "Orange blossom water"), unit: bottle500ml, price: mad(20, 35, halfDirham),
			description: arFr("ماء زهر مقطر تقليديا من أزهار البرتقال المر.", "Eau florale distillée à l'ancienne de fleurs de bigaradier.")},
	}},
	{slug: "figues-et-grenades", name: text("التين والرمان", "Figues et grenades", "Figs and pomegranates"), products: []product{
		{name: text("تين مجفف", "Figues sèches", "Dried figs"), unit: perKg, price: mad(50, 90, fiveDH),
			description: arFr("تين مجفف في الشمس على الطريقة التقليدية.", "Figues séchées au soleil à la manière traditionnelle.")},
		{name: text("قلادة التين المجفف", "Chapelet de figues sèches", "String of dried figs"), unit: figString, price: mad(60, 100, fiveDH),
			description: arFr("تين مجفف منظوم في خيط، كما يحفظ في القرى.", "Figues sèches enfilées sur une ficelle, comme on les garde au village.")},
		{name: text("رمان سفري", "Grenades Sefri", "Sefri pomegranates"), unit: perKg, price: mad(10, 20, halfDirham), labels: []string{labelIGP}, seasonal: true,
			description: arFr("رمان حلو بحبات كبيرة، يجنى في الخريف.", "Grenades douces à gros grains, récoltées en automne.")},
		{name: text("عصير الرمان", "Jus de grenade", "Pomegranate juice"), unit: bottle1l, price: mad(25, 40, halfDirham),
			description: arFr("عصير رمان طبيعي مبستر.", "Jus de grenade naturel, pasteurisé.")},
		{name: text("مربى التين", "Confiture de figues", "Fig jam"), unit: jar370, price: mad(30, 45, halfDirham),
			description: arFr("مربى تين بالسمسم وقليل من القرفة.", "Confiture de figues au sésame et à une pointe de cannelle.")},
	}},
	{slug: "couscous-et-pates", name: text("الكسكس والعجائن التقليدية", "Couscous et pâtes artisanales", "Couscous and traditional pasta"), products: []product{
		{name: text("كسكس الشعير المفتول يدويا", "Couscous d'orge roulé à la main", "Hand-rolled barley couscous"), unit: perKg, price: mad(25, 45, halfDirham),
			description: arFr("كسكس شعير مفتول ومجفف في الظل.", "Couscous d'orge roulé à la main et séché à l'ombre.")},
		{name: text("كسكس القمح الصلب", "Couscous de blé dur", "Durum wheat couscous"), unit: perKg, price: mad(20, 35, halfDirham),
			description: arFr("كسكس رقيق من قمح صلب محلي.", "Couscous fin de blé dur du pays.")},
		{name: text("كسكس الذرة (البداز)", "Couscous de maïs (baddaz)", "Maize couscous (baddaz)"), unit: perKg, price: mad(20, 35, halfDirham),
			description: arFr("كسكس الذرة الصفراء، طبق الجبل التقليدي.", "Couscous de maïs jaune, plat traditionnel de la montagne.")},
		{name: text("الشعرية التقليدية", "Vermicelles artisanaux", "Hand-made vermicelli"), unit: perKg, price: mad(25, 40, halfDirham),
			description: arFr("شعرية رقيقة تفتل يدويا، للحريرة والسفة.", "Vermicelles fins roulés à la main, pour la harira et la seffa.")},
		{name: text("التشيشة", "Tchicha (orge concassée)", "Cracked barley (tchicha)"), unit: perKg, price: mad(15, 25, halfDirham),
			description: arFr("شعير مكسر لحساء التشيشة.", "Orge concassée pour la soupe de tchicha.")},
		{name: text("المحمصة", "Mhamsa (plombs roulés main)", "Hand-rolled pasta pearls (mhamsa)"), unit: perKg, price: mad(25, 40, halfDirham),
			description: arFr("حبات عجين تفتل يدويا وتحمص قليلا.", "Perles de pâte roulées à la main et légèrement grillées.")},
	}},
	{slug: "amlou", name: text("أملو", "Amlou", "Amlou"), products: []product{
		{name: text("أملو باللوز", "Amlou aux amandes", "Almond amlou"), unit: jar250, price: mad(45, 80, fiveDH),
			description: arFr("لوز محمص مطحون بالرحى مع العسل والزيت.", "Amandes grillées broyées à la meule avec du miel et de l'huile.")},
		{name: text("أملو باللوز والعسل الحر", "Amlou aux amandes et au miel pur", "Almond amlou with pure honey"), unit: jar500, price: mad(90, 150, fiveDH), labels: []string{labelAgricultural},
			description: arFr("أملو غني بالعسل الحر من مناحل التعاونية.", "Amlou riche en miel pur des ruchers de la coopérative.")},
		{name: text("أملو بالجوز", "Amlou aux noix", "Walnut amlou"), unit: jar250, price: mad(50, 90, fiveDH),
			description: arFr("صيغة جبلية للأملو محضرة بالجوز.", "Version montagnarde de l'amlou, préparée aux noix.")},
	}},
	{slug: "plantes-aromatiques-et-medicinales", name: text("النباتات العطرية والطبية", "Plantes aromatiques et médicinales", "Aromatic and medicinal plants"), products: []product{
		{name: text("زعتر مجفف", "Thym séché", "Dried thyme"), unit: bag100, price: mad(15, 30, halfDirham), labels: []string{labelBIO},
			description: arFr("زعتر بري مجني من الجبل ومجفف في الظل.", "Thym sauvage cueilli en montagne et séché à l'ombre.")},
		{name: text("إكليل الجبل المجفف", "Romarin séché", "Dried rosemary"), unit: bag100, price: mad(12, 25, halfDirham), labels: []string{labelBIO},
			description: arFr("إكليل الجبل للطبخ والمنقوعات.", "Romarin pour la cuisine et les infusions.")},
		{name: text("فليو", "Menthe pouliot (fliou)", "Pennyroyal (fliou)"), unit: bag50, price: mad(10, 20, halfDirham),
			description: arFr("فليو مجفف، يضاف إلى الشاي في الشتاء.", "Menthe pouliot séchée, à ajouter au thé en hiver.")},
		{name: text("اللويزة", "Verveine odorante", "Lemon verbena"), unit: bag50, price: mad(15, 25, halfDirham),
			description: arFr("أوراق لويزة مجففة للمنقوعات المهدئة.", "Feuilles de verveine séchées pour des infusions apaisantes.")},
		{name: text("ماء إكليل الجبل المقطر", "Eau florale de romarin", "Rosemary floral water"), unit: bottle250ml, price: mad(30, 50, halfDirham),
			description: arFr("ماء مقطر في قطارة تقليدية من النحاس.", "Eau distillée dans un alambic traditionnel en cuivre.")},
		{name: text("الزيت العطري للزعتر", "Huile essentielle de thym", "Thyme essential oil"), unit: vial10ml, price: mad(60, 120, fiveDH),
			description: arFr("زيت عطري مقطر، يستعمل بحذر وبكميات قليلة.", "Huile essentielle distillée, à utiliser avec précaution et en petite quantité.")},
		{name: text("خليط أعشاب الأطلس الكبير", "Tisane du Haut Atlas", "High Atlas herbal tea"), unit: bag100, price: mad(25, 40, halfDirham),
			description: arFr("خليط من الزعتر والفليو واللويزة وإكليل الجبل.", "Mélange de thym, de menthe pouliot, de verveine et de romarin.")},
	}},
	{slug: "produits-laitiers", name: text("منتجات الحليب وجبن الماعز", "Produits laitiers et fromage de chèvre", "Dairy and goat cheese"), products: []product{
		{name: text("جبن الماعز الطري", "Fromage frais de chèvre", "Fresh goat cheese"), unit: piece250g, price: mad(30, 50, fiveDH), labels: []string{labelAgricultural},
			description: arFr("جبن طري من حليب ماعز المراعي الجبلية.", "Fromage frais au lait de chèvres des pâturages de montagne.")},
		{name: text("جبن الماعز المعتق", "Fromage de chèvre affiné", "Aged goat cheese"), unit: piece250g, price: mad(50, 90, fiveDH),
			description: arFr("جبن معتق لمدة ثلاثة أسابيع في قبو التعاونية.", "Fromage affiné trois semaines dans la cave de la coopérative.")},
		{name: text("الجبن البلدي", "Jben (fromage frais)", "Fresh farm cheese (jben)"), unit: piece250g, price: mad(15, 25, halfDirham),
			description: arFr("جبن بلدي طري من حليب البقر، يؤكل في اليوم نفسه.", "Fromage frais de lait de vache, à consommer dans la journée.")},
		{name: text("الزبدة البلدية", "Beurre beldi", "Farm butter"), unit: jar500, price: mad(45, 70, fiveDH),
			description: arFr("زبدة مخضوضة في الشكوة على الطريقة التقليدية.", "Beurre baratté dans l'outre, à la manière traditionnelle.")},
		{name: text("السمن البلدي", "Smen (beurre clarifié salé)", "Aged butter (smen)"), unit: jar500, price: mad(70, 120, fiveDH),
			description: arFr("سمن معتق بالملح، لإعداد الكسكس والطواجين.", "Beurre salé et vieilli, pour le couscous et les tajines.")},
		{name: text("اللبن", "Lben (lait fermenté)", "Buttermilk (lben)"), unit: bottle1l, price: mad(8, 12, dirham),
			description: arFr("لبن طازج من حليب مجمع في الصباح.", "Lben frais du lait collecté le matin.")},
		{name: text("الرايب", "Raïb (lait caillé)", "Set yoghurt (raïb)"), unit: jar500, price: mad(8, 15, halfDirham),
			description: arFr("حليب رائب طبيعي دون إضافات.", "Lait caillé nature, sans additif.")},
	}},
}

var handicraft = []category{
	{slug: "tapis", name: text("الزرابي", "Tapis", "Rugs and carpets"), products: []product{
		{name: text("زربية أزيلال من الصوف الطبيعي (1.5 × 2.5 م)", "Tapis d'Azilal en laine naturelle (1,5 × 2,5 m)", "Azilal rug in natural wool (1.5 × 2.5 m)"), unit: piece, price: mad(2500, 6500, hundredDH),
			description: arFr("زربية معقودة يدويا بألوان زاهية وزخارف أمازيغية.", "Tapis noué main aux couleurs vives et aux motifs amazighs.")},
		{name: text("زربية أزيلال كبيرة (2 × 3 م)", "Grand tapis d'Azilal (2 × 3 m)", "Large Azilal rug (2 × 3 m)"), unit: piece, price: mad(5000, 12000, hundredDH),
			description: arFr("زربية كبيرة تتطلب عدة أشهر من العمل على المنسج.", "Grand tapis qui demande plusieurs mois de travail sur le métier.")},
		{name: text("زربية زيانية (1.5 × 2 م)", "Tapis zayane (1,5 × 2 m)", "Zayane rug (1.5 × 2 m)"), unit: piece, price: mad(2000, 5000, hundredDH),
			description: arFr("زربية من الأطلس المتوسط بألوان حمراء داكنة.", "Tapis du Moyen Atlas aux tons rouges profonds.")},
		{name: text("بوشرويط", "Boucherouite (tapis en tissu recyclé)", "Boucherouite (rag rug)"), unit: piece, price: mad(600, 1500, fiftyDH),
			description: arFr("زربية ملونة منسوجة من أثواب معاد تدويرها.", "Tapis coloré tissé de chutes de tissu recyclées.")},
		{name: text("سجادة صلاة منسوجة يدويا", "Tapis de prière tissé main", "Hand-woven prayer rug"), unit: piece, price: mad(400, 900, fiftyDH),
			description: arFr("سجادة صغيرة من الصوف بزخرفة المحراب.", "Petit tapis de laine au motif de mihrab.")},
		{name: text("وسادة منسوجة", "Coussin tissé", "Woven cushion"), unit: piece, price: mad(150, 350, tenDH),
			description: arFr("غطاء وسادة منسوج على المنسج بصوف ملون.", "Housse de coussin tissée sur métier en laine colorée.")},
	}},
	{slug: "couvertures-en-laine", name: text("الحنبل والحنديرة", "Handira et couvertures en laine", "Woollen blankets (handira)"), products: []product{
		{name: text("حنديرة", "Handira (couverture de mariage)", "Handira (wedding blanket)"), unit: piece, price: mad(1200, 3500, fiftyDH),
			description: arFr("غطاء صوفي تقليدي مزين بالترتر، يهدى للعروس.", "Couverture de laine traditionnelle ornée de paillettes, offerte à la mariée.")},
		{name: text("غطاء صوفي منسوج يدويا (2 × 2.5 م)", "Couverture en laine tissée main (2 × 2,5 m)", "Hand-woven wool blanket (2 × 2.5 m)"), unit: piece, price: mad(700, 1600, fiftyDH),
			description: arFr("غطاء دافئ من صوف الأغنام المحلية.", "Couverture chaude en laine de moutons du pays.")},
		{name: text("حنبل", "Hanbel (tapis tissé plat)", "Hanbel (flat-woven rug)"), unit: piece, price: mad(900, 2500, fiftyDH),
			description: arFr("حنبل منسوج بخطوط هندسية، يستعمل فراشا أو غطاء.", "Tissage plat à motifs géométriques, tapis ou couverture.")},
		{name: text("برنس صوفي", "Burnous en laine", "Wool burnous"), unit: piece, price: mad(1500, 4000, hundredDH),
			description: arFr("برنس منسوج يدويا من صوف رقيق.", "Burnous tissé à la main en laine fine.")},
		{name: text("وشاح صوفي", "Écharpe en laine", "Wool scarf"), unit: piece, price: mad(120, 300, tenDH),
			description: arFr("وشاح خفيف منسوج على المنسج التقليدي.", "Écharpe légère tissée sur métier traditionnel.")},
	}},
	{slug: "poterie", name: text("الفخار", "Poterie", "Pottery"), products: []product{
		{name: text("طاجين طيني (لأربعة أشخاص)", "Tajine en terre cuite (4 personnes)", "Clay tagine (serves 4)"), unit: piece, price: mad(40, 90, fiveDH),
			description: arFr("طاجين للطهي على الفحم أو الغاز.", "Tajine de cuisson, pour le charbon ou le gaz.")},
		{name: text("جرة للماء", "Jarre à eau", "Water jar"), unit: piece, price: mad(80, 200, tenDH),
			description: arFr("جرة تحفظ برودة الماء في الصيف.", "Jarre qui garde l'eau fraîche en été.")},
		{name: text("قصعة مزججة", "Plat à couscous émaillé", "Glazed couscous dish"), unit: piece, price: mad(120, 300, tenDH),
			description: arFr("قصعة كبيرة مزججة لتقديم الكسكس.", "Grand plat émaillé pour servir le couscous.")},
		{name: text("مجمر طيني", "Brasero en terre (kanoun)", "Clay brazier (kanoun)"), unit: piece, price: mad(50, 120, fiveDH),
			description: arFr("مجمر لإعداد الشاي والمشويات.", "Brasero pour le thé et les grillades.")},
		{name: text("طقم من 6 أوان طينية", "Lot de 6 bols en terre", "Set of 6 clay bowls"), unit: set, price: mad(90, 180, tenDH),
			description: arFr("أوان للحريرة والحساء، مصنوعة يدويا.", "Bols à harira et à soupe façonnés à la main.")},
		{name: text("طاجين زخرفي مرسوم يدويا", "Tajine décoratif peint à la main", "Hand-painted decorative tagine"), unit: piece, price: mad(150, 400, tenDH),
			description: arFr("طاجين للزينة بزخارف هندسية.", "Tajine de décoration aux motifs géométriques.")},
	}},
	{slug: "vannerie-en-doum", name: text("منتجات الدوم", "Vannerie en doum", "Doum-palm basketry"), products: []product{
		{name: text("سلة من الدوم", "Panier en doum", "Doum basket"), unit: piece, price: mad(40, 120, fiveDH),
			description: arFr("سلة مضفورة يدويا من سعف الدوم.", "Panier tressé à la main en feuilles de doum.")},
		{name: text("حصير الدوم", "Natte en doum", "Doum mat"), unit: piece, price: mad(150, 400, tenDH),
			description: arFr("حصير متين للأرض أو للجدار.", "Natte solide pour le sol ou le mur.")},
		{name: text("قبعة من الدوم", "Chapeau en doum", "Doum hat"), unit: piece, price: mad(40, 90, fiveDH),
			description: arFr("قبعة واسعة تحمي من الشمس.", "Chapeau à large bord contre le soleil.")},
		{name: text("قفة من الدوم", "Couffin en doum", "Doum shopping basket"), unit: piece, price: mad(50, 120, fiveDH),
			description: arFr("قفة التسوق التقليدية.", "Le couffin traditionnel du marché.")},
		{name: text("طبق الخبز من الدوم", "Corbeille à pain en doum", "Doum bread tray"), unit: piece, price: mad(30, 80, fiveDH),
			description: arFr("طبق دائري لتقديم الخبز.", "Corbeille ronde pour servir le pain.")},
		{name: text("مروحة من الدوم", "Éventail en doum", "Doum fan"), unit: piece, price: mad(10, 25, dirham),
			description: arFr("مروحة يدوية لأيام الحر.", "Éventail à main pour les jours de chaleur.")},
	}},
	{slug: "bois-de-cedre", name: text("منتجات خشب الأرز", "Artisanat en bois de cèdre", "Cedar woodwork"), products: []product{
		{name: text("صندوق من خشب الأرز المنقوش", "Coffre en cèdre sculpté", "Carved cedar chest"), unit: piece, price: mad(800, 3000, fiftyDH),
			description: arFr("صندوق منقوش يدويا، يحفظ الثياب برائحة الأرز.", "Coffre sculpté main, qui parfume le linge à l'odeur du cèdre.")},
		{name: text("صينية من خشب الأرز", "Plateau en cèdre", "Cedar tray"), unit: piece, price: mad(150, 450, tenDH),
			description: arFr("صينية لتقديم الشاي.", "Plateau pour servir le thé.")},
		{name: text("علبة مجوهرات من خشب الأرز", "Boîte à bijoux en cèdre", "Cedar jewellery box"), unit: piece, price: mad(120, 300, tenDH),
			description: arFr("علبة صغيرة منقوشة بزخارف نباتية.", "Petite boîte sculptée de motifs floraux.")},
		{name: text("مرآة بإطار من خشب الأرز", "Miroir à cadre en cèdre sculpté", "Mirror with carved cedar frame"), unit: piece, price: mad(400, 1200, fiftyDH),
			description: arFr("مرآة بإطار منقوش على الطريقة التقليدية.", "Miroir au cadre sculpté à la manière traditionnelle.")},
		{name: text("ملاعق ومغارف خشبية", "Cuillères et louches en bois", "Wooden spoons and ladles"), unit: set, price: mad(40, 90, fiveDH),
			description: arFr("أدوات مطبخ من خشب الأرز والجوز.", "Ustensiles de cuisine en cèdre et en noyer.")},
		{name: text("مائدة منخفضة من خشب الأرز", "Table basse en cèdre", "Cedar low table"), unit: piece, price: mad(1500, 4000, hundredDH),
			description: arFr("مائدة تقليدية مستديرة للصالون المغربي.", "Table ronde traditionnelle pour le salon marocain.")},
	}},
	{slug: "broderie-et-couture", name: text("الطرز والخياطة", "Broderie et couture", "Embroidery and sewing"), products: []product{
		{name: text("قفطان مطرز يدويا", "Caftan brodé main", "Hand-embroidered kaftan"), unit: piece, price: mad(1500, 5000, hundredDH),
			description: arFr("قفطان بطرز يدوي وعقاد مصنوعة بالإبرة.", "Caftan brodé main, aux boutons passementés à l'aiguille.")},
		{name: text("جلابة بزيوية من الصوف الرقيق", "Djellaba bzioui en laine fine", "Fine wool djellaba (bzioui)"), unit: piece, price: mad(1800, 6000, hundredDH),
			description: arFr("جلابة منسوجة بدقة على طريقة صناع بزو.", "Djellaba au tissage fin, à la manière des artisans de Bzou.")},
		{name: text("مفرش مائدة مطرز (6 أشخاص)", "Nappe brodée (6 couverts)", "Embroidered tablecloth (6 places)"), unit: piece, price: mad(250, 700, tenDH),
			description: arFr("مفرش من الكتان بطرز تقليدي.", "Nappe en lin à broderie traditionnelle.")},
		{name: text("وسادة مطرزة", "Coussin brodé", "Embroidered cushion"), unit: piece, price: mad(90, 250, tenDH),
			description: arFr("غطاء وسادة مطرز بخيوط الحرير.", "Housse de coussin brodée au fil de soie.")},
		{name: text("بلغة مطرزة", "Babouches brodées", "Embroidered babouches"), unit: pair, price: mad(120, 280, tenDH),
			description: arFr("بلغة من الجلد مطرزة بخيوط ملونة.", "Babouches en cuir brodées de fils colorés.")},
		{name: text("مناديل مطرزة (6 قطع)", "Serviettes brodées (lot de 6)", "Embroidered napkins (set of 6)"), unit: set, price: mad(120, 250, tenDH),
			description: arFr("مناديل قطنية بطرز يدوي.", "Serviettes en coton brodées à la main.")},
	}},
}

var services = []category{
	{slug: "gites-et-guides", name: text("الإيواء القروي والإرشاد الجبلي", "Gîtes et guides de montagne", "Rural lodging and mountain guides"), products: []product{
		{name: text("ليلة في مأوى قروي بنصف إقامة", "Nuitée en gîte, demi-pension", "Night in a guesthouse, half board"), unit: perNight, price: mad(180, 350, tenDH),
			description: arFr("غرفة في بيت طيني تقليدي مع العشاء والفطور.", "Chambre dans une maison de terre traditionnelle, dîner et petit-déjeuner compris.")},
		{name: text("جولة مشي ليوم واحد مع مرشد", "Randonnée d'une journée avec guide", "Day hike with a guide"), unit: perGroupDay, price: mad(400, 700, fiftyDH),
			description: arFr("مسار بين القرى والحقول مع مرشد جبلي معتمد.", "Circuit entre villages et cultures avec un guide de montagne diplômé.")},
		{name: text("رحلة جبلية لثلاثة أيام في الأطلس الكبير", "Trek de trois jours dans le Haut Atlas", "Three-day trek in the High Atlas"), unit: perPerson, price: mad(1500, 3000, hundredDH),
			description: arFr("رحلة مع الإيواء عند السكان والبغال لحمل الأمتعة.", "Trek avec nuits chez l'habitant et mules pour les bagages.")},
		{name: text("كراء بغل مع مرافقه", "Mule et muletier", "Mule and muleteer hire"), unit: perDay, price: mad(150, 250, tenDH),
			description: arFr("بغل لحمل الأمتعة مع مرافق من القرية.", "Une mule pour les bagages, menée par un muletier du village.")},
		{name: text("وجبة تقليدية عند السكان", "Repas traditionnel chez l'habitant", "Home-cooked traditional meal"), unit: perPerson, price: mad(80, 150, tenDH),
			description: arFr("طاجين أو كسكس في بيت قروي.", "Tajine ou couscous dans une maison du village.")},
	}},
	{slug: "formation-et-conseil", name: text("التكوين والاستشارة", "Formation et conseil", "Training and consulting"), products: []product{
		{name: text("تكوين في تدبير التعاونيات (يومان)", "Formation à la gestion d'une coopérative (2 jours)", "Cooperative management training (2 days)"), unit: perTrainee, price: mad(300, 800, fiftyDH),
			description: arFr("التسيير والمحاسبة والجموع العامة.", "Gouvernance, comptabilité et assemblées générales.")},
		{name: text("مواكبة محاسبية", "Accompagnement comptable", "Bookkeeping support"), unit: perMonth, price: mad(500, 1200, fiftyDH),
			description: arFr("مسك الحسابات وإعداد القوائم السنوية.", "Tenue des comptes et préparation des états annuels.")},
		{name: text("إعداد ملف التمويل", "Montage d'un dossier de financement", "Funding application support"), unit: flatFee, price: mad(1500, 4000, hundredDH),
			description: arFr("دراسة المشروع وإعداد الملف وتتبعه لدى الممول.", "Étude du projet, montage du dossier et suivi auprès du bailleur.")},
		{name: text("ورشة تصوير المنتجات والبيع عبر الإنترنت", "Atelier photo produit et vente en ligne", "Product photography and online sales workshop"), unit: perTrainee, price: mad(200, 500, fiftyDH),
			description: arFr("يوم تطبيقي بالهاتف الذكي.", "Une journée pratique avec un smartphone.")},
		{name: text("دراسة سوق مبسطة", "Étude de marché simplifiée", "Simple market study"), unit: flatFee, price: mad(2000, 6000, hundredDH),
			description: arFr("تحليل الزبناء والمنافسين والأسعار لمنتوج واحد.", "Clients, concurrents et prix pour un produit.")},
	}},
	{slug: "cuisine-traditionnelle", name: text("الطبخ التقليدي", "Cuisine traditionnelle", "Traditional catering"), products: []product{
		{name: text("كسكس بالخضر السبع (لستة أشخاص)", "Couscous aux sept légumes (6 personnes)", "Seven-vegetable couscous (serves 6)"), unit: dish, price: mad(200, 350, tenDH),
			description: arFr("يحضر حسب الطلب، مع اللحم أو بدونه.", "Préparé sur commande, avec ou sans viande.")},
		{name: text("طاجين الدجاج البلدي بالزيتون (لأربعة أشخاص)", "Tajine de poulet beldi aux olives (4 personnes)", "Free-range chicken tagine with olives (serves 4)"), unit: dish, price: mad(180, 300, tenDH),
			description: arFr("دجاج بلدي بالحامض المرقد والزيتون.", "Poulet beldi au citron confit et aux olives.")},
		{name: text("حلويات باللوز", "Pâtisseries aux amandes", "Almond pastries"), unit: perKg, price: mad(120, 220, tenDH),
			description: arFr("كعب الغزال والغريبة والبريوات.", "Cornes de gazelle, ghriba et briouates.")},
		{name: text("مسمن وبغرير", "Msemen et baghrir", "Msemen and baghrir pancakes"), unit: dozen, price: mad(30, 60, halfDirham),
			description: arFr("فطائر تقليدية للفطور وحفلات الشاي.", "Crêpes traditionnelles pour le petit-déjeuner et le thé.")},
		{name: text("بوفيه للندوات", "Buffet pour séminaire", "Seminar buffet"), unit: perPerson, price: mad(90, 180, tenDH),
			description: arFr("استراحة قهوة أو غداء بمنتجات التعاونيات.", "Pause-café ou déjeuner avec les produits des coopératives.")},
	}},
}

// createCategories writes the tree, parents first, and returns the IDs by slug.
func (s *seeder) createCategories(ctx context.Context, c *ent.Client) (map[string]string, error) {
	ids := map[string]string{}
	created := time.Date(2018, 5, 2, 10, 30, 0, 0, time.UTC)
	var tops, children []*ent.CategoryCreate
	for i, top := range categories {
		ids[top.slug] = s.ids.next(gid.Category)
		tops = append(tops, c.Category.Create().
			SetID(ids[top.slug]).
			SetCreatedAt(created).
			SetUpdatedAt(created).
			SetName(top.name).
			SetDescription(top.description).
			SetSlug(top.slug).
			SetPosition(i+1))
		for j, child := range top.children {
			ids[child.slug] = s.ids.next(gid.Category)
			children = append(children, c.Category.Create().
				SetID(ids[child.slug]).
				SetCreatedAt(created).
				SetUpdatedAt(created).
				SetParentID(ids[top.slug]).
				SetName(child.name).
				SetSlug(child.slug).
				SetPosition(j+1))
		}
	}
	if err := c.Category.CreateBulk(tops...).Exec(ctx); err != nil {
		return nil, err
	}
	err := inBatches(ctx, children, func(ctx context.Context, b []*ent.CategoryCreate) error {
		return c.Category.CreateBulk(b...).Exec(ctx)
	})
	return ids, err
}

// leaves indexes the product categories by slug.
var leaves = func() map[string]*category {
	m := map[string]*category{}
	for i := range categories {
		for j := range categories[i].children {
			leaf := &categories[i].children[j]
			m[leaf.slug] = leaf
		}
	}
	return m
}()

// offer is a product an organisation sells: a template and its category.
type offer struct {
	category string
	product  *product
}

// offers draws n different products for an activity: two thirds or more from its main
// category, the rest from the others it also sells.
func (s *seeder) offers(a *activity, n int) []offer {
	var main, other []offer
	for i, slug := range a.categories {
		for j := range leaves[slug].products {
			o := offer{category: slug, product: &leaves[slug].products[j]}
			if i == 0 {
				main = append(main, o)
			} else {
				other = append(other, o)
			}
		}
	}
	main, other = shuffled(s, main), shuffled(s, other)
	k := min(len(main), n-n/3)
	out := append(main[:k:k], other[:min(len(other), n-k)]...)
	if rest := n - len(out); rest > 0 {
		out = append(out, main[k:min(len(main), k+rest)]...)
	}
	return out
}

// createProducts writes the products of every organisation.
func (s *seeder) createProducts(ctx context.Context, c *ent.Client, orgs []*organisation, categoryIDs map[string]string) error {
	var builders []*ent.ProductCreate
	for _, o := range orgs {
		if o.activity == nil {
			continue
		}
		n := s.between(o.activity.products[0], o.activity.products[1])
		for _, off := range s.offers(o.activity, n) {
			builders = append(builders, s.product(c, o, off, categoryIDs[off.category]))
		}
	}
	return inBatches(ctx, builders, func(ctx context.Context, b []*ent.ProductCreate) error {
		return c.Product.CreateBulk(b...).Exec(ctx)
	})
}

func (s *seeder) product(c *ent.Client, o *organisation, off offer, categoryID string) *ent.ProductCreate {
	p := off.product
	name := p.name
	if !s.chance(0.85) {
		name = without(name, i18n.EN)
	}
	created := s.timeIn(o.created, 10*24*time.Hour)
	available := s.chance(0.92)
	if p.seasonal {
		available = s.chance(0.3)
	}
	id := s.ids.next(gid.Product)
	return c.Product.Create().
		SetID(id).
		SetCreatedAt(created).
		SetUpdatedAt(created).
		SetExhibitorID(o.id).
		SetCategoryID(categoryID).
		SetName(name).
		SetDescription(compose(p.description, o.origin())).
		SetUnit(p.unit).
		SetPrice(money.Money{MinorUnits: s.price(p.price), Currency: money.DefaultCurrency}).
		SetLabels(s.productLabels(o, p)).
		SetAvailable(available).
		SetImageUrls([]string{pictures.Path(pictures.Product, off.category+"-"+strings.ToLower(strings.TrimPrefix(id, gid.Product+"_")))})
}

// price draws a price in centimes.
func (s *seeder) price(r priceRange) int64 {
	steps := (r.hi - r.lo) * 100 / r.step
	return r.lo*100 + s.rng.Int64N(steps+1)*r.step
}

// productLabels draws the quality signs of a product: some of those its template allows, and
// BIO only from a producer certified organic.
func (s *seeder) productLabels(o *organisation, p *product) []string {
	labels := []string{}
	for _, l := range p.labels {
		if l == labelBIO && !o.hasLabel(labelBIO) {
			continue
		}
		if s.chance(0.3) {
			labels = append(labels, l)
		}
	}
	return labels
}
