package importer

import (
	"context"
	"fmt"
	"slices"

	"maarid"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/i18n"
)

// exhibitorColumns are the columns an exhibitors file may have (the README, "Importing spreadsheets").
var exhibitorColumns = slices.Concat(
	[]string{"ref", "slug"},
	localizedColumns("name"), localizedColumns("description"),
	[]string{"kind", "sector", "province"},
	localizedColumns("commune"),
	[]string{"email", "phone", "website_url", "women_led", "youth_led", "founded_year", "member_count", "labels"},
)

// exhibitorFields maps the fields the schema may refuse, in its names and in GraphQL's, to
// the columns they come from; the localized fields are added for each file.
var exhibitorFields = map[string]string{
	"contact.email": "email", "contact.phone": "phone", "contact.websiteUrl": "website_url",
	"foundedYear": "founded_year", "memberCount": "member_count",
	"womenLed": "women_led", "youthLed": "youth_led",
}

// contactColumns are the columns of the parts of an exhibitor's contact.
var contactColumns = []struct {
	column string
	part   func(*maarid.Contact) *string
}{
	{"email", func(c *maarid.Contact) *string { return &c.Email }},
	{"phone", func(c *maarid.Contact) *string { return &c.Phone }},
	{"website_url", func(c *maarid.Contact) *string { return &c.Website }},
}

// exhibitorRow is a row of an exhibitors file, read.
type exhibitorRow struct {
	row
	ref, slug                  string
	name, description, commune i18n.Text // the languages whose columns the file has
	kind                       exhibitor.Kind
	sector                     exhibitor.Sector
	province                   exhibitor.Province
	contact                    maarid.Contact // the parts whose columns the file has
	womenLed, youthLed         bool
	foundedYear, memberCount   *int
	labels                     []string
}

// readExhibitor reads a row of an exhibitors file, and reports whether it is free of
// problems. Every cell is checked, by the functions the schema checks its fields with.
func readExhibitor(s *sheet, r row, p *problems) (*exhibitorRow, bool) {
	before := len(p.list)
	e := &exhibitorRow{row: r}
	e.ref, _ = refOf(s, r, p)
	e.slug = s.cell(r, "slug")
	if e.slug == "" {
		p.add(s.name, r.number, "slug", "a slug is required: the exhibitor's name in its page's address, such as cooperative-tifawin-demnate")
	} else if exhibitor.SlugValidator(e.slug) != nil {
		p.add(s.name, r.number, "slug", "%q is not a slug: lower-case letters a-z and digits, in words joined by hyphens, at most 120 characters, such as cooperative-tifawin-demnate", e.slug)
	}
	e.name = readText(s, r, "name", true, p)
	if !hasAny(e.name) {
		p.add(s.name, r.number, textColumns(s, "name"), "a name is required in at least one language")
	}
	e.description = readText(s, r, "description", false, p)
	e.commune = readText(s, r, "commune", false, p)
	var err error
	if e.kind, err = required(s, r, "kind", kinds); err != nil {
		p.add(s.name, r.number, "kind", "%v", err)
	}
	if e.sector, err = required(s, r, "sector", sectors); err != nil {
		p.add(s.name, r.number, "sector", "%v", err)
	}
	if e.province, err = required(s, r, "province", provinces); err != nil {
		p.add(s.name, r.number, "province", "%v", err)
	}
	for _, c := range contactColumns {
		v := s.cell(r, c.column)
		*c.part(&e.contact) = v
		var one maarid.Contact
		*c.part(&one) = v
		if err := one.Validate(); err != nil {
			p.add(s.name, r.number, c.column, "%s", reason(err))
		}
	}
	for _, c := range []struct {
		column string
		v      *bool
	}{{"women_led", &e.womenLed}, {"youth_led", &e.youthLed}} {
		if *c.v, err = readBool(s.cell(r, c.column), false); err != nil {
			p.add(s.name, r.number, c.column, "%v", err)
		}
	}
	if e.foundedYear, err = readInt(s.cell(r, "founded_year")); err != nil {
		p.add(s.name, r.number, "founded_year", "%v", err)
	} else if e.foundedYear != nil && exhibitor.FoundedYearValidator(*e.foundedYear) != nil {
		p.add(s.name, r.number, "founded_year", "%d is not a year between 1900 and 2100", *e.foundedYear)
	}
	if e.memberCount, err = readInt(s.cell(r, "member_count")); err != nil {
		p.add(s.name, r.number, "member_count", "%v", err)
	} else if e.memberCount != nil && exhibitor.MemberCountValidator(*e.memberCount) != nil {
		p.add(s.name, r.number, "member_count", "a number of members cannot be negative")
	}
	e.labels = readCodes(s.cell(r, "labels"))
	return e, len(p.list) == before
}

// required reads a required enum cell.
func required[T ~string](s *sheet, r row, column string, values enum[T]) (T, error) {
	v := s.cell(r, column)
	if v == "" {
		return "", fmt.Errorf("a value is required: one of %s", values.codes())
	}
	return values.read(v)
}

// importExhibitors checks and writes the rows of an exhibitors file.
func (j *job) importExhibitors(ctx context.Context, s *sheet) error {
	j.exhibitors, j.refused = map[string]string{}, map[string]bool{}
	if !requireColumns(s, []string{"ref", "slug", "kind", "sector", "province"}, []string{"name"}, j.p) {
		j.exhibitorsUnread = true
		return nil
	}
	var rows []*exhibitorRow
	refs, slugs := duplicates{}, duplicates{}
	for _, r := range s.rows {
		e, ok := readExhibitor(s, r, j.p)
		if e.ref != "" && !refs.check(s, r, "ref", e.ref, j.p) {
			ok = false
		}
		if e.slug != "" && !slugs.check(s, r, "slug", e.slug, j.p) {
			ok = false
		}
		if !ok {
			j.refused[e.ref] = true
			continue
		}
		rows = append(rows, e)
	}

	known, err := loadRefs(ctx, j.tx, exhibitorRefs)
	if err != nil {
		return err
	}
	var ids, wanted []string
	for _, e := range rows {
		if id, ok := known[e.ref]; ok {
			ids = append(ids, id)
		}
		wanted = append(wanted, e.slug)
	}
	existing := map[string]*ent.Exhibitor{}
	bySlug := map[string]*ent.Exhibitor{}
	for chunk := range slices.Chunk(ids, 1000) {
		found, err := j.tx.Exhibitor.Query().Where(exhibitor.IDIn(chunk...)).All(ctx)
		if err != nil {
			return err
		}
		for _, x := range found {
			existing[x.ID] = x
		}
	}
	for chunk := range slices.Chunk(wanted, 1000) {
		found, err := j.tx.Exhibitor.Query().Where(exhibitor.SlugIn(chunk...)).All(ctx)
		if err != nil {
			return err
		}
		for _, x := range found {
			bySlug[x.Slug] = x
		}
	}

	var made [][2]string
	for _, e := range rows {
		old := existing[known[e.ref]]
		if other := bySlug[e.slug]; other != nil && (old == nil || other.ID != old.ID) {
			name, _ := other.Name.Get(i18n.FR)
			j.p.add(s.name, e.number, "slug", "%q is the slug of another exhibitor, « %s » (%s)%s", e.slug, name, other.ID, refNote(known, other.ID))
			j.refused[e.ref] = true
			continue
		}
		var (
			saved *ent.Exhibitor
			err   error
		)
		if old == nil {
			c := j.tx.Exhibitor.Create()
			e.set(s, nil, c.Mutation())
			saved, err = c.Save(ctx)
		} else {
			u := j.tx.Exhibitor.UpdateOne(old)
			if !e.set(s, old, u.Mutation()) {
				j.summary.Exhibitors.Unchanged++
				j.exhibitors[e.ref] = old.ID
				continue
			}
			saved, err = u.Save(ctx)
		}
		if err != nil {
			if !j.refusedRow(s, e.row, fieldColumns(s, exhibitorFields, "name", "description", "commune"), err) {
				return failed(s, e.row, err)
			}
			j.refused[e.ref] = true
			continue
		}
		j.exhibitors[e.ref] = saved.ID
		if old == nil {
			j.summary.Exhibitors.Created++
			made = append(made, [2]string{e.ref, saved.ID})
		} else {
			j.summary.Exhibitors.Updated++
		}
	}
	return saveRefs(ctx, j.tx, exhibitorRefs, made)
}

// refNote names the reference of an earlier import that made the row id, if any.
func refNote(refs map[string]string, id string) string {
	for ref, x := range refs {
		if x == id {
			return fmt.Sprintf(", imported with the ref %q", ref)
		}
	}
	return ""
}

// set sets on m what the row changes of old — everything, for a new exhibitor (old is nil) —
// and reports whether that is anything. Only the columns the file has are set; a localized
// field keeps the languages whose columns the file does not have.
func (e *exhibitorRow) set(s *sheet, old *ent.Exhibitor, m *ent.ExhibitorMutation) bool {
	if old == nil {
		old = &ent.Exhibitor{}
	}
	changed := false
	if old.Slug != e.slug {
		m.SetSlug(e.slug)
		changed = true
	}
	for _, t := range []struct {
		old, set i18n.Text
		to       func(i18n.Text)
	}{
		{old.Name, e.name, m.SetName},
		{old.Description, e.description, m.SetDescription},
		{old.Commune, e.commune, m.SetCommune},
	} {
		if len(t.set) == 0 {
			continue // no column of it
		}
		if v := merged(t.old, t.set); !sameText(t.old, v) {
			t.to(v)
			changed = true
		}
	}
	if old.Kind != e.kind {
		m.SetKind(e.kind)
		changed = true
	}
	if old.Sector != e.sector {
		m.SetSector(e.sector)
		changed = true
	}
	if old.Province != e.province {
		m.SetProvince(e.province)
		changed = true
	}
	if s.has("email") || s.has("phone") || s.has("website_url") {
		var contact maarid.Contact
		if old.Contact != nil {
			contact = *old.Contact
		}
		was := contact
		for _, c := range contactColumns {
			if s.has(c.column) {
				*c.part(&contact) = *c.part(&e.contact)
			}
		}
		switch {
		case contact == was:
		case contact == maarid.Contact{}:
			m.ClearContact()
			changed = true
		default:
			m.SetContact(&contact)
			changed = true
		}
	}
	if s.has("women_led") && old.WomenLed != e.womenLed {
		m.SetWomenLed(e.womenLed)
		changed = true
	}
	if s.has("youth_led") && old.YouthLed != e.youthLed {
		m.SetYouthLed(e.youthLed)
		changed = true
	}
	if s.has("founded_year") && !sameInt(old.FoundedYear, e.foundedYear) {
		if e.foundedYear == nil {
			m.ClearFoundedYear()
		} else {
			m.SetFoundedYear(*e.foundedYear)
		}
		changed = true
	}
	if s.has("member_count") && !sameInt(old.MemberCount, e.memberCount) {
		if e.memberCount == nil {
			m.ClearMemberCount()
		} else {
			m.SetMemberCount(*e.memberCount)
		}
		changed = true
	}
	if s.has("labels") && !slices.Equal(old.Labels, e.labels) {
		m.SetLabels(e.labels)
		changed = true
	}
	return changed
}

func sameInt(a, b *int) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
