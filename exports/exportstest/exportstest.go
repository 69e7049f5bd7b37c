// Package exportstest reads the exports back for the tests of the exports and of the server:
// a schedule.json checked against the shape the c3voc's JSON schema gives it, a schedule.xml
// checked against what its XSD requires, and the lines of an iCalendar feed checked against
// RFC 5545's folding.
package exportstest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// Event is what both schedules say of an event.
type Event struct {
	GUID, Title, Date, Start, Duration, Room, Type, Abstract, Slug, URL string
	ID                                                                  int
	Language                                                            string
	Persons                                                             []string
}

// Schedule is what both schedules say, with their events in the order they list them.
type Schedule struct {
	Version, Title, Acronym, Start, End, TimeZone string
	Days                                          int
	Rooms                                         []string // the first day's, in order
	Events                                        []Event
}

// ScheduleJSON checks body against the c3voc's JSON schema for schedule.json
// (validator/json/schema.json of github.com/voc/schedule) — the keys each object requires,
// the types and patterns of their values, and no key the schema does not list where it lists
// them all — and returns what it says.
func ScheduleJSON(t testing.TB, body []byte) Schedule {
	t.Helper()
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("schedule.json does not parse: %v", err)
	}
	var problems []string
	scheduleDoc.check("$", doc, &problems)
	if len(problems) > 0 {
		if len(problems) > 20 {
			problems = append(problems[:20], fmt.Sprintf("and %d more", len(problems)-20))
		}
		t.Fatalf("schedule.json does not follow the c3voc schema:\n%s", strings.Join(problems, "\n"))
	}
	var s struct {
		Schedule struct {
			Version    string
			Conference struct {
				Title, Acronym, Start, End string
				TimeZoneName               string `json:"time_zone_name"`
				DaysCount                  int
				Days                       []struct {
					Rooms orderedRooms
				}
			}
		}
	}
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatal(err)
	}
	c := s.Schedule.Conference
	out := Schedule{Version: s.Schedule.Version, Title: c.Title, Acronym: c.Acronym, Start: c.Start, End: c.End,
		TimeZone: c.TimeZoneName, Days: c.DaysCount}
	for i, d := range c.Days {
		for _, r := range d.Rooms {
			if i == 0 {
				out.Rooms = append(out.Rooms, r.name)
			}
			for _, e := range r.events {
				ev := Event{GUID: e.GUID, ID: e.ID, Title: e.Title, Date: e.Date, Start: e.Start, Duration: e.Duration,
					Room: e.Room, Type: e.Type, Abstract: deref(e.Abstract), Slug: e.Slug, URL: e.URL, Language: deref(e.Language)}
				if e.Room != r.name {
					t.Errorf("event %s is in the room %q of the day, and says it is in %q", e.GUID, r.name, e.Room)
				}
				for _, p := range e.Persons {
					ev.Persons = append(ev.Persons, p.Name)
				}
				out.Events = append(out.Events, ev)
			}
		}
	}
	if c.DaysCount != len(c.Days) {
		t.Errorf("daysCount %d, and %d days", c.DaysCount, len(c.Days))
	}
	checkEvents(t, out.Events)
	return out
}

type jsonEvent struct {
	GUID, Title, Date, Start, Duration, Room, Type, Slug, URL string
	ID                                                        int
	Abstract, Language                                        *string
	Persons                                                   []struct{ Name string }
}

// orderedRooms reads a day's rooms, a JSON object, in the order it lists them.
type orderedRooms []struct {
	name   string
	events []jsonEvent
}

func (o *orderedRooms) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		var events []jsonEvent
		if err := dec.Decode(&events); err != nil {
			return err
		}
		*o = append(*o, struct {
			name   string
			events []jsonEvent
		}{key.(string), events})
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ScheduleXML checks body against what the c3voc's XSD for schedule.xml
// (validator/xsd/schedule.xml.xsd of github.com/voc/schedule) requires — the elements and
// attributes it must have, the patterns of their values, unique GUIDs — and returns what it
// says.
func ScheduleXML(t testing.TB, body []byte) Schedule {
	t.Helper()
	var doc struct {
		XMLName    xml.Name `xml:"schedule"`
		Version    *string  `xml:"version"`
		Conference *struct {
			Title        string `xml:"title"`
			Acronym      string `xml:"acronym"`
			Start        string `xml:"start"`
			End          string `xml:"end"`
			Days         int    `xml:"days"`
			TimeZoneName string `xml:"time_zone_name"`
		} `xml:"conference"`
		Days []struct {
			Index int    `xml:"index,attr"`
			Date  string `xml:"date,attr"`
			Start string `xml:"start,attr"`
			End   string `xml:"end,attr"`
			Rooms []struct {
				Name   string `xml:"name,attr"`
				GUID   string `xml:"guid,attr"`
				Events []struct {
					ID       int      `xml:"id,attr"`
					GUID     string   `xml:"guid,attr"`
					Room     *string  `xml:"room"`
					Title    *string  `xml:"title"`
					Type     *string  `xml:"type"`
					Date     *string  `xml:"date"`
					Start    *string  `xml:"start"`
					Duration *string  `xml:"duration"`
					Abstract *string  `xml:"abstract"`
					Track    *string  `xml:"track"`
					Slug     *string  `xml:"slug"`
					URL      *string  `xml:"url"`
					Language string   `xml:"language"`
					Persons  []string `xml:"persons>person"`
				} `xml:"event"`
			} `xml:"room"`
		} `xml:"day"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("schedule.xml does not parse: %v", err)
	}
	if doc.Version == nil || doc.Conference == nil || len(doc.Days) == 0 {
		t.Fatalf("schedule.xml has no version, conference or day")
	}
	c := doc.Conference
	if !xmlAcronym.MatchString(c.Acronym) || c.Title == "" {
		t.Errorf("conference: acronym %q, title %q", c.Acronym, c.Title)
	}
	out := Schedule{Version: *doc.Version, Title: c.Title, Acronym: c.Acronym, Start: c.Start, End: c.End, TimeZone: c.TimeZoneName, Days: c.Days}
	for i, d := range doc.Days {
		if d.Index != i+1 || !isDate(d.Date) || !dateTimeTZ.MatchString(d.Start) || !dateTimeTZ.MatchString(d.End) {
			t.Errorf("day %d: index %d, date %q, start %q, end %q", i, d.Index, d.Date, d.Start, d.End)
		}
		for _, r := range d.Rooms {
			if i == 0 {
				out.Rooms = append(out.Rooms, r.Name)
			}
			if r.Name == "" || !uuidPattern.MatchString(r.GUID) {
				t.Errorf("room %q, guid %q", r.Name, r.GUID)
			}
			for _, e := range r.Events {
				for name, v := range map[string]*string{"room": e.Room, "title": e.Title, "type": e.Type, "date": e.Date,
					"start": e.Start, "duration": e.Duration, "abstract": e.Abstract, "track": e.Track} {
					if v == nil {
						t.Errorf("event %s has no %s", e.GUID, name)
					}
				}
				if t.Failed() {
					t.FailNow()
				}
				if e.ID < 1 || !uuidPattern.MatchString(e.GUID) || !dateTimeTZ.MatchString(*e.Date) ||
					!xmlStart.MatchString(*e.Start) || !xmlDuration.MatchString(*e.Duration) ||
					e.Slug != nil && !xmlSlug.MatchString(*e.Slug) || e.URL != nil && !xmlURL.MatchString(*e.URL) {
					t.Errorf("event %+v", e)
				}
				out.Events = append(out.Events, Event{GUID: e.GUID, ID: e.ID, Title: *e.Title, Date: *e.Date, Start: *e.Start,
					Duration: *e.Duration, Room: *e.Room, Type: *e.Type, Abstract: *e.Abstract, Slug: deref(e.Slug),
					URL: deref(e.URL), Language: e.Language, Persons: e.Persons})
			}
		}
	}
	checkEvents(t, out.Events)
	return out
}

// The patterns of the XSD's types.
var (
	xmlAcronym  = regexp.MustCompile(`^[a-z0-9_-]{4,}$`)
	dateTimeTZ  = regexp.MustCompile(`.+(Z|[+-][0-9]{1,2}:[0-9]{2})$`)
	xmlStart    = regexp.MustCompile(`^[0-2][0-9]:[0-5][0-9]$`)
	xmlDuration = regexp.MustCompile(`^[0-9]{1,2}:[0-9]{2}$`)
	xmlSlug     = regexp.MustCompile(`^[a-z0-9_]{4,}-[a-z0-9\-_]{4,}$`)
	xmlURL      = regexp.MustCompile(`^https?://`)
)

// checkEvents checks that no two events have one GUID, or one id.
func checkEvents(t testing.TB, events []Event) {
	t.Helper()
	guids, ids := map[string]bool{}, map[int]bool{}
	for _, e := range events {
		if guids[e.GUID] || ids[e.ID] {
			t.Errorf("the GUID or the id of event %s (%d) is another's too", e.GUID, e.ID)
		}
		guids[e.GUID], ids[e.ID] = true, true
	}
}

// GUIDs returns the GUIDs of events, sorted.
func GUIDs(events []Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.GUID
	}
	sort.Strings(out)
	return out
}

// Lines checks the content lines of an iCalendar object as RFC 5545 (3.1) has them: each ends
// with CRLF, none is longer than 75 octets, none breaks a character's UTF-8 sequence, a
// continuation starts with a space. It returns the lines unfolded.
func Lines(t testing.TB, body []byte) []string {
	t.Helper()
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		t.Fatalf("the feed does not end with CRLF")
	}
	var out []string
	for i, line := range strings.Split(strings.TrimSuffix(string(body), "\r\n"), "\r\n") {
		switch {
		case len(line) > 75:
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		case !utf8.ValidString(line):
			t.Errorf("line %d breaks a character: %q", i+1, line)
		case strings.ContainsAny(line, "\r\n"):
			t.Errorf("line %d holds a bare line break: %q", i+1, line)
		}
		if strings.HasPrefix(line, " ") {
			if len(out) == 0 {
				t.Fatalf("the first line is a continuation")
			}
			out[len(out)-1] += line[1:]
			continue
		}
		out = append(out, line)
	}
	return out
}
