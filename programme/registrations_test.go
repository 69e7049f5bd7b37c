package programme_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/registration"
	"maarid/programme"
)

// withCapacity gives the first session of the demo fair a capacity and returns it.
func (fx *fixture) withCapacity(t testing.TB, capacity int) *ent.Session {
	t.Helper()
	s := fx.sessions(t)[1]
	s, err := fx.planner.Update(fx.organiser, s.ID, ent.UpdateSessionInput{Capacity: &capacity}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (fx *fixture) counts(t testing.TB, sessionID string) (confirmed, waitlisted, seatsLeft int) {
	t.Helper()
	ctx := auth.System(context.Background())
	regs, err := fx.client.Registration.Query().Where(registration.SessionID(sessionID)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range regs {
		switch r.Status {
		case registration.StatusCONFIRMED:
			confirmed++
		case registration.StatusWAITLISTED:
			waitlisted++
		}
	}
	s := fx.session(t, sessionID)
	if s.SeatsLeft != nil {
		seatsLeft = *s.SeatsLeft
	}
	return confirmed, waitlisted, seatsLeft
}

func TestRegistrations(t *testing.T) {
	forEachKind(t, func(t *testing.T, kind string) {
		fx := newFixture(t, kind)
		s := fx.withCapacity(t, 3)
		visitor := context.Background()
		var regs []*ent.Registration
		for i := range 5 {
			r, _, err := fx.planner.Register(visitor, s.ID, programme.RegistrationInput{Name: fmt.Sprintf("Visiteur %d", i), Email: ptr(fmt.Sprintf("v%d@example.ma", i))})
			if err != nil {
				t.Fatal(err)
			}
			regs = append(regs, r)
		}
		for i, r := range regs {
			want := registration.StatusCONFIRMED
			if i >= 3 {
				want = registration.StatusWAITLISTED
			}
			if r.Status != want {
				t.Errorf("registration %d is %s, want %s", i, r.Status, want)
			}
		}
		if c, w, left := fx.counts(t, s.ID); c != 3 || w != 2 || left != 0 {
			t.Errorf("%d confirmed, %d waitlisted, %d left", c, w, left)
		}

		// Visitors may not cancel; organisers may, and the first waitlisted gets the place.
		_, err := fx.planner.CancelRegistration(visitor, regs[0].ID)
		wantError(t, err, maarid.Forbidden)
		if r, err := fx.planner.CancelRegistration(fx.organiser, regs[0].ID); err != nil || r.Status != registration.StatusCANCELLED {
			t.Fatalf("cancel: %v %+v", err, r)
		}
		promoted, _ := fx.client.Registration.Get(auth.System(context.Background()), regs[3].ID)
		if promoted.Status != registration.StatusCONFIRMED {
			t.Errorf("the first waitlisted is %s, want CONFIRMED", promoted.Status)
		}
		if c, w, left := fx.counts(t, s.ID); c != 3 || w != 1 || left != 0 {
			t.Errorf("after a cancellation: %d confirmed, %d waitlisted, %d left", c, w, left)
		}
		// A waitlisted place cancelled frees no seat.
		if _, err := fx.planner.CancelRegistration(fx.organiser, regs[4].ID); err != nil {
			t.Fatal(err)
		}
		if c, w, left := fx.counts(t, s.ID); c != 3 || w != 0 || left != 0 {
			t.Errorf("after a waitlisted cancellation: %d confirmed, %d waitlisted, %d left", c, w, left)
		}
		// A confirmed place cancelled with nobody waiting frees a seat.
		if _, err := fx.planner.CancelRegistration(fx.organiser, regs[1].ID); err != nil {
			t.Fatal(err)
		}
		if c, w, left := fx.counts(t, s.ID); c != 2 || w != 0 || left != 1 {
			t.Errorf("after a cancellation: %d confirmed, %d waitlisted, %d left", c, w, left)
		}

		// The capacity cannot go below the confirmed places; above, it opens seats.
		_, err = fx.planner.Update(fx.organiser, s.ID, ent.UpdateSessionInput{Capacity: ptr(1)}, nil, nil)
		wantError(t, err, maarid.Conflict, s.ID)
		for i := range 2 {
			if _, _, err := fx.planner.Register(visitor, s.ID, programme.RegistrationInput{Name: fmt.Sprintf("Retardataire %d", i), Phone: ptr(fmt.Sprintf("+212 661 00 00 0%d", i))}); err != nil {
				t.Fatal(err)
			}
		}
		if c, w, left := fx.counts(t, s.ID); c != 3 || w != 1 || left != 0 {
			t.Errorf("%d confirmed, %d waitlisted, %d left", c, w, left)
		}
		if _, err := fx.planner.Update(fx.organiser, s.ID, ent.UpdateSessionInput{Capacity: ptr(6)}, nil, nil); err != nil {
			t.Fatal(err)
		}
		if c, w, left := fx.counts(t, s.ID); c != 4 || w != 0 || left != 2 {
			t.Errorf("after raising the capacity: %d confirmed, %d waitlisted, %d left", c, w, left)
		}

		// One place per e-mail address and per phone number, however written; a cancelled
		// place may be asked for again.
		for _, in := range []programme.RegistrationInput{
			{Name: "Visiteur 2 encore", Email: ptr(" V2@Example.MA ")},
			{Name: "Retardataire", Phone: ptr("+212-661-000-000")},
		} {
			_, _, err := fx.planner.Register(visitor, s.ID, in)
			wantError(t, err, maarid.Conflict, s.ID)
		}
		if _, _, err := fx.planner.Register(visitor, s.ID, programme.RegistrationInput{Name: "Visiteur 0", Email: ptr("v0@example.ma")}); err != nil {
			t.Errorf("asking again for a cancelled place: %v", err)
		}
		if _, _, err := fx.planner.Register(fx.organiser, s.ID, programme.RegistrationInput{Name: "Sans adresse, au guichet"}); err != nil {
			t.Errorf("an organiser registering someone without an address: %v", err)
		}

		// Bad input; a cancelled session.
		contact := ptr("nom@example.ma")
		for _, in := range []programme.RegistrationInput{
			{Name: "  ", Email: contact},
			{Name: "Nom"},
			{Name: "Nom\x00", Email: contact},
			{Name: "Nom", Email: ptr("pas une adresse")},
			{Name: "Nom", Phone: ptr("appelez-moi")},
			{Name: "Nom", Email: contact, ExhibitorID: ptr("prd_01CK877C0QFVM97S6JKDDS668M")},
		} {
			_, _, err := fx.planner.Register(visitor, s.ID, in)
			wantError(t, err, maarid.BadUserInput)
		}
		_, _, err = fx.planner.Register(visitor, s.ID, programme.RegistrationInput{Name: "Nom", Email: contact, ExhibitorID: ptr("exh_01CK877C0QFVM97S6JKDDS668M")})
		wantError(t, err, maarid.Forbidden)
		_, _, err = fx.planner.Register(visitor, "ses_01CK877C0QFVM97S6JKDDS668M", programme.RegistrationInput{Name: "Nom", Email: contact})
		wantError(t, err, maarid.NotFound)
		if _, err := fx.planner.Cancel(fx.organiser, s.ID, nil, nil); err != nil {
			t.Fatal(err)
		}
		_, _, err = fx.planner.Register(visitor, s.ID, programme.RegistrationInput{Name: "Nom", Email: contact})
		wantError(t, err, maarid.Conflict, s.ID)
		if c, w, left := fx.counts(t, s.ID); c != 6 || w != 0 || left != 0 {
			t.Errorf("refused registrations wrote: %d confirmed, %d waitlisted, %d left", c, w, left)
		}
	})
}

// TestConcurrentRegistrations fires 200 registrations at once at a 20-seat session.
func TestConcurrentRegistrations(t *testing.T) {
	forEachKind(t, func(t *testing.T, kind string) {
		fx := newFixture(t, kind)
		s := fx.withCapacity(t, 20)
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for i := range 200 {
			wg.Go(func() {
				_, _, err := fx.planner.Register(context.Background(), s.ID, programme.RegistrationInput{Name: fmt.Sprintf("Visiteur %d", i), Email: ptr(fmt.Sprintf("visiteur%d@example.ma", i))})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if c, w, left := fx.counts(t, s.ID); c != 20 || w != 180 || left != 0 {
			t.Errorf("%d confirmed, %d waitlisted, %d left; want 20, 180, 0", c, w, left)
		}
	})
}
