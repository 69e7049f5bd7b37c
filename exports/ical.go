package exports

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"maarid/ent"
	"maarid/ent/session"
)

// calendar writes the programme as an iCalendar feed (RFC 5545): an event a session, the
// cancelled ones included, as STATUS:CANCELLED, so that a calendar that had them strikes them
// out rather than losing track of them.
//
// Times are written in UTC (20180726T093000Z) rather than local with a TZID and a VTIMEZONE.
// A UTC time means the same instant to every reader and needs nothing else to be read; a
// VTIMEZONE for Africa/Casablanca would have to list each of its changes one by one — Morocco
// leaves UTC+1 for the month of Ramadan, which moves with the lunar calendar, so no yearly
// rule describes it — and Go's time package does not expose a zone's transitions to write them
// from. Calendar apps show UTC times in their reader's zone; X-WR-TIMEZONE names the fair's.
func (e *Exporter) calendar(ctx context.Context, req request) ([]byte, error) {
	p, err := e.loadProgramme(ctx, req)
	if err != nil {
		return nil, err
	}
	return p.iCalendar(ctx, req), nil
}

// iCalendar writes p as an iCalendar object. Nothing in it depends on the time it is
// written — DTSTAMP is when the session last changed — so that the same programme gives the
// same bytes, and the same ETag. Without a METHOD property, RFC 5545 reads DTSTAMP so.
func (p *programme) iCalendar(ctx context.Context, req request) []byte {
	var w icalWriter
	w.prop("BEGIN", "VCALENDAR")
	w.prop("VERSION", "2.0")
	w.prop("PRODID", "-//Maarid//Programme//"+strings.ToUpper(string(req.language(ctx))))
	w.prop("CALSCALE", "GREGORIAN")
	name := req.text(ctx, p.fair.Name)
	if p.narrowed {
		name += " — " + req.text(ctx, p.spaces[0].Name)
	}
	w.text("NAME", name) // RFC 7986
	w.text("X-WR-CALNAME", name)
	if theme := req.text(ctx, p.fair.Theme); theme != "" {
		w.text("X-WR-CALDESC", theme)
	}
	w.text("X-WR-TIMEZONE", p.fair.TimeZone)
	// How often a subscribed calendar should read the feed again: the programme changes
	// while the fair runs.
	w.prop("REFRESH-INTERVAL;VALUE=DURATION", "PT15M") // RFC 7986
	w.prop("X-PUBLISHED-TTL", "PT15M")
	for _, s := range p.sessions {
		w.prop("BEGIN", "VEVENT")
		w.prop("UID", s.ID+"@"+UIDDomain)
		w.prop("DTSTAMP", utc(s.UpdatedAt))
		w.prop("CREATED", utc(s.CreatedAt))
		w.prop("LAST-MODIFIED", utc(s.UpdatedAt))
		w.prop("DTSTART", utc(s.StartsAt))
		w.prop("DTEND", utc(s.EndsAt))
		w.prop("SEQUENCE", strconv.Itoa(s.Version))
		if s.Status == session.StatusCANCELLED {
			w.prop("STATUS", "CANCELLED")
		} else {
			w.prop("STATUS", "CONFIRMED")
		}
		w.text("SUMMARY", req.text(ctx, s.Title))
		if d := description(ctx, req, s); d != "" {
			w.text("DESCRIPTION", d)
		}
		if sp := s.Edges.Space; sp != nil {
			w.text("LOCATION", req.text(ctx, sp.Name))
		}
		w.text("CATEGORIES", s.Kind.String())
		w.prop("END", "VEVENT")
	}
	w.prop("END", "VCALENDAR")
	return w.buf.Bytes()
}

// description is what a calendar says of a session: its description, then its speakers.
func description(ctx context.Context, req request, s *ent.Session) string {
	d := req.text(ctx, s.Description)
	var speakers []string
	for _, sp := range s.Edges.Speakers {
		name := sp.Name
		if sp.Organization != "" {
			name += " (" + sp.Organization + ")"
		}
		speakers = append(speakers, name)
	}
	if len(speakers) == 0 {
		return d
	}
	if d != "" {
		d += "\n\n"
	}
	return d + strings.Join(speakers, "\n")
}

// utc writes t as an iCalendar DATE-TIME in UTC.
func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// maxLineOctets is the longest content line RFC 5545 allows, line break excluded (3.1).
const maxLineOctets = 75

// icalWriter writes content lines: CRLF after each, folded at 75 octets.
type icalWriter struct{ buf bytes.Buffer }

// prop writes a property whose value is written as it is: a value of no TEXT type, or one
// escaped already.
func (w *icalWriter) prop(name, value string) { w.fold(name + ":" + value) }

// text writes a property of type TEXT, escaped.
func (w *icalWriter) text(name, value string) { w.prop(name, escapeText(value)) }

// fold writes line folded as RFC 5545 (3.1) says: no line longer than 75 octets, a line
// break and a space before each continuation — the space counts in its line — and never a
// break inside the UTF-8 sequence of a character.
func (w *icalWriter) fold(line string) {
	n := 0 // octets on the current line
	for len(line) > 0 {
		_, size := utf8.DecodeRuneInString(line)
		if n+size > maxLineOctets {
			w.buf.WriteString("\r\n ")
			n = 1
		}
		w.buf.WriteString(line[:size])
		line = line[size:]
		n += size
	}
	w.buf.WriteString("\r\n")
}

// escapeText escapes a TEXT value (RFC 5545, 3.3.11): a backslash, a semicolon and a comma
// after a backslash, a line break as \n. The control characters that TEXT may not hold are
// dropped, as is what is not UTF-8.
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
