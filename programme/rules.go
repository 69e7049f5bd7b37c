package programme

import (
	"context"
	"fmt"
	"time"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/predicate"
	"maarid/ent/session"
	"maarid/ent/space"
	"maarid/ent/speaker"
)

// checkRules checks that a session of fair f, other than self, may be at next with speakers:
// it ends after it starts, inside the fair's dates in the fair's time zone, in a space of the
// fair; and, when it is scheduled, no other scheduled session overlaps it in its space or has
// one of its speakers at the same time.
func checkRules(ctx context.Context, c *ent.Client, f *ent.Fair, self string, next maarid.SessionState, speakers []string) error {
	if !next.EndsAt.After(next.StartsAt) {
		return maarid.Invalid("endsAt", "must be after startsAt")
	}
	if err := withinFair(f, next.StartsAt, next.EndsAt); err != nil {
		return err
	}
	ctx = auth.System(ctx)
	if next.SpaceID != nil {
		ok, err := c.Space.Query().Where(space.ID(*next.SpaceID), space.FairID(f.ID)).Exist(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return maarid.Invalid("spaceID", "no space of the fair has the ID %q", *next.SpaceID)
		}
	}
	if next.Status != session.StatusSCHEDULED.String() {
		return nil
	}
	overlapping := func(where ...predicate.Session) ([]string, error) {
		return c.Session.Query().
			Where(session.StatusEQ(session.StatusSCHEDULED), session.IDNEQ(self),
				session.StartsAtLT(next.EndsAt), session.EndsAtGT(next.StartsAt)).
			Where(where...).
			Order(session.ByStartsAt(), session.ByID()).
			IDs(ctx)
	}
	if next.SpaceID != nil {
		ids, err := overlapping(session.SpaceID(*next.SpaceID))
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			return &maarid.Error{Code: maarid.Conflict, Field: "spaceID", IDs: ids,
				Message: fmt.Sprintf("the space is taken at that time by %d other session(s)", len(ids))}
		}
	}
	if len(speakers) > 0 {
		ids, err := overlapping(session.HasSpeakersWith(speaker.IDIn(speakers...)))
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			return &maarid.Error{Code: maarid.Conflict, Field: "speakerIDs", IDs: ids,
				Message: fmt.Sprintf("a speaker is in %d other session(s) at that time", len(ids))}
		}
	}
	return nil
}

// withinFair checks that a session from start to end lies inside the days of fair f, as
// they are in the fair's time zone.
func withinFair(f *ent.Fair, start, end time.Time) error {
	loc, err := time.LoadLocation(f.TimeZone)
	if err != nil {
		return fmt.Errorf("fair %s: time zone: %w", f.ID, err)
	}
	so, eo := f.StartsOn.UTC(), f.EndsOn.UTC()
	first := time.Date(so.Year(), so.Month(), so.Day(), 0, 0, 0, 0, loc)
	last := time.Date(eo.Year(), eo.Month(), eo.Day()+1, 0, 0, 0, 0, loc)
	if start.Before(first) || end.After(last) {
		return maarid.Invalid("startsAt", "the session must take place during the fair, from %s to %s (%s)",
			first.Format(time.DateOnly), eo.Format(time.DateOnly), f.TimeZone)
	}
	return nil
}
