package demo_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"maarid/auth"
	"maarid/demo"
	"maarid/ent"
	"maarid/ent/category"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/ent/space"
	"maarid/ent/stand"
	"maarid/i18n"
	"maarid/store/storetest"
)

// seeded is a database of one kind with the demo fair in it.
type seeded struct {
	client *ent.Client
	fair   *ent.Fair
}

func seed(t testing.TB, kind string) seeded {
	t.Helper()
	client := storetest.Open(t, kind)
	start := time.Now()
	f, err := demo.Seed(auth.System(context.Background()), client)
	if err != nil {
		t.Fatalf("seeding the demo fair: %v", err)
	}
	t.Logf("%s: seeded in %v", kind, time.Since(start).Round(time.Millisecond))
	return seeded{client: client, fair: f}
}

func TestSeed(t *testing.T) {
	checks := []struct {
		name  string
		check func(*testing.T, seeded)
	}{
		{"fair", testFair},
		{"exhibitors", testExhibitors},
		{"stands", testStands},
		{"category tree", testCategoryTree},
		{"products", testProducts},
		{"spaces", testSpaces},
		{"sessions", testSessions},
		{"programme rules", testProgrammeRules},
		{"nothing else", testNothingElse},
	}
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			s := seed(t, kind)
			for _, c := range checks {
				t.Run(c.name, func(t *testing.T) { c.check(t, s) })
			}
		})
	}
}

func testFair(t *testing.T, s seeded) {
	f, err := s.client.Fair.Get(auth.System(context.Background()), s.fair.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.ID != demo.FairID() {
		t.Errorf("ID %s, want demo.FairID() %s", f.ID, demo.FairID())
	}
	if f.Slug != demo.FairSlug || f.Edition != 1 || !f.Demo || f.TimeZone != demo.TimeZone || f.DefaultLanguage != i18n.AR {
		t.Errorf("slug %q edition %d demo %v time zone %q language %q", f.Slug, f.Edition, f.Demo, f.TimeZone, f.DefaultLanguage)
	}
	if f.AreaSqm == nil || *f.AreaSqm != 3000 {
		t.Errorf("area %v, want 3000 m²", f.AreaSqm)
	}
	if got := f.StartsOn.UTC().Format(time.DateOnly) + "/" + f.EndsOn.UTC().Format(time.DateOnly); got != "2018-07-25/2018-07-29" {
		t.Errorf("dates %s, want 2018-07-25/2018-07-29", got)
	}
	if f.Name[i18n.AR] != "المعرض الجهوي للاقتصاد الاجتماعي والتضامني" || f.Name[i18n.FR] != "Salon régional de l'économie sociale et solidaire" {
		t.Errorf("name %v", f.Name)
	}
	if f.City[i18n.FR] != "Azilal" || f.City[i18n.AR] != "أزيلال" || f.City[i18n.ZGH] != "ⴰⵣⵉⵍⴰⵍ" {
		t.Errorf("city %v", f.City)
	}
	for field, text := range map[string]i18n.Text{"theme": f.Theme, "region": f.Region, "venue": f.Venue, "organizer": f.Organizer} {
		requireARFR(t, "fair "+field, f.ID, text)
	}
	if !strings.HasSuffix(f.Venue[i18n.FR], demo.MarkerFR) || !strings.HasSuffix(f.Venue[i18n.AR], demo.MarkerAR) {
		t.Errorf("the invented venue %v does not say it is demo data", f.Venue)
	}
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func testExhibitors(t *testing.T, s seeded) {
	all, err := s.client.Exhibitor.Query().Order(exhibitor.ByID()).All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 160 {
		t.Errorf("%d exhibitors, want at least 160", len(all))
	}
	perProvince := map[exhibitor.Province]int{}
	perKind := map[exhibitor.Kind]int{}
	perSector := map[exhibitor.Sector]int{}
	var womenLed, youthLed, noEnglish, tifinagh int
	for _, e := range all {
		perProvince[e.Province]++
		perKind[e.Kind]++
		perSector[e.Sector]++
		if e.WomenLed {
			womenLed++
		}
		if e.YouthLed {
			youthLed++
		}
		if e.Name[i18n.EN] == "" && e.Name[i18n.ZGH] == "" {
			noEnglish++
		}
		if e.Name[i18n.ZGH] != "" {
			tifinagh++
		}
		requireARFR(t, "exhibitor name", e.ID, e.Name)
		requireARFR(t, "exhibitor description", e.ID, e.Description)
		requireARFR(t, "exhibitor commune", e.ID, e.Commune)
		for l, marker := range map[i18n.Lang]string{i18n.AR: demo.MarkerAR, i18n.FR: demo.MarkerFR, i18n.EN: demo.MarkerEN} {
			if d := e.Description[l]; d != "" && !strings.HasSuffix(d, marker) {
				t.Errorf("%s: the %s description %q does not end with %q", e.ID, l, d, marker)
			}
		}
		if !slugPattern.MatchString(e.Slug) {
			t.Errorf("%s: slug %q", e.ID, e.Slug)
		}
		if e.FoundedYear != nil && (*e.FoundedYear < 1995 || *e.FoundedYear > 2018) {
			t.Errorf("%s: founded in %d", e.ID, *e.FoundedYear)
		}
		if c := e.Contact; c == nil || !strings.HasSuffix(c.Email, ".example.ma") || !strings.HasPrefix(c.Phone, "+212 600-000") {
			t.Errorf("%s: contact %+v is not obviously fake", e.ID, c)
		}
	}
	for _, p := range []exhibitor.Province{exhibitor.ProvinceAZILAL, exhibitor.ProvinceBENI_MELLAL, exhibitor.ProvinceFQUIH_BEN_SALAH, exhibitor.ProvinceKHENIFRA, exhibitor.ProvinceKHOURIBGA, exhibitor.ProvinceOTHER} {
		if perProvince[p] == 0 {
			t.Errorf("no exhibitor from %s", p)
		}
		if p != exhibitor.ProvinceAZILAL && perProvince[p] >= perProvince[exhibitor.ProvinceAZILAL] {
			t.Errorf("%s has %d exhibitors, not fewer than the host province Azilal's %d", p, perProvince[p], perProvince[exhibitor.ProvinceAZILAL])
		}
	}
	for _, k := range []exhibitor.Kind{exhibitor.KindCOOPERATIVE, exhibitor.KindASSOCIATION, exhibitor.KindMUTUAL, exhibitor.KindCOMPANY, exhibitor.KindPUBLIC_INSTITUTION} {
		if perKind[k] == 0 {
			t.Errorf("no exhibitor of kind %s", k)
		}
	}
	if perKind[exhibitor.KindCOOPERATIVE] <= len(all)/2 {
		t.Errorf("%d cooperatives of %d exhibitors, want most", perKind[exhibitor.KindCOOPERATIVE], len(all))
	}
	for sec := range halls {
		if perSector[sec] == 0 {
			t.Errorf("no exhibitor in sector %s", sec)
		}
	}
	if share := float64(womenLed) / float64(len(all)); share < 0.3 || share > 0.5 {
		t.Errorf("%.0f%% of exhibitors are led by women, want about 40%%", 100*share)
	}
	if share := float64(youthLed) / float64(len(all)); share < 0.1 || share > 0.3 {
		t.Errorf("%.0f%% of exhibitors are led by young people, want about 20%%", 100*share)
	}
	if noEnglish == 0 || tifinagh == 0 {
		t.Errorf("%d exhibitors without an English or Tifinagh name and %d with a Tifinagh one, want some of each", noEnglish, tifinagh)
	}
	t.Logf("exhibitors per province: %v; per kind: %v; per sector: %v", perProvince, perKind, perSector)

	showcase, err := s.client.Exhibitor.Query().Where(exhibitor.Slug(demo.ShowcaseExhibitorSlug)).Only(auth.System(context.Background()))
	if err != nil {
		t.Fatalf("the showcase exhibitor: %v", err)
	}
	if showcase.ID != all[0].ID || showcase.Name[i18n.FR] != "Coopérative Tifawin pour le miel – Demnate" || showcase.Name[i18n.AR] != "تعاونية تيفاوين للعسل - دمنات" {
		t.Errorf("showcase %s %v, want the first exhibitor, the honey cooperative of Demnate", showcase.ID, showcase.Name)
	}
}

// halls is the hall each sector's stands are in.
var halls = map[exhibitor.Sector]string{
	exhibitor.SectorAGRI_FOOD:  "A",
	exhibitor.SectorHANDICRAFT: "B",
	exhibitor.SectorSERVICES:   "C",
}

func testStands(t *testing.T, s seeded) {
	exhibitors, err := s.client.Exhibitor.Query().WithStands().All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	var area float64
	for _, e := range exhibitors {
		if len(e.Edges.Stands) != 1 {
			t.Errorf("%s has %d stands, want 1", e.ID, len(e.Edges.Stands))
			continue
		}
		st := e.Edges.Stands[0]
		if st.FairID != s.fair.ID || st.Hall != halls[e.Sector] || !strings.HasPrefix(st.Code, st.Hall+"-") {
			t.Errorf("%s (%s): stand %s in hall %s of %s", e.ID, e.Sector, st.Code, st.Hall, st.FairID)
		}
		if st.AreaSqm == nil || (*st.AreaSqm != 9 && *st.AreaSqm != 12) {
			t.Errorf("stand %s: area %v, want 9 or 12 m²", st.Code, st.AreaSqm)
		}
		if st.AreaSqm != nil {
			area += *st.AreaSqm
		}
	}
	if area > 3000 {
		t.Errorf("stands cover %.0f m², more than the fair's 3,000", area)
	}
}

// sectorCategories is the top-level category of each sector.
var sectorCategories = map[exhibitor.Sector]string{
	exhibitor.SectorAGRI_FOOD:  demo.CategoryProduce,
	exhibitor.SectorHANDICRAFT: demo.CategoryHandicraft,
	exhibitor.SectorSERVICES:   demo.CategoryServices,
}

func testCategoryTree(t *testing.T, s seeded) {
	all, err := s.client.Category.Query().WithParent().WithChildren().All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	var tops []string
	for _, c := range all {
		requireARFR(t, "category name", c.ID, c.Name)
		switch p := c.Edges.Parent; {
		case p == nil:
			tops = append(tops, c.Slug)
			if len(c.Edges.Children) == 0 {
				t.Errorf("top-level category %s has no children", c.Slug)
			}
		case p.ParentID != nil:
			t.Errorf("category %s is under %s, itself a child: more than two levels", c.Slug, p.Slug)
		}
	}
	slices.Sort(tops)
	want := []string{demo.CategoryHandicraft, demo.CategoryProduce, demo.CategoryServices}
	if !slices.Equal(tops, want) {
		t.Errorf("top-level categories %v, want %v", tops, want)
	}
}

func testProducts(t *testing.T, s seeded) {
	ctx := auth.System(context.Background())
	all, err := s.client.Product.Query().
		WithCategory(func(q *ent.CategoryQuery) { q.WithParent() }).
		WithExhibitor().
		All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 600 {
		t.Errorf("%d products, want at least 600", len(all))
	}
	perExhibitor := map[string]int{}
	var withCentimes, upTo500, labelled, english int
	for _, p := range all {
		perExhibitor[p.ExhibitorID]++
		requireARFR(t, "product name", p.ID, p.Name)
		requireARFR(t, "product description", p.ID, p.Description)
		requireARFR(t, "product unit", p.ID, p.Unit)
		if p.Name[i18n.EN] != "" {
			english++
		}
		if p.PriceMinorUnits <= 0 || p.Price.Currency != "MAD" {
			t.Errorf("%s: price %d %s", p.ID, p.PriceMinorUnits, p.Price.Currency)
		}
		if p.PriceMinorUnits%100 != 0 {
			withCentimes++
		}
		if p.PriceMinorUnits <= 50_000 {
			upTo500++
		}
		if len(p.Labels) > 0 {
			labelled++
		}
		c := p.Edges.Category
		if c == nil || c.Edges.Parent == nil || c.Edges.Parent.ParentID != nil {
			t.Errorf("%s: category %v is not a second-level category", p.ID, c)
			continue
		}
		if e := p.Edges.Exhibitor; c.Edges.Parent.Slug != sectorCategories[e.Sector] {
			t.Errorf("%s (%s) sells %s in %s, outside its sector %s", e.ID, e.Slug, p.ID, c.Edges.Parent.Slug, e.Sector)
		}
	}
	for id, n := range perExhibitor {
		if n > 8 {
			t.Errorf("%s has %d products, want at most 8", id, n)
		}
	}
	if withCentimes == 0 || labelled == 0 || upTo500 < 50 || english <= len(all)/2 {
		t.Errorf("%d prices with centimes, %d labelled products, %d at most 500 MAD, %d with English names: want some, some, 50 and most",
			withCentimes, labelled, upTo500, english)
	}
}

func testSpaces(t *testing.T, s seeded) {
	all, err := s.fair.QuerySpaces().Order(space.ByPosition()).All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 5 {
		t.Errorf("%d spaces, want at least 5", len(all))
	}
	kinds := map[space.Kind]bool{}
	for i, sp := range all {
		kinds[sp.Kind] = true
		requireARFR(t, "space name", sp.ID, sp.Name)
		if sp.Position != i+1 {
			t.Errorf("%s: position %d, want %d", sp.ID, sp.Position, i+1)
		}
	}
	for _, k := range []space.Kind{space.KindWORKSHOP_ROOM, space.KindSTAGE, space.KindCHILDREN_SPACE, space.KindHALL} {
		if !kinds[k] {
			t.Errorf("no space of kind %s", k)
		}
	}
}

// fairDays are the local dates of the fair.
var fairDays = []string{"2018-07-25", "2018-07-26", "2018-07-27", "2018-07-28", "2018-07-29"}

func testSessions(t *testing.T, s seeded) {
	loc, err := time.LoadLocation(demo.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.fair.QuerySessions().
		Order(session.ByStartsAt(), session.ByID()).
		WithSpace().
		WithSpeakers().
		All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 40 {
		t.Errorf("%d sessions, want at least 40", len(all))
	}
	days := map[string]int{}
	topics := map[string]bool{}
	for _, ses := range all {
		requireARFR(t, "session title", ses.ID, ses.Title)
		requireARFR(t, "session description", ses.ID, ses.Description)
		requireARFR(t, "session audience", ses.ID, ses.Audience)
		starts, ends := ses.StartsAt.In(loc), ses.EndsAt.In(loc)
		day := starts.Format(time.DateOnly)
		days[day]++
		if !slices.Contains(fairDays, day) || ends.Format(time.DateOnly) != day {
			t.Errorf("%s: %v to %v, not within one day of the fair", ses.ID, starts, ends)
		}
		if starts.Hour() < 9 || ends.Hour()*60+ends.Minute() > 19*60 {
			t.Errorf("%s: %s to %s local, outside 09:00–19:00", ses.ID, starts.Format("15:04"), ends.Format("15:04"))
		}
		if !ends.After(starts) {
			t.Errorf("%s ends at %v, not after it starts at %v", ses.ID, ends, starts)
		}
		for _, tp := range ses.Topics {
			topics[tp] = true
		}
		if ses.Status != session.StatusSCHEDULED || len(ses.Languages) == 0 || ses.Edges.Space == nil {
			t.Errorf("%s: status %s, languages %v, space %v", ses.ID, ses.Status, ses.Languages, ses.Edges.Space)
		}
		if ses.Capacity != nil && ses.Edges.Space != nil && ses.Edges.Space.Capacity != nil && *ses.Capacity > *ses.Edges.Space.Capacity {
			t.Errorf("%s: %d seats in a space for %d", ses.ID, *ses.Capacity, *ses.Edges.Space.Capacity)
		}
		switch n := len(ses.Edges.Speakers); ses.Kind {
		case session.KindWORKSHOP, session.KindTRAINING, session.KindPANEL:
			if n < 1 || n > 3 {
				t.Errorf("%s (%s): %d speakers, want 1 to 3", ses.ID, ses.Kind, n)
			}
		}
	}
	if len(days) != len(fairDays) {
		t.Errorf("sessions on %d days (%v), want the fair's %d", len(days), days, len(fairDays))
	}
	for _, tp := range []string{"COMMERCIAL_STRATEGY", "FINANCIAL_MANAGEMENT", "ADMINISTRATIVE_MANAGEMENT", "QUALITY", "MARKETING", "NETWORKING", "CHILDREN"} {
		if !topics[tp] {
			t.Errorf("no session on %s", tp)
		}
	}
	first, last := all[0], all[len(all)-1]
	if first.Kind != session.KindCEREMONY || first.Edges.Space.Kind != space.KindSTAGE || first.StartsAt.In(loc).Format(time.DateOnly) != fairDays[0] {
		t.Errorf("the programme opens with %s %v, want the opening ceremony on the stage on the first day", first.Kind, first.Title)
	}
	if last.Kind != session.KindCEREMONY || last.StartsAt.In(loc).Format(time.DateOnly) != fairDays[4] {
		t.Errorf("the programme ends with %s %v, want the closing ceremony on the last day", last.Kind, last.Title)
	}
}

// testProgrammeRules checks what a programme change must never break, and the demo must not
// either: no space and no speaker in two sessions at once.
func testProgrammeRules(t *testing.T, s seeded) {
	all, err := s.fair.QuerySessions().WithSpeakers().All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range all {
		for _, b := range all[i+1:] {
			if !a.StartsAt.Before(b.EndsAt) || !b.StartsAt.Before(a.EndsAt) {
				continue
			}
			if a.SpaceID != nil && b.SpaceID != nil && *a.SpaceID == *b.SpaceID {
				t.Errorf("%s and %s overlap in space %s", a.ID, b.ID, *a.SpaceID)
			}
			for _, sa := range a.Edges.Speakers {
				for _, sb := range b.Edges.Speakers {
					if sa.ID == sb.ID {
						t.Errorf("%s speaks at %s and %s at once", sa.Name, a.ID, b.ID)
					}
				}
			}
		}
	}
	speakers, err := s.client.Speaker.Query().WithSessions().All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range speakers {
		requireARFR(t, "speaker bio", sp.ID, sp.Bio)
		if len(sp.Edges.Sessions) == 0 {
			t.Errorf("speaker %s has no session", sp.Name)
		}
	}
}

// testNothingElse checks that the demo leaves registrations, programme changes and API keys
// to the people trying it.
func testNothingElse(t *testing.T, s seeded) {
	ctx := auth.System(context.Background())
	counts := map[string]func(context.Context) (int, error){
		"registrations":     s.client.Registration.Query().Count,
		"programme changes": s.client.ProgrammeChange.Query().Count,
		"API keys":          s.client.APIKey.Query().Count,
	}
	for what, count := range counts {
		n, err := count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d %s, want none", n, what)
		}
	}
}

func requireARFR(t *testing.T, what, id string, text i18n.Text) {
	t.Helper()
	if strings.TrimSpace(text[i18n.AR]) == "" || strings.TrimSpace(text[i18n.FR]) == "" {
		t.Errorf("%s %s: %v has no Arabic or no French", what, id, text)
	}
}

// TestDeterministic seeds a fresh database of every kind twice over and compares what they
// hold, to the ID, the text, the price and the second.
func TestDeterministic(t *testing.T) {
	var want []string
	var wantFrom string
	for _, kind := range storetest.Kinds() {
		for run := 1; run <= 2; run++ {
			from := fmt.Sprintf("%s #%d", kind, run)
			got := fingerprint(t, seed(t, kind).client)
			if want == nil {
				want, wantFrom = got, from
				continue
			}
			if !slices.Equal(got, want) {
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] {
						t.Fatalf("%s differs from %s at row %d:\n got %s\nwant %s", from, wantFrom, i, got[i], want[i])
					}
				}
				t.Fatalf("%s has %d rows, %s %d", from, len(got), wantFrom, len(want))
			}
		}
	}
}

// fingerprint lists the demo rows, one line each, in ID order.
func fingerprint(t *testing.T, c *ent.Client) []string {
	t.Helper()
	ctx := auth.System(context.Background())
	var rows []string
	add := func(format string, args ...any) { rows = append(rows, fmt.Sprintf(format, args...)) }
	utc := func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) }
	fairs, err := c.Fair.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fairs {
		add("fair %s %s %s", f.ID, f.Slug, utc(f.CreatedAt))
	}
	categories, err := c.Category.Query().Order(category.ByID()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range categories {
		add("category %s %s %q", x.ID, x.Slug, x.Name[i18n.FR])
	}
	exhibitors, err := c.Exhibitor.Query().Order(exhibitor.ByID()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range exhibitors {
		add("exhibitor %s %s %q %q %s %s", e.ID, e.Slug, e.Name[i18n.FR], e.Description[i18n.AR], e.Labels, utc(e.CreatedAt))
	}
	stands, err := c.Stand.Query().Order(stand.ByID()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stands {
		add("stand %s %s %s", st.ID, st.Code, st.ExhibitorID)
	}
	products, err := c.Product.Query().Order(product.ByID()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range products {
		add("product %s %s %q %d %v %v %s", p.ID, p.ExhibitorID, p.Name[i18n.FR], p.PriceMinorUnits, p.Labels, p.Available, utc(p.CreatedAt))
	}
	sessions, err := c.Session.Query().Order(session.ByID()).WithSpeakers().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ses := range sessions {
		var speakers []string
		for _, sp := range ses.Edges.Speakers {
			speakers = append(speakers, sp.ID)
		}
		slices.Sort(speakers)
		add("session %s %q %s %s %v %v", ses.ID, ses.Title[i18n.FR], utc(ses.StartsAt), utc(ses.EndsAt), *ses.SpaceID, speakers)
	}
	return rows
}

// TestSeedRollsBack makes Seed fail half-way, on an exhibitor whose slug is taken, and checks
// that nothing it wrote before — the fair, the categories — was kept.
func TestSeedRollsBack(t *testing.T) {
	ctx := auth.System(context.Background())
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			client := storetest.Open(t, kind)
			err := client.Exhibitor.Create().
				SetName(i18n.Text{i18n.FR: "Coopérative déjà inscrite"}).
				SetSlug(demo.ShowcaseExhibitorSlug).
				SetKind(exhibitor.KindCOOPERATIVE).
				SetSector(exhibitor.SectorAGRI_FOOD).
				SetProvince(exhibitor.ProvinceAZILAL).
				Exec(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Seed(ctx, client); err == nil {
				t.Fatal("Seed succeeded over an exhibitor with the showcase's slug")
			}
			counts := []struct {
				what  string
				count func(context.Context) (int, error)
				want  int
			}{
				{"fairs", client.Fair.Query().Count, 0},
				{"categories", client.Category.Query().Count, 0},
				{"exhibitors", client.Exhibitor.Query().Count, 1},
			}
			for _, c := range counts {
				n, err := c.count(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n != c.want {
					t.Errorf("%d %s after a failed Seed, want %d", n, c.what, c.want)
				}
			}
			if _, err := demo.Seed(ctx, storetest.Open(t, kind)); err != nil {
				t.Errorf("seeding an empty database after a failure elsewhere: %v", err)
			}
		})
	}
}

// BenchmarkSeed measures Seed on a fresh database of each kind; making the database is not
// counted.
func BenchmarkSeed(b *testing.B) {
	for _, kind := range storetest.Kinds() {
		b.Run(kind, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				client := storetest.Open(b, kind)
				b.StartTimer()
				if _, err := demo.Seed(auth.System(context.Background()), client); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
