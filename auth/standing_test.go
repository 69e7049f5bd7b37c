package auth_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"maarid/auth"
	"maarid/store/storetest"
)

const pepper = "a pepper for tests, long enough to be accepted"

// TestRevocationReachesEveryInstance holds connections on one instance with two keys, revokes
// one through another instance of the same database, and checks that the connections of that
// key, and only those, are told to end: on SQLite by reading the keys again, on PostgreSQL by
// the announcement alone (the instance would not read them again for an hour).
func TestRevocationReachesEveryInstance(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			dsn := storetest.URL(t, kind)
			here := auth.NewKeys(storetest.OpenURL(t, dsn), dsn, []byte(pepper))
			there := auth.NewKeys(storetest.OpenURL(t, dsn), dsn, []byte(pepper))
			interval := 20 * time.Millisecond
			if kind == "postgres" {
				interval = time.Hour
			}
			ctx, cancel := context.WithCancel(context.Background())
			watched := make(chan struct{})
			go func() {
				defer close(watched)
				there.Watch(ctx, interval, slog.New(slog.NewTextHandler(io.Discard, nil)))
			}()
			t.Cleanup(func() {
				cancel()
				<-watched
			})

			viewer := func(role auth.Role) *auth.Viewer {
				secret, _, err := here.Create(ctx, role, "instance test "+string(role), "")
				if err != nil {
					t.Fatal(err)
				}
				v, err := there.Authenticate(ctx, "Bearer "+secret)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			organiser, partner := viewer(auth.Organiser), viewer(auth.Partner)
			ended := make(chan *auth.Viewer, 3)
			for _, v := range []*auth.Viewer{organiser, organiser, partner} {
				there.Hold(v, func() { ended <- v })
			}
			released := there.Hold(partner, func() { t.Error("a connection let go of was told to end") })
			released()
			if n := there.Held(); n != 3 {
				t.Fatalf("%d connections held, want 3", n)
			}
			if err := there.Check(ctx, organiser); err != nil {
				t.Fatalf("a valid key: %v", err)
			}

			if err := here.Revoke(ctx, organiser.KeyID); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				select {
				case v := <-ended:
					if v != organiser {
						t.Errorf("a connection of the %s key was ended", v.Role)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("the revoked key's connections were not told to end")
				}
			}
			if err := there.Check(ctx, organiser); err != auth.ErrRevoked {
				t.Errorf("an operation under the revoked key: %v, want ErrRevoked", err)
			}
			if err := there.Check(ctx, &auth.Viewer{Role: auth.Organiser, KeyID: partner.KeyID}); err != auth.ErrRevoked {
				t.Errorf("a key acting under another role: %v, want ErrRevoked", err)
			}
			if n := there.Held(); n != 1 {
				t.Errorf("%d connections held after the revocation, want the partner's", n)
			}
		})
	}
}
