package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"maarid"
	"maarid/ent"
	"maarid/ent/apikey"
	"maarid/i18n"
	"maarid/store/notify"
)

// KeyPrefix starts every key, so that secret scanners and people recognise one.
const KeyPrefix = "mrd_"

// touchEvery is how often a key's last-used time is written: often enough to tell a key in
// use from a forgotten one, seldom enough that calls do not turn into writes.
const touchEvery = time.Minute

// Keys makes, checks and revokes API keys. A key is 256 random bits; the database keeps
// only its HMAC-SHA256 under the pepper, which never leaves the server's configuration. A
// keyed hash is enough for secrets of that strength, and fast enough to check on every call.
type Keys struct {
	client *ent.Client
	dsn    string
	pepper []byte

	mu      sync.Mutex
	touched map[string]time.Time             // key ID → when its last-used time was last written
	writes  sync.WaitGroup                   // last-used times being written
	held    map[string]map[*holding]struct{} // key ID → the connections it holds (Hold)
}

// NewKeys returns the keys of client's database, whose data source name is dsn, hashed with
// pepper.
func NewKeys(client *ent.Client, dsn string, pepper []byte) *Keys {
	return &Keys{client: client, dsn: dsn, pepper: pepper, touched: map[string]time.Time{}}
}

func (k *Keys) hash(secret string) []byte {
	mac := hmac.New(sha256.New, k.pepper)
	mac.Write([]byte(secret))
	return mac.Sum(nil)
}

// Create makes a key for role and returns its secret, which is shown this once. An
// EXHIBITOR key acts for the exhibitor exhibitorID, which it needs; other roles take none.
func (k *Keys) Create(ctx context.Context, role Role, name, exhibitorID string) (secret string, key *ent.APIKey, err error) {
	ctx = System(ctx)
	switch {
	case role == Exhibitor && exhibitorID == "":
		return "", nil, maarid.Invalid("exhibitor", "an exhibitor key needs the exhibitor it acts for")
	case role != Exhibitor && exhibitorID != "":
		return "", nil, maarid.Invalid("exhibitor", "only an exhibitor key acts for an exhibitor")
	case role == Anonymous:
		return "", nil, maarid.Invalid("role", "a key is for a partner, an exhibitor or an organiser")
	}
	if err := i18n.CheckText(name, false); err != nil {
		return "", nil, maarid.Invalid("name", "%v", err)
	}
	var b [32]byte
	rand.Read(b[:])
	secret = KeyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	create := k.client.APIKey.Create().SetName(name).SetRole(apikey.Role(role)).SetSecretHash(k.hash(secret))
	if exhibitorID != "" {
		create.SetExhibitorID(exhibitorID)
	}
	key, err = create.Save(ctx)
	if ent.IsConstraintError(err) {
		return "", nil, maarid.Invalid("exhibitor", "no exhibitor has the ID %q", exhibitorID)
	}
	return secret, key, err
}

// List returns every key, the revoked ones too, oldest first.
func (k *Keys) List(ctx context.Context) ([]*ent.APIKey, error) {
	return k.client.APIKey.Query().Order(ent.Asc(apikey.FieldCreatedAt), ent.Asc(apikey.FieldID)).All(System(ctx))
}

// Revoke ends the key with the ID id: the next call made with it is refused, and the
// websockets and event streams it holds on every instance end within seconds (Watch); on
// PostgreSQL the revocation is announced to every instance as it commits.
func (k *Keys) Revoke(ctx context.Context, id string) error {
	ctx = System(ctx)
	tx, err := k.client.Tx(ctx)
	if err != nil {
		return err
	}
	n, err := tx.APIKey.Update().
		Where(apikey.ID(id), apikey.RevokedAtIsNil()).
		SetRevokedAt(time.Now()).
		Save(ctx)
	if err == nil && n > 0 {
		err = notify.Send(ctx, tx, k.dsn, keysChannel, id)
	}
	if err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if n == 0 {
		if _, err := k.client.APIKey.Get(System(ctx), id); err != nil {
			return maarid.Errorf(maarid.NotFound, "no key has the ID %q", id)
		}
		return maarid.Errorf(maarid.Conflict, "the key %s is already revoked", id)
	}
	return nil
}

// ErrRevoked is the answer to an operation on a connection whose key was revoked since it was
// opened.
var ErrRevoked = maarid.Errorf(maarid.Unauthenticated, "the API key of this connection was revoked: connect again with a valid key, or without one")

// errUnauthenticated is the answer to a key that is malformed, unknown or revoked. It
// says which of them it was not, so that a guess learns nothing.
var errUnauthenticated = maarid.Errorf(maarid.Unauthenticated,
	"the API key is not valid: send Authorization: Bearer <key> with a key that is not revoked, or no Authorization to call anonymously")

// Authenticate returns the viewer of a request from its Authorization header: anonymous
// without one, the key's viewer with a valid key, and an UNAUTHENTICATED error for anything
// else — never a quiet fall back to anonymous.
func (k *Keys) Authenticate(ctx context.Context, authorization string) (*Viewer, error) {
	if authorization == "" {
		return anonymous, nil
	}
	scheme, secret, _ := strings.Cut(authorization, " ")
	if !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(secret, KeyPrefix) || len(secret) > 100 {
		return nil, errUnauthenticated
	}
	key, err := k.client.APIKey.Query().Where(apikey.SecretHash(k.hash(secret))).Only(System(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil, errUnauthenticated
	case err != nil:
		return nil, fmt.Errorf("looking up an API key: %w", err)
	case key.RevokedAt != nil:
		return nil, errUnauthenticated
	}
	k.touch(ctx, key)
	v := &Viewer{Role: Role(key.Role), KeyID: key.ID, Name: key.Name}
	if key.ExhibitorID != nil {
		v.ExhibitorID = *key.ExhibitorID
	}
	return v, nil
}

// touch records that key was used, at most once per touchEvery, after the request and
// without making it wait.
func (k *Keys) touch(ctx context.Context, key *ent.APIKey) {
	now := time.Now()
	k.mu.Lock()
	last, ok := k.touched[key.ID]
	if !ok && key.LastUsedAt != nil {
		last = *key.LastUsedAt
	}
	due := now.Sub(last) >= touchEvery
	if due {
		k.touched[key.ID] = now
	}
	k.mu.Unlock()
	if !due {
		return
	}
	k.writes.Go(func() {
		ctx, cancel := context.WithTimeout(System(context.WithoutCancel(ctx)), 10*time.Second)
		defer cancel()
		err := k.client.APIKey.UpdateOneID(key.ID).SetLastUsedAt(now).Exec(ctx)
		if err != nil && !errors.Is(err, context.Canceled) {
			slog.WarnContext(ctx, "recording when an API key was last used", "key", key.ID, "error", err)
		}
	})
}

// Wait waits for the last-used times being written, before the database is closed.
func (k *Keys) Wait() { k.writes.Wait() }
