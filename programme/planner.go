// Package programme manages a fair's programme while it runs: the changes organisers make to
// sessions, checked against the programme's rules and written to the change log in the same
// transaction; registrations for sessions; and the feed that tells screens and apps of every
// change, in order, from any point of the log.
package programme

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
	_ "time/tzdata" // the fair's time zone must load on a machine without a zoneinfo database

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/programmechange"
	"maarid/ent/session"
	"maarid/gid"
	"maarid/i18n"
	"maarid/webhooks"
)

// Planner changes the programme. Every change runs in one transaction that checks the rules,
// writes the session and appends a ProgrammeChange; the feed learns of it once it is committed.
type Planner struct {
	client *ent.Client
	feed   *Feed
}

// NewPlanner returns a planner writing through client and announcing its changes to feed.
func NewPlanner(client *ent.Client, feed *Feed) *Planner {
	return &Planner{client: client, feed: feed}
}

// MaxSpeakers bounds the speakers of a session.
const MaxSpeakers = 20

// Reschedule is a move of a session in time or to another space.
type Reschedule struct {
	StartsAt time.Time
	EndsAt   time.Time
	// SpaceID is the space to move to; the session stays in its space when it is nil.
	SpaceID         *string
	ExpectedVersion *int
	Reason          *string
}

// Create adds a session to the programme.
func (p *Planner) Create(ctx context.Context, input ent.CreateSessionInput, reason *string) (*ent.Session, error) {
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	if len(input.SpeakerIDs) > MaxSpeakers {
		return nil, maarid.Invalid("speakerIDs", "at most %d speakers, not %d", MaxSpeakers, len(input.SpeakerIDs))
	}
	var created *ent.Session
	err := p.organise(ctx, func(ctx context.Context, tx *ent.Tx) error {
		f, err := tx.Fair.Get(ctx, input.FairID)
		if err != nil {
			return notFound(err, "fairID", "fair", input.FairID)
		}
		status := session.StatusSCHEDULED
		next := maarid.SessionState{StartsAt: input.StartsAt, EndsAt: input.EndsAt, SpaceID: input.SpaceID, Status: status.String(), Version: 1,
			Hidden: input.Published != nil && !*input.Published}
		if err := checkRules(ctx, tx.Client(), f, "", next, input.SpeakerIDs); err != nil {
			return err
		}
		created, err = tx.Session.Create().SetInput(input).Save(ctx)
		if err != nil {
			return err
		}
		return p.record(ctx, tx, created, programmechange.KindADDED, nil, next, reason)
	})
	return created, err
}

// Update changes a session's details: texts, kind, topics, languages, capacity, speakers,
// publication. Its time and space change through Reschedule.
func (p *Planner) Update(ctx context.Context, id string, input ent.UpdateSessionInput, expected *int, reason *string) (*ent.Session, error) {
	return p.change(ctx, id, expected, func(ctx context.Context, tx *ent.Tx, s *ent.Session) (*ent.Session, programmechange.Kind, error) {
		// The texts of the input are edits of the session's (i18n.PatchFromTranslations).
		for _, t := range []struct {
			edit   *i18n.Text
			stored i18n.Text
		}{
			{&input.Title, s.Title}, {&input.Description, s.Description}, {&input.Audience, s.Audience},
		} {
			if *t.edit != nil {
				*t.edit = t.stored.Patched(*t.edit)
			}
		}
		speakers, err := s.QuerySpeakers().IDs(ctx)
		if err != nil {
			return nil, "", err
		}
		after := updatedSpeakers(speakers, input)
		if len(after) > MaxSpeakers {
			return nil, "", maarid.Invalid("addSpeakerIDs", "at most %d speakers, not %d", MaxSpeakers, len(after))
		}
		if !changes(s, speakers, after, input) {
			return s, "", nil
		}
		if !slices.Equal(speakers, after) && s.Status == session.StatusSCHEDULED {
			f, err := s.QueryFair().Only(ctx)
			if err != nil {
				return nil, "", err
			}
			if err := checkRules(ctx, tx.Client(), f, s.ID, stateOf(s), after); err != nil {
				return nil, "", err
			}
		}
		update := tx.Session.UpdateOne(s).SetInput(input)
		if input.Capacity != nil || input.ClearCapacity {
			if err := resize(ctx, tx, s, input.Capacity, update); err != nil {
				return nil, "", err
			}
		}
		s, err = update.AddVersion(1).Save(ctx)
		return s, programmechange.KindUPDATED, err
	}, reason)
}

// Reschedule moves a session in time or to another space.
func (p *Planner) Reschedule(ctx context.Context, id string, r Reschedule) (*ent.Session, error) {
	return p.change(ctx, id, r.ExpectedVersion, func(ctx context.Context, tx *ent.Tx, s *ent.Session) (*ent.Session, programmechange.Kind, error) {
		next := stateOf(s)
		next.StartsAt, next.EndsAt = r.StartsAt, r.EndsAt
		if r.SpaceID != nil {
			next.SpaceID = r.SpaceID
		}
		kind := programmechange.KindRESCHEDULED
		switch {
		case !sameSpace(next.SpaceID, s.SpaceID):
			kind = programmechange.KindMOVED
		case next.StartsAt.Equal(s.StartsAt) && next.EndsAt.Equal(s.EndsAt):
			return s, "", nil
		}
		if err := checkSession(ctx, tx, s, next); err != nil {
			return nil, "", err
		}
		update := tx.Session.UpdateOne(s).SetStartsAt(next.StartsAt).SetEndsAt(next.EndsAt).AddVersion(1)
		if next.SpaceID == nil {
			update.ClearSpace()
		} else {
			update.SetSpaceID(*next.SpaceID)
		}
		s, err := update.Save(ctx)
		return s, kind, err
	}, r.Reason)
}

// Cancel takes a session out of the programme and frees its space. Its registrations are kept,
// so that restoring it gives the places back.
func (p *Planner) Cancel(ctx context.Context, id string, expected *int, reason *string) (*ent.Session, error) {
	return p.change(ctx, id, expected, func(ctx context.Context, tx *ent.Tx, s *ent.Session) (*ent.Session, programmechange.Kind, error) {
		if s.Status == session.StatusCANCELLED {
			return s, "", nil
		}
		s, err := tx.Session.UpdateOne(s).SetStatus(session.StatusCANCELLED).AddVersion(1).Save(ctx)
		return s, programmechange.KindCANCELLED, err
	}, reason)
}

// Restore puts a cancelled session back in the programme, if its space and speakers are still
// free at its time.
func (p *Planner) Restore(ctx context.Context, id string, expected *int, reason *string) (*ent.Session, error) {
	return p.change(ctx, id, expected, func(ctx context.Context, tx *ent.Tx, s *ent.Session) (*ent.Session, programmechange.Kind, error) {
		if s.Status == session.StatusSCHEDULED {
			return s, "", nil
		}
		next := stateOf(s)
		next.Status = session.StatusSCHEDULED.String()
		if err := checkSession(ctx, tx, s, next); err != nil {
			return nil, "", err
		}
		s, err := tx.Session.UpdateOne(s).SetStatus(session.StatusSCHEDULED).AddVersion(1).Save(ctx)
		return s, programmechange.KindRESTORED, err
	}, reason)
}

// checkSession checks the programme's rules for s, with its speakers, at next.
func checkSession(ctx context.Context, tx *ent.Tx, s *ent.Session, next maarid.SessionState) error {
	f, err := s.QueryFair().Only(ctx)
	if err != nil {
		return err
	}
	speakers, err := s.QuerySpeakers().IDs(ctx)
	if err != nil {
		return err
	}
	return checkRules(ctx, tx.Client(), f, s.ID, next, speakers)
}

// edit changes s in tx and says what kind of change it made; an empty kind means that nothing
// changed, and nothing is recorded.
type edit func(ctx context.Context, tx *ent.Tx, s *ent.Session) (*ent.Session, programmechange.Kind, error)

// change runs one change of session id: it checks the expected version, applies the edit and
// records it.
func (p *Planner) change(ctx context.Context, id string, expected *int, apply edit, reason *string) (*ent.Session, error) {
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	var out *ent.Session
	err := p.organise(ctx, func(ctx context.Context, tx *ent.Tx) error {
		s, err := tx.Session.Get(ctx, id)
		if err != nil {
			return notFound(err, "id", "session", id)
		}
		if expected != nil && *expected != s.Version {
			return &maarid.Error{
				Code:    maarid.Conflict,
				Message: fmt.Sprintf("the session has changed since version %d: it is at version %d; reload it and decide again", *expected, s.Version),
				IDs:     []string{s.ID},
			}
		}
		before := stateOf(s)
		changed, kind, err := apply(ctx, tx, s)
		if err != nil || kind == "" {
			out = changed
			return err
		}
		out = changed
		return p.record(ctx, tx, changed, kind, &before, stateOf(changed), reason)
	})
	return out, err
}

// record appends a change of s to the log, with the next sequence number, and has the feed
// told of it once the transaction is committed.
func (p *Planner) record(ctx context.Context, tx *ent.Tx, s *ent.Session, kind programmechange.Kind, before *maarid.SessionState, after maarid.SessionState, reason *string) error {
	seq, err := lastSeq(ctx, tx.Client())
	if err != nil {
		return err
	}
	after.Details = detailsOf(s)
	create := tx.ProgrammeChange.Create().
		SetID(gid.New(gid.ProgrammeChange)).
		SetSeq(seq + 1).
		SetFairID(s.FairID).
		SetSessionID(s.ID).
		SetKind(kind).
		SetAfter(&after).
		SetNillableReason(reason).
		SetActor(actor(ctx))
	if before != nil {
		create.SetBefore(before)
	}
	change, err := create.Save(ctx)
	if err != nil {
		return err
	}
	if err := webhooks.Enqueue(ctx, tx.Client(), webhookChange(change)); err != nil {
		return err
	}
	return p.feed.announce(ctx, tx, seq+1)
}

// webhookChange is c as webhooks are told of it: its kind and session, and its reason. Those
// that may not see unpublished sessions are told nothing of one that stays unpublished, and of
// one that is unpublished only that it was UPDATED, without the reason, as the feed tells them
// (Filter.view, withdrawal).
func webhookChange(c *ent.ProgrammeChange) webhooks.Change {
	return webhooks.Change{Event: webhooks.ProgrammeChanged, Seq: c.Seq, At: c.At,
		Fields: func(v *auth.Viewer) (map[string]any, bool) {
			fields := map[string]any{"kind": c.Kind, "entity": "SESSION", "entityID": c.SessionID}
			if c.Reason != "" {
				fields["reason"] = c.Reason
			}
			if all, _ := v.Unpublished(); !all && c.After.Hidden {
				if c.Before == nil || c.Before.Hidden {
					return nil, false
				}
				fields = map[string]any{"kind": programmechange.KindUPDATED, "entity": "SESSION", "entityID": c.SessionID}
			}
			return fields, true
		}}
}

// organise runs a change of the programme by an organiser in a transaction. Programme changes
// are serialised: each one reads the programme it checks and the log's head under one lock.
func (p *Planner) organise(ctx context.Context, fn func(context.Context, *ent.Tx) error) error {
	if !organiser(ctx) {
		return maarid.Errorf(maarid.Forbidden, "only organisers change the programme")
	}
	return p.inTx(ctx, func(ctx context.Context, tx *ent.Tx) error {
		if err := p.feed.serialise(ctx, tx); err != nil {
			return err
		}
		return fn(ctx, tx)
	})
}

func organiser(ctx context.Context) bool {
	return auth.IsSystem(ctx) || auth.FromContext(ctx).Is(auth.Organiser)
}

// inTx runs fn in the transaction of ctx, or in a new one that it commits.
func (p *Planner) inTx(ctx context.Context, fn func(context.Context, *ent.Tx) error) error {
	if tx := ent.TxFromContext(ctx); tx != nil {
		return fn(ctx, tx)
	}
	tx, err := p.client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := fn(ent.NewTxContext(ctx, tx), tx); err != nil {
		return rollback(tx, err)
	}
	return tx.Commit()
}

func rollback(tx *ent.Tx, err error) error {
	if rerr := tx.Rollback(); rerr != nil {
		return fmt.Errorf("%w (and rolling back: %v)", err, rerr)
	}
	return err
}

func stateOf(s *ent.Session) maarid.SessionState {
	return maarid.SessionState{StartsAt: s.StartsAt, EndsAt: s.EndsAt, SpaceID: s.SpaceID, Status: s.Status.String(), Version: s.Version, Hidden: !s.Published}
}

// detailsOf returns what a change keeps of the texts and particulars of s.
func detailsOf(s *ent.Session) *maarid.SessionDetails {
	d := &maarid.SessionDetails{
		Title:       s.Title.Map(),
		Description: s.Description.Map(),
		Audience:    s.Audience.Map(),
		Kind:        s.Kind.String(),
		Topics:      s.Topics,
		Capacity:    s.Capacity,
	}
	for _, l := range s.Languages {
		d.Languages = append(d.Languages, string(l))
	}
	return d
}

func sameSpace(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func actor(ctx context.Context) string {
	if auth.IsSystem(ctx) {
		return "maarid"
	}
	return auth.FromContext(ctx).Name
}

func checkReason(reason *string) error {
	if reason == nil {
		return nil
	}
	if len([]rune(*reason)) > 1000 {
		return maarid.Invalid("reason", "is longer than 1,000 characters")
	}
	if err := i18n.CheckText(*reason, true); err != nil {
		return maarid.Invalid("reason", "%v", err)
	}
	return nil
}

// notFound turns the not-found error of an ID given by the client into NOT_FOUND about that
// field; other errors pass.
func notFound(err error, field, what, id string) error {
	if ent.IsNotFound(err) {
		return &maarid.Error{Code: maarid.NotFound, Field: field, Message: fmt.Sprintf("no %s has the ID %q", what, id)}
	}
	return err
}

// updatedSpeakers returns the speakers of a session after input, sorted.
func updatedSpeakers(speakers []string, input ent.UpdateSessionInput) []string {
	set := map[string]bool{}
	if !input.ClearSpeakers {
		for _, id := range speakers {
			set[id] = true
		}
	}
	for _, id := range input.RemoveSpeakerIDs {
		delete(set, id)
	}
	for _, id := range input.AddSpeakerIDs {
		set[id] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// changes reports whether input changes s, whose speakers are before and would be after.
func changes(s *ent.Session, before, after []string, input ent.UpdateSessionInput) bool {
	slices.Sort(before)
	switch {
	case input.Title != nil && !maps.Equal(input.Title, s.Title),
		input.Description != nil && !maps.Equal(input.Description, s.Description),
		input.Audience != nil && !maps.Equal(input.Audience, s.Audience),
		input.Kind != nil && *input.Kind != s.Kind,
		input.Topics != nil && !slices.Equal(input.Topics, s.Topics),
		len(input.AppendTopics) > 0,
		input.Languages != nil && !slices.Equal(input.Languages, s.Languages),
		len(input.AppendLanguages) > 0,
		input.Capacity != nil && (s.Capacity == nil || *input.Capacity != *s.Capacity),
		input.ClearCapacity && s.Capacity != nil,
		input.Published != nil && *input.Published != s.Published,
		!slices.Equal(before, after):
		return true
	}
	return false
}
