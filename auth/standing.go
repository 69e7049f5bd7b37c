package auth

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"maarid/ent"
	"maarid/ent/apikey"
	"maarid/store/notify"
)

// keysChannel is the PostgreSQL channel on which a revocation is announced to every instance
// that shares the database.
const keysChannel = "maarid_keys"

// StandingEvery is how often Watch reads the keys that hold connections again, by default:
// how long, at most, a revoked key's websockets and event streams outlive it where no
// announcement reaches them — on SQLite, where the command line revokes from another process,
// or while a lost LISTEN connection is made again.
const StandingEvery = 2 * time.Second

// holding is a long-lived connection — a websocket, a stream of events — opened with a key.
type holding struct {
	viewer *Viewer
	end    func()
	once   sync.Once
}

// Hold registers a long-lived connection opened with the key of v, and returns the function
// that lets go of it. end is called once, from another goroutine, when the key is revoked or no
// longer acts as v does (another role, another exhibitor): whatever the connection still
// carries is no longer allowed, and the connection is to end. A viewer without a key holds
// nothing.
func (k *Keys) Hold(v *Viewer, end func()) (release func()) {
	if v == nil || v.KeyID == "" {
		return func() {}
	}
	h := &holding{viewer: v, end: end}
	k.mu.Lock()
	if k.held == nil {
		k.held = map[string]map[*holding]struct{}{}
	}
	if k.held[v.KeyID] == nil {
		k.held[v.KeyID] = map[*holding]struct{}{}
	}
	k.held[v.KeyID][h] = struct{}{}
	k.mu.Unlock()
	return func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		delete(k.held[v.KeyID], h)
		if len(k.held[v.KeyID]) == 0 {
			delete(k.held, v.KeyID)
		}
	}
}

// Held returns how many connections hold a key, for tests.
func (k *Keys) Held() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for _, hs := range k.held {
		n += len(hs)
	}
	return n
}

// Watch keeps the connections held to the standing of their keys until ctx is done: it reads
// the keys again every interval and, on PostgreSQL, at once when any instance or the command
// line announces a revocation.
func (k *Keys) Watch(ctx context.Context, interval time.Duration, log *slog.Logger) {
	ctx = System(ctx)
	wake := make(chan struct{}, 1)
	if notify.IsPostgres(k.dsn) {
		go notify.Listen(ctx, k.dsn, keysChannel, func() {
			select {
			case wake <- struct{}{}:
			default:
			}
		}, log)
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-wake:
		}
		if err := k.checkStanding(ctx); err != nil && ctx.Err() == nil {
			log.ErrorContext(ctx, "reading the standing of API keys", "error", err)
		}
	}
}

// checkStanding ends the connections held by keys that are revoked, gone, or changed.
func (k *Keys) checkStanding(ctx context.Context) error {
	k.mu.Lock()
	ids := slices.Collect(maps.Keys(k.held))
	k.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	keys, err := k.client.APIKey.Query().Where(apikey.IDIn(ids...)).All(ctx)
	if err != nil {
		return err
	}
	standing := make(map[string]*ent.APIKey, len(keys))
	for _, key := range keys {
		if key.RevokedAt == nil {
			standing[key.ID] = key
		}
	}
	var ended []*holding
	k.mu.Lock()
	for _, id := range ids {
		for h := range k.held[id] {
			if !actsAs(standing[id], h.viewer) {
				ended = append(ended, h)
				delete(k.held[id], h)
			}
		}
		if len(k.held[id]) == 0 {
			delete(k.held, id)
		}
	}
	k.mu.Unlock()
	for _, h := range ended {
		h.once.Do(h.end)
	}
	return nil
}

// Check reports UNAUTHENTICATED when the key of v, who authenticated earlier, is revoked or no
// longer acts as v does; every operation on a long-lived connection runs under its key's
// standing at that moment.
func (k *Keys) Check(ctx context.Context, v *Viewer) error {
	if v == nil || v.KeyID == "" {
		return nil
	}
	key, err := k.client.APIKey.Query().Where(apikey.ID(v.KeyID), apikey.RevokedAtIsNil()).Only(System(ctx))
	switch {
	case ent.IsNotFound(err):
		return ErrRevoked
	case err != nil:
		return err
	case !actsAs(key, v):
		return ErrRevoked
	}
	return nil
}

// actsAs reports whether key, not revoked, still acts as v: the same role, for the same
// exhibitor.
func actsAs(key *ent.APIKey, v *Viewer) bool {
	if key == nil || Role(key.Role) != v.Role {
		return false
	}
	exhibitorID := ""
	if key.ExhibitorID != nil {
		exhibitorID = *key.ExhibitorID
	}
	return exhibitorID == v.ExhibitorID
}
