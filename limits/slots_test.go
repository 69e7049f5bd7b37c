package limits_test

import (
	"context"
	"testing"
	"time"

	"maarid/limits"
)

// TestSlots has one client take what it may of four slots, and checks that another client
// still gets one at once, that the first client's next request waits for its own, and that a
// waiter that gives up leaves the queue.
func TestSlots(t *testing.T) {
	s := &limits.Slots{Size: 4, PerClient: 2}
	ctx := context.Background()
	var releases []func()
	for range 2 {
		release, err := s.Acquire(ctx, "abuser")
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	third := make(chan func(), 1)
	go func() {
		release, _ := s.Acquire(ctx, "abuser")
		third <- release
	}()
	time.Sleep(20 * time.Millisecond) // the abuser's third request waits in line first
	visitor, err := s.Acquire(withTimeout(t, time.Second), "visitor")
	if err != nil {
		t.Fatalf("a visitor waits behind an abuser's requests: %v", err)
	}
	select {
	case <-third:
		t.Fatal("a client took more than its share")
	case <-time.After(20 * time.Millisecond):
	}
	gaveUp, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Acquire(gaveUp, "abuser"); err == nil {
		t.Error("a cancelled waiter got a slot")
	}
	releases[0]()
	releases[0]() // twice does no harm
	select {
	case release := <-third:
		release()
	case <-time.After(time.Second):
		t.Fatal("the abuser's third request still waits for its slot")
	}
	visitor()
	releases[1]()
	// Every slot is free again: a client takes its share at once, and no more.
	for range 2 {
		if _, err := s.Acquire(withTimeout(t, time.Second), "visitor-2"); err != nil {
			t.Fatalf("a slot is lost: %v", err)
		}
	}
	if _, err := s.Acquire(withTimeout(t, 20*time.Millisecond), "visitor-2"); err == nil {
		t.Error("a client took a third slot")
	}
}

func withTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
