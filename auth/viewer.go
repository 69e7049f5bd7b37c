// Package auth says who is calling: API keys, the roles they carry, and the viewer that ent's
// privacy policies read from the context of every query and mutation.
package auth

import (
	"context"
	"fmt"
	"io"
	"strconv"
)

// Role is what a caller may do. Keys carry one of PARTNER, EXHIBITOR and ORGANISER; a
// caller without a key is ANONYMOUS.
type Role string

// The roles, from the least to the most trusted.
const (
	Anonymous Role = "ANONYMOUS" // published catalogue and programme, no personal data
	Partner   Role = "PARTNER"   // the catalogue with contacts, exports, larger pages
	Exhibitor Role = "EXHIBITOR" // its own profile and products, too
	Organiser Role = "ORGANISER" // everything
)

// MarshalGQL writes r as its GraphQL enum value.
func (r Role) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(r))) }

// UnmarshalGQL reads a GraphQL enum value into r.
func (r *Role) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch Role(s) {
	case Anonymous, Partner, Exhibitor, Organiser:
		*r = Role(s)
		return nil
	}
	return fmt.Errorf("%v is not a Role: use ANONYMOUS, PARTNER, EXHIBITOR or ORGANISER", v)
}

// Viewer is the caller of a request.
type Viewer struct {
	Role Role
	// KeyID and Name identify the API key; empty for an anonymous caller.
	KeyID, Name string
	// ExhibitorID is the exhibitor an EXHIBITOR key acts for.
	ExhibitorID string
}

// anonymous is the viewer of a request without a key.
var anonymous = &Viewer{Role: Anonymous}

type viewerKey struct{}

// NewContext returns a context that carries v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer ctx carries: anonymous when none.
func FromContext(ctx context.Context) *Viewer {
	if v, ok := ctx.Value(viewerKey{}).(*Viewer); ok && v != nil {
		return v
	}
	return anonymous
}

// Is reports whether v has one of roles.
func (v *Viewer) Is(roles ...Role) bool {
	for _, r := range roles {
		if v.Role == r {
			return true
		}
	}
	return false
}

// Owns reports whether v is an exhibitor key acting for the exhibitor exhibitorID.
func (v *Viewer) Owns(exhibitorID string) bool {
	return v.Role == Exhibitor && v.ExhibitorID != "" && v.ExhibitorID == exhibitorID
}

// SeesContacts reports whether v may read the contact data of the exhibitor exhibitorID:
// partners and organisers may, and the exhibitor itself.
func (v *Viewer) SeesContacts(exhibitorID string) bool {
	return v.Is(Partner, Organiser) || v.Owns(exhibitorID)
}

// SeesUnpublished reports whether v may see every exhibitor, product, stand and session that
// is not published: only organisers may. An exhibitor sees its own unpublished profile and
// products through the rules of visibility.go, which decide on the owner of the stored row.
func (v *Viewer) SeesUnpublished() bool { return v.Role == Organiser }
