package demo

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"maarid"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/gid"
	"maarid/i18n"
	"maarid/pictures"
)

// province is a province of the region (or OTHER, outside it) and the communes its demo
// exhibitors come from.
type province struct {
	code       exhibitor.Province
	name       i18n.Text // as it follows a commune's name: « province d'Azilal »; nil for OTHER
	exhibitors int       // cooperatives and associations drawn in it
	communes   []commune
}

// commune is a commune and what its cooperatives are known for.
type commune struct {
	name        i18n.Text
	short       i18n.Text // in exhibitor names, when shorter than name
	specialties []string  // activity keys
}

// label is the form of the commune's name that ends an exhibitor's name.
func (c *commune) label() i18n.Text {
	if c.short != nil {
		return c.short
	}
	return c.name
}

// provinces lists the five provinces of Béni Mellal-Khénifra, the host province first and with
// the most exhibitors, then a few guests from elsewhere in Morocco; the communes are those of
// region.md.
var provinces = []province{
	{code: exhibitor.ProvinceAZILAL, name: text("إقليم أزيلال", "province d'Azilal", "Azilal province"), exhibitors: 48, communes: []commune{
		{name: text("أزيلال", "Azilal", "Azilal"), specialties: []string{"rugs", "wool", "honey", "aromatic", "training", "catering", "produce"}},
		{name: text("دمنات", "Demnate", "Demnate"), specialties: []string{"pottery", "olive", "honey", "figs", "carob"}},
		{name: text("واويزغت", "Ouaouizeght", "Ouaouizeght"), specialties: []string{"rugs", "honey", "olive", "embroidery"}},
		{name: text("بزو", "Bzou", "Bzou"), specialties: []string{"embroidery", "wool", "olive", "figs"}},
		{name: text("أفورار", "Afourer", "Afourer"), specialties: []string{"olive", "citrus", "couscous", "dairy"}},
		{name: text("فم الجمعة", "Foum Jemaa", "Foum Jemaa"), specialties: []string{"olive", "honey", "carob", "couscous"}},
		{name: text("تبانت (آيت بوكماز)", "Tabant (Aït Bouguemez)", "Tabant (Aït Bouguemez)"), short: text("آيت بوكماز", "Aït Bouguemez", "Aït Bouguemez"),
			specialties: []string{"lodging", "nuts", "rugs", "honey"}},
		{name: text("تنانت", "Tanant", "Tanant"), specialties: []string{"nuts", "carob", "honey", "aromatic"}},
	}},
	{code: exhibitor.ProvinceBENI_MELLAL, name: text("إقليم بني ملال", "province de Béni Mellal", "Béni Mellal province"), exhibitors: 32, communes: []commune{
		{name: text("بني ملال", "Béni Mellal", "Béni Mellal"), specialties: []string{"citrus", "olive", "figs", "training", "catering", "embroidery", "dairy"}},
		{name: text("قصبة تادلة", "Kasba Tadla", "Kasba Tadla"), specialties: []string{"citrus", "dairy", "couscous", "pottery"}},
		{name: text("القصيبة", "El Ksiba", "El Ksiba"), specialties: []string{"honey", "nuts", "carob", "rugs"}},
		{name: text("زاوية الشيخ", "Zaouïat Cheikh", "Zaouïat Cheikh"), specialties: []string{"wool", "honey", "aromatic", "olive"}},
		{name: text("فم أودي", "Foum Oudi", "Foum Oudi"), specialties: []string{"olive", "figs", "citrus"}},
	}},
	{code: exhibitor.ProvinceFQUIH_BEN_SALAH, name: text("إقليم الفقيه بن صالح", "province de Fquih Ben Salah", "Fquih Ben Salah province"), exhibitors: 22, communes: []commune{
		{name: text("الفقيه بن صالح", "Fquih Ben Salah", "Fquih Ben Salah"), specialties: []string{"dairy", "citrus", "couscous", "training", "embroidery"}},
		{name: text("سوق السبت أولاد النمة", "Souk Sebt Oulad Nemma", "Souk Sebt Oulad Nemma"), specialties: []string{"figs", "citrus", "couscous", "dairy"}},
		{name: text("أولاد عياد", "Oulad Ayad", "Oulad Ayad"), specialties: []string{"dairy", "olive", "couscous"}},
		{name: text("دار ولد زيدوح", "Dar Ould Zidouh", "Dar Ould Zidouh"), specialties: []string{"dairy", "couscous", "embroidery", "figs"}},
	}},
	{code: exhibitor.ProvinceKHENIFRA, name: text("إقليم خنيفرة", "province de Khénifra", "Khénifra province"), exhibitors: 24, communes: []commune{
		{name: text("خنيفرة", "Khénifra", "Khénifra"), specialties: []string{"cedar", "rugs", "honey", "training", "embroidery"}},
		{name: text("مريرت", "M'rirt", "M'rirt"), specialties: []string{"rugs", "wool", "cedar"}},
		{name: text("أكلموس", "Aguelmous", "Aguelmous"), specialties: []string{"honey", "aromatic", "rugs", "dairy"}},
		{name: text("القباب", "El Kbab", "El Kbab"), specialties: []string{"rugs", "wool", "pottery", "doum"}},
		{name: text("الهري", "Lehri", "Lehri"), specialties: []string{"honey", "aromatic", "dairy", "cedar"}},
	}},
	{code: exhibitor.ProvinceKHOURIBGA, name: text("إقليم خريبكة", "province de Khouribga", "Khouribga province"), exhibitors: 21, communes: []commune{
		{name: text("خريبكة", "Khouribga", "Khouribga"), specialties: []string{"couscous", "embroidery", "training", "catering", "pottery"}},
		{name: text("وادي زم", "Oued Zem", "Oued Zem"), specialties: []string{"couscous", "embroidery", "dairy", "produce"}},
		{name: text("بوجنيبة", "Boujniba", "Boujniba"), specialties: []string{"embroidery", "couscous", "catering"}},
		{name: text("حطان", "Hattane", "Hattane"), specialties: []string{"doum", "aromatic", "carob"}},
		{name: text("بولنوار", "Boulanouar", "Boulanouar"), specialties: []string{"doum", "honey", "couscous"}},
	}},
	// Guests from outside the region, each with its own craft or produce.
	{code: exhibitor.ProvinceOTHER, exhibitors: 5, communes: []commune{
		{name: text("آسفي", "Safi", "Safi"), specialties: []string{"pottery"}},
		{name: text("فاس", "Fès", "Fez"), specialties: []string{"embroidery"}},
		{name: text("شفشاون", "Chefchaouen", "Chefchaouen"), specialties: []string{"dairy"}},
		{name: text("وزان", "Ouezzane", "Ouezzane"), specialties: []string{"olive"}},
		{name: text("مراكش", "Marrakech", "Marrakesh"), specialties: []string{"training"}},
	}},
}

// provinceOf returns the demo province with code.
func provinceOf(code exhibitor.Province) *province {
	for i := range provinces {
		if provinces[i].code == code {
			return &provinces[i]
		}
	}
	panic("demo: no province " + code.String())
}

// activity is what a cooperative or an association does: it decides its sector, the end of
// its name, a sentence of its description and the products it sells.
type activity struct {
	sector  exhibitor.Sector
	purpose i18n.Text // ends the name: « pour le miel », « للعسل »; in English, the noun before "Cooperative"
	about   i18n.Text
	// categories it sells in, the main one first.
	categories   []string
	products     [2]int  // fewest and most products
	associations float64 // share of associations among its exhibitors; the rest are cooperatives
	womenLed     float64
	labels       []labelOdds
}

// labelOdds is the chance that an exhibitor holds a label.
type labelOdds struct {
	label string
	p     float64
}

// Labels an exhibitor may hold.
const (
	labelONSSA = "ONSSA" // sanitary authorisation of its premises
)

var (
	foodLabels    = []labelOdds{{labelONSSA, 0.55}}
	organicLabels = []labelOdds{{labelONSSA, 0.55}, {labelBIO, 0.2}}
)

var activities = map[string]*activity{
	"honey": {
		sector:     exhibitor.SectorAGRI_FOOD,
		purpose:    text("للعسل", "pour le miel", "Honey"),
		about:      text("تجني عسل الزعتر والسدر ومتعدد الأزهار من جبال الجهة، وتحضر الأملو.", "Elle récolte du miel de thym, de jujubier et toutes fleurs dans les montagnes de la région, et prépare de l'amlou.", "It harvests thyme, jujube and wildflower honey in the region's mountains, and makes amlou."),
		categories: []string{"miel", "amlou"}, products: [2]int{2, 8}, associations: 0.15, womenLed: 0.3, labels: organicLabels,
	},
	"olive": {
		sector:     exhibitor.SectorAGRI_FOOD,
		purpose:    text("لزيت الزيتون", "pour l'huile d'olive", "Olive Oil"),
		about:      text("تعصر زيتون أعضائها في وحدة عصرية، وتسوق زيت زيتون بكرا ممتازا وزيتون المائدة.", "Elle presse les olives de ses membres dans une unité moderne et vend une huile d'olive vierge extra ainsi que des olives de table.", "It presses its members' olives in a modern mill and sells extra virgin olive oil and table olives."),
		categories: []string{"huile-d-olive", "plantes-aromatiques-et-medicinales", "figues-et-grenades"}, products: [2]int{2, 7}, associations: 0.1, womenLed: 0.2, labels: organicLabels,
	},
	"nuts": {
		sector:     exhibitor.SectorAGRI_FOOD,
		purpose:    text("للوز والجوز", "pour les amandes et les noix", "Almond and Walnut"),
		about:      text("تثمن لوز وجوز البساتين الجبلية: فواكه جافة منتقاة، ولب الجوز، وأملو محضر يدويا.", "Elle valorise les amandes et les noix des vergers de montagne : fruits secs triés, cerneaux et amlou préparé à la main.", "It adds value to almonds and walnuts from mountain orchards: sorted nuts, walnut kernels and hand-made amlou."),
		categories: []string{"amandes-et-noix", "amlou"}, products: [2]int{2, 8}, associations: 0.15, womenLed: 0.35, labels: organicLabels,
	},
	"carob": {
		sector:     exhibitor.SectorAGRI_FOOD,
		purpose:    text("لتثمين الخروب", "pour la valorisation de la caroube", "Carob"),
		about:      text("تحول الخروب البري المجني من سفوح الأطلس إلى دقيق ودبس وقرون مجففة.", "Elle transforme la caroube sauvage cueillie sur les versants de l'Atlas en farine, en sirop et en gousses séchées.", "It turns wild carob gathered on the Atlas slopes into flour, syrup and dried pods."),
		categories: []string{"caroube", "miel", "amandes-et-noix"}, products: [2]int{2, 6}, associations: 0.2, womenLed: 0.45, labels: foodLabels,
	},
	"citrus": {
		sector:     exhibitor.SectorAGRI_FOOD,
		purpose:    text("للحوامض", "pour les agrumes", "Citrus"),
		about:      text("تجمع صغار منتجي البرتقال والحوامض في سهل تادلة، وتبيع أيضا العصير الطازج والمربى.", "Elle regroupe de petits producteurs d'oranges et d'agrumes de la plaine du Tadla, et vend aussi jus frais et confitures.", "It brings together small orange and citrus growers of the Tadla plain, and also sells fresh juice and marmalade."),
		categories: []string{"agrumes", "figues-et-grenades"}, products: [2]int{2, 7}, associations: 0.1, womenLed: 0.2, labels: foodLabels,
	},
	"figs": {
		sector:     exhibitor.SectorAGRI_FOOD,
		purpose:    text("للتين والرمان", "pour les figues et les grenades", "Fig and Pomegranate"),
		about:      text("تجني تين ورمان أعضائها وتعبئهما، وتجفف التين على الطريقة التقليدية.", "Elle cueille et conditionne les figues et les grenades de ses membres, et sèche les figues à la manière traditionnelle.", "It picks and packs its members' figs and pomegranates, and sun-dries figs the traditional way."),
		categories: []string{"figues-et-grenades", "agrumes", "caroube"}, products: [2]int{2, 7}, associations: 0.15, womenLed: 0.4, labels: foodLabels,
	},
	"couscous": {
		sector:     exhibitor.SectorAGRI_FOOD,
		purpose:    text("للكسكس والعجائن التقليدية", "pour le couscous et les pâtes artisanales", "Couscous and Pasta"),
		about:      text("يفتل أعضاؤها الكسكس يدويا من القمح الصلب والشعير والذرة، ويحضرون العجائن التقليدية كالشعرية والتشيشة.", "Ses membres roulent à la main le couscous de blé dur, d'orge et de maïs, et préparent des pâtes traditionnelles comme les vermicelles et la tchicha.", "Its members hand-roll couscous from durum wheat, barley and maize, and make traditional pasta such as vermicelli and tchicha."),
		categories: []string{"couscous-et-pates", "amlou", "plantes-aromatiques-et-medicinales"}, products: [2]int{2, 8}, associations: 0.2, womenLed: 0.8, labels: foodLabels,
	},
	"aromatic": {
		sector:     exhibitor.SectorAGRI_FOOD,
		purpose:    text("للنباتات العطرية والطبية", "pour les plantes aromatiques et médicinales", "Aromatic and Medicinal Plant"),
		about:      text("تجني الزعتر وإكليل الجبل والفليو من الجبال وتجففها، وتستخلص منها المياه العطرية.", "Elle cueille et sèche le thym, le romarin et la menthe pouliot des montagnes, et en distille des eaux florales.", "It gathers and dries mountain thyme, rosemary and pennyroyal, and distils floral waters from them."),
		categories: []string{"plantes-aromatiques-et-medicinales", "miel"}, products: [2]int{3, 8}, associations: 0.2, womenLed: 0.5, labels: organicLabels,
	},
	"dairy": {
		sector:     exhibitor.SectorAGRI_FOOD,
		purpose:    text("لتجميع الحليب ومشتقاته", "pour le lait et les produits laitiers", "Dairy"),
		about:      text("تجمع حليب الأبقار والماعز من أعضائها، وتصنع الزبدة واللبن والأجبان الطرية.", "Elle collecte le lait de vache et de chèvre de ses membres et fabrique du beurre, du lben et des fromages frais.", "It collects its members' cow and goat milk and makes butter, buttermilk and fresh cheese."),
		categories: []string{"produits-laitiers"}, products: [2]int{2, 7}, associations: 0.05, womenLed: 0.25, labels: foodLabels,
	},
	"produce": {
		sector:     exhibitor.SectorAGRI_FOOD,
		purpose:    text("للمنتجات المجالية", "pour les produits du terroir", "Local Produce"),
		about:      text("تقدم تشكيلة من المنتجات المجالية للإقليم: الكسكس والأملو والعسل وزيت الزيتون.", "Elle propose une gamme de produits du terroir de la province : couscous, amlou, miel et huile d'olive.", "It offers a range of the province's local produce: couscous, amlou, honey and olive oil."),
		categories: []string{"couscous-et-pates", "amlou", "miel", "huile-d-olive"}, products: [2]int{4, 8}, associations: 0.3, womenLed: 0.6, labels: foodLabels,
	},
	"rugs": {
		sector:     exhibitor.SectorHANDICRAFT,
		purpose:    text("لنسج الزرابي", "pour le tissage de tapis", "Rug-Weaving"),
		about:      text("تنسج حرفياتها يدويا زرابي من الصوف الطبيعي بزخارف أمازيغية متوارثة من الأمهات إلى البنات.", "Ses tisserandes nouent à la main des tapis en laine naturelle, aux motifs amazighs transmis de mère en fille.", "Its weavers hand-knot rugs of natural wool with Amazigh patterns handed down from mother to daughter."),
		categories: []string{"tapis", "couvertures-en-laine"}, products: [2]int{2, 8}, associations: 0.3, womenLed: 0.8,
	},
	"wool": {
		sector:     exhibitor.SectorHANDICRAFT,
		purpose:    text("لنسيج الصوف", "pour le tissage de la laine", "Wool-Weaving"),
		about:      text("تنسج على المنسج التقليدي الحنديرة والأغطية والبرانس من صوف الأغنام المحلية.", "Elle tisse sur métier traditionnel des handiras, des couvertures et des burnous en laine de moutons du pays.", "It weaves handiras, blankets and burnouses from local sheep's wool on traditional looms."),
		categories: []string{"couvertures-en-laine", "tapis", "broderie-et-couture"}, products: [2]int{2, 8}, associations: 0.25, womenLed: 0.7,
	},
	"pottery": {
		sector:     exhibitor.SectorHANDICRAFT,
		purpose:    text("للفخار", "pour la poterie", "Pottery"),
		about:      text("يشكل خزافوها الطواجين والجرار والأواني الطينية، ويحرقونها في أفران تقليدية تعمل بالحطب.", "Ses potiers façonnent des tajines, des jarres et de la vaisselle en terre, qu'ils cuisent au four à bois.", "Its potters shape tagines, jars and earthenware and fire them in wood kilns."),
		categories: []string{"poterie"}, products: [2]int{2, 6}, associations: 0.15, womenLed: 0.15,
	},
	"doum": {
		sector:     exhibitor.SectorHANDICRAFT,
		purpose:    text("لمنتجات الدوم", "pour la vannerie en doum", "Doum Basketry"),
		about:      text("تضفر سعف الدوم وتصنع منه السلال والحصائر والقبعات والقفف.", "Elle tresse les feuilles du palmier doum en paniers, nattes, chapeaux et couffins.", "It plaits doum-palm leaves into baskets, mats, hats and shopping baskets."),
		categories: []string{"vannerie-en-doum"}, products: [2]int{2, 6}, associations: 0.3, womenLed: 0.6,
	},
	"cedar": {
		sector:     exhibitor.SectorHANDICRAFT,
		purpose:    text("لصناعة خشب الأرز", "pour le travail du bois de cèdre", "Cedar Woodwork"),
		about:      text("ينحت نجاروها خشب أرز الأطلس المتوسط، المتأتي من عمليات قطع مرخصة، صناديق وأطباقا وتحفا للزينة.", "Ses menuisiers sculptent le cèdre du Moyen Atlas, issu de coupes autorisées, en coffres, plateaux et objets de décoration.", "Its joiners carve Middle Atlas cedar, from licensed felling, into chests, trays and decorative pieces."),
		categories: []string{"bois-de-cedre"}, products: [2]int{2, 6}, associations: 0.1, womenLed: 0.1,
	},
	"embroidery": {
		sector:     exhibitor.SectorHANDICRAFT,
		purpose:    text("للطرز والخياطة", "pour la broderie et la couture", "Embroidery and Sewing"),
		about:      text("تصنع طرازاتها وخياطاتها القفاطين والجلابيب والمفارش والأثواب المطرزة يدويا.", "Ses brodeuses et couturières confectionnent caftans, djellabas, nappes et linge brodés à la main.", "Its embroiderers and seamstresses make hand-embroidered kaftans, djellabas, tablecloths and linen."),
		categories: []string{"broderie-et-couture", "couvertures-en-laine"}, products: [2]int{2, 8}, associations: 0.35, womenLed: 0.85,
	},
	"lodging": {
		sector:     exhibitor.SectorSERVICES,
		purpose:    text("للسياحة القروية", "pour le tourisme rural", "Rural Tourism"),
		about:      text("تسير مآوي قروية وتؤطر رحلات المشي الجبلي بمرشدين جبليين معتمدين.", "Elle gère des gîtes d'étape et encadre des randonnées avec des guides de montagne diplômés.", "It runs village guesthouses and leads hikes with certified mountain guides."),
		categories: []string{"gites-et-guides"}, products: [2]int{1, 4}, associations: 0.4, womenLed: 0.15,
	},
	"training": {
		sector:     exhibitor.SectorSERVICES,
		purpose:    text("لمواكبة التعاونيات", "pour l'accompagnement des coopératives", "Cooperative Support"),
		about:      text("تواكب التعاونيات وحاملي المشاريع عبر التكوين والاستشارة في التدبير وإعداد ملفات التمويل.", "Elle accompagne les coopératives et les porteurs de projets : formation, conseil en gestion et montage de dossiers de financement.", "It supports cooperatives and project holders with training, management advice and funding applications."),
		categories: []string{"formation-et-conseil"}, products: [2]int{0, 3}, associations: 0.8, womenLed: 0.35,
	},
	"catering": {
		sector:     exhibitor.SectorSERVICES,
		purpose:    text("للطبخ التقليدي", "pour la cuisine traditionnelle", "Traditional Cooking"),
		about:      text("تعد طباخاتها الأطباق والحلويات التقليدية للمناسبات والندوات والزوار.", "Ses cuisinières préparent plats et pâtisseries du terroir pour les fêtes, les séminaires et les visiteurs.", "Its cooks prepare traditional dishes and pastries for celebrations, seminars and visitors."),
		categories: []string{"cuisine-traditionnelle"}, products: [2]int{1, 4}, associations: 0.3, womenLed: 0.85,
	},
}

// properName is the name a cooperative or an association gives itself; Zgh is its Tifinagh
// spelling, only for Amazigh names.
type properName struct{ ar, fr, zgh string }

// properNames are the names drawn for the region's cooperatives and associations: Amazigh
// words, Arabic virtues and the region's landmarks, as its cooperatives are named.
var properNames = []properName{
	{"تيفاوين", "Tifawin", "ⵜⵉⴼⴰⵡⵉⵏ"}, {"تيويزي", "Tiwizi", "ⵜⵉⵡⵉⵣⵉ"}, {"تامازيرت", "Tamazirt", "ⵜⴰⵎⴰⵣⵉⵔⵜ"},
	{"تافسوت", "Tafsut", "ⵜⴰⴼⵙⵓⵜ"}, {"تيزيري", "Tiziri", "ⵜⵉⵣⵉⵔⵉ"}, {"أسيف", "Asif", "ⴰⵙⵉⴼ"},
	{"تاكمات", "Tagmat", "ⵜⴰⴳⵎⴰⵜ"}, {"إيتران", "Itran", "ⵉⵜⵔⴰⵏ"}, {"أغبالو", "Aghbalou", "ⴰⵖⴱⴰⵍⵓ"},
	{"تيزي", "Tizi", "ⵜⵉⵣⵉ"}, {"إغرم", "Ighrem", "ⵉⵖⵔⵎ"}, {"تادلة", "Tadla", ""},
	{"أوزود", "Ouzoud", ""}, {"الأمل", "Al Amal", ""}, {"البركة", "Al Baraka", ""},
	{"النور", "Annour", ""}, {"الوفاء", "Al Wafae", ""}, {"الفتح", "Al Fath", ""},
	{"الصفاء", "Assafae", ""}, {"الخير", "Al Khair", ""}, {"النهضة", "Ennahda", ""},
	{"الوحدة", "Al Wahda", ""}, {"النجاح", "Ennajah", ""}, {"المستقبل", "Al Moustaqbal", ""},
	{"الإخلاص", "Al Ikhlas", ""}, {"الأطلس", "Al Atlas", ""}, {"الوفاق", "Al Wifaq", ""},
	{"الياسمين", "Al Yasmine", ""}, {"زهرة الجبل", "Zahrat Al Jabal", ""}, {"الانبعاث", "Al Inbiath", ""},
	{"التضامن", "Attadamoun", ""}, {"الاتحاد", "Al Ittihad", ""}, {"نور الأطلس", "Nour Al Atlas", ""},
	{"تيسير", "Tissir", ""}, {"الفرح", "Al Farah", ""}, {"الورود", "Al Wouroud", ""},
	{"البساتين", "Al Bassatine", ""}, {"أم الربيع", "Oum Er-Rbia", ""}, {"تساوت", "Tassaout", ""},
	{"المسيرة", "Al Massira", ""}, {"المجد", "Al Majd", ""}, {"الرحمة", "Arrahma", ""},
	{"الفجر", "Al Fajr", ""}, {"السعادة", "Assaada", ""}, {"الهداية", "Al Hidaya", ""},
	{"الابتكار", "Al Ibtikar", ""}, {"المبادرة", "Al Moubadara", ""}, {"أنوار", "Anouar", ""},
}

// kindNames are the words for an exhibitor's legal form: in a name (« Coopérative »), and to
// open its description (« Coopérative fondée en… », « A cooperative founded in… »).
var kindNames = map[exhibitor.Kind]struct{ name, intro i18n.Text }{
	exhibitor.KindCOOPERATIVE: {text("تعاونية", "Coopérative", "Cooperative"), text("تعاونية", "Coopérative", "A cooperative")},
	exhibitor.KindASSOCIATION: {text("جمعية", "Association", "Association"), text("جمعية", "Association", "An association")},
	exhibitor.KindMUTUAL:      {text("تعاضدية", "Mutuelle", "Mutual"), text("تعاضدية", "Mutuelle", "A mutual")},
	exhibitor.KindCOMPANY:     {text("مقاولة", "Entreprise", "Company"), text("مقاولة اجتماعية", "Entreprise sociale", "A social enterprise")},
}

// showcase are the first demo exhibitors, written out rather than drawn, so that the README and
// the tests can count on them: a women's honey cooperative, a mountain lodging cooperative and
// a rug weavers' association, each with its Amazigh name in Tifinagh.
var showcase = []struct {
	slug               string
	kind               exhibitor.Kind
	name               properName
	activity, commune  string // activity key, commune's French name
	womenLed, youthLed bool
}{
	{ShowcaseExhibitorSlug, exhibitor.KindCOOPERATIVE, properNames[0], "honey", "Demnate", true, false},
	{"cooperative-tamazirt-ait-bouguemez", exhibitor.KindCOOPERATIVE, properNames[2], "lodging", "Tabant (Aït Bouguemez)", false, true},
	{"association-tiwizi-azilal", exhibitor.KindASSOCIATION, properNames[1], "rugs", "Azilal", true, false},
}

// body is an exhibitor written out in full: a public body, a mutual or a company.
type body struct {
	slug     string
	kind     exhibitor.Kind
	sector   exhibitor.Sector
	province exhibitor.Province
	commune  i18n.Text
	name     i18n.Text
	about    i18n.Text
	activity string // what it sells; "" for nothing
	womenLed bool
}

var (
	azilal     = text("أزيلال", "Azilal", "Azilal")
	beniMellal = text("بني ملال", "Béni Mellal", "Béni Mellal")
	rabat      = text("الرباط", "Rabat", "Rabat")
)

// bodies are the public bodies of the sector, the mutuals and the few companies at the fair.
// The public bodies are real; what their stands show is invented.
var bodies = []body{
	{slug: "odco-delegation-regionale-beni-mellal-khenifra", kind: exhibitor.KindPUBLIC_INSTITUTION, sector: exhibitor.SectorSERVICES, province: exhibitor.ProvinceBENI_MELLAL, commune: beniMellal,
		name:  text("مكتب تنمية التعاون - المندوبية الجهوية لبني ملال خنيفرة", "Office du Développement de la Coopération (ODCO) – Délégation régionale de Béni Mellal-Khénifra", "Office for the Development of Cooperation (ODCO) – Béni Mellal-Khénifra regional office"),
		about: text("مؤسسة عمومية مكلفة بالنهوض بالتعاونيات. يقدم رواقها معلومات حول تأسيس التعاونيات والتزاماتها القانونية وبرامج الدعم.", "Établissement public chargé de la promotion des coopératives. Son stand renseigne sur la création d'une coopérative, ses obligations légales et les programmes d'appui.", "The public body that promotes cooperatives. Its stand explains how to set up a cooperative, its legal duties and the support programmes.")},
	{slug: "chambre-artisanat-beni-mellal-khenifra", kind: exhibitor.KindPUBLIC_INSTITUTION, sector: exhibitor.SectorHANDICRAFT, province: exhibitor.ProvinceBENI_MELLAL, commune: beniMellal,
		name:  text("غرفة الصناعة التقليدية لجهة بني ملال خنيفرة", "Chambre d'artisanat de la région de Béni Mellal-Khénifra", "Chamber of Crafts of the Béni Mellal-Khénifra region"),
		about: text("غرفة مهنية تمثل الصناع التقليديين بالجهة. يعرض رواقها برامج التكوين والمشاركة في المعارض.", "Chambre professionnelle des artisans de la région. Son stand présente ses programmes de formation et de participation aux salons.", "The professional chamber of the region's artisans. Its stand presents its training programmes and its support for taking part in fairs.")},
	{slug: "chambre-agriculture-beni-mellal-khenifra", kind: exhibitor.KindPUBLIC_INSTITUTION, sector: exhibitor.SectorAGRI_FOOD, province: exhibitor.ProvinceBENI_MELLAL, commune: beniMellal,
		name:  text("الغرفة الفلاحية لجهة بني ملال خنيفرة", "Chambre d'agriculture de la région de Béni Mellal-Khénifra", "Chamber of Agriculture of the Béni Mellal-Khénifra region"),
		about: text("غرفة مهنية تمثل الفلاحين بالجهة. يعرف رواقها بسلاسل المنتجات المجالية وبخدمات الاستشارة الفلاحية.", "Chambre professionnelle des agriculteurs de la région. Son stand fait connaître les filières des produits du terroir et le conseil agricole.", "The professional chamber of the region's farmers. Its stand presents the local produce value chains and farm advisory services.")},
	{slug: "onssa-service-provincial-azilal", kind: exhibitor.KindPUBLIC_INSTITUTION, sector: exhibitor.SectorSERVICES, province: exhibitor.ProvinceAZILAL, commune: azilal,
		name:  text("المكتب الوطني للسلامة الصحية للمنتجات الغذائية - المصلحة الإقليمية بأزيلال", "ONSSA – Service provincial d'Azilal", "ONSSA – Azilal provincial office"),
		about: text("تشرح المصلحة الإقليمية للتعاونيات مساطر الحصول على الترخيص والاعتماد الصحيين لوحدات تثمين المنتجات الغذائية.", "Le service provincial de l'Office national de sécurité sanitaire des produits alimentaires explique aux coopératives comment obtenir l'autorisation ou l'agrément sanitaire de leurs unités.", "The provincial office of the national food safety authority explains to cooperatives how to obtain the sanitary authorisation or approval of their premises.")},
	{slug: "indh-province-azilal", kind: exhibitor.KindPUBLIC_INSTITUTION, sector: exhibitor.SectorSERVICES, province: exhibitor.ProvinceAZILAL, commune: azilal,
		name:  text("المبادرة الوطنية للتنمية البشرية - عمالة إقليم أزيلال", "Initiative nationale pour le développement humain (INDH) – Province d'Azilal", "National Initiative for Human Development (INDH) – Azilal province"),
		about: text("يعرض قسم العمل الاجتماعي بالعمالة المشاريع المدرة للدخل التي مولتها المبادرة بالإقليم.", "La division de l'action sociale de la province présente les projets générateurs de revenus financés par l'Initiative dans la province.", "The province's social action division presents the income-generating projects the Initiative has funded in the province.")},
	{slug: "universite-sultan-moulay-slimane", kind: exhibitor.KindPUBLIC_INSTITUTION, sector: exhibitor.SectorSERVICES, province: exhibitor.ProvinceBENI_MELLAL, commune: beniMellal,
		name:  text("جامعة السلطان مولاي سليمان", "Université Sultan Moulay Slimane", "Sultan Moulay Slimane University"),
		about: text("تقدم الجامعة تكويناتها وأبحاثها في مجال الاقتصاد الاجتماعي والتضامني.", "L'université présente ses formations et ses travaux de recherche sur l'économie sociale et solidaire.", "The university presents its courses and research on the social and solidarity economy.")},
	{slug: "agence-pour-le-developpement-agricole", kind: exhibitor.KindPUBLIC_INSTITUTION, sector: exhibitor.SectorAGRI_FOOD, province: exhibitor.ProvinceOTHER, commune: rabat,
		name:  text("وكالة التنمية الفلاحية", "Agence pour le développement agricole (ADA)", "Agricultural Development Agency (ADA)"),
		about: text("تعرف الوكالة ببرامج دعم المنتجات المجالية: علامات الجودة والتلفيف والتسويق.", "L'agence présente ses programmes d'appui aux produits du terroir : signes de qualité, emballage et commercialisation.", "The agency presents its support for local produce: quality labels, packaging and marketing.")},
	{slug: "maroc-pme", kind: exhibitor.KindPUBLIC_INSTITUTION, sector: exhibitor.SectorSERVICES, province: exhibitor.ProvinceOTHER, commune: rabat,
		name:  text("الوكالة الوطنية للنهوض بالمقاولة الصغرى والمتوسطة (Maroc PME)", "Maroc PME", "Maroc PME"),
		about: text("تعرف الوكالة ببرامجها لمواكبة المقاولات الصغيرة جدا والتعاونيات.", "L'agence présente ses programmes d'accompagnement des très petites entreprises et des coopératives.", "The agency presents its support programmes for very small businesses and cooperatives.")},

	{slug: "mutuelle-sante-artisanes-azilal", kind: exhibitor.KindMUTUAL, sector: exhibitor.SectorSERVICES, province: exhibitor.ProvinceAZILAL, commune: azilal, womenLed: true,
		name:  text("التعاضدية الصحية للصانعات التقليديات بأزيلال", "Mutuelle de santé des artisanes d'Azilal", "Azilal Women Artisans' Health Mutual"),
		about: text("توفر لمنخرطاتها تغطية صحية تكميلية وصندوقا للتآزر.", "Elle offre à ses adhérentes une couverture maladie complémentaire et une caisse d'entraide.", "It offers its members supplementary health cover and a mutual aid fund.")},
	{slug: "mutuelle-cooperatives-agricoles-tadla", kind: exhibitor.KindMUTUAL, sector: exhibitor.SectorSERVICES, province: exhibitor.ProvinceFQUIH_BEN_SALAH, commune: text("الفقيه بن صالح", "Fquih Ben Salah", "Fquih Ben Salah"),
		name:  text("تعاضدية التعاونيات الفلاحية بتادلة", "Mutuelle des coopératives agricoles du Tadla", "Tadla Agricultural Cooperatives' Mutual"),
		about: text("تقترح على التعاونيات المنخرطة تأمينا للمحاصيل والمعدات بتكلفة مشتركة.", "Elle propose aux coopératives adhérentes une assurance des récoltes et du matériel à coût partagé.", "It offers member cooperatives crop and equipment insurance at a shared cost.")},
	{slug: "mutuelle-artisans-khenifra", kind: exhibitor.KindMUTUAL, sector: exhibitor.SectorSERVICES, province: exhibitor.ProvinceKHENIFRA, commune: text("خنيفرة", "Khénifra", "Khénifra"),
		name:  text("تعاضدية الصناع التقليديين بخنيفرة", "Mutuelle des artisans de Khénifra", "Khénifra Artisans' Mutual"),
		about: text("توفر للصناع التقليديين وأسرهم تغطية صحية وقروضا صغيرة بدون فوائد.", "Elle offre aux artisans et à leurs familles une couverture santé et de petits prêts sans intérêt.", "It offers artisans and their families health cover and small interest-free loans.")},
	{slug: "mutuelle-eleveurs-oued-zem", kind: exhibitor.KindMUTUAL, sector: exhibitor.SectorSERVICES, province: exhibitor.ProvinceKHOURIBGA, commune: text("وادي زم", "Oued Zem", "Oued Zem"),
		name:  text("تعاضدية التآزر لمربي الماشية بوادي زم", "Mutuelle d'entraide des éleveurs d'Oued Zem", "Oued Zem Livestock Farmers' Mutual"),
		about: text("تتقاسم مصاريف العلاج البيطري وتعوض منخرطيها عند نفوق الماشية.", "Elle mutualise les frais vétérinaires et indemnise ses adhérents en cas de perte de bétail.", "It pools veterinary costs and compensates its members for lost livestock.")},

	{slug: "dar-zerbia-azilal", kind: exhibitor.KindCOMPANY, sector: exhibitor.SectorHANDICRAFT, province: exhibitor.ProvinceAZILAL, commune: azilal, activity: "rugs", womenLed: true,
		name:  text("دار الزربية أزيلال ش.م.م", "Dar Zerbia Azilal SARL", "Dar Zerbia Azilal Ltd"),
		about: text("تشتري زرابي تعاونيات الإقليم بثمن عادل وتبيعها للزبناء في المغرب والخارج.", "Elle achète à un prix équitable les tapis des coopératives de la province et les vend au Maroc et à l'étranger.", "It buys the province's cooperative rugs at a fair price and sells them in Morocco and abroad.")},
	{slug: "tadla-conseil", kind: exhibitor.KindCOMPANY, sector: exhibitor.SectorSERVICES, province: exhibitor.ProvinceBENI_MELLAL, commune: beniMellal, activity: "training",
		name:  text("تادلة للاستشارة ش.م.م", "Tadla Conseil SARL", "Tadla Consulting Ltd"),
		about: text("مكتب دراسات يواكب التعاونيات في التدبير والتسويق.", "Bureau d'études qui accompagne les coopératives en gestion et en commercialisation.", "A consultancy that supports cooperatives in management and marketing.")},
	{slug: "cedre-de-l-atlas-deco", kind: exhibitor.KindCOMPANY, sector: exhibitor.SectorHANDICRAFT, province: exhibitor.ProvinceKHENIFRA, commune: text("مريرت", "M'rirt", "M'rirt"), activity: "cedar",
		name:  text("أرز الأطلس للديكور ش.م.م", "Cèdre de l'Atlas Déco SARL", "Atlas Cedar Decor Ltd"),
		about: text("ورشة نجارة تصنع أثاثا وتحفا من خشب الأرز المرخص.", "Atelier de menuiserie qui fabrique des meubles et des objets en cèdre issu de coupes autorisées.", "A joinery workshop making furniture and objects from licensed cedar.")},
	{slug: "tadla-fruits", kind: exhibitor.KindCOMPANY, sector: exhibitor.SectorAGRI_FOOD, province: exhibitor.ProvinceFQUIH_BEN_SALAH, commune: text("سوق السبت أولاد النمة", "Souk Sebt Oulad Nemma", "Souk Sebt Oulad Nemma"), activity: "citrus",
		name:  text("تادلة للفواكه ش.م.م", "Tadla Fruits SARL", "Tadla Fruits Ltd"),
		about: text("تعبئ وتسوق برتقال ورمان صغار الفلاحين في سهل تادلة.", "Elle conditionne et commercialise les oranges et les grenades des petits agriculteurs de la plaine du Tadla.", "It packs and sells the oranges and pomegranates of the Tadla plain's smallholders.")},
}

// organisation is one demo exhibitor, as drawn, before it is written.
type organisation struct {
	id                 string
	slug               string
	kind               exhibitor.Kind
	sector             exhibitor.Sector
	province           *province
	commune            i18n.Text
	activity           *activity // what it sells; nil for nothing
	name               i18n.Text
	description        i18n.Text
	founded, members   int // 0 when not told
	womenLed, youthLed bool
	labels             []string
	created            time.Time
}

func (o *organisation) hasLabel(l string) bool { return slices.Contains(o.labels, l) }

// origin is the sentence that ends the description of a product made by o: where it comes from.
func (o *organisation) origin() i18n.Text {
	if o.sector == exhibitor.SectorSERVICES {
		return nil
	}
	if o.province.name == nil {
		return text("المنشأ: "+o.commune[i18n.AR]+".", "Origine : "+o.commune[i18n.FR]+".", "")
	}
	return text(
		"المنشأ: "+o.commune[i18n.AR]+"، "+o.province.name[i18n.AR]+".",
		"Origine : "+o.commune[i18n.FR]+", "+o.province.name[i18n.FR]+".",
		"",
	)
}

// organisations draws the demo exhibitors: the showcase first, then the cooperatives and
// associations of each province, then the public bodies, mutuals and companies.
func (s *seeder) organisations() []*organisation {
	var orgs []*organisation
	taken := map[string]bool{}
	for _, sc := range showcase {
		p, c := communeNamed(sc.commune)
		o := s.member(sc.kind, sc.name, activities[sc.activity], p, c, sc.slug)
		o.womenLed, o.youthLed = sc.womenLed, sc.youthLed
		o.description = s.memberDescription(o, true)
		taken[o.slug] = true
		orgs = append(orgs, o)
	}
	names := shuffled(s, properNames)
	next := 0
	for i := range provinces {
		p := &provinces[i]
		communes := shuffled(s, p.communes)
		for j := range p.exhibitors {
			c := &communes[j%len(communes)]
			a := activities[pick(s, c.specialties)]
			kind := exhibitor.KindCOOPERATIVE
			if s.chance(a.associations) {
				kind = exhibitor.KindASSOCIATION
			}
			var name properName
			var slug string
			for {
				name, next = names[next%len(names)], next+1
				slug = slugify(kindNames[kind].name[i18n.FR], name.fr, c.label()[i18n.FR])
				if !taken[slug] {
					break
				}
			}
			taken[slug] = true
			o := s.member(kind, name, a, p, c, slug)
			english := s.chance(0.6)
			if !english {
				o.name = without(o.name, i18n.EN)
			}
			// A Tifinagh name only where the place can be written too, so that two
			// exhibitors of the same name never share it.
			if c.name[i18n.FR] != fairCity[i18n.FR] {
				o.name = without(o.name, i18n.ZGH)
			}
			o.description = s.memberDescription(o, english)
			orgs = append(orgs, o)
		}
	}
	for i := range bodies {
		orgs = append(orgs, s.body(&bodies[i]))
	}
	for _, o := range orgs {
		s.register(o)
	}
	return orgs
}

// communeNamed returns the commune whose French name is fr, and its province.
func communeNamed(fr string) (*province, *commune) {
	for i := range provinces {
		for j := range provinces[i].communes {
			if c := &provinces[i].communes[j]; c.name[i18n.FR] == fr {
				return &provinces[i], c
			}
		}
	}
	panic("demo: no commune " + fr)
}

// member draws a cooperative or an association named after its proper name, its activity and
// its commune: « Coopérative Tifawin pour le miel – Demnate ».
func (s *seeder) member(kind exhibitor.Kind, n properName, a *activity, p *province, c *commune, slug string) *organisation {
	k, place := kindNames[kind].name, c.label()
	name := i18n.Text{
		i18n.AR: k[i18n.AR] + " " + n.ar + " " + a.purpose[i18n.AR] + " - " + place[i18n.AR],
		i18n.FR: k[i18n.FR] + " " + n.fr + " " + a.purpose[i18n.FR] + " – " + place[i18n.FR],
		i18n.EN: n.fr + " " + a.purpose[i18n.EN] + " " + k[i18n.EN] + " – " + place[i18n.EN],
	}
	if n.zgh != "" {
		name[i18n.ZGH] = n.zgh
		if place[i18n.FR] == "Azilal" {
			name[i18n.ZGH] += " - " + fairCity[i18n.ZGH]
		}
	}
	o := &organisation{
		slug:     slug,
		kind:     kind,
		sector:   a.sector,
		province: p,
		commune:  c.name,
		activity: a,
		name:     name,
		founded:  s.foundedYear(1995),
		members:  s.memberCount(kind),
		womenLed: s.chance(a.womenLed),
		youthLed: s.chance(0.22),
	}
	for _, l := range a.labels {
		if s.chance(l.p) {
			o.labels = append(o.labels, l.label)
		}
	}
	return o
}

// foundedYear draws a year from since to 2018, recent years likelier than old ones (the
// larger of two uniform draws): the region's cooperatives multiplied after the INDH began in
// 2005.
func (s *seeder) foundedYear(since int) int {
	u := max(s.rng.Float64(), s.rng.Float64())
	return since + int(math.Floor(u*float64(2018-since+1)))
}

func (s *seeder) memberCount(kind exhibitor.Kind) int {
	switch kind {
	case exhibitor.KindASSOCIATION:
		return s.between(15, 200)
	case exhibitor.KindMUTUAL:
		return s.between(250, 2500)
	case exhibitor.KindCOMPANY, exhibitor.KindPUBLIC_INSTITUTION:
		return 0
	}
	if s.chance(0.1) {
		return s.between(80, 250)
	}
	return s.between(7, 60)
}

// memberDescription writes what a cooperative, an association, a mutual or a company is:
// when and where it was founded, what it does, how many members it has and who runs it.
func (s *seeder) memberDescription(o *organisation, english bool) i18n.Text {
	d := compose(s.intro(o), o.activityAbout(), members(o), leadership(o), marker)
	if !english {
		d = without(d, i18n.EN)
	}
	return d
}

func (o *organisation) activityAbout() i18n.Text {
	if o.activity == nil {
		return nil
	}
	return o.activity.about
}

var marker = text(MarkerAR, MarkerFR, MarkerEN)

func (s *seeder) intro(o *organisation) i18n.Text {
	k := kindNames[o.kind].intro
	return text(
		fmt.Sprintf("%s تأسست سنة %d في %s.", k[i18n.AR], o.founded, o.commune[i18n.AR]),
		fmt.Sprintf("%s fondée en %d à %s.", k[i18n.FR], o.founded, o.commune[i18n.FR]),
		fmt.Sprintf("%s founded in %d in %s.", k[i18n.EN], o.founded, o.commune[i18n.EN]),
	)
}

// members tells the size of o; written without a counted noun in Arabic, whose agreement with
// the number would otherwise change with it.
func members(o *organisation) i18n.Text {
	switch {
	case o.members == 0:
		return nil
	case o.kind == exhibitor.KindMUTUAL:
		return text(fmt.Sprintf("يبلغ عدد منخرطيها %d.", o.members), fmt.Sprintf("Elle compte %d adhérents.", o.members), fmt.Sprintf("It has %d members.", o.members))
	}
	return text(fmt.Sprintf("يبلغ عدد أعضائها %d.", o.members), fmt.Sprintf("Elle compte %d membres.", o.members), fmt.Sprintf("It has %d members.", o.members))
}

func leadership(o *organisation) i18n.Text {
	switch {
	case o.womenLed && o.youthLed:
		return text("تديرها شابات.", "Elle est dirigée par de jeunes femmes.", "It is run by young women.")
	case o.womenLed:
		return text("تديرها نساء.", "Elle est dirigée par des femmes.", "It is run by women.")
	case o.youthLed:
		return text("يديرها شباب.", "Elle est dirigée par des jeunes.", "It is run by young people.")
	}
	return nil
}

// body makes the organisation of a public body, a mutual or a company.
func (s *seeder) body(b *body) *organisation {
	o := &organisation{
		slug:     b.slug,
		kind:     b.kind,
		sector:   b.sector,
		province: provinceOf(b.province),
		commune:  b.commune,
		activity: activities[b.activity],
		name:     b.name,
		womenLed: b.womenLed,
	}
	if b.kind == exhibitor.KindPUBLIC_INSTITUTION {
		// Their founding dates are real facts the demo does not invent.
		o.description = compose(b.about, marker)
		return o
	}
	o.founded = s.foundedYear(2005)
	o.members = s.memberCount(b.kind)
	o.description = compose(s.intro(o), b.about, members(o), leadership(o), marker)
	return o
}

// register gives o its ID and the day it registered for the fair, in June or early July 2018.
func (s *seeder) register(o *organisation) {
	o.id = s.ids.next(gid.Exhibitor)
	o.created = s.timeIn(time.Date(2018, 6, 1, 8, 0, 0, 0, time.UTC), 40*24*time.Hour)
}

// createExhibitors writes the organisations, with their clearly fake contacts.
func (s *seeder) createExhibitors(ctx context.Context, c *ent.Client, orgs []*organisation) error {
	builders := make([]*ent.ExhibitorCreate, len(orgs))
	for i, o := range orgs {
		b := c.Exhibitor.Create().
			SetID(o.id).
			SetCreatedAt(o.created).
			SetUpdatedAt(s.timeIn(o.created, 5*24*time.Hour)).
			SetName(o.name).
			SetDescription(o.description).
			SetCommune(without(o.commune, i18n.EN)).
			SetSlug(o.slug).
			SetLogoURL(pictures.Path(pictures.Logo, o.slug)).
			SetKind(o.kind).
			SetSector(o.sector).
			SetProvince(o.province.code).
			SetWomenLed(o.womenLed).
			SetYouthLed(o.youthLed).
			SetLabels(append([]string{}, o.labels...))
		contact := &maarid.Contact{
			Email: "contact@" + o.slug + ".example.ma",
			// 600-000xxx is no one's number: a Moroccan mobile prefix followed by zeros.
			Phone: fmt.Sprintf("+212 600-000%03d", i+1),
		}
		if o.founded != 0 {
			b.SetFoundedYear(o.founded)
		}
		if o.members != 0 {
			b.SetMemberCount(o.members)
		}
		if s.chance(0.4) {
			contact.Website = "https://www." + o.slug + ".example.ma"
		}
		builders[i] = b.SetContact(contact)
	}
	return inBatches(ctx, builders, func(ctx context.Context, b []*ent.ExhibitorCreate) error {
		return c.Exhibitor.CreateBulk(b...).Exec(ctx)
	})
}

// halls places each sector in its hall of the venue.
var halls = map[exhibitor.Sector]string{
	exhibitor.SectorAGRI_FOOD:  "A", // produits du terroir
	exhibitor.SectorHANDICRAFT: "B", // artisanat
	exhibitor.SectorSERVICES:   "C", // services et institutions
}

// createStands gives every organisation a stand in its sector's hall, numbered in the order
// they registered; public bodies and companies take the larger stands.
func (s *seeder) createStands(ctx context.Context, c *ent.Client, fairID string, orgs []*organisation) error {
	numbers := map[string]int{}
	builders := make([]*ent.StandCreate, len(orgs))
	created := time.Date(2018, 7, 12, 9, 0, 0, 0, time.UTC)
	for i, o := range orgs {
		hall := halls[o.sector]
		numbers[hall]++
		area := 9.0
		if o.kind == exhibitor.KindPUBLIC_INSTITUTION || o.kind == exhibitor.KindCOMPANY || s.chance(0.2) {
			area = 12
		}
		at := created.Add(time.Duration(i) * time.Minute)
		builders[i] = c.Stand.Create().
			SetID(s.ids.next(gid.Stand)).
			SetCreatedAt(at).
			SetUpdatedAt(at).
			SetFairID(fairID).
			SetExhibitorID(o.id).
			SetCode(fmt.Sprintf("%s-%02d", hall, numbers[hall])).
			SetHall(hall).
			SetAreaSqm(area)
	}
	return inBatches(ctx, builders, func(ctx context.Context, b []*ent.StandCreate) error {
		return c.Stand.CreateBulk(b...).Exec(ctx)
	})
}

// slugify joins the words of parts into a slug: lower-case ASCII, accents dropped, words
// joined by hyphens.
func slugify(parts ...string) string {
	var words []string
	for _, w := range strings.Fields(i18n.Fold(strings.Join(parts, " "))) {
		w = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, w)
		if w != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words, "-")
}
