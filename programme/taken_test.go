package programme_test

import (
	"context"
	"testing"
	"time"

	"maarid"
	"maarid/live"
	"maarid/programme"
)

// taker follows a subscription as the websocket transport does: on each wake-up it takes
// what is queued, without waiting.
type taker struct {
	sub   *live.Subscription[*programme.Change]
	woken chan struct{}
	taken []int64
}

func take(t *testing.T, fx *fixture, since int64) *taker {
	t.Helper()
	tk := &taker{sub: fx.subscribe(t, since, programme.Filter{}), woken: make(chan struct{}, 1)}
	tk.sub.Notify(func() {
		select {
		case tk.woken <- struct{}{}:
		default:
		}
	})
	return tk
}

// follow takes changes until the change at until is taken or the subscription ends; it
// reports whether it ended.
func (tk *taker) follow(t *testing.T, until int64) (ended bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case <-tk.woken:
		case <-deadline:
			t.Fatalf("no wake-up after %v", tk.taken)
		}
		for {
			c, ok, ended := tk.sub.Next()
			if ended {
				return true
			}
			if !ok {
				break
			}
			tk.taken = append(tk.taken, c.Seq)
			if c.Seq == until {
				return false
			}
		}
	}
}

// TestFeedTaken follows a subscription by its wake-ups, from memory then live, and checks
// that the feed forgets it once its subscriber goes.
func TestFeedTaken(t *testing.T) {
	fx := newFixture(t, "sqlite")
	id := fx.sessions(t)[0].ID
	fx.toggle(t, id, 2) // changes 1–4

	tk := take(t, fx, 1) // 2–4 from memory, then live
	fx.toggle(t, id, 3)  // 5–10
	if tk.follow(t, 10) {
		t.Fatal("the subscription ended")
	}
	checkRun(t, "taken", tk.taken, 1, 10)
	tk.sub.Close()
	if n := fx.feed.Subscribers(); n != 0 {
		t.Errorf("the feed serves %d subscribers after the only one went", n)
	}
	fx.toggle(t, id, 1)
	if c, ok, _ := tk.sub.Next(); ok {
		t.Errorf("change %d was queued after the subscriber went", c.Seq)
	}
}

// TestFeedTakenFellBehind checks that a subscriber that takes nothing is ended with where to
// resume once its queue is full, after the changes already queued, and is woken for its end.
func TestFeedTakenFellBehind(t *testing.T) {
	fx := newFixture(t, "sqlite")
	fx.feed.Queue = 4
	sub := fx.subscribe(t, 0, programme.Filter{})
	fx.toggle(t, fx.sessions(t)[0].ID, 3) // changes 1–6
	for deadline := time.Now().Add(20 * time.Second); sub.Err() == nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a subscriber that took nothing was not ended")
		}
	}
	if n := fx.feed.Subscribers(); n != 0 {
		t.Errorf("the feed serves %d subscribers after it ended the only one", n)
	}
	if e, ok := maarid.AsError(sub.Err()); !ok || e.Code != maarid.FellBehind || e.Cursor != "4" {
		t.Fatalf("ended with %v, want FELL_BEHIND at 4", sub.Err())
	}
	tk := &taker{sub: sub, woken: make(chan struct{}, 1)}
	sub.Notify(func() { tk.woken <- struct{}{} }) // at once: the end waits
	if !tk.follow(t, -1) {
		t.Fatal("the end is not taken")
	}
	checkRun(t, "taken", tk.taken, 0, 4)
}

// TestFeedTakenReplay follows a subscriber that starts further back than the feed keeps in
// memory, whose changes are read from the log as it takes them.
func TestFeedTakenReplay(t *testing.T) {
	fx := newFixture(t, "sqlite")
	fx.feed.Queue = 4
	fx.toggle(t, fx.sessions(t)[0].ID, 50) // 100 changes, more than the feed keeps
	tk := take(t, fx, 0)
	if tk.follow(t, 100) {
		t.Fatal("the subscription ended")
	}
	checkRun(t, "taken", tk.taken, 0, 100)
}

// TestFeedStops checks that the subscriptions end, without an error, when the feed stops:
// live ones and one still replayed the log.
func TestFeedStops(t *testing.T) {
	fx := newFixture(t, "sqlite")
	fx.toggle(t, fx.sessions(t)[0].ID, 50)
	feed := programme.NewFeed(fx.client, fx.dsn, discard)
	feed.Queue = 4
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- feed.Run(ctx) }()
	subscribe := func(since int64) *live.Subscription[*programme.Change] {
		sub, err := feed.Subscribe(context.Background(), since, programme.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(sub.Close)
		return sub
	}
	following, replayed := subscribe(100), subscribe(0) // the replay waits for room
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for name, sub := range map[string]*live.Subscription[*programme.Change]{"live": following, "replayed": replayed} {
		deadline := time.After(20 * time.Second)
		for open := true; open; {
			select {
			case _, open = <-sub.C():
			case <-deadline:
				t.Fatalf("a %s subscription goes on after the feed stopped", name)
			}
		}
		if sub.Err() != nil {
			t.Errorf("a %s subscription ended with %v", name, sub.Err())
		}
	}
}
