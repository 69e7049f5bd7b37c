package programme

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"entgo.io/ent/dialect/sql"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/programmechange"
	"maarid/ent/session"
	"maarid/ent/space"
	"maarid/i18n"
	"maarid/live"
)

// Change is an entry of the programme's change log, as the feed delivers it.
type Change struct {
	Seq    int64
	Kind   programmechange.Kind
	At     time.Time
	Reason *string
	FairID string
	// Session is the session as the change left it, read from what the change kept; its
	// space is loaded.
	Session  *ent.Session
	Previous *maarid.SessionState
	Current  maarid.SessionState
	// withdrawal is what those who may not see unpublished sessions receive of a change that
	// unpublished a session they could see: that it is gone, and nothing of what it became.
	withdrawal *Change
}

// Cursor is the position of the change in the log, for resuming a feed after it.
func (c *Change) Cursor() string { return strconv.FormatInt(c.Seq, 10) }

// ParseCursor reads a cursor given by a client as since; "0" is the start of the log.
func ParseCursor(cursor string) (int64, error) { return live.ParseCursor("since", "programme", cursor) }

// Filter narrows a feed.
type Filter struct {
	// FairID keeps the changes of one fair when it is not empty.
	FairID string
	// SpaceIDs keeps the changes of sessions that were or are in one of these spaces, when it
	// is not empty.
	SpaceIDs []string
	// Unpublished keeps the changes of unpublished sessions, which only organisers see.
	Unpublished bool
}

// view returns c as the subscriber of f sees it, or nil when it does not see it. A subscriber
// that may not see unpublished sessions sees a change only where it could see the session in
// the state the change left it; a change that unpublished a session it could see before
// reaches it as a withdrawal.
func (f Filter) view(c *Change) *Change {
	if f.FairID != "" && c.FairID != f.FairID {
		return nil
	}
	if !f.Unpublished && c.Current.Hidden {
		if c.withdrawal == nil {
			return nil
		}
		c = c.withdrawal
	}
	if len(f.SpaceIDs) == 0 {
		return c
	}
	in := func(id *string) bool { return id != nil && slices.Contains(f.SpaceIDs, *id) }
	if in(c.Current.SpaceID) || c.Previous != nil && in(c.Previous.SpaceID) {
		return c
	}
	return nil
}

// readLog returns up to limit changes after seq, in order, with their sessions.
func readLog(ctx context.Context, client *ent.Client, seq int64, limit int) ([]*Change, error) {
	ctx = auth.System(ctx)
	rows, err := client.ProgrammeChange.Query().
		Where(programmechange.SeqGT(seq)).
		Order(programmechange.BySeq()).
		Limit(limit).
		All(ctx)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	var sessionIDs, spaceIDs []string
	for _, r := range rows {
		sessionIDs = append(sessionIDs, r.SessionID)
		if r.After.SpaceID != nil {
			spaceIDs = append(spaceIDs, *r.After.SpaceID)
		}
	}
	sessions, err := client.Session.Query().Where(session.IDIn(sessionIDs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	spaces, err := client.Space.Query().Where(space.IDIn(spaceIDs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*ent.Session{}
	for _, s := range sessions {
		byID[s.ID] = s
	}
	spaceByID := map[string]*ent.Space{}
	for _, s := range spaces {
		spaceByID[s.ID] = s
	}
	out := make([]*Change, 0, len(rows))
	for _, r := range rows {
		s, ok := byID[r.SessionID]
		if !ok {
			return nil, fmt.Errorf("change %d: session %s is gone", r.Seq, r.SessionID)
		}
		current := *r.After
		if current.Details == nil && !s.Published {
			// A change logged before changes kept their session's details: it could only be
			// shown with what the session says now, which is not to be seen.
			current.Hidden = true
		}
		c := &Change{
			Seq:      r.Seq,
			Kind:     r.Kind,
			At:       r.At,
			Reason:   nonEmpty(r.Reason),
			FairID:   r.FairID,
			Session:  asOf(s, current, r.At, spaceByID),
			Previous: r.Before,
			Current:  current,
		}
		if current.Hidden && r.Before != nil && !r.Before.Hidden {
			c.withdrawal = withdrawal(c, s, spaceByID)
		}
		out = append(out, c)
	}
	return out, nil
}

// asOf returns session s as a change at time at left it: what state says of it, in the space
// it says.
func asOf(s *ent.Session, state maarid.SessionState, at time.Time, spaces map[string]*ent.Space) *ent.Session {
	then := *s
	then.StartsAt, then.EndsAt, then.SpaceID, then.Version = state.StartsAt, state.EndsAt, state.SpaceID, state.Version
	then.Status, then.Published = session.Status(state.Status), !state.Hidden
	if d := state.Details; d != nil {
		then.Title, then.Description, then.Audience = i18n.TextOf(d.Title), i18n.TextOf(d.Description), i18n.TextOf(d.Audience)
		then.Kind, then.Topics, then.Capacity = session.Kind(d.Kind), d.Topics, d.Capacity
		then.Languages = make([]i18n.Lang, len(d.Languages))
		for i, l := range d.Languages {
			then.Languages[i] = i18n.Lang(l)
		}
		then.UpdatedAt = at
	}
	then.Edges = ent.SessionEdges{}
	if state.SpaceID != nil {
		then.Edges.Space = spaces[*state.SpaceID]
	}
	return &then
}

// withdrawal returns the change c, which unpublished its session, as those who may not see
// unpublished sessions receive it: the session is where it was, unpublished, and says nothing
// of itself.
func withdrawal(c *Change, s *ent.Session, spaces map[string]*ent.Space) *Change {
	gone := *c.Previous
	gone.Hidden, gone.Details = true, &maarid.SessionDetails{Kind: s.Kind.String()}
	session := asOf(s, gone, c.At, spaces)
	session.SeatsLeft = nil
	return &Change{Seq: c.Seq, Kind: programmechange.KindUPDATED, At: c.At, FairID: c.FairID,
		Session: session, Previous: c.Previous, Current: gone}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// lastSeq returns the head of the change log, 0 when it is empty.
func lastSeq(ctx context.Context, c *ent.Client) (int64, error) {
	last, err := c.ProgrammeChange.Query().
		Order(programmechange.BySeq(sql.OrderDesc())).
		Select(programmechange.FieldSeq).
		First(auth.System(ctx))
	if ent.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return last.Seq, nil
}
