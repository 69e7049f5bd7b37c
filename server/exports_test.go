package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"maarid/auth"
	"maarid/ent"
	"maarid/ent/product"
	"maarid/ent/session"
	"maarid/exports"
	"maarid/exports/exportstest"
	"maarid/i18n"
	"maarid/store/storetest"
)

// exportURLs are the exports, and the media type of each.
var exportURLs = map[string]string{
	"/exports/catalogue.csv": "text/csv; charset=utf-8",
	"/exports/programme.ics": "text/calendar; charset=utf-8",
	"/exports/schedule.json": "application/json; charset=utf-8",
	"/exports/schedule.xml":  "application/xml; charset=utf-8",
}

// get sends GET target with header, and returns the answer.
func (a *api) get(t testing.TB, target string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	return rec
}

// exported gets an export and fails the test unless it is answered 200 with its media type.
func (a *api) exported(t testing.TB, target string, header http.Header) []byte {
	t.Helper()
	w := a.get(t, target, header)
	path, _, _ := strings.Cut(target, "?")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != exportURLs[path] || w.Header().Get("ETag") == "" {
		t.Fatalf("%s: %d, %v\n%s", target, w.Code, w.Header(), w.Body)
	}
	return w.Body.Bytes()
}

// csvRows reads the catalogue: a byte order mark, then CSV.
func csvRows(t testing.TB, body []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\uFEFF"))
	if !ok {
		t.Fatalf("the catalogue has no byte order mark: %q", body[:min(len(body), 16)])
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func column(rows [][]string, i int) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}

func TestExportCatalogue(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			c := newCallers(t, a)
			system := auth.System(context.Background())
			own, err := a.client.Product.Query().Where(product.ExhibitorID(c.ownID)).WithExhibitor().Order(product.ByID()).All(system)
			if err != nil || len(own) < 2 {
				t.Fatalf("%d products of the showcase exhibitor (%v)", len(own), err)
			}
			hidden, shown := own[0], own[1]
			if err := hidden.Update().SetPublished(false).Exec(system); err != nil {
				t.Fatal(err)
			}
			visible, err := a.client.Product.Query().Count(context.Background()) // as anonymous
			if err != nil {
				t.Fatal(err)
			}
			all, err := a.client.Product.Query().Count(system)
			if err != nil {
				t.Fatal(err)
			}

			a.counter.Reset()
			rows := csvRows(t, a.exported(t, "/exports/catalogue.csv?lang=ar", nil))
			if n := a.counter.Statements(); n != 3 {
				t.Errorf("the catalogue took %d statements, want 3: the products, their exhibitors, their categories", n)
			}
			ids := column(rows, 0)
			if len(ids) != visible || slices.Contains(ids, hidden.ID) {
				t.Fatalf("anonymous: %d rows for %d published products, the unpublished one in them: %v",
					len(ids), visible, slices.Contains(ids, hidden.ID))
			}
			name, _ := shown.Name.Get(i18n.AR)
			exhibitorName, _ := shown.Edges.Exhibitor.Name.Get(i18n.AR)
			row := rows[1+slices.Index(ids, shown.ID)]
			if rows[0][1] != "المنتج" || row[1] != name || row[4] != exhibitorName || row[7] != shown.Price.Format(i18n.AR) ||
				row[8] != strconv.FormatInt(shown.Price.MinorUnits, 10) || row[9] != "MAD" {
				t.Errorf("header %q\nrow %q\nwant %q by %q at %q", rows[0], row, name, exhibitorName, shown.Price.Format(i18n.AR))
			}

			for _, tt := range []struct {
				who     string
				header  http.Header
				rows    int
				sees    bool
				heading string
			}{
				{"partner", c.partner, visible, false, "Produit"},
				{"the product's exhibitor", c.own, visible + 1, true, "Produit"},
				{"organiser", c.organiser, all, true, "Produit"},
			} {
				t.Run(tt.who, func(t *testing.T) {
					rows := csvRows(t, a.exported(t, "/exports/catalogue.csv?lang=fr", tt.header))
					ids := column(rows, 0)
					if len(ids) != tt.rows || slices.Contains(ids, hidden.ID) != tt.sees || rows[0][1] != tt.heading {
						t.Errorf("%d rows, want %d; sees the unpublished product: %v", len(ids), tt.rows, !tt.sees)
					}
				})
			}
		})
	}
}

// programmeFixture cancels a session of the demo fair through the API, gives another a title
// and a description that iCalendar must escape, and unpublishes a third. It returns the
// organiser's key and the three sessions, as they are after.
func programmeFixture(t *testing.T, a *api) (organiser http.Header, cancelled, odd, hidden *ent.Session) {
	t.Helper()
	organiser = a.key(t, auth.Organiser, "")
	x, y := a.twoSessions(t)
	r := operation(t, "CancelSession", map[string]any{"id": x.ID, "reason": "Intervenant absent"})
	r.header = organiser
	a.ok(t, r, &struct{}{})
	system := auth.System(context.Background())
	title, description := maps.Clone(y.Title), maps.Clone(y.Description)
	title[i18n.FR] = `Atelier, prix; coûts \ marges`
	description[i18n.FR] = "Ligne une,\nligne deux; fin"
	if err := a.client.Session.UpdateOneID(y.ID).SetTitle(title).SetDescription(description).Exec(system); err != nil {
		t.Fatal(err)
	}
	hidden, err := a.client.Session.Query().Where(session.IDNotIn(x.ID, y.ID)).Order(session.ByID()).First(system)
	if err != nil {
		t.Fatal(err)
	}
	if err := hidden.Update().SetPublished(false).Exec(system); err != nil {
		t.Fatal(err)
	}
	get := func(id string) *ent.Session {
		s, err := a.client.Session.Query().Where(session.ID(id)).WithSpace().Only(system)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a.keys.Wait() // the key's last use is written after the answer: not the exports' statements
	return organiser, get(x.ID), get(y.ID), get(hidden.ID)
}

func TestExportCalendar(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			organiser, cancelled, odd, hidden := programmeFixture(t, a)
			if cancelled.Version != 2 || cancelled.Status != session.StatusCANCELLED {
				t.Fatalf("the cancelled session: version %d, %s", cancelled.Version, cancelled.Status)
			}
			visible, err := a.client.Session.Query().WithSpace().All(context.Background()) // as anonymous
			if err != nil {
				t.Fatal(err)
			}
			a.counter.Reset()
			body := a.exported(t, "/exports/programme.ics?lang=fr", nil)
			if n := a.counter.Statements(); n != 4 {
				t.Errorf("the calendar took %d statements, want 4: the fair, its spaces, the sessions, their speakers", n)
			}
			events := calendarEvents(t, body)
			if len(events) != len(visible) {
				t.Errorf("%d events for the %d published sessions", len(events), len(visible))
			}
			if _, ok := events[hidden.ID+"@"+exports.UIDDomain]; ok {
				t.Errorf("the unpublished session %s is in the public calendar", hidden.ID)
			}
			for _, s := range visible {
				e, ok := events[s.ID+"@"+exports.UIDDomain]
				if !ok {
					t.Errorf("no event for %s", s.ID)
					continue
				}
				status := "CONFIRMED"
				if s.Status == session.StatusCANCELLED {
					status = "CANCELLED"
				}
				location, _ := s.Edges.Space.Name.Get(i18n.FR)
				if start, err := e.GetStartAt(); err != nil || !start.Equal(s.StartsAt) || property(e, ics.ComponentPropertyStatus) != status ||
					property(e, ics.ComponentPropertySequence) != strconv.Itoa(s.Version) ||
					property(e, ics.ComponentPropertyLocation) != location {
					t.Errorf("%s: start %v, STATUS %s, SEQUENCE %s, LOCATION %s; want %v, %s, %d, %s", s.ID, start,
						property(e, ics.ComponentPropertyStatus), property(e, ics.ComponentPropertySequence),
						property(e, ics.ComponentPropertyLocation), s.StartsAt, status, s.Version, location)
				}
			}
			if e := events[cancelled.ID+"@"+exports.UIDDomain]; property(e, ics.ComponentPropertyStatus) != "CANCELLED" ||
				property(e, ics.ComponentPropertySequence) != "2" {
				t.Errorf("the cancelled session: STATUS %s, SEQUENCE %s", property(e, ics.ComponentPropertyStatus),
					property(e, ics.ComponentPropertySequence))
			}
			e := events[odd.ID+"@"+exports.UIDDomain]
			if got := property(e, ics.ComponentPropertySummary); got != `Atelier, prix; coûts \ marges` {
				t.Errorf("the title came back as %q", got)
			}
			if got := property(e, ics.ComponentPropertyDescription); !strings.HasPrefix(got, "Ligne une,\nligne deux; fin\n\n") {
				t.Errorf("the description came back as %q", got)
			}

			// In Arabic, the long lines are folded between characters.
			if n := len(calendarEvents(t, a.exported(t, "/exports/programme.ics?lang=ar", nil))); n != len(visible) {
				t.Errorf("%d events in Arabic", n)
			}
			if _, ok := calendarEvents(t, a.exported(t, "/exports/programme.ics", organiser))[hidden.ID+"@"+exports.UIDDomain]; !ok {
				t.Errorf("the organisers' calendar has no unpublished session")
			}

			space := odd.Edges.Space
			narrowed := calendarEvents(t, a.exported(t, "/exports/programme.ics?lang=fr&space="+space.ID, nil))
			inSpace := 0
			for _, s := range visible {
				if *s.SpaceID == space.ID {
					inSpace++
				}
			}
			name, _ := space.Name.Get(i18n.FR)
			if len(narrowed) != inSpace || inSpace == 0 {
				t.Errorf("?space=: %d events, %d sessions in the space", len(narrowed), inSpace)
			}
			for uid, e := range narrowed {
				if property(e, ics.ComponentPropertyLocation) != name {
					t.Errorf("?space=: %s is in %s", uid, property(e, ics.ComponentPropertyLocation))
				}
			}
		})
	}
}

// calendarEvents checks the lines of an iCalendar feed, parses it, and returns its events by
// UID.
func calendarEvents(t testing.TB, body []byte) map[string]*ics.VEvent {
	t.Helper()
	exportstest.Lines(t, body)
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		if _, twice := out[e.Id()]; twice {
			t.Errorf("two events have the UID %s", e.Id())
		}
		out[e.Id()] = e
	}
	return out
}

func property(e *ics.VEvent, p ics.ComponentProperty) string {
	if e == nil {
		return ""
	}
	if v := e.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestExportSchedule(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			organiser, cancelled, odd, hidden := programmeFixture(t, a)
			visible, err := a.client.Session.Query().Where(session.StatusEQ(session.StatusSCHEDULED)).All(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			slug := func(s *ent.Session) string { return "bmk_ess_2018-" + strings.ToLower(s.ID) }
			a.counter.Reset()
			first := a.get(t, "/exports/schedule.json?lang=fr", nil)
			if n := a.counter.Statements(); n != 5 {
				t.Errorf("the schedule took %d statements, want 5: the fair, its spaces, the sessions, their speakers, the log's head", n)
			}
			fromJSON := exportstest.ScheduleJSON(t, first.Body.Bytes())
			fromXML := exportstest.ScheduleXML(t, a.exported(t, "/exports/schedule.xml?lang=fr", nil))
			if len(fromJSON.Events) != len(visible) || fromJSON.Days != 5 || fromJSON.Start != "2018-07-25" ||
				fromJSON.TimeZone != "Africa/Casablanca" || len(fromJSON.Rooms) != 7 {
				t.Errorf("%d events for %d published sessions that take place; %d days from %s in %s, %d rooms",
					len(fromJSON.Events), len(visible), fromJSON.Days, fromJSON.Start, fromJSON.TimeZone, len(fromJSON.Rooms))
			}
			if !slices.Equal(exportstest.GUIDs(fromJSON.Events), exportstest.GUIDs(fromXML.Events)) ||
				fromJSON.Version != fromXML.Version || fromJSON.Title != fromXML.Title {
				t.Errorf("schedule.json and schedule.xml differ")
			}
			slugs := map[string]exportstest.Event{}
			for _, e := range fromJSON.Events {
				slugs[e.Slug] = e
			}
			if _, ok := slugs[slug(hidden)]; ok {
				t.Errorf("the unpublished session is in the public schedule")
			}
			if _, ok := slugs[slug(cancelled)]; ok {
				t.Errorf("the cancelled session is in the schedule")
			}
			if e := slugs[slug(odd)]; e.Title != `Atelier, prix; coûts \ marges` || e.Date != odd.StartsAt.In(casablanca(t)).Format(time.RFC3339) {
				t.Errorf("the odd session: %+v", e)
			}
			organisers := exportstest.ScheduleJSON(t, a.exported(t, "/exports/schedule.json", organiser))
			if len(organisers.Events) != len(visible)+1 {
				t.Errorf("the organisers' schedule has %d events, want %d", len(organisers.Events), len(visible)+1)
			}

			// The version changes with the programme, and only with it.
			again := a.get(t, "/exports/schedule.json?lang=fr", nil)
			if exportstest.ScheduleJSON(t, again.Body.Bytes()).Version != fromJSON.Version || again.Header().Get("ETag") != first.Header().Get("ETag") {
				t.Errorf("the schedule changed while the programme did not")
			}
			if en := exportstest.ScheduleJSON(t, a.exported(t, "/exports/schedule.json?lang=en", nil)); en.Version != fromJSON.Version || en.Title == fromJSON.Title {
				t.Errorf("in English: version %s, title %q", en.Version, en.Title)
			}
			later := odd.StartsAt.Add(15 * time.Minute)
			r := operation(t, "RescheduleSession", map[string]any{"id": odd.ID, "startsAt": later, "endsAt": odd.EndsAt.Add(15 * time.Minute), "reason": "Retard"})
			r.header = organiser
			if res := a.post(t, r); len(res.Errors) > 0 {
				later = odd.StartsAt.Add(-15 * time.Minute)
				r.variables["startsAt"], r.variables["endsAt"] = later, odd.EndsAt.Add(-15*time.Minute)
				a.ok(t, r, &struct{}{})
			}
			moved := exportstest.ScheduleJSON(t, a.exported(t, "/exports/schedule.json?lang=fr", nil))
			if moved.Version == fromJSON.Version {
				t.Errorf("the version is still %s after a reschedule", moved.Version)
			}
			for _, e := range moved.Events {
				if e.Slug == slug(odd) && e.Date != later.In(casablanca(t)).Format(time.RFC3339) {
					t.Errorf("the rescheduled session is at %s, want %s", e.Date, later)
				}
			}
			if x := exportstest.ScheduleXML(t, a.exported(t, "/exports/schedule.xml", nil)); x.Version != moved.Version {
				t.Errorf("schedule.xml's version %s, schedule.json's %s", x.Version, moved.Version)
			}
		})
	}
}

func casablanca(t testing.TB) *time.Location {
	t.Helper()
	zone, err := time.LoadLocation("Africa/Casablanca")
	if err != nil {
		t.Fatal(err)
	}
	return zone
}

// TestExportConditional answers a client that has an export already with 304 Not Modified,
// and picks the language of each export with ?lang=, else Accept-Language.
func TestExportConditional(t *testing.T) {
	a := newAPI(t, "sqlite")
	for path := range exportURLs {
		t.Run(path, func(t *testing.T) {
			first := a.get(t, path, nil)
			tag := first.Header().Get("ETag")
			if first.Code != http.StatusOK || tag == "" || first.Header().Get("Cache-Control") != "no-cache" {
				t.Fatalf("%d %v", first.Code, first.Header())
			}
			for _, match := range []string{tag, "W/" + tag, `"stale", ` + tag} {
				w := a.get(t, path, http.Header{"If-None-Match": {match}})
				if w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("ETag") != tag {
					t.Errorf("If-None-Match: %s: %d, %d bytes", match, w.Code, w.Body.Len())
				}
			}
			if w := a.get(t, path, http.Header{"If-None-Match": {`"stale"`}}); w.Code != http.StatusOK || w.Body.Len() == 0 {
				t.Errorf("a stale ETag: %d", w.Code)
			}

			fr := a.get(t, path+"?lang=fr", nil)
			ar := a.get(t, path+"?lang=ar", nil)
			if fr.Header().Get("ETag") == ar.Header().Get("ETag") || bytes.Equal(fr.Body.Bytes(), ar.Body.Bytes()) {
				t.Errorf("?lang=fr and ?lang=ar gave the same export")
			}
			if w := a.get(t, path, acceptLanguage("fr-MA, fr;q=0.9")); !bytes.Equal(w.Body.Bytes(), fr.Body.Bytes()) {
				t.Errorf("Accept-Language: fr did not give the export in French")
			}
			if w := a.get(t, path+"?lang=ar", acceptLanguage("fr")); !bytes.Equal(w.Body.Bytes(), ar.Body.Bytes()) {
				t.Errorf("?lang=ar did not win over Accept-Language: fr")
			}
			if w := a.get(t, path+"?lang=fr", http.Header{"If-None-Match": {ar.Header().Get("ETag")}}); w.Code != http.StatusOK {
				t.Errorf("the Arabic export's ETag matched the French one: %d", w.Code)
			}
		})
	}
}

// TestExportRefusals answers a bad key with 401 as the API does, and a bad parameter with
// 400, on every export.
func TestExportRefusals(t *testing.T) {
	a := newAPI(t, "sqlite")
	partner := a.key(t, auth.Partner, "")
	for path := range exportURLs {
		t.Run(path, func(t *testing.T) {
			for name, header := range map[string]string{
				"an unknown key":   "Bearer mrd_" + strings.Repeat("A", 43),
				"not a Maarid key": "Bearer 12345",
				"another scheme":   "Basic dXNlcjpwYXNz",
			} {
				w := a.get(t, path, http.Header{"Authorization": {header}})
				if code := errorCode(t, w); w.Code != http.StatusUnauthorized || code != "UNAUTHENTICATED" || w.Header().Get("WWW-Authenticate") == "" {
					t.Errorf("%s: %d %s", name, w.Code, code)
				}
			}
			a.exported(t, path, partner)
			for _, query := range []string{"lang=de", "lang=" + strings.Repeat("%ff", 300)} {
				w := a.get(t, path+"?"+query, nil)
				if code := errorCode(t, w); w.Code != http.StatusBadRequest || code != "BAD_USER_INPUT" {
					t.Errorf("?%.20s: %d %s", query, w.Code, code)
				}
			}
		})
	}
	for _, path := range []string{"/exports/programme.ics", "/exports/schedule.json", "/exports/schedule.xml"} {
		for _, space := range []string{"hall-a", "spc_01CK877D2G3TTN2ZBVN2JARVE7", "ses_01CK877D36M3VSB1G5KK7EVTFA", "%00%ff"} {
			w := a.get(t, path+"?space="+space, nil)
			if code := errorCode(t, w); w.Code != http.StatusBadRequest || code != "BAD_USER_INPUT" || !strings.Contains(w.Body.String(), "space") {
				t.Errorf("%s?space=%s: %d %s", path, space, w.Code, w.Body)
			}
		}
	}
	if w := a.get(t, "/exports/nothing.csv", nil); w.Code != http.StatusNotFound {
		t.Errorf("an export that does not exist: %d", w.Code)
	}
}

func errorCode(t testing.TB, w *httptest.ResponseRecorder) string {
	t.Helper()
	var answer struct {
		Errors []struct{ Extensions struct{ Code string } }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil || len(answer.Errors) != 1 {
		return ""
	}
	return answer.Errors[0].Extensions.Code
}
