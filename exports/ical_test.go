package exports

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"maarid/exports/exportstest"
	"maarid/i18n"
)

func TestExportCalendarEvents(t *testing.T) {
	p := testProgramme(t)
	lang := i18n.FR
	body := p.iCalendar(testContext(i18n.AR), request{lang: &lang})
	exportstest.Lines(t, body)
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got := cal.CalendarProperties; len(got) == 0 {
		t.Fatal("no calendar properties")
	}
	events := cal.Events()
	if len(events) != len(p.sessions) {
		t.Fatalf("%d events for %d sessions", len(events), len(p.sessions))
	}
	for i, s := range p.sessions {
		e := events[i]
		value := func(prop ics.ComponentProperty) string {
			if v := e.GetProperty(prop); v != nil {
				return v.Value
			}
			return ""
		}
		start, err := e.GetStartAt()
		if err != nil || !start.Equal(s.StartsAt) {
			t.Errorf("%s starts at %v (%v), want %v", s.ID, start, err, s.StartsAt)
		}
		end, err := e.GetEndAt()
		if err != nil || !end.Equal(s.EndsAt) {
			t.Errorf("%s ends at %v (%v), want %v", s.ID, end, err, s.EndsAt)
		}
		wantStatus := "CONFIRMED"
		if s.Status == "CANCELLED" {
			wantStatus = "CANCELLED"
		}
		title, _ := s.Title.Get(i18n.FR, i18n.AR)
		if e.Id() != s.ID+"@"+UIDDomain || value(ics.ComponentPropertySequence) != strconv.Itoa(s.Version) ||
			value(ics.ComponentPropertyStatus) != wantStatus || value(ics.ComponentPropertySummary) != title {
			t.Errorf("%s: UID %q, SEQUENCE %q, STATUS %q, SUMMARY %q", s.ID, e.Id(), value(ics.ComponentPropertySequence),
				value(ics.ComponentPropertyStatus), value(ics.ComponentPropertySummary))
		}
		if stamp, err := e.GetDtStampTime(); err != nil || !stamp.Equal(s.UpdatedAt) {
			t.Errorf("%s: DTSTAMP %v (%v), want when it changed, %v", s.ID, stamp, err, s.UpdatedAt)
		}
		wantLocation := ""
		if s.Edges.Space != nil {
			wantLocation, _ = s.Edges.Space.Name.Get(i18n.FR)
		}
		if got := value(ics.ComponentPropertyLocation); got != wantLocation {
			t.Errorf("%s: LOCATION %q, want %q", s.ID, got, wantLocation)
		}
	}
	odd := events[0]
	if got := odd.GetProperty(ics.ComponentPropertySummary).Value; got != oddTitle {
		t.Errorf("the odd title came back as %q", got)
	}
	want := "Première ligne\nDeuxième ligne, avec une virgule\n\nFatima Zahra Ait Ouarab (ODCO)\nHassan Benali"
	if got := odd.GetProperty(ics.ComponentPropertyDescription).Value; got != want {
		t.Errorf("description %q, want %q", got, want)
	}
	if got := events[2].GetProperty(ics.ComponentPropertySummary).Value; got != "ⴰⵙⵏⵎⵍ" {
		t.Errorf("a title in Tamazight only: %q", got)
	}
	if !bytes.Contains(body, []byte("\r\nX-WR-TIMEZONE:Africa/Casablanca\r\n")) ||
		!bytes.Contains(body, []byte("\r\nDTSTART:20180725T090000Z\r\n")) {
		t.Errorf("the times are not in UTC, or the zone is not named:\n%s", body)
	}
}

func TestExportCalendarNarrowed(t *testing.T) {
	p := testProgramme(t)
	p.spaces, p.narrowed = p.spaces[:1], true
	body := p.iCalendar(testContext(i18n.FR), request{})
	lines := exportstest.Lines(t, body)
	if !contains(lines, "NAME:Salon régional — Scène principale") {
		t.Errorf("the calendar of one space is not named after it:\n%s", strings.Join(lines, "\n"))
	}
}

// TestExportCalendarArabic folds long Arabic lines: every line is of whole characters.
func TestExportCalendarArabic(t *testing.T) {
	p := testProgramme(t)
	body := p.iCalendar(testContext(i18n.AR), request{})
	lines := exportstest.Lines(t, body)
	folded := 0
	for _, l := range bytes.Split(body, []byte("\r\n")) {
		if bytes.HasPrefix(l, []byte(" ")) {
			folded++
		}
	}
	if folded < 10 {
		t.Errorf("only %d continuation lines: the Arabic texts were meant to be folded", folded)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cal.Events()[0].GetProperty(ics.ComponentPropertySummary).Value, p.sessions[0].Title[i18n.AR]; got != want {
		t.Errorf("the Arabic title came back as %q", got)
	}
	if !contains(lines, "PRODID:-//Maarid//Programme//AR") {
		t.Errorf("PRODID does not name the language")
	}
}

func contains(lines []string, line string) bool {
	for _, l := range lines {
		if l == line {
			return true
		}
	}
	return false
}

func TestFold(t *testing.T) {
	tests := map[string]string{
		"short":           "SUMMARY:Atelier",
		"75 octets":       "SUMMARY:" + strings.Repeat("a", 67),
		"76 octets":       "SUMMARY:" + strings.Repeat("a", 68),
		"long ASCII":      "DESCRIPTION:" + strings.Repeat("0123456789", 30),
		"Arabic":          "SUMMARY:" + strings.Repeat("التدبير المالي ", 20),
		"Tifinagh":        "SUMMARY:" + strings.Repeat("ⵜⴰⵎⴰⵣⵉⵖⵜ ", 20),
		"emoji":           "SUMMARY:" + strings.Repeat("🐝🍯", 40),
		"a character@74":  "SUMMARY:" + strings.Repeat("a", 65) + "é" + strings.Repeat("b", 20),
		"a character@75":  "SUMMARY:" + strings.Repeat("a", 66) + "é" + strings.Repeat("b", 20),
		"four octets@74":  "SUMMARY:" + strings.Repeat("a", 65) + "🐝" + strings.Repeat("b", 20),
		"escaped and cut": "SUMMARY:" + strings.Repeat("a", 66) + `\n\;\,\\`,
	}
	for name, line := range tests {
		t.Run(name, func(t *testing.T) {
			var w icalWriter
			w.fold(line)
			if got := exportstest.Lines(t, w.buf.Bytes()); len(got) != 1 || got[0] != line {
				t.Errorf("unfolded %q, want %q", got, line)
			}
		})
	}
}

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{`a\b`, `a\\b`},
		{"a;b,c", `a\;b\,c`},
		{"one\ntwo", `one\ntwo`},
		{"one\r\ntwo\rthree", `one\ntwo\nthree`},
		{"tab\there", "tab\there"},
		{"bell\x07 and nul\x00 and del\x7f", "bell and nul and del"},
		{"not UTF-8 \xff here", "not UTF-8  here"},
		{"عربية، وفرنسية", "عربية، وفرنسية"}, // the Arabic comma is no separator
	}
	for _, tt := range tests {
		if got := escapeText(tt.in); got != tt.want {
			t.Errorf("escapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzFold checks that any text, escaped and folded, is read back as it was — but for what
// TEXT cannot hold — in lines of at most 75 octets of whole characters.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "a,b;c\\d\ne", strings.Repeat("التدبير ", 30), strings.Repeat("🐝", 30), "\r\n\r\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var w icalWriter
		w.text("DESCRIPTION", s)
		lines := exportstest.Lines(t, w.buf.Bytes())
		if len(lines) != 1 {
			t.Fatalf("%d lines", len(lines))
		}
		got := ics.FromText(strings.TrimPrefix(lines[0], "DESCRIPTION:"))
		want := strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\r\n", "\n")
		want = strings.Map(func(r rune) rune {
			switch {
			case r == '\r':
				return '\n'
			case r == '\n' || r == '\t':
				return r
			case r < 0x20 || r == 0x7f:
				return -1
			}
			return r
		}, want)
		if got != want || !utf8.ValidString(got) {
			t.Errorf("read back %q, want %q", got, want)
		}
	})
}

func TestUTC(t *testing.T) {
	zone, _ := time.LoadLocation("Africa/Casablanca")
	if got := utc(time.Date(2018, 7, 26, 10, 30, 0, 0, zone)); got != "20180726T093000Z" {
		t.Errorf("10:30 in Casablanca in July 2018 is %s", got)
	}
}
