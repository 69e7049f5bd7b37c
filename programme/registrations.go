package programme

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/mail"
	"strings"
	"unicode/utf8"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/predicate"
	"maarid/ent/registration"
	"maarid/ent/session"
	"maarid/gid"
	"maarid/i18n"
)

// RegistrationInput is a place asked for in a session.
type RegistrationInput struct {
	Name        string
	Email       *string
	Phone       *string
	ExhibitorID *string
}

// Register asks for a place in a session: it is confirmed while seats are left, waitlisted
// after; a session without a capacity is open entry and confirms everyone. Anyone may
// register, with an e-mail address or a phone number (organisers may register someone without
// either); an exhibitor key registers for its own exhibitor only. One e-mail address, or one
// phone number, has one place in a session: asking again is a CONFLICT.
//
// It returns, with the registration, the secret that lets its attendee see and cancel it
// (ByToken, CancelByToken): it is kept only as its SHA-256, and shown this once.
func (p *Planner) Register(ctx context.Context, sessionID string, in RegistrationInput) (*ent.Registration, string, error) {
	if err := in.validate(ctx); err != nil {
		return nil, "", err
	}
	token := newToken()
	var reg *ent.Registration
	err := p.inTx(ctx, func(ctx context.Context, tx *ent.Tx) error {
		if _, err := seenSession(ctx, tx, sessionID, "sessionID"); err != nil {
			return err
		}
		s, err := lockSeats(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if s.Status == session.StatusCANCELLED {
			return &maarid.Error{Code: maarid.Conflict, Field: "sessionID", IDs: []string{s.ID}, Message: "the session is cancelled"}
		}
		if err := checkOnce(ctx, tx, s.ID, in); err != nil {
			return err
		}
		status := registration.StatusCONFIRMED
		if s.SeatsLeft != nil {
			if *s.SeatsLeft == 0 {
				status = registration.StatusWAITLISTED
			} else if err := tx.Session.UpdateOne(s).AddSeatsLeft(-1).Exec(auth.System(ctx)); err != nil {
				return err
			}
		}
		reg, err = tx.Registration.Create().
			SetID(gid.New(gid.Registration)).
			SetSessionID(s.ID).
			SetNillableExhibitorID(in.ExhibitorID).
			SetName(strings.TrimSpace(in.Name)).
			SetNillableEmail(emailKey(in.Email)).
			SetNillablePhone(phoneKey(in.Phone)).
			SetStatus(status).
			SetManageTokenHash(tokenHash(token)).
			Save(ctx)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return reg, token, nil
}

// tokenPrefix begins every secret of a registration.
const tokenPrefix = "mrt_"

// newToken returns a new secret of a registration: 256 random bits, which need no pepper for
// their hash to keep them.
func newToken() string {
	var b [32]byte
	rand.Read(b[:])
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ByToken returns the registration whose secret is token, as its attendee sees it.
func (p *Planner) ByToken(ctx context.Context, token string) (*ent.Registration, error) {
	return byToken(ctx, p.client, token)
}

func byToken(ctx context.Context, client *ent.Client, token string) (*ent.Registration, error) {
	unknown := &maarid.Error{Code: maarid.NotFound, Field: "token", Message: "no registration has this token: it is the one given when registering"}
	if !strings.HasPrefix(token, tokenPrefix) {
		return nil, unknown
	}
	r, err := client.Registration.Query().Where(registration.ManageTokenHash(tokenHash(token))).Only(auth.System(ctx))
	if ent.IsNotFound(err) {
		return nil, unknown
	}
	return r, err
}

// checkOnce refuses a second place in the session sessionID for the e-mail address or phone
// number of in. The session's seats are locked: registrations to it take turns.
func checkOnce(ctx context.Context, tx *ent.Tx, sessionID string, in RegistrationInput) error {
	for _, c := range []struct {
		field, what string
		key         *string
		same        func(string) predicate.Registration
	}{
		{"email", "e-mail address", emailKey(in.Email), registration.Email},
		{"phone", "phone number", phoneKey(in.Phone), registration.Phone},
	} {
		if c.key == nil {
			continue
		}
		taken, err := tx.Registration.Query().
			Where(registration.SessionID(sessionID), registration.StatusNEQ(registration.StatusCANCELLED), c.same(*c.key)).
			Exist(auth.System(ctx))
		if err != nil {
			return err
		}
		if taken {
			return &maarid.Error{Code: maarid.Conflict, Field: c.field, IDs: []string{sessionID},
				Message: "this " + c.what + " has a place in the session already"}
		}
	}
	return nil
}

// emailKey is an e-mail address as registrations keep it: trimmed, in lower case.
func emailKey(email *string) *string {
	e := trimmed(email)
	if e == nil {
		return nil
	}
	lower := strings.ToLower(*e)
	return &lower
}

// phoneKey is a phone number as registrations keep it: its digits, and the + of an
// international number, without spaces, dots, dashes or brackets.
func phoneKey(phone *string) *string {
	p := trimmed(phone)
	if p == nil {
		return nil
	}
	key := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' {
			return r
		}
		return -1
	}, *p)
	return &key
}

// CancelRegistration cancels a registration (organisers). A confirmed place goes to the first
// one waitlisted, or back to the free seats.
func (p *Planner) CancelRegistration(ctx context.Context, id string) (*ent.Registration, error) {
	if !organiser(ctx) {
		return nil, maarid.Errorf(maarid.Forbidden, "only organisers cancel registrations: an attendee cancels their own with its token (cancelMyRegistration)")
	}
	return p.cancel(ctx, func(ctx context.Context, tx *ent.Tx) (*ent.Registration, error) {
		r, err := tx.Registration.Get(ctx, id)
		return r, notFound(err, "id", "registration", id)
	})
}

// CancelByToken cancels the registration whose secret is token, for its attendee, as an
// organiser's cancellation does.
func (p *Planner) CancelByToken(ctx context.Context, token string) (*ent.Registration, error) {
	return p.cancel(auth.System(ctx), func(ctx context.Context, tx *ent.Tx) (*ent.Registration, error) {
		return byToken(ctx, tx.Client(), token)
	})
}

// cancel cancels the registration that find reads in the transaction. A confirmed place goes
// to the first one waitlisted, or back to the free seats.
func (p *Planner) cancel(ctx context.Context, find func(context.Context, *ent.Tx) (*ent.Registration, error)) (*ent.Registration, error) {
	var reg *ent.Registration
	err := p.inTx(ctx, func(ctx context.Context, tx *ent.Tx) error {
		r, err := find(ctx, tx)
		if err != nil {
			return err
		}
		if r.Status == registration.StatusCANCELLED {
			reg = r
			return nil
		}
		s, err := lockSeats(ctx, tx, r.SessionID)
		if err != nil {
			return err
		}
		if reg, err = tx.Registration.UpdateOne(r).SetStatus(registration.StatusCANCELLED).Save(ctx); err != nil {
			return err
		}
		if r.Status != registration.StatusCONFIRMED || s.SeatsLeft == nil {
			return nil
		}
		promoted, err := promote(ctx, tx, s.ID, 1)
		if err != nil || promoted == 1 {
			return err
		}
		return tx.Session.UpdateOne(s).AddSeatsLeft(1).Exec(auth.System(ctx))
	})
	return reg, err
}

// resize sets the seats left of s for a new capacity (nil for open entry), promoting as many
// waitlisted registrations as the new seats allow. The capacity cannot go below the places
// already confirmed.
func resize(ctx context.Context, tx *ent.Tx, s *ent.Session, capacity *int, update *ent.SessionUpdateOne) error {
	if _, err := lockSeats(ctx, tx, s.ID); err != nil {
		return err
	}
	if capacity == nil {
		if _, err := promote(ctx, tx, s.ID, -1); err != nil {
			return err
		}
		update.ClearSeatsLeft()
		return nil
	}
	confirmed, err := tx.Registration.Query().
		Where(registration.SessionID(s.ID), registration.StatusEQ(registration.StatusCONFIRMED)).
		Count(auth.System(ctx))
	if err != nil {
		return err
	}
	if *capacity < confirmed {
		return &maarid.Error{Code: maarid.Conflict, Field: "capacity", IDs: []string{s.ID},
			Message: "the capacity cannot be below the places already confirmed"}
	}
	promoted, err := promote(ctx, tx, s.ID, *capacity-confirmed)
	if err != nil {
		return err
	}
	update.SetSeatsLeft(*capacity - confirmed - promoted)
	return nil
}

// lockSeats locks the row of a session's seats until the transaction ends, so that
// registrations, cancellations and capacity changes of one session take turns, and reads it.
func lockSeats(ctx context.Context, tx *ent.Tx, sessionID string) (*ent.Session, error) {
	if _, err := tx.ExecContext(ctx, "UPDATE "+session.Table+" SET "+session.FieldSeatsLeft+" = "+session.FieldSeatsLeft+" WHERE "+session.FieldID+" = $1", sessionID); err != nil {
		return nil, err
	}
	return tx.Session.Get(auth.System(ctx), sessionID)
}

// promote confirms up to n waitlisted registrations of a session (all of them when n < 0), the
// first asked first, and says how many it confirmed.
func promote(ctx context.Context, tx *ent.Tx, sessionID string, n int) (int, error) {
	if n == 0 {
		return 0, nil
	}
	ctx = auth.System(ctx)
	q := tx.Registration.Query().
		Where(registration.SessionID(sessionID), registration.StatusEQ(registration.StatusWAITLISTED)).
		Order(registration.ByCreatedAt(), registration.ByID())
	if n > 0 {
		q.Limit(n)
	}
	ids, err := q.IDs(ctx)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return tx.Registration.Update().
		Where(registration.IDIn(ids...)).
		SetStatus(registration.StatusCONFIRMED).
		Save(ctx)
}

func (in RegistrationInput) validate(ctx context.Context) error {
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		return maarid.Invalid("name", "is required")
	case utf8.RuneCountInString(name) > 200:
		return maarid.Invalid("name", "is longer than 200 characters")
	}
	if err := i18n.CheckText(name, false); err != nil {
		return maarid.Invalid("name", "%v", err)
	}
	if trimmed(in.Email) == nil && trimmed(in.Phone) == nil && !organiser(ctx) {
		return maarid.Invalid("email", "give an e-mail address or a phone number: each has one place in a session")
	}
	if e := trimmed(in.Email); e != nil {
		if a, err := mail.ParseAddress(*e); err != nil || a.Address != *e || len(*e) > 254 {
			return maarid.Invalid("email", "is not an e-mail address")
		}
	}
	if ph := trimmed(in.Phone); ph != nil {
		if len(*ph) > 40 || strings.Trim(*ph, "+0123456789 .-()") != "" || len(*phoneKey(ph)) < 6 {
			return maarid.Invalid("phone", "is not a phone number")
		}
	}
	if id := in.ExhibitorID; id != nil {
		if t, ok := gid.Type(*id); !ok || t != gid.Exhibitor {
			return maarid.Invalid("exhibitorID", "%q is not an exhibitor's ID", *id)
		}
		if v := auth.FromContext(ctx); !auth.IsSystem(ctx) && !v.Is(auth.Organiser) && !v.Owns(*id) {
			if v.Role == auth.Exhibitor {
				return maarid.Errorf(maarid.Forbidden, "an exhibitor key registers for its own exhibitor only")
			}
			return &maarid.Error{Code: maarid.Forbidden, Field: "exhibitorID",
				Message: "a registration for an exhibitor is made with that exhibitor's key, or by an organiser: leave exhibitorID out to register yourself"}
		}
	}
	return nil
}

// trimmed returns s without surrounding spaces, nil when that leaves nothing.
func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	if t == "" {
		return nil
	}
	return &t
}

// seenSession returns the session id as stored, if the caller of ctx may see it; NOT_FOUND
// about field otherwise, as for an ID that does not exist.
func seenSession(ctx context.Context, tx *ent.Tx, id, field string) (*ent.Session, error) {
	q := tx.Session.Query().Where(session.ID(id))
	if p := auth.FromContext(ctx).VisibleSessions(); p != nil && !auth.IsSystem(ctx) {
		q.Where(p)
	}
	s, err := q.Only(auth.System(ctx))
	return s, notFound(err, field, "session", id)
}
