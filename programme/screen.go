package programme

import (
	"context"
	"time"

	"maarid"
	"maarid/ent"
	"maarid/ent/session"
	"maarid/gid"
)

// NowAndNext is what is on in a space at a moment, and what comes after.
type NowAndNext struct {
	Space *ent.Space
	// Now is the scheduled session in progress, if any.
	Now *ent.Session
	// Next are the sessions that start later, in order, cancelled ones included.
	Next []*ent.Session
}

// MaxNext is the most sessions NowAndNext lists after the current one.
const MaxNext = 20

// Screen answers what a space's screen shows at a moment: the session on and the next first.
func Screen(ctx context.Context, client *ent.Client, spaceID string, at time.Time, first int) (*NowAndNext, error) {
	if t, ok := gid.Type(spaceID); !ok || t != gid.Space {
		return nil, maarid.Invalid("spaceID", "%q is not a space's ID", spaceID)
	}
	if first < 0 || first > MaxNext {
		return nil, maarid.Invalid("first", "must be between 0 and %d", MaxNext)
	}
	sp, err := client.Space.Get(ctx, spaceID)
	if err != nil {
		return nil, notFound(err, "spaceID", "space", spaceID)
	}
	out := &NowAndNext{Space: sp, Next: []*ent.Session{}}
	now, err := client.Session.Query().
		Where(session.SpaceID(spaceID), session.StatusEQ(session.StatusSCHEDULED),
			session.StartsAtLTE(at), session.EndsAtGT(at)).
		Order(session.ByStartsAt(), session.ByID()).
		First(ctx)
	switch {
	case err == nil:
		out.Now = now
	case !ent.IsNotFound(err):
		return nil, err
	}
	if first == 0 {
		return out, nil
	}
	out.Next, err = client.Session.Query().
		Where(session.SpaceID(spaceID), session.StartsAtGT(at)).
		Order(session.ByStartsAt(), session.ByID()).
		Limit(first).
		All(ctx)
	return out, err
}
