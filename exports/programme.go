package exports

import (
	"context"
	"fmt"
	"time"
	_ "time/tzdata" // the fair's time zone must load on a machine without a zoneinfo database

	"entgo.io/ent/dialect/sql"
	"github.com/google/uuid"

	"maarid"
	"maarid/ent"
	"maarid/ent/fair"
	"maarid/ent/programmechange"
	"maarid/ent/session"
	"maarid/ent/space"
	"maarid/ent/speaker"
)

// programme is what the exports of the programme are made of: the newest fair, its spaces in
// the order of the venue's plan, and the sessions the caller sees, by time, each with its
// space and its speakers.
type programme struct {
	fair *ent.Fair
	zone *time.Location
	// spaces are the fair's spaces, or the one asked for.
	spaces []*ent.Space
	// narrowed is set when one space was asked for.
	narrowed bool
	sessions []*ent.Session
}

// loadProgramme reads the programme for req, with the caller's context so that the privacy
// rules decide which sessions are in it: four statements (the fair, its spaces, the
// sessions, their speakers), whatever the number of sessions.
func (e *Exporter) loadProgramme(ctx context.Context, req request) (*programme, error) {
	f, err := e.newestFair(ctx)
	if err != nil {
		return nil, err
	}
	zone, err := time.LoadLocation(f.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("the time zone of the fair %s: %w", f.ID, err)
	}
	spaces, err := e.client.Space.Query().
		Where(space.FairID(f.ID)).
		Order(space.ByPosition(), space.ByID()).
		All(ctx)
	if err != nil {
		return nil, err
	}
	sessions := e.client.Session.Query().
		Where(session.FairID(f.ID)).
		WithSpeakers(func(q *ent.SpeakerQuery) { q.Order(speaker.ByName(), speaker.ByID()) }).
		Order(session.ByStartsAt(), session.ByID())
	p := &programme{fair: f, zone: zone, spaces: spaces}
	if req.spaceID != "" {
		p.spaces, p.narrowed = nil, true
		for _, s := range spaces {
			if s.ID == req.spaceID {
				p.spaces = []*ent.Space{s}
			}
		}
		if len(p.spaces) == 0 {
			return nil, maarid.Invalid("space", "the fair has no space with the ID %q", req.spaceID)
		}
		sessions.Where(session.SpaceID(req.spaceID))
	}
	if p.sessions, err = sessions.All(ctx); err != nil {
		return nil, err
	}
	byID := make(map[string]*ent.Space, len(spaces))
	for _, s := range spaces {
		byID[s.ID] = s
	}
	for _, s := range p.sessions {
		if s.SpaceID != nil {
			s.Edges.Space = byID[*s.SpaceID]
		}
	}
	return p, nil
}

// newestFair is the fair the exports are of: the newest, as the server's default language is.
func (e *Exporter) newestFair(ctx context.Context) (*ent.Fair, error) {
	f, err := e.client.Fair.Query().
		Order(fair.ByStartsOn(sql.OrderDesc()), fair.ByID()).
		First(ctx)
	if ent.IsNotFound(err) {
		return nil, maarid.Errorf(maarid.NotFound, "there is no fair yet, and no programme to export")
	}
	return f, err
}

// head is the sequence number of the newest change of the fair's programme, 0 before the
// first: it changes when, and only when, the programme does.
func (e *Exporter) head(ctx context.Context, fairID string) (int64, error) {
	last, err := e.client.ProgrammeChange.Query().
		Where(programmechange.FairID(fairID)).
		Order(programmechange.BySeq(sql.OrderDesc())).
		Select(programmechange.FieldSeq).
		First(ctx)
	if ent.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return last.Seq, nil
}

// dateIn is the calendar date t stands for (a fair's starts_on or ends_on, at midnight UTC),
// at midnight in zone.
func dateIn(t time.Time, zone *time.Location) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone)
}

// UIDDomain ends the UID of every session in the iCalendar feed, and names the namespace of
// the schedules' GUIDs. It is fixed, never the server's host: a session has the same UID and
// GUID from every instance and behind any proxy, so calendar apps and schedule readers
// recognise it after a move or a change of address.
const UIDDomain = "maarid.ma"

// namespace is the UUID namespace of the schedules' GUIDs: the UUIDv5 of UIDDomain.
var namespace = uuid.NewSHA1(uuid.NameSpaceDNS, []byte(UIDDomain))

// guid is the stable UUID (version 5) of an entity of the fair, from its global ID.
func guid(id string) uuid.UUID { return uuid.NewSHA1(namespace, []byte(id)) }
