// Package programmetest helps the tests of the programme's feed and of what serves it: a
// feed that runs for the length of a test, and snapshots of the goroutines and heap that
// tell whether subscriptions let go of what they held.
package programmetest

import (
	"context"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"maarid/ent"
	"maarid/programme"
)

// Run starts the programme feed of client (dsn names its database) and stops it when the
// test ends, failing the test if it ended with an error.
func Run(t testing.TB, client *ent.Client, dsn string, log *slog.Logger) *programme.Feed {
	t.Helper()
	feed := programme.NewFeed(client, dsn, log)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- feed.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("programme feed: %v", err)
		}
	})
	return feed
}

// Snapshot is what the test's process holds at a point.
type Snapshot struct {
	Goroutines int
	Heap       uint64 // bytes of heap in use
}

// Take collects the garbage, then returns what the process holds.
func Take() Snapshot {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return Snapshot{Goroutines: runtime.NumGoroutine(), Heap: m.HeapInuse}
}

// WaitFor takes snapshots until at most goroutines run or wait has passed, and returns the
// last: goroutines that were told to end take a moment to.
func WaitFor(goroutines int, wait time.Duration) Snapshot {
	deadline := time.Now().Add(wait)
	for {
		s := Take()
		if s.Goroutines <= goroutines || time.Now().After(deadline) {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
}
