package demo

import (
	"context"
	"fmt"
	"time"

	"maarid/ent"
	"maarid/ent/session"
	"maarid/ent/space"
	"maarid/gid"
	"maarid/i18n"
	"maarid/pictures"
)

// venueSpace is a place of the demo venue.
type venueSpace struct {
	key         string
	name        i18n.Text
	description i18n.Text
	kind        space.Kind
	capacity    int
}

// spaces lists the venue's spaces in the order of its plan.
var spaces = []venueSpace{
	{key: "stage", kind: space.KindSTAGE, capacity: 400,
		name:        text("المنصة الرئيسية", "Scène principale", "Main stage"),
		description: text("تحت الخيمة الكبرى قبالة المدخل: الحفلات والمحاضرات والموائد المستديرة.", "Sous le grand chapiteau, face à l'entrée : cérémonies, conférences et tables rondes.", "Under the big marquee facing the entrance: ceremonies, talks and panels.")},
	{key: "room1", kind: space.KindWORKSHOP_ROOM, capacity: 60,
		name:        text("قاعة الورشات 1", "Salle d'atelier 1", "Workshop room 1"),
		description: text("قاعة مجهزة بجهاز عرض، بجانب الرواق A.", "Salle équipée d'un vidéoprojecteur, à côté du hall A.", "Room with a projector, next to hall A.")},
	{key: "room2", kind: space.KindWORKSHOP_ROOM, capacity: 40,
		name:        text("قاعة الورشات 2", "Salle d'atelier 2", "Workshop room 2"),
		description: text("قاعة مجهزة بجهاز عرض، بجانب الرواق B.", "Salle équipée d'un vidéoprojecteur, à côté du hall B.", "Room with a projector, next to hall B.")},
	{key: "room3", kind: space.KindWORKSHOP_ROOM, capacity: 60,
		name:        text("قاعة الورشات 3", "Salle d'atelier 3", "Workshop room 3"),
		description: text("قاعة بطاولات صغيرة، تستضيف أيضا لقاءات الأعمال.", "Salle à petites tables, qui accueille aussi les rencontres B2B.", "Room with small tables, also used for the B2B meetings.")},
	{key: "children", kind: space.KindCHILDREN_SPACE, capacity: 40,
		name:        text("فضاء الأطفال", "Espace enfants", "Children's space"),
		description: text("فضاء مؤطر للأطفال من 6 إلى 12 سنة: رسم وحكايات وورشات حرفية.", "Espace encadré pour les enfants de 6 à 12 ans : dessin, contes et ateliers d'artisanat.", "A supervised space for children aged 6 to 12: drawing, stories and craft workshops.")},
	{key: "halls", kind: space.KindHALL, capacity: 2000,
		name:        text("أروقة العرض A وB وC", "Halls d'exposition A, B et C", "Exhibition halls A, B and C"),
		description: text("الرواق A: المنتجات المجالية؛ الرواق B: الصناعة التقليدية؛ الرواق C: الخدمات والمؤسسات.", "Hall A : produits du terroir ; hall B : artisanat ; hall C : services et institutions.", "Hall A: local produce; hall B: handicrafts; hall C: services and institutions.")},
	{key: "square", kind: space.KindOUTDOOR, capacity: 200,
		name:        text("ساحة العروض التطبيقية", "Esplanade des démonstrations", "Demonstration square"),
		description: text("ساحة في الهواء الطلق للعروض التطبيقية في آخر النهار.", "Esplanade en plein air pour les démonstrations de fin de journée.", "An open-air square for the end-of-day demonstrations.")},
}

func (s *seeder) createSpaces(ctx context.Context, c *ent.Client, fairID string) (map[string]string, error) {
	ids := map[string]string{}
	builders := make([]*ent.SpaceCreate, len(spaces))
	created := time.Date(2018, 6, 20, 9, 0, 0, 0, time.UTC)
	for i, sp := range spaces {
		ids[sp.key] = s.ids.next(gid.Space)
		builders[i] = c.Space.Create().
			SetID(ids[sp.key]).
			SetCreatedAt(created).
			SetUpdatedAt(created).
			SetFairID(fairID).
			SetName(sp.name).
			SetDescription(sp.description).
			SetKind(sp.kind).
			SetCapacity(sp.capacity).
			SetPosition(i + 1)
	}
	return ids, c.Space.CreateBulk(builders...).Exec(ctx)
}

// speaker is a person of the programme; the people are invented, their organisations are the
// region's.
type speaker struct {
	key          string
	name         string
	organization string
	bio          i18n.Text
}

var speakers = []speaker{
	{key: "tounsi", name: "Abdelaziz Tounsi", organization: "Conseil de la Région de Béni Mellal-Khénifra",
		bio: text("منتخب جهوي يرأس لجنة التنمية الاقتصادية والاقتصاد الاجتماعي بمجلس الجهة.", "Élu régional, il préside la commission du développement économique et de l'économie sociale du Conseil de la Région.", "Regional councillor chairing the Regional Council's committee on economic development and the social economy.")},
	{key: "idrissi", name: "Lahcen Idrissi", organization: "Ministère du Tourisme, du Transport aérien, de l'Artisanat et de l'Économie sociale",
		bio: text("إطار بمديرية الاقتصاد الاجتماعي، يتابع البرامج الوطنية لدعم التعاونيات والمعارض الجهوية.", "Cadre à la direction de l'économie sociale, il suit les programmes nationaux d'appui aux coopératives et aux salons régionaux.", "")},
	{key: "aitlahcen", name: "Fatima Zahra Ait Lahcen", organization: "Office du Développement de la Coopération (ODCO)",
		bio: text("مستشارة في حكامة التعاونيات بالمندوبية الجهوية ببني ملال، تواكب منذ عشر سنوات تأسيس التعاونيات وملاءمة أوضاعها مع القانون.", "Conseillère en gouvernance coopérative à la délégation régionale de Béni Mellal, elle accompagne depuis dix ans la création et la mise en conformité des coopératives.", "Cooperative governance adviser at the Béni Mellal regional office; for ten years she has helped cooperatives get started and comply with the law.")},
	{key: "boutaleb", name: "Hassan Boutaleb", organization: "Université Sultan Moulay Slimane, Béni Mellal",
		bio: text("أستاذ باحث في الاقتصاد، يدرس التعاونيات القروية بالجهة وولوجها إلى الأسواق.", "Enseignant-chercheur en économie, il étudie les coopératives rurales de la région et leur accès aux marchés.", "Economics lecturer and researcher studying the region's rural cooperatives and their access to markets.")},
	{key: "elfadili", name: "Naima El Fadili", organization: "Cabinet d'expertise comptable, Béni Mellal",
		bio: text("خبيرة محاسبة، تكون أمناء مال التعاونيات في مسك الحسابات واحتساب كلفة الإنتاج.", "Expert-comptable, elle forme les trésoriers de coopératives à la tenue des comptes et au calcul des coûts de revient.", "")},
	{key: "bennani", name: "Mohamed Amine Bennani", organization: "Maroc PME",
		bio: text("مكلف بمواكبة المقاولات الصغيرة جدا، متخصص في الاستراتيجية التجارية والتوزيع.", "Chargé d'accompagnement des très petites entreprises, spécialiste de la stratégie commerciale et de la distribution.", "Adviser to very small businesses, specialised in commercial strategy and distribution.")},
	{key: "lahlou", name: "Samira Lahlou", organization: "Consultante en marketing digital, Casablanca",
		bio: text("تساعد التعاونيات على البيع عبر الإنترنت: تصوير المنتجات وشبكات التواصل الاجتماعي والمتاجر الإلكترونية.", "Elle aide les coopératives à vendre en ligne : photos de produits, réseaux sociaux et boutiques en ligne.", "She helps cooperatives sell online: product photos, social networks and online shops.")},
	{key: "benhaddou", name: "Aicha Benhaddou", organization: "Office national de sécurité sanitaire des produits alimentaires (ONSSA)",
		bio: text("طبيبة بيطرية مفتشة، تواكب وحدات التثمين الصغيرة للحصول على الترخيص الصحي.", "Vétérinaire inspectrice, elle accompagne les petites unités de transformation vers l'autorisation sanitaire.", "")},
	{key: "zaki", name: "Meryem Zaki", organization: "Agence pour le développement agricole (ADA)",
		bio: text("مهندسة زراعية، تتابع مساطر منح علامات الجودة للمنتجات المجالية.", "Ingénieure agronome, elle suit les démarches de labellisation des produits du terroir.", "Agronomist following the quality-label applications of local produce.")},
	{key: "amrani", name: "Youssef Amrani", organization: "INDH, province d'Azilal",
		bio: text("منسق المشاريع المدرة للدخل، يعرف جيدا تعاونيات وديان الإقليم.", "Coordinateur des projets générateurs de revenus, il connaît bien les coopératives des vallées de la province.", "")},
	{key: "oubella", name: "Rachid Oubella", organization: "Chambre d'artisanat de la région de Béni Mellal-Khénifra",
		bio: text("مسؤول عن الترويج، ينظم مشاركة الصناع التقليديين في المعارض الوطنية.", "Responsable de la promotion, il organise la participation des artisans aux salons nationaux.", "")},
	{key: "ouhammou", name: "Khadija Ouhammou", organization: "Réseau des coopératives féminines d'Azilal",
		bio: text("نساجة ورئيسة تعاونية، تنشط شبكة لتعاونيات النساء بالإقليم.", "Tisserande et présidente de coopérative, elle anime un réseau de coopératives de femmes de la province.", "A weaver and cooperative president who leads a network of the province's women's cooperatives.")},
	{key: "aitali", name: "Brahim Ait Ali", organization: "Association des guides de montagne d'Aït Bouguemez",
		bio: text("مرشد جبلي معتمد، يطور السياحة القروية مع مآوي الوادي.", "Guide de montagne diplômé, il développe le tourisme rural avec les gîtes de la vallée.", "A certified mountain guide developing rural tourism with the valley's guesthouses.")},
	{key: "skalli", name: "Omar Skalli", organization: "Centre régional d'investissement de Béni Mellal-Khénifra",
		bio: text("مكلف بالسلاسل الإنتاجية، يربط التعاونيات بالمشترين والمستثمرين.", "Chargé des filières, il met en relation les coopératives avec les acheteurs et les investisseurs.", "")},
	{key: "boukhris", name: "Hanane Boukhris", organization: "Association Ajyal pour l'enfance, Azilal",
		bio: text("منشطة سوسيوثقافية، تعد ورشات فضاء الأطفال.", "Animatrice socioculturelle, elle conçoit les ateliers de l'espace enfants.", "")},
}

func (s *seeder) createSpeakers(ctx context.Context, c *ent.Client) (map[string]string, error) {
	ids := map[string]string{}
	builders := make([]*ent.SpeakerCreate, len(speakers))
	for i, sp := range speakers {
		ids[sp.key] = s.ids.next(gid.Speaker)
		created := s.timeIn(time.Date(2018, 6, 25, 8, 0, 0, 0, time.UTC), 15*24*time.Hour)
		builders[i] = c.Speaker.Create().
			SetID(ids[sp.key]).
			SetCreatedAt(created).
			SetUpdatedAt(created).
			SetName(sp.name).
			SetOrganization(sp.organization).
			SetPhotoURL(pictures.Path(pictures.Speaker, sp.key)).
			SetBio(sp.bio)
	}
	return ids, c.Speaker.CreateBulk(builders...).Exec(ctx)
}

// Topic codes of the sessions.
const (
	topicCommercialStrategy       = "COMMERCIAL_STRATEGY"
	topicFinancialManagement      = "FINANCIAL_MANAGEMENT"
	topicAdministrativeManagement = "ADMINISTRATIVE_MANAGEMENT"
	topicQuality                  = "QUALITY"
	topicMarketing                = "MARKETING"
	topicNetworking               = "NETWORKING"
	topicDigital                  = "DIGITAL"
	topicChildren                 = "CHILDREN"
	topicFunding                  = "FUNDING"
	topicTourism                  = "TOURISM"
	topicHandicraft               = "HANDICRAFT"
	topicExport                   = "EXPORT"
	topicRegionalDevelopment      = "REGIONAL_DEVELOPMENT"
)

// Audiences of the sessions.
var (
	forEveryone   = text("عموم الزوار", "Tout public", "Everyone")
	forMembers    = text("التعاونيات والجمعيات العارضة", "Coopératives et associations exposantes", "Exhibiting cooperatives and associations")
	forProjects   = text("المهنيون وحاملو المشاريع", "Professionnels et porteurs de projets", "Professionals and project holders")
	forArtisans   = text("الصناع التقليديون والتعاونيات الحرفية", "Artisans et coopératives artisanales", "Artisans and craft cooperatives")
	forBuyers     = text("العارضون والمشترون بعد التسجيل", "Exposants et acheteurs, sur inscription", "Exhibitors and buyers, on registration")
	forYoung      = text("الشباب والطلبة", "Jeunes et étudiants", "Young people and students")
	forChildren   = text("الأطفال من 6 إلى 12 سنة", "Enfants de 6 à 12 ans", "Children aged 6 to 12")
	forCeremonies = text("المدعوون والعارضون وعموم الزوار", "Invités, exposants et public", "Guests, exhibitors and visitors")
)

var (
	inAR    = []i18n.Lang{i18n.AR}
	inARFR  = []i18n.Lang{i18n.AR, i18n.FR}
	inARZGH = []i18n.Lang{i18n.AR, i18n.ZGH}
	inFRAR  = []i18n.Lang{i18n.FR, i18n.AR}
)

// slot is a session of the programme, at local times of its day.
type slot struct {
	day        int    // 1 to 5: 25 to 29 July 2018
	start, end string // "15:00", local time
	space      string
	kind       session.Kind
	title      i18n.Text
	about      i18n.Text
	audience   i18n.Text
	topics     []string
	languages  []i18n.Lang
	capacity   int // 0: open entry
	speakers   []string
}

// programme is the five days of the fair: training workshops in the three rooms — commercial
// strategy, financial and administrative management, quality and competitiveness, national and
// international marketing, networking and clustering, the workshops the fair announced — talks
// and panels on the stage, activities in the children's space and demonstrations outside at
// the end of the day. Friday keeps the hours of the midday prayer free.
var programme = []slot{
	// Wednesday 25 July
	{day: 1, start: "10:00", end: "11:00", space: "stage", kind: session.KindCEREMONY, audience: forCeremonies, languages: inARFR, speakers: []string{"tounsi", "idrissi"},
		title: text("حفل الافتتاح الرسمي للمعرض", "Cérémonie d'ouverture officielle du salon", "Official opening ceremony"),
		about: text("كلمات مجلس الجهة والوزارة الشريكة، وتقديم برنامج الأيام الخمسة.", "Allocutions du Conseil de la Région et du ministère partenaire, présentation du programme des cinq jours.", "")},
	{day: 1, start: "11:00", end: "12:30", space: "halls", kind: session.KindCEREMONY, audience: forCeremonies, languages: inARFR, speakers: []string{"tounsi", "idrissi"},
		title: text("زيارة رسمية لأروقة المعرض", "Visite officielle des stands", "Official tour of the stands"),
		about: text("يتجول المسؤولون في الأروقة الثلاثة للقاء التعاونيات العارضة.", "Les officiels parcourent les trois halls à la rencontre des coopératives exposantes.", "")},
	{day: 1, start: "11:00", end: "12:00", space: "children", kind: session.KindCHILDREN_ACTIVITY, audience: forChildren, languages: inAR, capacity: 25, topics: []string{topicChildren}, speakers: []string{"boukhris"},
		title: text("ورشة الرسم: جهتي بالألوان", "Atelier de dessin : ma région en couleurs", "Drawing workshop: my region in colour"),
		about: text("يرسم الأطفال مناظر الجهة وحرفها ومنتجاتها.", "Les enfants dessinent les paysages, les métiers et les produits de la région.", "")},
	{day: 1, start: "15:00", end: "17:30", space: "room1", kind: session.KindWORKSHOP, audience: forMembers, languages: inARFR, capacity: 50, topics: []string{topicCommercialStrategy, topicMarketing}, speakers: []string{"bennani"},
		title: text("الاستراتيجية التجارية (1/2): معرفة السوق والزبناء", "Stratégie commerciale (1/2) : connaître son marché et ses clients", "Commercial strategy (1/2): knowing your market and customers"),
		about: text("تقسيم الزبناء وتحليل المنافسة واختيار المنتجات الرئيسية، انطلاقا من حالات تعاونيات بالجهة.", "Segmenter sa clientèle, analyser la concurrence et choisir ses produits phares, à partir de cas de coopératives de la région.", "")},
	{day: 1, start: "15:00", end: "17:30", space: "room2", kind: session.KindTRAINING, audience: forMembers, languages: inAR, capacity: 40, topics: []string{topicFinancialManagement}, speakers: []string{"elfadili"},
		title: text("آليات التدبير المالي والإداري (1/3): مسك محاسبة التعاونية", "Mécanismes de gestion financière et administrative (1/3) : tenir la comptabilité d'une coopérative", "Financial and administrative management (1/3): keeping a cooperative's accounts"),
		about: text("دفتر اليومية والوثائق المثبتة والصندوق والبنك: أسس محاسبة بسيطة ومطابقة للقانون.", "Journal, pièces justificatives, caisse et banque : les bases d'une comptabilité simple et conforme.", "")},
	{day: 1, start: "15:00", end: "17:00", space: "room3", kind: session.KindTRAINING, audience: forProjects, languages: inARZGH, capacity: 30, topics: []string{topicAdministrativeManagement}, speakers: []string{"aitlahcen"},
		title: text("تأسيس التعاونية وتسييرها: ما الذي يغيره القانون رقم 112.12", "Créer et gérer une coopérative : ce que change la loi n° 112-12", ""),
		about: text("النظام الأساسي وسجل التعاونيات والجموع العامة والالتزامات السنوية.", "Statuts, registre des coopératives, assemblées générales et obligations annuelles.", "")},
	{day: 1, start: "16:00", end: "18:00", space: "stage", kind: session.KindPANEL, audience: forEveryone, languages: inARFR, topics: []string{topicRegionalDevelopment, topicNetworking}, speakers: []string{"boutaleb", "amrani", "skalli"},
		title: text("الاقتصاد الاجتماعي والتضامني دعامة أساسية للتنمية الجهوية المستدامة", "L'économie sociale et solidaire, pilier du développement régional durable", "The social and solidarity economy, a pillar of sustainable regional development"),
		about: text("مائدة مستديرة افتتاحية حول مكانة التعاونيات والجمعيات في استراتيجية تنمية الجهة.", "Table ronde inaugurale sur la place des coopératives et des associations dans la stratégie de développement de la région.", "")},
	{day: 1, start: "16:00", end: "17:30", space: "children", kind: session.KindCHILDREN_ACTIVITY, audience: forChildren, languages: inARZGH, capacity: 30, topics: []string{topicChildren}, speakers: []string{"boukhris"},
		title: text("ساعة الحكاية: حكايات أمازيغية من الأطلس", "L'heure du conte : contes amazighs de l'Atlas", "Story time: Amazigh tales from the Atlas"),
		about: text("حكايات تروى بالأمازيغية والعربية، تليها لعبة أسئلة قصيرة.", "Contes racontés en amazighe et en arabe, suivis d'un petit jeu de questions.", "")},
	{day: 1, start: "17:30", end: "19:00", space: "square", kind: session.KindWORKSHOP, audience: forEveryone, languages: inARZGH, topics: []string{topicHandicraft}, speakers: []string{"ouhammou"},
		title: text("عرض تطبيقي: نسج زربية أزيلال", "Démonstration : le tissage du tapis d'Azilal", "Demonstration: weaving an Azilal rug"),
		about: text("تعرض نساجات على المنسج العمودي طريقة العقد وزخارف زربية أزيلال.", "Des tisserandes montrent, sur un métier vertical, le nouage et les motifs du tapis d'Azilal.", "")},

	// Thursday 26 July
	{day: 2, start: "09:30", end: "12:00", space: "room1", kind: session.KindWORKSHOP, audience: forMembers, languages: inARFR, capacity: 50, topics: []string{topicCommercialStrategy}, speakers: []string{"bennani"},
		title: text("الاستراتيجية التجارية (2/2): الأسعار وقنوات التوزيع والتفاوض", "Stratégie commerciale (2/2) : prix, canaux de distribution et négociation", "Commercial strategy (2/2): prices, distribution channels and negotiation"),
		about: text("تحديد سعر عادل، والاختيار بين البيع المباشر والوسطاء والمساحات التجارية الكبرى، والاستعداد للتفاوض.", "Fixer un prix juste, choisir entre vente directe, revendeurs et grande distribution, et préparer une négociation.", "")},
	{day: 2, start: "09:30", end: "12:00", space: "room2", kind: session.KindTRAINING, audience: forMembers, languages: inAR, capacity: 40, topics: []string{topicFinancialManagement}, speakers: []string{"elfadili"},
		title: text("آليات التدبير المالي والإداري (2/3): كلفة الإنتاج وثمن البيع", "Mécanismes de gestion financière et administrative (2/3) : coût de revient et prix de vente", ""),
		about: text("احتساب كلفة المنتوج من المادة الأولية إلى التلفيف، للبيع دون خسارة.", "Calculer le coût de revient d'un produit, de la matière première à l'emballage, pour vendre sans perte.", "")},
	{day: 2, start: "10:00", end: "12:00", space: "room3", kind: session.KindB2B_MEETINGS, audience: forBuyers, languages: inARFR, capacity: 40, topics: []string{topicNetworking, topicCommercialStrategy}, speakers: []string{"skalli"},
		title: text("لقاءات الأعمال: التعاونيات ومشترو قطاع التوزيع", "Rencontres B2B : coopératives et acheteurs de la distribution", "B2B meetings: cooperatives and retail buyers"),
		about: text("مواعيد من عشرين دقيقة، تحجز مسبقا، بين التعاونيات ومشتري المساحات التجارية الكبرى والمتوسطة.", "Rendez-vous de vingt minutes, pris à l'avance, entre coopératives et acheteurs de la grande et moyenne distribution.", "")},
	{day: 2, start: "10:30", end: "12:00", space: "stage", kind: session.KindTALK, audience: forProjects, languages: inARFR, topics: []string{topicQuality}, speakers: []string{"zaki"},
		title: text("علامات الجودة: البيان الجغرافي المحمي وتسمية المنشأ المحمية والعلامة الفلاحية", "Les signes de qualité : IGP, AOP et label agricole", "Quality signs: PGI, PDO and the agricultural label"),
		about: text("ما تحميه كل علامة، ومن يحق له طلبها، وكيفية إعداد الملف.", "Ce que protège chaque signe, qui peut le demander et comment constituer le dossier.", "")},
	{day: 2, start: "10:00", end: "11:30", space: "children", kind: session.KindCHILDREN_ACTIVITY, audience: forChildren, languages: inAR, capacity: 20, topics: []string{topicChildren}, speakers: []string{"boukhris"},
		title: text("الصناع الصغار: تعلم تشكيل الطين", "Petits artisans : initiation au modelage de l'argile", "Little artisans: clay modelling"),
		about: text("برفقة خزاف من دمنات، يشكل الأطفال أول وعاء لهم.", "Avec un potier de Demnate, les enfants façonnent leur premier bol.", "")},
	{day: 2, start: "15:00", end: "17:30", space: "room1", kind: session.KindWORKSHOP, audience: forMembers, languages: inARFR, capacity: 45, topics: []string{topicQuality}, speakers: []string{"benhaddou"},
		title: text("الجودة والتنافسية (1/2): الحصول على الترخيص الصحي", "Qualité et compétitivité (1/2) : obtenir l'autorisation sanitaire de l'ONSSA", ""),
		about: text("المحلات والنظافة والتتبع: مراحل الحصول على الترخيص أو الاعتماد الصحي من المكتب الوطني للسلامة الصحية للمنتجات الغذائية.", "Locaux, hygiène, traçabilité : les étapes pour obtenir l'autorisation ou l'agrément sanitaire.", "")},
	{day: 2, start: "15:00", end: "17:30", space: "room2", kind: session.KindTRAINING, audience: forMembers, languages: inAR, capacity: 40, topics: []string{topicAdministrativeManagement, topicFinancialManagement}, speakers: []string{"aitlahcen", "elfadili"},
		title: text("آليات التدبير المالي والإداري (3/3): الحكامة والجموع العامة والالتزامات القانونية", "Mécanismes de gestion financière et administrative (3/3) : gouvernance, assemblées et obligations légales", ""),
		about: text("التحضير للجمع العام وتقرير التسيير والوثائق الواجب إيداعها كل سنة.", "Préparer l'assemblée générale, le rapport de gestion et les documents à déposer chaque année.", "")},
	{day: 2, start: "15:00", end: "16:30", space: "room3", kind: session.KindWORKSHOP, audience: forMembers, languages: inFRAR, capacity: 25, topics: []string{topicDigital, topicMarketing}, speakers: []string{"lahlou"},
		title: text("البيع عبر الإنترنت: شبكات التواصل الاجتماعي وتطبيقات المراسلة", "Vendre en ligne : réseaux sociaux et messageries", "Selling online: social networks and messaging apps"),
		about: text("إنشاء صفحة مهنية، والنشر بانتظام، والرد على الزبناء.", "Créer une page professionnelle, publier régulièrement et répondre aux clients.", "")},
	{day: 2, start: "16:00", end: "17:30", space: "stage", kind: session.KindPANEL, audience: forEveryone, languages: inARFR, topics: []string{topicNetworking}, speakers: []string{"ouhammou", "boutaleb", "amrani"},
		title: text("المرأة محرك تعاونيات الجهة", "Les femmes, moteur des coopératives de la région", "Women, the driving force of the region's cooperatives"),
		about: text("مائدة مستديرة مع رئيسات تعاونيات حول التمكين الاقتصادي للمرأة القروية.", "Table ronde avec des présidentes de coopératives sur l'autonomie économique des femmes rurales.", "")},
	{day: 2, start: "16:00", end: "17:30", space: "children", kind: session.KindCHILDREN_ACTIVITY, audience: forChildren, languages: inAR, topics: []string{topicChildren}, speakers: []string{"boukhris"},
		title: text("الألعاب التقليدية المغربية", "Jeux traditionnels du Maroc", "Traditional Moroccan games"),
		about: text("ألعاب مهارة وألعاب جماعية من الزمن الماضي، لاكتشاف التراث باللعب.", "Jeux d'adresse et jeux collectifs d'autrefois, pour découvrir le patrimoine en s'amusant.", "")},
	{day: 2, start: "17:30", end: "19:00", space: "square", kind: session.KindWORKSHOP, audience: forEveryone, languages: inARZGH, speakers: []string{"ouhammou"},
		title: text("عرض تطبيقي: فتل الكسكس يدويا", "Démonstration culinaire : le couscous roulé à la main", "Cooking demonstration: hand-rolled couscous"),
		about: text("من حبة القمح أو الشعير إلى كسكس جاهز للطهي، مع تذوق.", "Du grain de blé ou d'orge au couscous prêt à cuire, avec dégustation.", "")},

	// Friday 27 July
	{day: 3, start: "09:30", end: "12:00", space: "room1", kind: session.KindWORKSHOP, audience: forMembers, languages: inARFR, capacity: 45, topics: []string{topicQuality}, speakers: []string{"benhaddou", "zaki"},
		title: text("الجودة والتنافسية (2/2): التلفيف والتوسيم والتتبع", "Qualité et compétitivité (2/2) : emballage, étiquetage et traçabilité", "Quality and competitiveness (2/2): packaging, labelling and traceability"),
		about: text("ما يجب أن تتضمنه البطاقة، واختيار تلفيف يحمي المنتوج ويسوقه، وتتبع كل دفعة.", "Ce qu'une étiquette doit dire, choisir un emballage qui protège et qui vend, suivre chaque lot.", "")},
	{day: 3, start: "09:30", end: "12:00", space: "room2", kind: session.KindWORKSHOP, audience: forMembers, languages: inARFR, capacity: 40, topics: []string{topicMarketing, topicCommercialStrategy}, speakers: []string{"bennani", "oubella"},
		title: text("التسويق على المستوى الوطني: المعارض والمساحات التجارية الكبرى ومتاجر التضامن", "Commercialisation à l'échelle nationale : salons, grandes surfaces et boutiques solidaires", "National marketing: fairs, supermarkets and solidarity shops"),
		about: text("نظرة شاملة على المنافذ الوطنية وشروط الولوج إليها.", "Panorama des débouchés nationaux et des conditions pour y accéder.", "")},
	{day: 3, start: "10:00", end: "12:00", space: "room3", kind: session.KindTRAINING, audience: forProjects, languages: inAR, capacity: 30, topics: []string{topicFinancialManagement, topicFunding}, speakers: []string{"amrani"},
		title: text("تمويل التعاونية: المبادرة الوطنية للتنمية البشرية والبرامج الجهوية والقروض الصغرى", "Financer sa coopérative : INDH, programmes régionaux et microcrédit", ""),
		about: text("شبابيك التمويل المتاحة للتعاونيات وطريقة تقديم المشروع.", "Les guichets de financement ouverts aux coopératives et la manière de présenter un projet.", "")},
	{day: 3, start: "10:30", end: "12:00", space: "stage", kind: session.KindPANEL, audience: forEveryone, languages: inARFR, topics: []string{topicTourism, topicNetworking}, speakers: []string{"aitali", "skalli"},
		title: text("السياحة القروية والتضامنية في الأطلس الكبير", "Tourisme rural et solidaire dans le Haut Atlas", "Rural and solidarity tourism in the High Atlas"),
		about: text("مآوي ومرشدون وتعاونيات آيت بوكماز: كيف تنعش السياحة واديا بأكمله.", "Gîtes, guides et coopératives d'Aït Bouguemez : comment le tourisme fait vivre une vallée.", "")},
	{day: 3, start: "10:00", end: "11:30", space: "children", kind: session.KindCHILDREN_ACTIVITY, audience: forChildren, languages: inAR, capacity: 25, topics: []string{topicChildren}, speakers: []string{"boukhris"},
		title: text("ورشة الطبيعة: النحل والعسل", "Atelier nature : les abeilles et le miel", "Nature workshop: bees and honey"),
		about: text("خلية زجاجية لمراقبة النحل وفهم كيف يصنع العسل.", "Une ruche vitrée pour observer les abeilles et comprendre comment naît le miel.", "")},
	{day: 3, start: "15:00", end: "17:30", space: "room1", kind: session.KindWORKSHOP, audience: forMembers, languages: inARFR, capacity: 40, topics: []string{topicMarketing, topicExport}, speakers: []string{"bennani", "skalli"},
		title: text("التسويق على المستوى الدولي: تصدير المنتجات المجالية", "Commercialisation à l'international : exporter les produits du terroir", "International marketing: exporting local produce"),
		about: text("الأسواق الواعدة ومعايير الدول المستوردة والخطوات الأولى للتصدير في إطار تجمعات.", "Marchés porteurs, normes des pays importateurs et premiers pas à l'export en groupement.", "")},
	{day: 3, start: "15:00", end: "17:30", space: "room2", kind: session.KindWORKSHOP, audience: forMembers, languages: inAR, capacity: 40, topics: []string{topicNetworking}, speakers: []string{"aitlahcen", "ouhammou"},
		title: text("التشبيك والتكتل (1/2): لماذا نتكتل؟", "Réseautage et clustering (1/2) : pourquoi s'unir ?", "Networking and clustering (1/2): why join forces?"),
		about: text("الشراء الجماعي والعلامة المشتركة وتقاسم المعدات: ما تربحه التعاونيات التي تعمل معا.", "Achats groupés, marque commune, partage d'équipements : ce que gagnent les coopératives qui travaillent ensemble.", "")},
	{day: 3, start: "15:00", end: "16:30", space: "room3", kind: session.KindWORKSHOP, audience: forMembers, languages: inFRAR, capacity: 20, topics: []string{topicDigital, topicMarketing}, speakers: []string{"lahlou"},
		title: text("تصوير المنتجات بالهاتف الذكي", "Photographier ses produits avec un smartphone", "Photographing your products with a smartphone"),
		about: text("الإضاءة والتأطير والخلفية: صور تغري بالشراء.", "Lumière, cadrage et fond : des photos qui donnent envie d'acheter.", "")},
	{day: 3, start: "16:00", end: "17:30", space: "stage", kind: session.KindTALK, audience: forArtisans, languages: inAR, topics: []string{topicHandicraft, topicMarketing}, speakers: []string{"oubella"},
		title: text("الصناعة التقليدية بالجهة: المهارات والأسواق الجديدة", "L'artisanat de la région : savoir-faire et nouveaux marchés", ""),
		about: text("الزرابي والفخار وخشب الأرز: كيف تجد المهارات الجهوية مشترين جددا.", "Tapis, poterie, bois de cèdre : comment le savoir-faire régional trouve de nouveaux acheteurs.", "")},
	{day: 3, start: "15:30", end: "17:00", space: "children", kind: session.KindCHILDREN_ACTIVITY, audience: forChildren, languages: inARZGH, capacity: 20, topics: []string{topicChildren}, speakers: []string{"boukhris"},
		title: text("ورشة الدوم: سلتي الأولى", "Atelier de vannerie : mon premier panier en doum", "Basketry workshop: my first doum basket"),
		about: text("يتعلم الأطفال ضفر سعف الدوم مع الصانعات.", "Les enfants apprennent à tresser les feuilles de doum avec des artisanes.", "")},
	{day: 3, start: "17:30", end: "19:00", space: "square", kind: session.KindWORKSHOP, audience: forEveryone, languages: inARZGH, speakers: []string{"ouhammou"},
		title: text("عرض تطبيقي: تحضير الأملو", "Démonstration : la préparation de l'amlou", "Demonstration: making amlou"),
		about: text("تحميص اللوز وطحنه بالرحى وخلطه بالعسل، مع تذوق.", "Torréfaction des amandes, broyage à la meule et mélange au miel, avec dégustation.", "")},

	// Saturday 28 July
	{day: 4, start: "09:30", end: "12:00", space: "room1", kind: session.KindWORKSHOP, audience: forMembers, languages: inAR, capacity: 50, topics: []string{topicNetworking, topicAdministrativeManagement}, speakers: []string{"aitlahcen", "skalli"},
		title: text("التشبيك والتكتل (2/2): تأسيس مجموعة ذات نفع اقتصادي", "Réseautage et clustering (2/2) : créer un groupement d'intérêt économique", ""),
		about: text("النظام الأساسي والحكامة والتمويل لمجموعة ذات نفع اقتصادي تضم تعاونيات، انطلاقا من أمثلة من الجهة.", "Statuts, gouvernance et financement d'un GIE de coopératives, à partir d'exemples de la région.", "")},
	{day: 4, start: "09:30", end: "12:00", space: "room2", kind: session.KindWORKSHOP, audience: forArtisans, languages: inAR, capacity: 40, topics: []string{topicCommercialStrategy, topicFinancialManagement, topicHandicraft}, speakers: []string{"oubella", "elfadili"},
		title: text("الاستراتيجية التجارية للصناعة التقليدية: تحديد ثمن الزربية", "Stratégie commerciale de l'artisanat : fixer le prix d'un tapis", "Commercial strategy for crafts: pricing a rug"),
		about: text("ساعات العمل والصوف والصباغة والهامش: بناء ثمن يفهمه المشتري.", "Heures de travail, laine, teinture et marge : construire un prix que l'acheteur comprend.", "")},
	{day: 4, start: "10:00", end: "12:00", space: "room3", kind: session.KindB2B_MEETINGS, audience: forBuyers, languages: inARFR, capacity: 40, topics: []string{topicNetworking, topicTourism}, speakers: []string{"aitali"},
		title: text("لقاءات الأعمال: التعاونيات ووكالات الأسفار", "Rencontres B2B : coopératives et voyagistes", "B2B meetings: cooperatives and tour operators"),
		about: text("مواعيد بين المآوي والمرشدين والتعاونيات ووكالات الأسفار لبناء مسارات سياحية.", "Rendez-vous entre gîtes, guides, coopératives et agences de voyage pour construire des circuits.", "")},
	{day: 4, start: "10:30", end: "12:00", space: "stage", kind: session.KindPANEL, audience: forYoung, languages: inARFR, topics: []string{topicNetworking, topicFunding}, speakers: []string{"boutaleb", "amrani"},
		title: text("الشباب والمقاولة الاجتماعية", "Les jeunes et l'entrepreneuriat social", "Young people and social entrepreneurship"),
		about: text("شباب مؤسسون لتعاونيات يحكون عن مسارهم والصعوبات التي واجهوها.", "De jeunes fondateurs de coopératives racontent leur parcours et leurs difficultés.", "")},
	{day: 4, start: "10:00", end: "11:30", space: "children", kind: session.KindCHILDREN_ACTIVITY, audience: forChildren, languages: inAR, capacity: 20, topics: []string{topicChildren}, speakers: []string{"boukhris"},
		title: text("الطباخون الصغار", "Les petits chefs du terroir", "Little chefs"),
		about: text("تحضير وجبة خفيفة صحية بمنتجات التعاونيات: الخبز والعسل والأملو والفواكه.", "Préparer une collation saine avec les produits des coopératives : pain, miel, amlou et fruits.", "")},
	{day: 4, start: "15:00", end: "17:00", space: "room1", kind: session.KindWORKSHOP, audience: forMembers, languages: inFRAR, capacity: 30, topics: []string{topicDigital, topicMarketing}, speakers: []string{"lahlou"},
		title: text("إنشاء متجر إلكتروني والبيع عبر المنصات الرقمية", "Créer sa boutique en ligne et vendre sur les places de marché", "Opening an online shop and selling on marketplaces"),
		about: text("اختيار الحل المناسب وتحديد مصاريف التوصيل وتدبير الأداء عن بعد.", "Choisir une solution, fixer les frais de livraison et gérer les paiements à distance.", "")},
	{day: 4, start: "15:00", end: "17:30", space: "room2", kind: session.KindTRAINING, audience: forMembers, languages: inAR, capacity: 40, topics: []string{topicFinancialManagement}, speakers: []string{"elfadili"},
		title: text("لوحة القيادة المالية: تتبع الخزينة", "Tableau de bord financier : suivre sa trésorerie", ""),
		about: text("توقع المداخيل والنفقات على مدار السنة واستباق فترات الركود.", "Prévoir les entrées et les sorties d'argent sur l'année et anticiper les périodes creuses.", "")},
	{day: 4, start: "15:00", end: "16:30", space: "room3", kind: session.KindTALK, audience: forProjects, languages: inAR, capacity: 30, topics: []string{topicQuality}, speakers: []string{"benhaddou"},
		title: text("النظافة والسلامة الصحية في وحدات التثمين الصغيرة", "Hygiène et sécurité sanitaire dans les petites unités de transformation", ""),
		about: text("الممارسات الجيدة للنظافة في العمل اليومي والأخطاء الأكثر تكرارا خلال المراقبة.", "Les bonnes pratiques d'hygiène au quotidien et les erreurs les plus fréquentes relevées lors des contrôles.", "")},
	{day: 4, start: "16:00", end: "18:00", space: "stage", kind: session.KindPANEL, audience: forEveryone, languages: inARFR, topics: []string{topicNetworking, topicMarketing}, speakers: []string{"tounsi", "idrissi", "boutaleb"},
		title: text("نحو معرض وطني ثم دولي للاقتصاد الاجتماعي والتضامني", "Vers un salon national, puis international, de l'économie sociale et solidaire", "Towards a national, then international, fair of the social and solidarity economy"),
		about: text("ما الشروط اللازمة ليصبح معرض أزيلال موعدا وطنيا ثم دوليا؟", "Quelles conditions pour que le salon d'Azilal devienne un rendez-vous national, puis international ?", "")},
	{day: 4, start: "16:00", end: "17:30", space: "children", kind: session.KindCHILDREN_ACTIVITY, audience: forChildren, languages: inAR, topics: []string{topicChildren}, speakers: []string{"boukhris"},
		title: text("عرض مسرح العرائس", "Spectacle de marionnettes", "Puppet show"),
		about: text("حكاية تعاونية ترويها الدمى، للصغار والكبار.", "L'histoire d'une coopérative racontée par des marionnettes, pour les petits comme pour les grands.", "")},
	{day: 4, start: "17:30", end: "19:00", space: "square", kind: session.KindWORKSHOP, audience: forEveryone, languages: inARZGH, topics: []string{topicHandicraft}, speakers: []string{"ouhammou"},
		title: text("عرض تطبيقي: نسج الحنديرة", "Démonstration : le tissage de la handira", ""),
		about: text("تعرض نساجة طريقة نسج الغطاء التقليدي وتثبيت الترتر عليه.", "Une tisserande montre le tissage de la couverture traditionnelle et la pose de ses paillettes.", "")},

	// Sunday 29 July
	{day: 5, start: "09:30", end: "11:30", space: "room1", kind: session.KindWORKSHOP, audience: forMembers, languages: inARFR, capacity: 50, topics: []string{topicCommercialStrategy, topicFinancialManagement}, speakers: []string{"bennani", "elfadili"},
		title: text("حصيلة الورشات: خطة العمل التجارية لتعاونيتي", "Bilan des ateliers : le plan d'action commercial de ma coopérative", "Workshop wrap-up: my cooperative's commercial action plan"),
		about: text("تغادر كل تعاونية بخطة عمل تجارية ومالية للسنة المقبلة.", "Chaque coopérative repart avec un plan d'action commercial et financier pour l'année à venir.", "")},
	{day: 5, start: "09:30", end: "11:30", space: "room2", kind: session.KindWORKSHOP, audience: forMembers, languages: inAR, capacity: 40, topics: []string{topicNetworking}, speakers: []string{"aitlahcen", "ouhammou"},
		title: text("الشبكة الجهوية للتعاونيات: خارطة الطريق", "Réseau régional des coopératives : feuille de route", ""),
		about: text("عرض خلاصات ورشات التشبيك والتزامات مشتركة للتعاونيات المشاركة.", "Restitution des ateliers de réseautage et engagements communs des coopératives participantes.", "")},
	{day: 5, start: "10:00", end: "11:30", space: "room3", kind: session.KindB2B_MEETINGS, audience: forBuyers, languages: inARFR, capacity: 40, topics: []string{topicNetworking, topicCommercialStrategy, topicHandicraft}, speakers: []string{"oubella"},
		title: text("لقاءات الأعمال: الصناع التقليديون والمشترون", "Rencontres B2B : artisans et acheteurs", "B2B meetings: artisans and buyers"),
		about: text("مواعيد بين التعاونيات الحرفية ومهنيي الديكور والمتاجر والمصدرين.", "Rendez-vous entre coopératives artisanales, décorateurs, boutiques et exportateurs.", "")},
	{day: 5, start: "10:00", end: "11:30", space: "stage", kind: session.KindTALK, audience: forEveryone, languages: inARFR, topics: []string{topicCommercialStrategy}, speakers: []string{"boutaleb", "amrani"},
		title: text("شهادات: ثلاث تعاونيات وجدت سوقها", "Témoignages : trois coopératives qui ont trouvé leur marché", "Testimonies: three cooperatives that found their market"),
		about: text("تعاونية للعسل وأخرى للزرابي وثالثة للسياحة القروية تتقاسم تجاربها الناجحة.", "Une coopérative de miel, une de tapis et une de tourisme rural racontent ce qui a marché pour elles.", "")},
	{day: 5, start: "10:00", end: "11:30", space: "children", kind: session.KindCHILDREN_ACTIVITY, audience: forChildren, languages: inAR, topics: []string{topicChildren}, speakers: []string{"boukhris"},
		title: text("معرض رسومات الأطفال", "Exposition des dessins des enfants", "Children's drawing exhibition"),
		about: text("تعرض رسومات الأسبوع، ويتسلم كل طفل شهادة الصانع الصغير.", "Les dessins de la semaine sont exposés ; chaque enfant reçoit un diplôme de petit artisan.", "")},
	{day: 5, start: "14:30", end: "16:00", space: "room1", kind: session.KindTRAINING, audience: forMembers, languages: inAR, capacity: 30, topics: []string{topicAdministrativeManagement}, speakers: []string{"aitlahcen"},
		title: text("تكوين المكونين: نقل المكتسبات داخل التعاونية", "Formation de relais : transmettre les acquis dans sa coopérative", ""),
		about: text("أدوات بسيطة لتقاسم ما تم تعلمه خلال المعرض مع باقي الأعضاء.", "Des outils simples pour partager avec les autres membres ce qui a été appris pendant le salon.", "")},
	{day: 5, start: "14:30", end: "16:00", space: "children", kind: session.KindCHILDREN_ACTIVITY, audience: forChildren, languages: inARZGH, topics: []string{topicChildren}, speakers: []string{"boukhris"},
		title: text("حكايات وأغان للأطفال", "Contes et chansons pour enfants", "Stories and songs for children"),
		about: text("ساعة أخيرة من الحكايات والأغاني بالعربية والأمازيغية.", "Une dernière heure de contes et de chansons en arabe et en amazighe.", "")},
	{day: 5, start: "16:00", end: "17:00", space: "stage", kind: session.KindCEREMONY, audience: forCeremonies, languages: inARFR, speakers: []string{"tounsi", "oubella"},
		title: text("حفل توزيع جوائز المعرض", "Remise des prix du salon", "Fair awards"),
		about: text("جائزة أفضل منتوج مجالي وأفضل منتوج حرفي وأفضل تعاونية نسائية لهذه السنة.", "Prix du meilleur produit du terroir, du meilleur produit artisanal et de la coopérative féminine de l'année.", "")},
	{day: 5, start: "17:00", end: "18:00", space: "stage", kind: session.KindCEREMONY, audience: forCeremonies, languages: inARFR, speakers: []string{"tounsi", "idrissi"},
		title: text("حفل الاختتام", "Cérémonie de clôture", "Closing ceremony"),
		about: text("توصيات الورشات، وشكر العارضين، وموعد الدورة المقبلة.", "Recommandations des ateliers, remerciements aux exposants et rendez-vous pour la prochaine édition.", "")},
}

// createSessions writes the programme, its times in the fair's time zone stored as UTC.
func (s *seeder) createSessions(ctx context.Context, c *ent.Client, fairID string, spaceIDs, speakerIDs map[string]string) error {
	builders := make([]*ent.SessionCreate, len(programme))
	for i, sl := range programme {
		starts, err := s.localTime(sl.day, sl.start)
		if err != nil {
			return err
		}
		ends, err := s.localTime(sl.day, sl.end)
		if err != nil {
			return err
		}
		created := s.timeIn(time.Date(2018, 7, 1, 8, 0, 0, 0, time.UTC), 10*24*time.Hour)
		b := c.Session.Create().
			SetID(s.ids.next(gid.Session)).
			SetCreatedAt(created).
			SetUpdatedAt(created).
			SetFairID(fairID).
			SetSpaceID(spaceIDs[sl.space]).
			SetTitle(sl.title).
			SetDescription(sl.about).
			SetAudience(sl.audience).
			SetKind(sl.kind).
			SetTopics(append([]string{}, sl.topics...)).
			SetLanguages(sl.languages).
			SetStartsAt(starts).
			SetEndsAt(ends).
			SetStatus(session.StatusSCHEDULED)
		if sl.capacity > 0 {
			b.SetCapacity(sl.capacity)
		}
		for _, key := range sl.speakers {
			b.AddSpeakerIDs(speakerIDs[key])
		}
		builders[i] = b
	}
	return inBatches(ctx, builders, func(ctx context.Context, b []*ent.SessionCreate) error {
		return c.Session.CreateBulk(b...).Exec(ctx)
	})
}

// localTime returns the instant, in UTC, of clock ("15:00") on the fair's given day (1 is
// 25 July 2018) in its time zone.
func (s *seeder) localTime(day int, clock string) (time.Time, error) {
	t, err := time.Parse("15:04", clock)
	if err != nil {
		return time.Time{}, fmt.Errorf("day %d: %w", day, err)
	}
	return time.Date(2018, 7, 24+day, t.Hour(), t.Minute(), 0, 0, s.loc).UTC(), nil
}
