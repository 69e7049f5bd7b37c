package live_test

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"maarid/live"
)

type event int

func (e event) Cursor() string { return strconv.Itoa(int(e)) }

// TestQueueAndTake queues events, takes them without waiting, and ends the subscription: the
// end comes after the events queued, with its reason, and each step wakes the subscriber.
func TestQueueAndTake(t *testing.T) {
	var closed atomic.Int32
	sub, q := live.New[event](2, func() { closed.Add(1) })
	var wakes atomic.Int32
	sub.Notify(func() { wakes.Add(1) })
	if wakes.Load() != 0 {
		t.Error("woken with nothing queued")
	}
	if !q.Offer(1) || !q.Offer(2) {
		t.Fatal("a queue of two refused two events")
	}
	if q.Offer(3) || q.Room() != 0 {
		t.Error("a full queue took a third event")
	}
	if wakes.Load() != 2 {
		t.Errorf("woken %d times for two events", wakes.Load())
	}
	fell := errors.New("fell behind")
	q.End(fell)
	q.End(nil) // once
	if wakes.Load() != 3 {
		t.Errorf("woken %d times, want once more for the end", wakes.Load())
	}
	for _, want := range []string{"1", "2"} {
		if cursor, ok, ended := sub.Take(); !ok || ended || cursor != want {
			t.Fatalf("took %q %v %v, want %s", cursor, ok, ended, want)
		}
	}
	if _, ok, ended := sub.Take(); ok || !ended {
		t.Error("the end is not told after the events")
	}
	if sub.Err() != fell {
		t.Errorf("ended with %v", sub.Err())
	}
	if q.Offer(4) || q.Send(4) {
		t.Error("an ended subscription took an event")
	}
	sub.Close()
	sub.Close()
	if closed.Load() != 1 {
		t.Errorf("the feed was told %d times that the subscriber went", closed.Load())
	}
}

// TestNotifyAtOnce checks that a subscriber that asks to be woken once events wait, or once
// the subscription ended, is woken at once.
func TestNotifyAtOnce(t *testing.T) {
	sub, q := live.New[event](4, nil)
	q.Offer(1)
	woken := false
	sub.Notify(func() { woken = true })
	if !woken {
		t.Error("not woken for an event that waits")
	}
	sub, q = live.New[event](4, nil)
	q.End(nil)
	woken = false
	sub.Notify(func() { woken = true })
	if !woken {
		t.Error("not woken for an end that waits")
	}
}

// TestSendWaits checks that Send waits for room, and stops waiting when the subscriber goes.
func TestSendWaits(t *testing.T) {
	sub, q := live.New[event](1, nil)
	q.Offer(1)
	sent := make(chan bool)
	go func() { sent <- q.Send(2) }()
	select {
	case <-sent:
		t.Fatal("Send did not wait for room")
	case <-time.After(20 * time.Millisecond):
	}
	if e := <-sub.C(); e != 1 {
		t.Fatalf("took %d", e)
	}
	if !<-sent {
		t.Fatal("Send gave up with room in the queue")
	}
	go func() { sent <- q.Send(3) }()
	sub.Close()
	if <-sent {
		t.Error("Send queued an event for a subscriber that went")
	}
}

// TestServe checks that a subscription reaches the transport that runs its operation, and
// that one started elsewhere is refused and closed.
func TestServe(t *testing.T) {
	closed := 0
	sub, _ := live.New[event](1, func() { closed++ })
	if _, err := live.Serve(context.Background(), sub); !errors.Is(err, live.ErrNoTransport) || closed != 1 {
		t.Errorf("outside a transport: %v, closed %d times", err, closed)
	}
	if live.Served(context.Background()) {
		t.Error("a context without a transport is served")
	}

	ctx, r := live.Receiving(context.Background())
	if !live.Served(ctx) || r.Stream() != nil {
		t.Fatal("a receiver holds a stream before any")
	}
	sub, q := live.New[event](1, nil)
	ch, err := live.Serve(ctx, sub)
	if err != nil || r.Stream() != live.Stream(sub) {
		t.Fatalf("the transport did not receive the subscription: %v", err)
	}
	q.Offer(7)
	if e := <-ch; e != 7 {
		t.Errorf("the channel given to the resolver reads %d", e)
	}
	other, _ := live.New[event](1, func() { closed++ })
	if _, err := live.Serve(ctx, other); err == nil || closed != 2 {
		t.Errorf("a second subscription for one operation: %v, closed %d times", err, closed)
	}
}
