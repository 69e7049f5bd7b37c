package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"maarid/stream"
)

// screen follows the programme as a venue's screen does: it subscribes to ScreenFeed through
// the balancer from the last cursor it received, and when its connection ends, however it
// ends, it connects again (to whichever instance the balancer picks) and resumes from there.
// It notes every change that does not follow the previous one.
type screen struct {
	id    int
	fleet *fleet

	mu     sync.Mutex
	last   int64    // the cursor of the last change received
	faults []string // changes lost, repeated or out of order; protocol failures
	visits []*visit // the connections it had, in order
	failed int      // connections that could not be opened
}

// visit is one connection of a screen, to one instance.
type visit struct {
	servedBy    string    // the instance that served it (HAProxy's X-Served-By)
	subscribed  time.Time // when the subscription was sent
	firstChange time.Time // when the first change arrived on it; zero until then
	closed      time.Time // zero while it is open
	closeCode   int       // the websocket close code the server sent; 0 when there was none
	completed   bool      // the server completed the subscription, without an error
	err         error     // how it ended
}

// fleet is the screens of the test.
type fleet struct {
	url      string
	feed     string // the ScreenFeed document
	screens  []*screen
	progress chan struct{} // poked on every change received and every connection opened or closed
	dialer   websocket.Dialer

	phase     atomic.Pointer[string]
	latencyMu sync.Mutex
	latencies map[string][]time.Duration // of the changes received live, by phase
}

// startFleet opens n screens following the programme from cursor since, through the balancer;
// they stop when the test ends.
func startFleet(t *testing.T, d *deployment, n int, since int64) *fleet {
	t.Helper()
	f := &fleet{
		url:       "ws://" + d.balancer + "/graphql",
		feed:      operation(t, "ScreenFeed"),
		progress:  make(chan struct{}, 1),
		latencies: map[string][]time.Duration{},
		dialer: websocket.Dialer{
			Subprotocols:     []string{stream.GraphQLTransportWS},
			HandshakeTimeout: 2 * time.Second,
		},
	}
	f.setPhase("")
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	for i := range n {
		s := &screen{id: i, fleet: f, last: since}
		f.screens = append(f.screens, s)
		wg.Go(func() { s.run(ctx) })
	}
	return f
}

func (f *fleet) setPhase(name string) { f.phase.Store(&name) }

func (f *fleet) poke() {
	select {
	case f.progress <- struct{}{}:
	default:
	}
}

// until waits for cond to hold, rechecking it whenever a screen makes progress, and fails the
// test after within; it returns how long it waited.
func (f *fleet) until(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	began := time.Now()
	timeout := time.After(within)
	for !cond() {
		select {
		case <-f.progress:
		case <-timeout:
			t.Fatalf("%s: not after %s", what, within)
		}
	}
	return time.Since(began)
}

// reached reports whether every screen has received the change at head; it names those
// behind.
func (f *fleet) reached(head int64) (bool, string) {
	var behind []string
	for _, s := range f.screens {
		s.mu.Lock()
		if s.last < head {
			behind = append(behind, fmt.Sprintf("screen %d at %d", s.id, s.last))
		}
		s.mu.Unlock()
	}
	return len(behind) == 0, fmt.Sprint(behind)
}

// waitFor waits until every screen has received the change at head, and fails the test if
// one has not after within.
func (f *fleet) waitFor(t *testing.T, head int64, within time.Duration) time.Duration {
	t.Helper()
	began := time.Now()
	timeout := time.After(within)
	for {
		ok, behind := f.reached(head)
		if ok {
			return time.Since(began)
		}
		select {
		case <-f.progress:
		case <-timeout:
			t.Fatalf("the screens have not all received change %d after %s: %s", head, within, behind)
		}
	}
}

// check fails the test for every screen that lost, repeated or reordered a change, or did not
// end at head: together, every screen received every change up to head exactly once, in
// order.
func (f *fleet) check(t *testing.T, head int64) {
	t.Helper()
	for _, s := range f.screens {
		s.mu.Lock()
		for _, fault := range s.faults {
			t.Errorf("screen %d: %s", s.id, fault)
		}
		s.faults = nil
		if s.last != head {
			t.Errorf("screen %d: the last change it received is %d, the log's last is %d", s.id, s.last, head)
		}
		s.mu.Unlock()
	}
}

// servedBy returns the screens whose current connection is served by instance name.
func (f *fleet) servedBy(name string) []*screen {
	var on []*screen
	for _, s := range f.screens {
		if v := s.current(); v != nil && v.closed.IsZero() && v.servedBy == name {
			on = append(on, s)
		}
	}
	return on
}

// visits returns how many connections each screen has had.
func (f *fleet) visits() map[*screen]int {
	n := map[*screen]int{}
	for _, s := range f.screens {
		s.mu.Lock()
		n[s] = len(s.visits)
		s.mu.Unlock()
	}
	return n
}

// reconnected returns the screens that have had another connection since counts was taken,
// and how the connection they had then ended.
func (f *fleet) reconnected(counts map[*screen]int) ([]int, []string) {
	var (
		ids  []int
		ends []string
	)
	for _, s := range f.screens {
		h := s.history()
		if len(h) == counts[s] {
			continue
		}
		ids = append(ids, s.id)
		if n := counts[s]; n > 0 {
			ends = append(ends, fmt.Sprintf("screen %d, from %s: %v", s.id, h[n-1].servedBy, h[n-1].err))
		}
	}
	return ids, ends
}

// failedDials returns how many times the screens could not open a connection.
func (f *fleet) failedDials() int {
	n := 0
	for _, s := range f.screens {
		s.mu.Lock()
		n += s.failed
		s.mu.Unlock()
	}
	return n
}

// latency returns the median, 99th percentile and largest delay between a change and its
// arrival at a screen, over the changes received live during phase, and how many there were.
func (f *fleet) latency(phase string) (p50, p99, most time.Duration, n int) {
	f.latencyMu.Lock()
	l := slices.Clone(f.latencies[phase])
	f.latencyMu.Unlock()
	if len(l) == 0 {
		return 0, 0, 0, 0
	}
	slices.Sort(l)
	return l[len(l)/2], l[len(l)*99/100], l[len(l)-1], len(l)
}

// current returns the screen's last connection, nil before the first.
func (s *screen) current() *visit {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.visits) == 0 {
		return nil
	}
	v := *s.visits[len(s.visits)-1]
	return &v
}

// history returns the screen's connections, in order.
func (s *screen) history() []visit {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]visit, len(s.visits))
	for i, v := range s.visits {
		out[i] = *v
	}
	return out
}

// since returns the screen's connections opened after t.
func (s *screen) since(t time.Time) []visit {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []visit
	for _, v := range s.visits {
		if v.subscribed.After(t) {
			out = append(out, *v)
		}
	}
	return out
}

// run keeps the screen connected until ctx is done. A connection that cannot be opened is
// tried again after a pause that grows to half a second, as a screen's client does.
func (s *screen) run(ctx context.Context) {
	pause := 20 * time.Millisecond
	for ctx.Err() == nil {
		if s.visit(ctx) {
			pause = 20 * time.Millisecond
		} else {
			s.mu.Lock()
			s.failed++
			s.mu.Unlock()
			pause = min(2*pause, 500*time.Millisecond)
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
}

// message is a graphql-transport-ws message.
type message struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// visit connects, subscribes after the last change received and reads until the connection
// ends; it reports whether it subscribed.
func (s *screen) visit(ctx context.Context) bool {
	f := s.fleet
	conn, resp, err := f.dialer.DialContext(ctx, f.url, nil)
	if err != nil {
		return false
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	v := &visit{servedBy: resp.Header.Get("X-Served-By")}

	send := func(m message) error {
		b, _ := json.Marshal(m)
		return conn.WriteMessage(websocket.TextMessage, b)
	}
	if err := send(message{Type: "connection_init", Payload: json.RawMessage(`{}`)}); err != nil {
		return false
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ack message
	if _, data, err := conn.ReadMessage(); err != nil || json.Unmarshal(data, &ack) != nil || ack.Type != "connection_ack" {
		return false
	}
	conn.SetReadDeadline(time.Time{})
	s.mu.Lock()
	since := s.last
	v.subscribed = time.Now()
	s.visits = append(s.visits, v)
	s.mu.Unlock()
	f.poke()
	defer f.poke()

	payload, _ := json.Marshal(map[string]any{
		"query":     f.feed,
		"variables": map[string]any{"since": strconv.FormatInt(since, 10)},
	})
	err = send(message{Type: "subscribe", ID: "feed", Payload: payload})
	for err == nil {
		var data []byte
		if _, data, err = conn.ReadMessage(); err != nil {
			break
		}
		err = s.handle(v, data, send)
	}
	s.mu.Lock()
	v.closed, v.err = time.Now(), err
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		v.closeCode = ce.Code
	}
	s.mu.Unlock()
	return true
}

var (
	// errResume ends a visit whose subscription the server ended with a cursor to resume from.
	errResume = errors.New("the feed ended: resume from its cursor")
	// errCompleted ends a visit whose subscription the server completed without a reason.
	errCompleted = errors.New("the server completed the subscription without an error or a cursor")
)

// handle reads one message of the feed.
func (s *screen) handle(v *visit, data []byte, send func(message) error) error {
	now := time.Now()
	var m message
	if err := json.Unmarshal(data, &m); err != nil {
		return s.fault("not JSON: %.200s", data)
	}
	switch m.Type {
	case "ping":
		return send(message{Type: "pong"})
	case "pong":
		return nil
	case "next":
		var payload struct {
			Data *struct {
				ProgrammeChanged *struct {
					Cursor string    `json:"cursor"`
					At     time.Time `json:"at"`
				} `json:"programmeChanged"`
			} `json:"data"`
			Errors []gqlError `json:"errors"`
		}
		if err := json.Unmarshal(m.Payload, &payload); err != nil {
			return s.fault("%v: %.200s", err, data)
		}
		if len(payload.Errors) > 0 {
			return s.ended(payload.Errors, data)
		}
		if payload.Data == nil || payload.Data.ProgrammeChanged == nil {
			return s.fault("a result without a change: %.200s", data)
		}
		c := payload.Data.ProgrammeChanged
		seq, err := strconv.ParseInt(c.Cursor, 10, 64)
		if err != nil {
			return s.fault("cursor %q", c.Cursor)
		}
		s.receive(v, seq, c.At, now)
		return nil
	case "error":
		var errs []gqlError
		if err := json.Unmarshal(m.Payload, &errs); err != nil || len(errs) == 0 {
			return s.fault("%.200s", data)
		}
		return s.ended(errs, data)
	case "complete":
		// The feed never ends of itself: a screen must be told why, with a cursor to resume
		// from, or have its connection closed with 1001. A client of graphql-ws takes complete
		// as the end of the subscription and does not subscribe again; this one connects
		// again, and the test reports the visit that ended so.
		s.mu.Lock()
		v.completed = true
		s.mu.Unlock()
		return errCompleted
	default:
		return s.fault("unexpected message: %.200s", data)
	}
}

// receive takes change seq, made at at, received at now on visit v. Each change must be the
// one after the last received.
func (s *screen) receive(v *visit, seq int64, at, now time.Time) {
	s.mu.Lock()
	switch {
	case seq <= s.last:
		s.faults = append(s.faults, fmt.Sprintf("change %d received again, or out of order, after %d (from %s)", seq, s.last, v.servedBy))
	case seq == s.last+2:
		s.faults = append(s.faults, fmt.Sprintf("change %d lost: %d came after %d (from %s)", s.last+1, seq, s.last, v.servedBy))
	case seq > s.last+2:
		s.faults = append(s.faults, fmt.Sprintf("changes %d to %d lost: %d came after %d (from %s)", s.last+1, seq-1, seq, s.last, v.servedBy))
	}
	s.last = max(s.last, seq)
	if v.firstChange.IsZero() {
		v.firstChange = now
	}
	live := at.After(v.subscribed)
	s.mu.Unlock()
	f := s.fleet
	if live {
		// A change made after the subscription is delivered live; one from before is a replay,
		// whose delay is the time the screen was away.
		phase := *f.phase.Load()
		f.latencyMu.Lock()
		f.latencies[phase] = append(f.latencies[phase], now.Sub(at))
		f.latencyMu.Unlock()
	}
	f.poke()
}

// ended handles the end of the subscription by the server: FELL_BEHIND gives the cursor to
// resume from, anything else is a failure.
func (s *screen) ended(errs []gqlError, data []byte) error {
	if errs[0].Extensions.Code == "FELL_BEHIND" && errs[0].Extensions.Cursor != "" {
		cursor, err := strconv.ParseInt(errs[0].Extensions.Cursor, 10, 64)
		if err != nil {
			return s.fault("FELL_BEHIND cursor %q", errs[0].Extensions.Cursor)
		}
		s.mu.Lock()
		s.last = cursor
		s.mu.Unlock()
		return errResume
	}
	return s.fault("the subscription failed: %.300s", data)
}

func (s *screen) fault(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	s.mu.Lock()
	s.faults = append(s.faults, err.Error())
	s.mu.Unlock()
	return err
}
