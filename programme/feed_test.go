package programme_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"maarid"
	"maarid/ent"
	"maarid/live"
	"maarid/programme"
	"maarid/programme/programmetest"
	"maarid/store/storetest"
)

// subscribe subscribes to the feed of fx from since, until the test ends.
func (fx *fixture) subscribe(t testing.TB, since int64, filter programme.Filter) *live.Subscription[*programme.Change] {
	t.Helper()
	sub, err := fx.feed.Subscribe(context.Background(), since, filter)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sub.Close)
	return sub
}

// toggle cancels then restores session id, n times: 2n changes, always allowed.
func (fx *fixture) toggle(t testing.TB, id string, n int) {
	for range n {
		if _, err := fx.planner.Cancel(fx.organiser, id, nil, nil); err != nil {
			t.Error(err)
			return
		}
		if _, err := fx.planner.Restore(fx.organiser, id, nil, nil); err != nil {
			t.Error(err)
			return
		}
	}
}

func (fx *fixture) head(t testing.TB) int64 {
	t.Helper()
	h, err := fx.feed.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seq, _ := strconv.ParseInt(h, 10, 64)
	return seq
}

// collect reads ch until it has a change at or after until, or the channel closes, or a
// deadline passes, and returns the sequence numbers read.
func collect(ch <-chan *programme.Change, until func() int64) []int64 {
	var seqs []int64
	var last int64
	deadline := time.After(20 * time.Second)
	// The last change may arrive before until knows it is the last.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case c, ok := <-ch:
			if !ok {
				return seqs
			}
			seqs = append(seqs, c.Seq)
			last = c.Seq
		case <-tick.C:
		case <-deadline:
			return seqs
		}
		if u := until(); u > 0 && last >= u {
			return seqs
		}
	}
}

// checkRun checks that seqs are exactly from+1 … to.
func checkRun(t testing.TB, name string, seqs []int64, from, to int64) {
	t.Helper()
	if int64(len(seqs)) != to-from {
		t.Errorf("%s: %d changes after %d, want %d up to %d", name, len(seqs), from, to-from, to)
	}
	for i, seq := range seqs {
		if seq != from+int64(i)+1 {
			t.Errorf("%s: change %d is %d, want %d", name, i, seq, from+int64(i)+1)
			return
		}
	}
}

// TestFeedIsTheLog has subscribers join from many cursors while writers commit changes, and
// checks that each receives exactly the log after its cursor: no gap, no duplicate, in order.
func TestFeedIsTheLog(t *testing.T) {
	forEachKind(t, func(t *testing.T, kind string) {
		fx := newFixture(t, kind)
		// The feed reads what the writers committed meanwhile in one go: on a busy machine
		// that can be more than a subscriber's default queue before it is scheduled, which
		// ends it to resume (TestFeedFellBehind). Here every subscriber keeps up.
		fx.feed.Queue = 1000
		sessions := fx.sessions(t)
		fx.toggle(t, sessions[0].ID, 5) // a log to start from

		const writers, rounds, subscribers = 4, 20, 40
		var final sync.Map // "head" → the head once the writers are done
		until := func() int64 {
			v, _ := final.Load("head")
			h, _ := v.(int64)
			return h
		}
		var writing sync.WaitGroup
		for w := range writers {
			writing.Go(func() { fx.toggle(t, sessions[w+1].ID, rounds) })
		}
		var reading sync.WaitGroup
		for i := range subscribers {
			reading.Go(func() {
				time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
				since := rand.Int64N(fx.head(t) + 1)
				sub, err := fx.feed.Subscribe(context.Background(), since, programme.Filter{})
				if err != nil {
					t.Error(err)
					return
				}
				defer sub.Close()
				seqs := collect(sub.C(), until)
				checkRun(t, fmt.Sprintf("subscriber %d", i), seqs, since, until())
			})
		}
		writing.Wait()
		final.Store("head", fx.head(t))
		reading.Wait()
		if want := int64(10 + 2*writers*rounds); until() != want {
			t.Errorf("the log's head is %d, want %d", until(), want)
		}
	})
}

func TestFeedCursors(t *testing.T) {
	for _, bad := range []string{"", "abc", "-1", "01", "1.5", "99999999999999999999"} {
		_, err := programme.ParseCursor(bad)
		wantError(t, err, maarid.BadUserInput)
	}
	if seq, err := programme.ParseCursor("42"); err != nil || seq != 42 {
		t.Errorf("ParseCursor(42) = %d, %v", seq, err)
	}
	fx := newFixture(t, "sqlite")
	fx.toggle(t, fx.sessions(t)[0].ID, 1)
	_, err := fx.feed.Subscribe(context.Background(), 3, programme.Filter{})
	wantError(t, err, maarid.BadUserInput)
	sub := fx.subscribe(t, 2, programme.Filter{})
	fx.toggle(t, fx.sessions(t)[0].ID, 1)
	checkRun(t, "from the head", collect(sub.C(), func() int64 { return 4 }), 2, 4)
}

func TestFeedFilters(t *testing.T) {
	fx := newFixture(t, "sqlite")
	sessions := fx.sessions(t)
	a, b := sessions[0], sessions[len(sessions)-1]
	for _, s := range sessions {
		if *s.SpaceID != *a.SpaceID {
			b = s
		}
	}
	subscribe := func(f programme.Filter) <-chan *programme.Change { return fx.subscribe(t, 0, f).C() }
	inA := subscribe(programme.Filter{SpaceIDs: []string{*a.SpaceID}, FairID: fx.fair.ID})
	otherFair := subscribe(programme.Filter{FairID: "fair_01CK877C0QFVM97S6JKDDS668M"})
	public := subscribe(programme.Filter{})
	organisers := subscribe(programme.Filter{Unpublished: true})

	fx.toggle(t, b.ID, 1) // 1, 2: b
	fx.toggle(t, a.ID, 1) // 3, 4: a
	if _, err := fx.planner.Update(fx.organiser, b.ID, ent.UpdateSessionInput{Published: ptr(false)}, nil, nil); err != nil {
		t.Fatal(err) // 5: b unpublished
	}
	fx.toggle(t, a.ID, 1) // 6, 7: a
	if _, err := fx.planner.Update(fx.organiser, b.ID, ent.UpdateSessionInput{Published: ptr(true)}, nil, nil); err != nil {
		t.Fatal(err) // 8: b published
	}
	until := func() int64 { return 8 }
	seqsOf := func(ch <-chan *programme.Change, last int64) []int64 {
		return collect(ch, func() int64 { return last })
	}
	if got := seqsOf(inA, 7); fmt.Sprint(got) != "[3 4 6 7]" {
		t.Errorf("the subscriber to a's space got %v", got)
	}
	var withdrawn *programme.Change
	var got []int64
	for c := range public {
		got = append(got, c.Seq)
		if c.Seq == 5 {
			withdrawn = c
		}
		if c.Seq == 8 {
			break
		}
	}
	// 5 unpublished b: the public is told it is gone, and nothing of it.
	if fmt.Sprint(got) != "[1 2 3 4 5 6 7 8]" {
		t.Errorf("a public subscriber got %v", got)
	}
	if w := withdrawn; w == nil || w.Session.ID != b.ID || w.Session.Published || len(w.Session.Title) > 0 || w.Reason != nil {
		t.Errorf("the withdrawal of b: %+v", w)
	}
	checkRun(t, "organisers", seqsOf(organisers, 8), 0, until())
	select {
	case c := <-otherFair:
		t.Errorf("a subscriber to another fair got change %d", c.Seq)
	default:
	}
}

// TestFeedFellBehind checks that a subscriber that does not read is ended with where to
// resume, after the changes already queued, and that it delays nobody.
func TestFeedFellBehind(t *testing.T) {
	fx := newFixture(t, "sqlite")
	id := fx.sessions(t)[0].ID
	slow := fx.subscribe(t, 0, programme.Filter{})
	fast := fx.subscribe(t, 0, programme.Filter{})
	var got []int64
	done := make(chan struct{})
	go func() { got = collect(fast.C(), func() int64 { return 300 }); close(done) }()
	fx.toggle(t, id, 150)
	<-done
	checkRun(t, "the reading subscriber", got, 0, 300)

	queued := collect(slow.C(), func() int64 { return 0 })
	e, ok := maarid.AsError(slow.Err())
	if !ok || e.Code != maarid.FellBehind || e.Cursor != strconv.Itoa(len(queued)) {
		t.Fatalf("the slow subscriber got %d changes and ended with %v", len(queued), slow.Err())
	}
	checkRun(t, "the slow subscriber", queued, 0, int64(len(queued)))
	// It resumes from its cursor and misses nothing.
	from, _ := programme.ParseCursor(e.Cursor)
	again := fx.subscribe(t, from, programme.Filter{})
	checkRun(t, "the resumed subscriber", collect(again.C(), func() int64 { return 300 }), from, 300)
}

// TestTwoInstances runs two feeds on one PostgreSQL database: a change made through one
// reaches the subscribers of the other, in order, exactly once, also after the other lost its
// connection.
func TestTwoInstances(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		if kind != "postgres" {
			continue
		}
		fx := newFixture(t, kind)
		other := storetest.OpenURL(t, fx.dsn)
		feed := programme.NewFeed(other, fx.dsn, discard)
		feed.Poll = time.Hour // only NOTIFY wakes it
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- feed.Run(ctx) }()
		defer func() { cancel(); <-done }()

		sub, err := feed.Subscribe(ctx, 0, programme.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		ch := sub.C()
		id := fx.sessions(t)[0].ID
		fx.toggle(t, id, 5)
		checkRun(t, "the other instance", collect(ch, func() int64 { return 10 }), 0, 10)

		// The other instance loses its LISTEN connection; changes made meanwhile arrive once
		// it is back.
		if _, err := other.ExecContext(context.Background(),
			"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"); err != nil {
			t.Fatal(err)
		}
		fx.toggle(t, id, 5)
		checkRun(t, "after reconnecting", collect(ch, func() int64 { return 20 }), 10, 20)
		select {
		case c := <-ch:
			t.Errorf("change %d delivered twice", c.Seq)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// TestFeedNoLeaks subscribes and leaves thousands of times, replaying or live, and checks
// that goroutines and heap come back to where they were.
func TestFeedNoLeaks(t *testing.T) {
	fx := newFixture(t, "sqlite")
	fx.toggle(t, fx.sessions(t)[0].ID, 300) // longer than the feed keeps in memory
	head := fx.head(t)
	before := programmetest.Take()
	for i := range 3000 {
		since := head
		if i%10 == 0 {
			since = 0 // replays from the log
		}
		sub, err := fx.feed.Subscribe(context.Background(), since, programme.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 && since < head {
			if i%3 == 0 {
				waitNext(t, sub)
			} else {
				<-sub.C()
			}
		}
		sub.Close()
	}
	after := programmetest.WaitFor(before.Goroutines, 5*time.Second)
	if after.Goroutines > before.Goroutines {
		t.Errorf("%d goroutines after the subscriptions ended, %d before", after.Goroutines, before.Goroutines)
	}
	if after.Heap > before.Heap+4<<20 {
		t.Errorf("heap %d KiB after the subscriptions ended, %d KiB before", after.Heap>>10, before.Heap>>10)
	}
	if n := fx.feed.Subscribers(); n != 0 {
		t.Errorf("the feed serves %d subscribers after all of them left", n)
	}
}

// waitNext waits for a change to be queued for sub, and takes it without waiting.
func waitNext(t *testing.T, sub *live.Subscription[*programme.Change]) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if _, ok, _ := sub.Next(); ok {
			return
		}
	}
	t.Fatal("nothing was queued")
}

// FuzzParseCursor reads arbitrary cursors: a cursor accepted is the one its sequence writes.
func FuzzParseCursor(f *testing.F) {
	f.Add("0")
	f.Add("42")
	f.Add("-1")
	f.Add("0042")
	f.Add("9223372036854775808")
	f.Fuzz(func(t *testing.T, cursor string) {
		seq, err := programme.ParseCursor(cursor)
		if err == nil && (seq < 0 || strconv.FormatInt(seq, 10) != cursor) {
			t.Errorf("%q read as %d", cursor, seq)
		}
	})
}
