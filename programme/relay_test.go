package programme_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"maarid"
	"maarid/programme"
)

// relayed follows a subscription through a relay, as a transport does: on each wake-up it
// takes what is queued, and passes every other change on to the subscription's channel.
type relayed struct {
	relay  *programme.Relay
	woken  chan struct{}
	out    <-chan *programme.Change
	taken  []int64 // the changes taken from the queue
	passed []int64 // those read back from the subscription's channel
}

func subscribeRelayed(t *testing.T, fx *fixture, ctx context.Context, since int64) *relayed {
	t.Helper()
	r := &relayed{woken: make(chan struct{}, 1)}
	r.relay = programme.NewRelay(func() {
		select {
		case r.woken <- struct{}{}:
		default:
		}
	})
	out, err := fx.feed.Subscribe(programme.WithRelay(ctx, r.relay), since, programme.Filter{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.relay.Attached() {
		t.Fatal("the subscription did not take the relay")
	}
	r.out = out
	return r
}

// follow takes changes until the change at until is taken or the feed ends; it reports
// whether the feed ended.
func (r *relayed) follow(t *testing.T, until int64) (ended bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case <-r.woken:
		case <-deadline:
			t.Fatalf("no wake-up after %v", r.taken)
		}
		for {
			c, ok, ended := r.relay.Next()
			if ended {
				return true
			}
			if !ok {
				break
			}
			r.taken = append(r.taken, c.Seq)
			if len(r.taken)%2 == 0 {
				r.relay.Pass(c)
				r.passed = append(r.passed, (<-r.out).Seq)
			}
			if c.Seq == until {
				return false
			}
		}
	}
}

func TestFeedRelay(t *testing.T) {
	fx := newFixture(t, "sqlite")
	id := fx.sessions(t)[0].ID
	fx.toggle(t, id, 2) // changes 1–4

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := subscribeRelayed(t, fx, ctx, 1) // 2–4 from memory, then live
	fx.toggle(t, id, 3)                  // 5–10
	if r.follow(t, 10) {
		t.Fatal("the feed ended")
	}
	checkRun(t, "taken", r.taken, 1, 10)
	if want := []int64{3, 5, 7, 9}; !slices.Equal(r.passed, want) {
		t.Errorf("passed on %v, want %v", r.passed, want)
	}
	cancel()
	r.relay.Stop()
	if !r.follow(t, -1) {
		t.Error("the feed did not end when its relay stopped")
	}
	if n := fx.feed.Subscribers(); n != 0 {
		t.Errorf("the feed serves %d subscribers after the only one stopped", n)
	}
	fx.toggle(t, id, 1)
	if c, ok, _ := r.relay.Next(); ok {
		t.Errorf("change %d was queued after the relay stopped", c.Seq)
	}
}

// TestFeedRelayStoppedEarly stops a relay before its subscription starts, as a client that
// completes a subscription at once can: the subscription takes nothing from the feed, and
// answers only the changes passed to it.
func TestFeedRelayStoppedEarly(t *testing.T) {
	fx := newFixture(t, "sqlite")
	fx.toggle(t, fx.sessions(t)[0].ID, 1)
	relay := programme.NewRelay(func() {})
	relay.Stop()
	out, err := fx.feed.Subscribe(programme.WithRelay(context.Background(), relay), 0, programme.Filter{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ended := relay.Next(); !ended {
		t.Error("a subscription whose relay was stopped before it started goes on")
	}
	if n := fx.feed.Subscribers(); n != 0 {
		t.Errorf("the feed serves %d subscribers", n)
	}
	relay.Pass(&programme.Change{Seq: 7})
	if c := <-out; c.Seq != 7 {
		t.Errorf("the subscription read change %d, want the 7 passed to it", c.Seq)
	}
}

// TestFeedRelayFellBehind checks that a relayed subscriber that takes nothing is ended with
// where to resume once its queue is full, after the changes already queued.
func TestFeedRelayFellBehind(t *testing.T) {
	fx := newFixture(t, "sqlite")
	fx.feed.Queue = 4
	ended := make(chan error, 1)
	relay := programme.NewRelay(func() {})
	if _, err := fx.feed.Subscribe(programme.WithRelay(context.Background(), relay), 0, programme.Filter{}, func(err error) { ended <- err }); err != nil {
		t.Fatal(err)
	}
	fx.toggle(t, fx.sessions(t)[0].ID, 3) // changes 1–6
	var err error
	select {
	case err = <-ended:
	case <-time.After(20 * time.Second):
		t.Fatal("a subscriber that took nothing was not ended")
	}
	if e, ok := maarid.AsError(err); !ok || e.Code != maarid.FellBehind || e.Cursor != "4" {
		t.Fatalf("ended with %v, want FELL_BEHIND at 4", err)
	}
	var taken []int64
	for {
		c, ok, end := relay.Next()
		if end {
			break
		}
		if !ok {
			t.Fatalf("nothing to take after %v, and no end", taken)
		}
		taken = append(taken, c.Seq)
	}
	checkRun(t, "taken", taken, 0, 4)
}

// TestFeedRelayReplay relays a subscriber that starts further back than the feed keeps in
// memory, whose changes are read from the log as it takes them.
func TestFeedRelayReplay(t *testing.T) {
	fx := newFixture(t, "sqlite")
	fx.feed.Queue = 4
	fx.toggle(t, fx.sessions(t)[0].ID, 50) // 100 changes, more than the feed keeps
	r := subscribeRelayed(t, fx, context.Background(), 0)
	if r.follow(t, 100) {
		t.Fatal("the feed ended")
	}
	checkRun(t, "taken", r.taken, 0, 100)
}
