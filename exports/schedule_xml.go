package exports

import (
	"bytes"
	"encoding/xml"
)

// schedule.xml, after the c3voc's XSD (validator/xsd/schedule.xml.xsd of
// github.com/voc/schedule): the same schedule as schedule.json, where the events of a day's
// room are <event> elements of a <room>, and a room's events its children, in order.

type xmlSchedule struct {
	XMLName    xml.Name      `xml:"schedule"`
	Generator  xmlGenerator  `xml:"generator"`
	Version    string        `xml:"version"`
	Conference xmlConference `xml:"conference"`
	Days       []xmlDay      `xml:"day"`
}

type xmlGenerator struct {
	Name string `xml:"name,attr"`
}

type xmlConference struct {
	Acronym          string `xml:"acronym"`
	Title            string `xml:"title"`
	Start            string `xml:"start"`
	End              string `xml:"end"`
	Days             int    `xml:"days"`
	TimeslotDuration string `xml:"timeslot_duration"`
	TimeZoneName     string `xml:"time_zone_name"`
}

type xmlDay struct {
	Index int       `xml:"index,attr"`
	Date  string    `xml:"date,attr"`
	Start string    `xml:"start,attr"`
	End   string    `xml:"end,attr"`
	Rooms []xmlRoom `xml:"room"`
}

type xmlRoom struct {
	Name   string     `xml:"name,attr"`
	GUID   string     `xml:"guid,attr"`
	Events []xmlEvent `xml:"event"`
}

type xmlEvent struct {
	ID       int         `xml:"id,attr"`
	GUID     string      `xml:"guid,attr"`
	Date     string      `xml:"date"`
	Start    string      `xml:"start"`
	Duration string      `xml:"duration"`
	Room     string      `xml:"room"`
	Slug     string      `xml:"slug"`
	URL      string      `xml:"url"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle"`
	Track    string      `xml:"track"`
	Type     string      `xml:"type"`
	Language string      `xml:"language,omitempty"`
	Abstract string      `xml:"abstract"`
	Persons  []xmlPerson `xml:"persons>person"`
	Links    struct{}    `xml:"links"`
}

type xmlPerson struct {
	GUID string `xml:"guid,attr"`
	Name string `xml:",chardata"`
}

// xml writes s as schedule.xml.
func (s schedule) xml() ([]byte, error) {
	c := s.Conference
	doc := xmlSchedule{
		Generator: xmlGenerator{Name: "Maarid"},
		Version:   s.Version,
		Conference: xmlConference{
			Acronym: c.Acronym, Title: c.Title, Start: c.Start, End: c.End, Days: c.DaysCount,
			TimeslotDuration: c.TimeslotDuration, TimeZoneName: c.TimeZoneName,
		},
	}
	for _, d := range c.Days {
		day := xmlDay{Index: d.Index, Date: d.Date, Start: d.DayStart, End: d.DayEnd}
		for _, r := range d.Rooms {
			room := xmlRoom{Name: r.name, GUID: r.guid}
			for _, e := range r.events {
				x := xmlEvent{
					ID: e.ID, GUID: e.GUID, Date: e.Date, Start: e.Start, Duration: e.Duration,
					Room: e.Room, Slug: e.Slug, URL: e.URL, Title: e.Title, Subtitle: e.Subtitle,
					Type: e.Type, Abstract: e.Abstract,
				}
				if e.Track != nil {
					x.Track = *e.Track
				}
				if e.Language != nil {
					x.Language = *e.Language
				}
				for _, p := range e.Persons {
					x.Persons = append(x.Persons, xmlPerson{GUID: p.GUID, Name: p.Name})
				}
				room.Events = append(room.Events, x)
			}
			day.Rooms = append(day.Rooms, room)
		}
		doc.Days = append(doc.Days, day)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
