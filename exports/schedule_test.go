package exports

import (
	"reflect"
	"strings"
	"testing"

	"maarid/exports/exportstest"
	"maarid/i18n"
)

func TestExportSchedule(t *testing.T) {
	p := testProgramme(t)
	ctx := testContext(i18n.FR)
	s := p.schedule(ctx, request{}, 7)
	body, err := jsonSchedule(s)
	if err != nil {
		t.Fatal(err)
	}
	fromJSON := exportstest.ScheduleJSON(t, body)
	xmlBody, err := s.xml()
	if err != nil {
		t.Fatal(err)
	}
	fromXML := exportstest.ScheduleXML(t, xmlBody)
	want := exportstest.Schedule{
		Version: "7", Title: "Salon régional", Acronym: "bmk_ess_2018", Start: "2018-07-25", End: "2018-07-27",
		TimeZone: "Africa/Casablanca", Days: 3,
		Rooms: []string{"Scène principale", "Salle d'atelier 1", "Place de la Marche verte, Azilal"},
	}
	for _, got := range []exportstest.Schedule{fromJSON, fromXML} {
		events := got.Events
		got.Events = nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("schedule\n%+v, want\n%+v", got, want)
		}
		if len(events) != 3 {
			t.Fatalf("%d events: the cancelled session is to be left out, the others kept", len(events))
		}
		odd := events[0]
		if odd.GUID != guid(oddID).String() || odd.Title != oddTitle || odd.Date != "2018-07-25T10:00:00+01:00" ||
			odd.Start != "10:00" || odd.Duration != "01:30" || odd.Room != "Salle d'atelier 1" || odd.Type != "training" ||
			odd.Language != "fr" || odd.Abstract != "Première ligne\r\nDeuxième ligne, avec une virgule" ||
			odd.Slug != "bmk_ess_2018-"+strings.ToLower(oddID) || odd.URL != "https://maarid.example/screen?space="+roomID ||
			!reflect.DeepEqual(odd.Persons, []string{"Fatima Zahra Ait Ouarab", "Hassan Benali"}) {
			t.Errorf("the first event: %+v", odd)
		}
		if e := events[1]; e.GUID != guid(homelessID).String() || e.Room != "Place de la Marche verte, Azilal" || e.Title != "ⴰⵙⵏⵎⵍ" ||
			e.Duration != "01:15" {
			t.Errorf("the session without a space: %+v", e)
		}
		if e := events[2]; e.Date != "2018-07-26T09:30:00+01:00" || e.Room != "Scène principale" {
			t.Errorf("the second day's session: %+v", e)
		}
	}
	if !reflect.DeepEqual(fromJSON.Events, fromXML.Events) {
		t.Errorf("the two schedules differ:\n%+v\n%+v", fromJSON.Events, fromXML.Events)
	}
	again, _ := jsonSchedule(p.schedule(ctx, request{}, 7))
	if string(again) != string(body) {
		t.Error("the same programme gave two schedules")
	}
}

// TestExportScheduleNarrowed keeps one room, and its sessions.
func TestExportScheduleNarrowed(t *testing.T) {
	p := testProgramme(t)
	p.spaces, p.narrowed = p.spaces[1:], true
	p.sessions = p.sessions[:1]
	body, err := jsonSchedule(p.schedule(testContext(i18n.AR), request{}, 0))
	if err != nil {
		t.Fatal(err)
	}
	got := exportstest.ScheduleJSON(t, body)
	if !reflect.DeepEqual(got.Rooms, []string{"قاعة الورشات 1"}) || len(got.Events) != 1 || got.Version != "0" || got.Days != 3 {
		t.Errorf("one room: %+v", got)
	}
}

func TestGUID(t *testing.T) {
	g := guid(oddID)
	if g.Version() != 5 || g.Variant().String() != "RFC4122" || g != guid(oddID) || g == guid(cancelID) {
		t.Errorf("guid %s: version %d, variant %s", g, g.Version(), g.Variant())
	}
	// The GUID of a session never changes: apps that have it know the session by it.
	if got := guid("ses_01CK877D36M3VSB1G5KK7EVTFA").String(); got != "468597cd-3682-5a19-91e2-318c0857623b" {
		t.Errorf("the GUID of the opening ceremony is now %s", got)
	}
}

func TestAcronym(t *testing.T) {
	for slug, want := range map[string]string{"bmk-ess-2018": "bmk_ess_2018", "ess": "ess_", "a": "a___", "salon2019": "salon2019"} {
		if got := acronymOf(slug); got != want {
			t.Errorf("acronymOf(%q) = %q, want %q", slug, got, want)
		}
	}
}
