package programme_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"maarid"
	"maarid/auth"
	"maarid/demo"
	"maarid/ent"
	"maarid/ent/programmechange"
	"maarid/ent/session"
	"maarid/i18n"
	"maarid/programme"
	"maarid/programme/programmetest"
	"maarid/store/storetest"
)

// fixture is the demo fair on a new database, with its feed running and a planner.
type fixture struct {
	client  *ent.Client
	dsn     string
	feed    *programme.Feed
	planner *programme.Planner
	fair    *ent.Fair
	// organiser is the context of an organiser's request.
	organiser context.Context
}

func newFixture(t testing.TB, kind string) *fixture {
	t.Helper()
	fx := &fixture{dsn: storetest.URL(t, kind)}
	fx.client = storetest.OpenURL(t, fx.dsn)
	var err error
	if fx.fair, err = demo.Seed(context.Background(), fx.client); err != nil {
		t.Fatal(err)
	}
	fx.feed = programmetest.Run(t, fx.client, fx.dsn, discard)
	fx.planner = programme.NewPlanner(fx.client, fx.feed)
	fx.organiser = auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Organiser, KeyID: "key_test", Name: "Régie du salon"})
	return fx
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// sessions returns the demo fair's sessions in order, with their speakers.
func (fx *fixture) sessions(t testing.TB) []*ent.Session {
	t.Helper()
	all, err := fx.client.Session.Query().WithSpeakers().Order(session.ByStartsAt(), session.ByID()).All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// log returns the change log in order.
func (fx *fixture) log(t testing.TB) []*ent.ProgrammeChange {
	t.Helper()
	all, err := fx.client.ProgrammeChange.Query().Order(programmechange.BySeq()).All(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func (fx *fixture) session(t testing.TB, id string) *ent.Session {
	t.Helper()
	s, err := fx.client.Session.Get(auth.System(context.Background()), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wantError checks that err is a maarid.Error with code, and about ids when some are given.
func wantError(t testing.TB, err error, code string, ids ...string) *maarid.Error {
	t.Helper()
	e, ok := maarid.AsError(err)
	if !ok || e.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	if len(ids) > 0 && !equalSets(e.IDs, ids) {
		t.Errorf("error about %v, want %v", e.IDs, ids)
	}
	return e
}

func equalSets(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

func ptr[T any](v T) *T { return &v }

// overlapping reports whether two sessions share a moment.
func overlapping(a, b *ent.Session) bool {
	return a.StartsAt.Before(b.EndsAt) && b.StartsAt.Before(a.EndsAt)
}

func forEachKind(t *testing.T, test func(t *testing.T, kind string)) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) { test(t, kind) })
	}
}

func TestReschedule(t *testing.T) {
	forEachKind(t, func(t *testing.T, kind string) {
		fx := newFixture(t, kind)
		all := fx.sessions(t)
		// a and b: two sessions in different spaces at different times.
		var a, b *ent.Session
		for _, x := range all {
			for _, y := range all {
				if x.SpaceID != nil && y.SpaceID != nil && *x.SpaceID != *y.SpaceID && !overlapping(x, y) && speakersFree(all, y, x) {
					a, b = x, y
					break
				}
			}
			if a != nil {
				break
			}
		}
		if a == nil {
			t.Fatal("no two sessions to test with")
		}
		ctx := fx.organiser
		unchanged := func() {
			t.Helper()
			if log := fx.log(t); len(log) != 0 {
				t.Errorf("a refused change wrote %d log entries", len(log))
			}
			if s := fx.session(t, b.ID); s.Version != 1 || !s.StartsAt.Equal(b.StartsAt) || *s.SpaceID != *b.SpaceID {
				t.Errorf("a refused change wrote the session: %+v", s)
			}
		}
		refused := func(err error, code string, ids ...string) {
			t.Helper()
			wantError(t, err, code, ids...)
			unchanged()
		}

		// Into a's space at a's time: the space is taken by a.
		_, err := fx.planner.Reschedule(ctx, b.ID, programme.Reschedule{StartsAt: a.StartsAt, EndsAt: a.EndsAt, SpaceID: a.SpaceID})
		refused(err, maarid.Conflict, a.ID)
		// Ends before it starts; outside the fair; a stale version; a space that does not exist.
		_, err = fx.planner.Reschedule(ctx, b.ID, programme.Reschedule{StartsAt: b.EndsAt, EndsAt: b.StartsAt})
		if e := wantError(t, err, maarid.BadUserInput); e.Field != "endsAt" {
			t.Errorf("field %q, want endsAt", e.Field)
		}
		loc, _ := time.LoadLocation("Africa/Casablanca")
		before := time.Date(2018, 7, 24, 23, 0, 0, 0, loc)
		_, err = fx.planner.Reschedule(ctx, b.ID, programme.Reschedule{StartsAt: before, EndsAt: before.Add(90 * time.Minute)})
		refused(err, maarid.BadUserInput)
		after := time.Date(2018, 7, 29, 23, 30, 0, 0, loc)
		_, err = fx.planner.Reschedule(ctx, b.ID, programme.Reschedule{StartsAt: after, EndsAt: after.Add(time.Hour)})
		refused(err, maarid.BadUserInput)
		_, err = fx.planner.Reschedule(ctx, b.ID, programme.Reschedule{StartsAt: b.StartsAt.Add(time.Hour), EndsAt: b.EndsAt.Add(time.Hour), ExpectedVersion: ptr(2)})
		refused(err, maarid.Conflict, b.ID)
		_, err = fx.planner.Reschedule(ctx, b.ID, programme.Reschedule{StartsAt: b.StartsAt, EndsAt: b.EndsAt, SpaceID: ptr("spc_01CK877C0QFVM97S6JKDDS668M")})
		refused(err, maarid.BadUserInput)
		_, err = fx.planner.Reschedule(ctx, "ses_01CK877C0QFVM97S6JKDDS668M", programme.Reschedule{StartsAt: b.StartsAt, EndsAt: b.EndsAt})
		refused(err, maarid.NotFound)
		// Only organisers change the programme.
		partner := auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Partner, Name: "partner"})
		_, err = fx.planner.Reschedule(partner, b.ID, programme.Reschedule{StartsAt: b.StartsAt.Add(time.Hour), EndsAt: b.EndsAt.Add(time.Hour)})
		refused(err, maarid.Forbidden)
		// A reschedule to where it is changes nothing and records nothing.
		if s, err := fx.planner.Reschedule(ctx, b.ID, programme.Reschedule{StartsAt: b.StartsAt, EndsAt: b.EndsAt, SpaceID: b.SpaceID, ExpectedVersion: ptr(1)}); err != nil || s.Version != 1 {
			t.Fatalf("no-op reschedule: %v, %+v", err, s)
		}
		unchanged()

		// Cancelling a frees its space: b moves in.
		reason := "La salle 2 est fermée pour travaux"
		if s, err := fx.planner.Cancel(ctx, a.ID, ptr(1), nil); err != nil || s.Status != session.StatusCANCELLED || s.Version != 2 {
			t.Fatalf("cancel: %v, %+v", err, s)
		}
		moved, err := fx.planner.Reschedule(ctx, b.ID, programme.Reschedule{StartsAt: a.StartsAt, EndsAt: a.EndsAt, SpaceID: a.SpaceID, Reason: &reason, ExpectedVersion: ptr(1)})
		if err != nil || moved.Version != 2 || *moved.SpaceID != *a.SpaceID || !moved.StartsAt.Equal(a.StartsAt) {
			t.Fatalf("move: %v, %+v", err, moved)
		}
		// a cannot come back while b is in its place; it can once b has moved on.
		_, err = fx.planner.Restore(ctx, a.ID, nil, nil)
		wantError(t, err, maarid.Conflict, b.ID)
		if _, err := fx.planner.Reschedule(ctx, b.ID, programme.Reschedule{StartsAt: b.StartsAt, EndsAt: b.EndsAt, SpaceID: b.SpaceID}); err != nil {
			t.Fatal(err)
		}
		later := programme.Reschedule{StartsAt: b.StartsAt.Add(30 * time.Minute), EndsAt: b.EndsAt.Add(30 * time.Minute)}
		if _, err := fx.planner.Reschedule(ctx, b.ID, later); err != nil {
			wantError(t, err, maarid.Conflict) // the next session in b's space may start within the half hour
			later = programme.Reschedule{StartsAt: b.StartsAt.Add(-10 * time.Minute), EndsAt: b.EndsAt.Add(-10 * time.Minute)}
			if _, err := fx.planner.Reschedule(ctx, b.ID, later); err != nil {
				t.Fatal(err)
			}
		}
		if s, err := fx.planner.Restore(ctx, a.ID, ptr(2), nil); err != nil || s.Status != session.StatusSCHEDULED || s.Version != 3 {
			t.Fatalf("restore: %v, %+v", err, s)
		}
		// Cancelling a cancelled session, restoring a scheduled one: nothing to record.
		if _, err := fx.planner.Restore(ctx, a.ID, nil, nil); err != nil {
			t.Fatal(err)
		}

		log := fx.log(t)
		want := []struct {
			session string
			kind    programmechange.Kind
			version int
		}{
			{a.ID, programmechange.KindCANCELLED, 2},
			{b.ID, programmechange.KindMOVED, 2},
			{b.ID, programmechange.KindMOVED, 3},
			{b.ID, programmechange.KindRESCHEDULED, 4},
			{a.ID, programmechange.KindRESTORED, 3},
		}
		if len(log) != len(want) {
			t.Fatalf("%d changes in the log, want %d", len(log), len(want))
		}
		for i, w := range want {
			c := log[i]
			if c.Seq != int64(i+1) || c.SessionID != w.session || c.Kind != w.kind || c.After.Version != w.version ||
				c.Before == nil || c.Before.Version != w.version-1 || c.Actor != "Régie du salon" || c.FairID != fx.fair.ID {
				t.Errorf("change %d: %d %s %s before %+v after %+v by %q, want %+v", i, c.Seq, c.SessionID, c.Kind, c.Before, c.After, c.Actor, w)
			}
		}
		if log[1].Reason != reason || *log[1].Before.SpaceID != *b.SpaceID || *log[1].After.SpaceID != *a.SpaceID || log[0].After.Status != "CANCELLED" {
			t.Errorf("the move records %q, from %v to %v", log[1].Reason, log[1].Before.SpaceID, log[1].After.SpaceID)
		}
	})
}

func TestSpeakerInTwoPlaces(t *testing.T) {
	forEachKind(t, func(t *testing.T, kind string) {
		fx := newFixture(t, kind)
		all := fx.sessions(t)
		// x and y share a speaker; z is a space free at x's time.
		for _, x := range all {
			for _, y := range all {
				if x.ID == y.ID || overlapping(x, y) || !shareSpeaker(x, y) {
					continue
				}
				for _, z := range fx.freeSpaces(t, all, x) {
					_, err := fx.planner.Reschedule(fx.organiser, y.ID, programme.Reschedule{StartsAt: x.StartsAt, EndsAt: x.EndsAt, SpaceID: &z})
					wantError(t, err, maarid.Conflict, x.ID)
					if e, _ := maarid.AsError(err); e.Field != "speakerIDs" {
						t.Errorf("conflict on %q, want speakerIDs", e.Field)
					}
					// Without the speaker, y may go there.
					var speakers []string
					for _, sp := range y.Edges.Speakers {
						speakers = append(speakers, sp.ID)
					}
					if _, err := fx.planner.Update(fx.organiser, y.ID, ent.UpdateSessionInput{RemoveSpeakerIDs: speakers}, nil, nil); err != nil {
						t.Fatal(err)
					}
					if _, err := fx.planner.Reschedule(fx.organiser, y.ID, programme.Reschedule{StartsAt: x.StartsAt, EndsAt: x.EndsAt, SpaceID: &z}); err != nil {
						t.Fatal(err)
					}
					// Giving the speaker back is refused now.
					_, err = fx.planner.Update(fx.organiser, y.ID, ent.UpdateSessionInput{AddSpeakerIDs: speakers}, nil, nil)
					wantError(t, err, maarid.Conflict, x.ID)
					return
				}
			}
		}
		t.Fatal("no speaker with two sessions and a free space to test with")
	})
}

// speakersFree reports whether the speakers of s are free at the time of at.
func speakersFree(all []*ent.Session, s, at *ent.Session) bool {
	for _, o := range all {
		if o.ID != s.ID && o.ID != at.ID && overlapping(o, at) && shareSpeaker(o, s) {
			return false
		}
	}
	return true
}

func shareSpeaker(a, b *ent.Session) bool {
	for _, x := range a.Edges.Speakers {
		for _, y := range b.Edges.Speakers {
			if x.ID == y.ID {
				return true
			}
		}
	}
	return false
}

// freeSpaces returns the spaces of the fair where no session overlaps s.
func (fx *fixture) freeSpaces(t testing.TB, all []*ent.Session, s *ent.Session) []string {
	spaces, err := fx.client.Space.Query().IDs(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	var free []string
	for _, sp := range spaces {
		taken := false
		for _, o := range all {
			taken = taken || o.SpaceID != nil && *o.SpaceID == sp && overlapping(o, s)
		}
		if !taken {
			free = append(free, sp)
		}
	}
	return free
}

func TestCreateAndUpdate(t *testing.T) {
	forEachKind(t, func(t *testing.T, kind string) {
		fx := newFixture(t, kind)
		all := fx.sessions(t)
		last := all[len(all)-1]
		loc, _ := time.LoadLocation("Africa/Casablanca")
		start := time.Date(2018, 7, 29, 20, 0, 0, 0, loc)
		input := ent.CreateSessionInput{
			Title:    i18n.Text{i18n.FR: "Veillée de clôture", i18n.AR: "سهرة الاختتام"},
			Kind:     session.KindCEREMONY,
			StartsAt: start, EndsAt: start.Add(90 * time.Minute),
			FairID: fx.fair.ID, SpaceID: last.SpaceID, Capacity: ptr(2),
		}
		// Overlapping the last session in its space: refused, nothing written.
		clash := input
		clash.StartsAt, clash.EndsAt = last.StartsAt, last.EndsAt
		_, err := fx.planner.Create(fx.organiser, clash, nil)
		wantError(t, err, maarid.Conflict, last.ID)
		if n := fx.client.Session.Query().CountX(auth.System(context.Background())); n != len(all) {
			t.Errorf("%d sessions after a refused create, want %d", n, len(all))
		}
		s, err := fx.planner.Create(fx.organiser, input, ptr("Ajoutée à la demande des coopératives"))
		if err != nil {
			t.Fatal(err)
		}
		if s.Version != 1 || s.Status != session.StatusSCHEDULED || s.SeatsLeft == nil || *s.SeatsLeft != 2 {
			t.Errorf("created %+v", s)
		}
		// An update that changes nothing records nothing; one that changes something, UPDATED.
		same := ent.UpdateSessionInput{Title: input.Title, Kind: &input.Kind, Capacity: ptr(2)}
		if u, err := fx.planner.Update(fx.organiser, s.ID, same, ptr(1), nil); err != nil || u.Version != 1 {
			t.Fatalf("no-op update: %v, %+v", err, u)
		}
		u, err := fx.planner.Update(fx.organiser, s.ID, ent.UpdateSessionInput{Capacity: ptr(5)}, ptr(1), nil)
		if err != nil || u.Version != 2 || *u.SeatsLeft != 5 {
			t.Fatalf("update: %v, %+v", err, u)
		}
		log := fx.log(t)
		if len(log) != 2 || log[0].Kind != programmechange.KindADDED || log[0].Before != nil || log[0].Reason == "" ||
			log[1].Kind != programmechange.KindUPDATED || log[1].After.Version != 2 {
			t.Errorf("log %+v", log)
		}
	})
}
