// Package gid makes the global identifiers of Maarid's entities: a short type prefix and a
// ULID, for example "prd_01J3Y8W6ZKQ5T0P2N3V4X5Y6Z7". The prefix lets any ID be resolved to its
// type without a lookup (Relay's node query), the ULID keeps IDs unique across stores and
// instances, so exports can be re-imported and SQLite data moved to PostgreSQL unchanged.
package gid

import (
	"crypto/rand"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// Prefixes of the entity types. They are part of every stored ID: never change one.
const (
	Fair            = "fair"
	Exhibitor       = "exh"
	Stand           = "std"
	Product         = "prd"
	Category        = "cat"
	Space           = "spc"
	Session         = "ses"
	Speaker         = "spk"
	Registration    = "reg"
	ProgrammeChange = "chg"
	CatalogueChange = "cch"
	Webhook         = "whk"
	WebhookDelivery = "whd"
	APIKey          = "key"
)

const sep = "_"

var (
	mu      sync.Mutex
	entropy = ulid.Monotonic(rand.Reader, 0)
)

// New returns a new ID of the given type, ordered after the IDs made before it in this process.
func New(prefix string) string {
	mu.Lock()
	defer mu.Unlock()
	return Make(prefix, time.Now(), entropy)
}

// Make returns an ID of the given type for a time, with randomness read from entropy. With a
// deterministic reader it makes the same IDs on every run, which the demo fair relies on.
func Make(prefix string, t time.Time, entropy io.Reader) string {
	return prefix + sep + ulid.MustNew(ulid.Timestamp(t), entropy).String()
}

// Type returns the type prefix of id, and false when id is not shaped like a Maarid ID.
func Type(id string) (string, bool) {
	prefix, rest, ok := strings.Cut(id, sep)
	if !ok || prefix == "" {
		return "", false
	}
	if _, err := ulid.ParseStrict(rest); err != nil {
		return "", false
	}
	return prefix, true
}
