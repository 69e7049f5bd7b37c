package schema

// enum is the values of an enum field, each with what it means. Its names are the field's
// Values; as an annotation it gives the GraphQL enum's values their descriptions (ent/entc.go).
type enum []struct{ Value, Description string }

// Name names the annotation for ent/entc.go.
func (enum) Name() string { return "EnumValues" }

// names returns the enum's values, for field.Enum's Values.
func (e enum) names() []string {
	out := make([]string, len(e))
	for i, v := range e {
		out[i] = v.Value
	}
	return out
}

var exhibitorKinds = enum{
	{"COOPERATIVE", "A cooperative: members who produce, process or sell together."},
	{"ASSOCIATION", "A non-profit association, such as a women's or a local development association."},
	{"MUTUAL", "A mutual society, such as a health mutual of craftswomen."},
	{"COMPANY", "A company: a social enterprise, or a private partner of the fair."},
	{"PUBLIC_INSTITUTION", "A public body: an agency, a chamber, a ministry's service, a local authority."},
}

var sectors = enum{
	{"AGRI_FOOD", "Regional produce and food: honey, olive oil, argan, almonds, couscous, aromatic plants."},
	{"HANDICRAFT", "Handicrafts: carpets and weaving, embroidery, pottery, basketry, woodwork."},
	{"SERVICES", "Services: training, tourism, finance, support to cooperatives."},
}

var provinces = enum{
	{"AZILAL", "The province of Azilal."},
	{"BENI_MELLAL", "The province of Béni Mellal."},
	{"FQUIH_BEN_SALAH", "The province of Fquih Ben Salah."},
	{"KHENIFRA", "The province of Khénifra."},
	{"KHOURIBGA", "The province of Khouribga."},
	{"OTHER", "Outside the region of Béni Mellal-Khénifra."},
}

var spaceKinds = enum{
	{"HALL", "An exhibition hall, its stands in rows."},
	{"WORKSHOP_ROOM", "A room for workshops and trainings."},
	{"STAGE", "A stage for talks, panels and ceremonies."},
	{"CHILDREN_SPACE", "The children's space."},
	{"OUTDOOR", "An open-air area."},
}

var sessionKinds = enum{
	{"WORKSHOP", "A hands-on workshop."},
	{"TRAINING", "A training course, such as commercial strategy or financial and administrative management."},
	{"TALK", "A talk by one speaker."},
	{"PANEL", "A discussion between several speakers."},
	{"CEREMONY", "An opening, closing or prize-giving ceremony."},
	{"CHILDREN_ACTIVITY", "An activity of the children's space."},
	{"B2B_MEETINGS", "Business meetings between exhibitors and buyers."},
}

var sessionStatuses = enum{
	{"SCHEDULED", "Takes place at its time and in its space."},
	{"CANCELLED", "Cancelled: shown as such until restoreSession brings it back."},
}

var registrationStatuses = enum{
	{"CONFIRMED", "Has a seat."},
	{"WAITLISTED", "Waits for a seat: promoted, in the order of registration, when one frees."},
	{"CANCELLED", "Cancelled by the attendee or an organiser; its seat went to the waitlist."},
}
