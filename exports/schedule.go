package exports

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"maarid"
	"maarid/ent"
	"maarid/ent/session"
	"maarid/ent/space"
)

// The programme as a conference schedule in the formats of frab, pretalx and the c3voc
// (https://c3voc.de/wiki/schedule): schedule.json after its JSON schema
// (https://c3voc.de/schedule/schema.json), schedule.xml after its XSD. Apps for visitors
// (Giggity, EventFahrplan), signage and recording teams read them. A schedule lists what will
// take place: a cancelled session is left out of it, as frab and pretalx leave out theirs;
// the iCalendar feed keeps it, cancelled.

// SchemaURL is the JSON schema schedule.json follows.
const SchemaURL = "https://c3voc.de/schedule/schema.json"

// scheduleDoc is schedule.json.
type scheduleDoc struct {
	Schema    string    `json:"$schema"`
	Generator generator `json:"generator"`
	Schedule  schedule  `json:"schedule"`
}

type generator struct {
	Name string `json:"name"`
}

type schedule struct {
	// Version is the head of the programme's change log: it changes when, and only when,
	// the programme does.
	Version    string     `json:"version"`
	Conference conference `json:"conference"`
}

type conference struct {
	Acronym          string `json:"acronym"`
	Title            string `json:"title"`
	Start            string `json:"start"`
	End              string `json:"end"`
	DaysCount        int    `json:"daysCount"`
	TimeslotDuration string `json:"timeslot_duration"`
	TimeZoneName     string `json:"time_zone_name"`
	Rooms            []room `json:"rooms"`
	Days             []day  `json:"days"`
}

type room struct {
	Name        string  `json:"name"`
	GUID        string  `json:"guid"`
	Type        string  `json:"type"`
	Capacity    *int    `json:"capacity"`
	Description *string `json:"description"`
}

type day struct {
	Index    int       `json:"index"`
	Date     string    `json:"date"`
	DayStart string    `json:"day_start"`
	DayEnd   string    `json:"day_end"`
	Rooms    roomsList `json:"rooms"`
}

// roomsList is a day's rooms with their events, written as a JSON object keyed by the rooms'
// names, in the order of the venue's plan.
type roomsList []dayRoom

type dayRoom struct {
	name   string
	guid   string
	events []event
}

func (l roomsList) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, r := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		name, err := json.Marshal(r.name)
		if err != nil {
			return nil, err
		}
		events, err := json.Marshal(r.events)
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(events)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

type event struct {
	GUID     string   `json:"guid"`
	ID       int      `json:"id"`
	Date     string   `json:"date"`
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Duration string   `json:"duration"`
	Room     string   `json:"room"`
	Slug     string   `json:"slug"`
	URL      string   `json:"url"`
	Title    string   `json:"title"`
	Subtitle string   `json:"subtitle"`
	Track    *string  `json:"track"`
	Type     string   `json:"type"`
	Language *string  `json:"language"`
	Abstract string   `json:"abstract"`
	Persons  []person `json:"persons"`
	Links    []link   `json:"links"`
}

// person is a speaker. public_name is the name as frab wrote it, which older readers look for.
type person struct {
	GUID       string `json:"guid"`
	Name       string `json:"name"`
	PublicName string `json:"public_name"`
}

type link struct {
	URL   string `json:"url"`
	Title string `json:"title"`
}

func (e *Exporter) scheduleJSON(ctx context.Context, req request) ([]byte, error) {
	s, err := e.schedule(ctx, req)
	if err != nil {
		return nil, err
	}
	return jsonSchedule(s)
}

// jsonSchedule writes s as schedule.json.
func jsonSchedule(s schedule) ([]byte, error) {
	doc := scheduleDoc{Schema: SchemaURL, Generator: generator{Name: "Maarid"}, Schedule: s}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (e *Exporter) scheduleXML(ctx context.Context, req request) ([]byte, error) {
	s, err := e.schedule(ctx, req)
	if err != nil {
		return nil, err
	}
	return s.xml()
}

// schedule reads the programme and its version — five statements — and lays it out.
func (e *Exporter) schedule(ctx context.Context, req request) (schedule, error) {
	p, err := e.loadProgramme(ctx, req)
	if err != nil {
		return schedule{}, err
	}
	head, err := e.head(ctx, p.fair.ID)
	if err != nil {
		return schedule{}, err
	}
	return p.schedule(ctx, req, head), nil
}

// timeslot is the grid of the schedule's apps; Maarid's sessions start on any minute.
const timeslot = "00:15"

// schedule lays p out by day and room: every day of the fair, and of any session outside
// them; in each, every room of p, with the sessions that start in it that day.
func (p *programme) schedule(ctx context.Context, req request, head int64) schedule {
	acronym := acronymOf(p.fair.Slug)
	rooms := p.rooms(ctx, req)
	first, last := dateIn(p.fair.StartsOn, p.zone), dateIn(p.fair.EndsOn, p.zone)
	var sessions []*ent.Session
	for _, s := range p.sessions {
		if s.Status == session.StatusCANCELLED {
			continue
		}
		sessions = append(sessions, s)
		d := localDay(s.StartsAt, p.zone)
		if d.Before(first) {
			first = d
		}
		if d.After(last) {
			last = d
		}
	}
	c := conference{
		Acronym:          acronym,
		Title:            req.text(ctx, p.fair.Name),
		Start:            first.Format(time.DateOnly),
		End:              last.Format(time.DateOnly),
		TimeslotDuration: timeslot,
		TimeZoneName:     p.fair.TimeZone,
		Rooms:            []room{},
		Days:             []day{},
	}
	for _, r := range rooms {
		c.Rooms = append(c.Rooms, r.room)
	}
	for d, i := first, 1; !d.After(last); d, i = d.AddDate(0, 0, 1), i+1 {
		next := d.AddDate(0, 0, 1)
		today := day{Index: i, Date: d.Format(time.DateOnly)}
		start, end := next, d
		byRoom := map[string][]event{}
		for _, s := range sessions {
			if !localDay(s.StartsAt, p.zone).Equal(d) {
				continue
			}
			r := roomOf(rooms, s)
			byRoom[r.GUID] = append(byRoom[r.GUID], p.event(ctx, req, acronym, r.Name, s))
			start, end = earlier(start, s.StartsAt.In(p.zone)), later(end, s.EndsAt.In(p.zone))
		}
		if start.After(end) { // no session that day: the whole day
			start, end = d, next
		}
		today.DayStart, today.DayEnd = start.Format(time.RFC3339), end.Format(time.RFC3339)
		for _, r := range rooms {
			today.Rooms = append(today.Rooms, dayRoom{name: r.Name, guid: r.GUID, events: orEmpty(byRoom[r.GUID])})
		}
		c.Days = append(c.Days, today)
	}
	c.DaysCount = len(c.Days)
	return schedule{Version: strconv.FormatInt(head, 10), Conference: c}
}

// scheduleRoom is a room of the schedule, and the space it is.
type scheduleRoom struct {
	room
	spaceID string // "" for the room of the sessions that have no space
}

// rooms are the rooms of p's schedule: its spaces, then, when a session has no space, the
// fair's venue. Each has a name of its own: the rooms of a day are keyed by name.
func (p *programme) rooms(ctx context.Context, req request) []scheduleRoom {
	var out []scheduleRoom
	names := map[string]bool{}
	add := func(r scheduleRoom) {
		if names[r.Name] || r.Name == "" {
			r.Name = strings.TrimSpace(r.Name + " (" + r.GUID[:8] + ")")
		}
		names[r.Name] = true
		out = append(out, r)
	}
	for _, s := range p.spaces {
		r := scheduleRoom{spaceID: s.ID, room: room{
			Name: req.text(ctx, s.Name), GUID: guid(s.ID).String(), Type: roomType(s.Kind), Capacity: s.Capacity,
		}}
		if d := req.text(ctx, s.Description); d != "" {
			r.Description = &d
		}
		add(r)
	}
	for _, s := range p.sessions {
		if s.Edges.Space == nil && s.Status != session.StatusCANCELLED {
			name := req.text(ctx, p.fair.Venue)
			if name == "" {
				name = req.text(ctx, p.fair.Name)
			}
			add(scheduleRoom{room: room{Name: name, GUID: guid(p.fair.ID).String(), Type: "other"}})
			break
		}
	}
	return out
}

// roomOf is the room of session s.
func roomOf(rooms []scheduleRoom, s *ent.Session) room {
	id := ""
	if s.Edges.Space != nil {
		id = s.Edges.Space.ID
	}
	for _, r := range rooms {
		if r.spaceID == id {
			return r.room
		}
	}
	return rooms[len(rooms)-1].room
}

// roomType is the c3voc type of a room of kind k.
func roomType(k space.Kind) string {
	switch k {
	case space.KindSTAGE:
		return "stage"
	case space.KindWORKSHOP_ROOM:
		return "workshop"
	case space.KindOUTDOOR:
		return "outside"
	}
	return "other"
}

// event is session s as an event of the schedule.
func (p *programme) event(ctx context.Context, req request, acronym, roomName string, s *ent.Session) event {
	start, end := s.StartsAt.In(p.zone), s.EndsAt.In(p.zone)
	length := end.Sub(start).Round(time.Minute)
	id := guid(s.ID)
	ev := event{
		GUID: id.String(),
		// The schedule's older readers want a number too: 31 bits of the GUID, unique unless
		// two of the fair's sessions draw the same from two billion.
		ID:       max(int(binary.BigEndian.Uint32(id[:4])&0x7fffffff), 1),
		Date:     start.Format(time.RFC3339),
		Start:    start.Format("15:04"),
		End:      end.Format(time.RFC3339),
		Duration: fmt.Sprintf("%02d:%02d", int(length.Hours()), int(length.Minutes())%60),
		Room:     roomName,
		Slug:     acronym + "-" + strings.ToLower(s.ID),
		URL:      screenURL(ctx, s),
		Title:    req.text(ctx, s.Title),
		Type:     strings.ReplaceAll(strings.ToLower(s.Kind.String()), "_", "-"),
		Abstract: req.text(ctx, s.Description),
		Persons:  []person{},
		Links:    []link{},
	}
	if len(s.Languages) > 0 {
		l := string(s.Languages[0])
		ev.Language = &l
	}
	for _, sp := range s.Edges.Speakers {
		ev.Persons = append(ev.Persons, person{GUID: guid(sp.ID).String(), Name: sp.Name, PublicName: sp.Name})
	}
	return ev
}

// screenURL is the page that shows session s while it is on: the programme screen of its
// space.
func screenURL(ctx context.Context, s *ent.Session) string {
	if s.SpaceID == nil {
		return maarid.Absolute(ctx, "/screen")
	}
	return maarid.Absolute(ctx, "/screen?space="+url.QueryEscape(*s.SpaceID))
}

// acronymOf makes the schedule's acronym of a fair's slug: the c3voc schema wants at least four
// characters of [a-z0-9_] (bmk-ess-2018 is bmk_ess_2018).
func acronymOf(slug string) string {
	a := strings.ReplaceAll(slug, "-", "_")
	for len(a) < 4 {
		a += "_"
	}
	return a
}

// localDay is the day of t in zone, at midnight.
func localDay(t time.Time, zone *time.Location) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone)
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func orEmpty(events []event) []event {
	if events == nil {
		return []event{}
	}
	return events
}
