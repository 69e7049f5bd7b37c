package main

import (
	"context"
	"strings"
	"testing"

	"maarid/auth"
	"maarid/ent/registration"
	"maarid/store/storetest"
)

// TestVisitorsManageTheirRegistration follows an attendee who registers, reads their
// registration with the token given once, and cancels it, on both stores: the place goes to
// the first one waitlisted; the token is shown in no other answer and kept only hashed.
func TestVisitorsManageTheirRegistration(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			x, _ := a.twoSessions(t)
			organiser := a.key(t, auth.Organiser, "")
			a.ok(t, request{query: `mutation($id: ID!) { updateSession(id: $id, input: {capacity: 1}) { id } }`,
				variables: map[string]any{"id": x.ID}, header: organiser}, &struct{}{})

			type registered struct {
				RegisterForSession struct {
					ID, Status  string
					ManageToken *string
				}
			}
			var first, second registered
			a.ok(t, operation(t, "Register", map[string]any{"session": x.ID, "name": "Fatima", "email": "fatima@example.ma"}), &first)
			a.ok(t, operation(t, "Register", map[string]any{"session": x.ID, "name": "Youssef", "phone": "+212 661 12 34 56"}), &second)
			token := first.RegisterForSession.ManageToken
			if token == nil || !strings.HasPrefix(*token, "mrt_") || len(*token) < 40 || second.RegisterForSession.ManageToken == nil ||
				*second.RegisterForSession.ManageToken == *token {
				t.Fatalf("tokens %v and %v", token, second.RegisterForSession.ManageToken)
			}
			if first.RegisterForSession.Status != "CONFIRMED" || second.RegisterForSession.Status != "WAITLISTED" {
				t.Fatalf("statuses %s %s", first.RegisterForSession.Status, second.RegisterForSession.Status)
			}
			// Kept as a hash, not as itself.
			stored, err := a.client.Registration.Get(auth.System(context.Background()), first.RegisterForSession.ID)
			if err != nil || stored.ManageTokenHash == nil || len(*stored.ManageTokenHash) != 32 || strings.Contains(string(*stored.ManageTokenHash), *token) {
				t.Errorf("stored: %x (%v)", stored.ManageTokenHash, err)
			}

			var mine struct {
				MyRegistration struct {
					ID, Status, Name string
					ManageToken      *string
					Session          struct{ ID string }
				}
			}
			a.ok(t, request{query: `query($t: String!) { myRegistration(token: $t) { id status name manageToken session { id } } }`,
				variables: map[string]any{"t": *token}}, &mine)
			if m := mine.MyRegistration; m.ID != first.RegisterForSession.ID || m.Name != "Fatima" || m.Session.ID != x.ID || m.ManageToken != nil {
				t.Errorf("my registration: %+v", m)
			}
			a.ok(t, operation(t, "MyRegistration", map[string]any{"token": *token, "lang": "FR"}), &struct{}{})

			for _, bad := range []string{"mrt_" + strings.Repeat("A", 43), "not a token", *token + "x"} {
				res := a.post(t, request{query: `query($t: String!) { myRegistration(token: $t) { id } }`, variables: map[string]any{"t": bad}})
				if len(res.Errors) != 1 || res.Errors[0].code() != "NOT_FOUND" || res.Errors[0].Extensions["field"] != "token" {
					t.Errorf("token %q: %+v", bad, res.Errors)
				}
			}

			var cancelled struct {
				CancelMyRegistration struct{ ID, Status string }
			}
			a.ok(t, operation(t, "CancelMyRegistration", map[string]any{"token": *token}), &cancelled)
			if cancelled.CancelMyRegistration.Status != "CANCELLED" {
				t.Errorf("cancelled: %+v", cancelled)
			}
			promoted, err := a.client.Registration.Get(auth.System(context.Background()), second.RegisterForSession.ID)
			if err != nil || promoted.Status != registration.StatusCONFIRMED {
				t.Errorf("the waitlisted attendee: %v %v", promoted.Status, err)
			}
			// Again: nothing more changes.
			a.ok(t, operation(t, "CancelMyRegistration", map[string]any{"token": *token}), &cancelled)
			if again, _ := a.client.Registration.Get(auth.System(context.Background()), second.RegisterForSession.ID); again.Status != registration.StatusCONFIRMED {
				t.Errorf("cancelling twice moved the next attendee: %v", again.Status)
			}

			// An anonymous registration naming an exhibitor says how to do it.
			exhibitorID := a.firstExhibitor(t)
			res := a.post(t, operation(t, "Register", map[string]any{"session": x.ID, "name": "Aicha", "email": "aicha@example.ma", "exhibitor": exhibitorID}))
			if len(res.Errors) != 1 || res.Errors[0].code() != "FORBIDDEN" || !strings.Contains(res.Errors[0].Message, "leave exhibitorID out") {
				t.Errorf("an anonymous registration for an exhibitor: %+v", res.Errors)
			}
		})
	}
}

// firstExhibitor returns the ID of an exhibitor.
func (a *api) firstExhibitor(t *testing.T) string {
	t.Helper()
	id, err := a.client.Exhibitor.Query().FirstID(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return id
}
