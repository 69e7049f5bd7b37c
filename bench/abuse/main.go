// Command abuse measures how Maarid holds up against abusive clients, on loopback, against a
// server it starts on an empty SQLite database of its own (the demo fair):
//
//   - latency: the latency of a cheap query, answered in full (no cache), on an idle server
//     and while N abusive clients hammer it, each from an address of its own (given by
//     X-Forwarded-For, which the server is told to trust) with the abusive requests of
//     abusive requests (deep, wide, aliased, batched, huge pages) and heavy requests just
//     within the cost limit, one after the other;
//
//   - soak: a fixed mix of catalogue queries, mutations, programme changes, subscribers that
//     follow the feed and abusive requests, for a while: every answer that is not an intended
//     refusal is counted as an error, and the server's resident memory and goroutines are
//     sampled.
//
//     go build -o /tmp/maarid ./server && go run ./bench/abuse -server /tmp/maarid
//     go run ./bench/abuse -server /tmp/maarid -soak 10m
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"maarid/schema/contract"
)

func main() {
	bin := flag.String("server", "", "the server binary (go build -o BIN ./server)")
	clients := flag.String("n", "4,16,64", "numbers of abusive clients, comma-separated")
	duration := flag.Duration("duration", 10*time.Second, "how long each latency measurement lasts")
	soak := flag.Duration("soak", 0, "run the soak for this long instead of the latency measurements")
	flag.Parse()
	ctx := context.Background()
	s, err := start(ctx, *bin)
	if err != nil {
		log.Fatal(err)
	}
	defer s.stop()
	if *soak > 0 {
		if err := s.soak(*soak); err != nil {
			log.Fatal(err)
		}
		return
	}
	fmt.Printf("cheap query: { fairs(first: 1) { totalCount } }, Cache-Control: no-cache, every 20 ms, %s each\n", *duration)
	fmt.Println("| abusive clients | cheap queries | p50 | p99 | max | abusive requests: answered / refused 400 / 413 / 429 |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	counts := []int{0}
	for _, n := range strings.Split(*clients, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(n))
		if err != nil {
			log.Fatalf("-n: %v", err)
		}
		counts = append(counts, c)
	}
	for _, n := range counts {
		s.latency(n, *duration)
	}
}

// server is the Maarid process under test.
type server struct {
	cmd    *exec.Cmd
	url    string // of /graphql
	debug  string // of the profiler
	key    string // the demo organiser's
	dir    string
	exited chan error
}

var organiserLine = regexp.MustCompile(`^\s*ORGANISER\s+(mrd_\S+)`)

func start(ctx context.Context, bin string) (*server, error) {
	if bin == "" {
		return nil, errors.New("give the server binary with -server (go build -o BIN ./server)")
	}
	dir, err := os.MkdirTemp("", "maarid-abuse-")
	if err != nil {
		return nil, err
	}
	s := &server{url: "http://127.0.0.1:18090/graphql", debug: "http://127.0.0.1:18091", dir: dir, exited: make(chan error, 1)}
	s.cmd = exec.CommandContext(ctx, bin, "--addr", "127.0.0.1:18090", "--debug-addr", "127.0.0.1:18091",
		"--database", filepath.Join(dir, "abuse.db"), "--log-level", "error",
		// Every client tells its address; the server trusts the header, as behind a proxy.
		"--client-ip-header", "X-Forwarded-For", "--budget-exempt", "")
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	keys := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := organiserLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case keys <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { s.exited <- s.cmd.Wait() }()
	select {
	case s.key = <-keys:
	case err := <-s.exited:
		return nil, fmt.Errorf("the server stopped: %v", err)
	case <-time.After(60 * time.Second):
		s.stop()
		return nil, errors.New("no demo key within 60 s")
	}
	for range 600 {
		if res, err := http.Get("http://127.0.0.1:18090/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.stop()
	return nil, errors.New("the server does not answer /healthz")
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
	}
	os.RemoveAll(s.dir)
}

// request is a body to POST, from an address, with a key or none.
type request struct {
	body    []byte
	address string
	key     string
}

func query(q string, variables map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": q, "variables": variables})
	return b
}

func operation(name string, variables map[string]any) []byte {
	q, err := contract.Operation(name)
	if err != nil {
		log.Fatal(err)
	}
	return query(q, variables)
}

// abusive are the requests of the abusive clients, in turn: the floods and nestings of issue
// 11, a body over the bound, and a heavy request just within the cost limit.
var abusive = func() [][]byte {
	var aliases strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&aliases, "a%d: __typename ", i)
	}
	return [][]byte{
		query("query Q { "+strings.Repeat("__typename ", 20000)+"}", nil),
		query("query Q { "+aliases.String()+"}", nil),
		query("{ "+strings.Repeat("products(first: 1) { edges { node { exhibitor { ", 25)+"id"+strings.Repeat(" } } } }", 25)+" }", nil),
		query(`{ exhibitors(first: 100) { edges { node { products(first: 100) { edges { node { exhibitor { products(first: 100) { edges { node { id } } } } } } } } } } }`, nil),
		query("{"+strings.Repeat("sessions(first:100){edges{node{fair{", 4)+"id"+strings.Repeat("}}}}", 4)+"}", nil),
		bytes.Repeat([]byte(" "), 2<<20),
		query(`{ exhibitors(first: 100) { edges { node { name description products(first: 8) { edges { node { name description price { formatted } } } } } } } }`, nil),
	}
}()

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1000}, Timeout: 60 * time.Second}

// send posts r and returns the status, the body, and how long the answer took.
func (s *server) send(r request, noCache bool) (int, []byte, time.Duration, error) {
	req, _ := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(r.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	req.Header.Set("X-Forwarded-For", r.address)
	if r.key != "" {
		req.Header.Set("Authorization", "Bearer "+r.key)
	}
	if noCache {
		req.Header.Set("Cache-Control", "no-cache")
	}
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, body, time.Since(start), err
}

// latency measures the cheap query while n abusive clients hammer the server.
func (s *server) latency(n int, d time.Duration) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var statuses sync.Map // status → *atomic.Int64
	for i := range n {
		wg.Go(func() {
			r := request{address: fmt.Sprintf("10.%d.%d.1", i/256, i%256)}
			for j := i; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				r.body = abusive[j%len(abusive)]
				status, _, _, err := s.send(r, true)
				if err != nil {
					status = 0
				}
				v, _ := statuses.LoadOrStore(status, new(atomic.Int64))
				v.(*atomic.Int64).Add(1)
			}
		})
	}
	time.Sleep(time.Second) // the abusers spend their budgets
	var times []time.Duration
	cheap := request{body: query(`{ fairs(first: 1) { totalCount } }`, nil), address: "192.0.2.200"}
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		status, body, took, err := s.send(cheap, true)
		if err != nil || status != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)) {
			log.Fatalf("the cheap query: %d %v %s", status, err, body)
		}
		times = append(times, took)
	}
	close(stop)
	wg.Wait()
	slices.Sort(times)
	count := func(status int) int64 {
		if v, ok := statuses.Load(status); ok {
			return v.(*atomic.Int64).Load()
		}
		return 0
	}
	abuse := "—"
	if n > 0 {
		abuse = fmt.Sprintf("%d / %d / %d / %d", count(200), count(400), count(413), count(429))
	}
	fmt.Printf("| %d | %d | %s | %s | %s | %s |\n", n, len(times), ms(times[len(times)/2]), ms(times[len(times)*99/100]), ms(times[len(times)-1]), abuse)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// soak runs a fixed mix for d, and reports errors, memory and goroutines.
func (s *server) soak(d time.Duration) error {
	var unexpected, answered, refused atomic.Int64
	report := func(what string, status int, body []byte, err error, intended ...int) {
		switch {
		case err != nil:
			unexpected.Add(1)
			log.Printf("%s: %v", what, err)
		case slices.Contains(intended, status):
			refused.Add(1)
		case status != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)):
			unexpected.Add(1)
			if unexpected.Load() < 20 {
				log.Printf("%s: %d %.300s", what, status, body)
			}
		default:
			answered.Add(1)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	every := func(period time.Duration, f func(i int)) {
		wg.Go(func() {
			tick := time.NewTicker(period)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-tick.C:
					f(i)
				}
			}
		})
	}
	// Visitors on many addresses: catalogue pages, the directory, the programme.
	pages := [][]byte{
		operation("ProductCatalogue", map[string]any{"first": 24, "lang": "AR"}),
		operation("ProductCatalogue", map[string]any{"first": 24, "lang": "FR", "where": map[string]any{"hasCategoryWith": []map[string]any{{"slug": "miel"}}}}),
		operation("ExhibitorDirectory", map[string]any{"first": 20, "lang": "FR"}),
		operation("Programme", map[string]any{"first": 100, "lang": "AR"}),
	}
	every(25*time.Millisecond, func(i int) {
		r := request{body: pages[i%len(pages)], address: fmt.Sprintf("172.16.%d.%d", i/256%8, i%256)}
		status, body, _, err := s.send(r, i%2 == 0)
		report("visitor", status, body, err)
	})
	// The organiser changes a product's availability, and the programme.
	productID, sessionID, err := s.ids()
	if err != nil {
		return err
	}
	every(time.Second, func(i int) {
		r := request{body: query(`mutation($id: ID!, $a: Boolean) { updateProduct(id: $id, input: {available: $a}) { id } }`,
			map[string]any{"id": productID, "a": i%2 == 0}), address: "192.0.2.10", key: s.key}
		status, body, _, err := s.send(r, false)
		report("mutation", status, body, err)
	})
	every(5*time.Second, func(i int) {
		op := []string{"CancelSession", "RestoreSession"}[i%2]
		status, body, _, err := s.send(request{body: operation(op, map[string]any{"id": sessionID}), address: "192.0.2.10", key: s.key}, false)
		report("programme change", status, body, err)
	})
	// Abusers on a few addresses.
	every(200*time.Millisecond, func(i int) {
		r := request{body: abusive[i%len(abusive)], address: fmt.Sprintf("10.9.9.%d", i%4)}
		status, body, _, err := s.send(r, true)
		report("abuser", status, body, err, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests, http.StatusOK)
	})
	// Screens following the feed; each connects again when its connection ends.
	var changes atomic.Int64
	for i := range 20 {
		wg.Go(func() { s.follow(i, stop, &changes, &unexpected) })
	}

	type sample struct {
		at               time.Duration
		rss              int64
		goroutines, heap int64
	}
	var samples []sample
	began := time.Now()
	for end := began.Add(d); time.Now().Before(end); time.Sleep(10 * time.Second) {
		rss, goroutines, heap := s.vitals()
		samples = append(samples, sample{time.Since(began).Round(time.Second), rss, goroutines, heap})
	}
	close(stop)
	wg.Wait()
	rss, goroutines, heap := s.vitals()
	samples = append(samples, sample{time.Since(began).Round(time.Second), rss, goroutines, heap})
	fmt.Printf("soak %s: %d answered, %d intended refusals, %d unexpected errors, %d changes received by screens\n",
		d, answered.Load(), refused.Load(), unexpected.Load(), changes.Load())
	fmt.Println("| at | resident | heap in use | goroutines |")
	fmt.Println("| --- | --- | --- | --- |")
	for i, sm := range samples {
		if i%6 == 0 || i == len(samples)-1 {
			fmt.Printf("| %s | %d MiB | %d MiB | %d |\n", sm.at, sm.rss>>20, sm.heap>>20, sm.goroutines)
		}
	}
	return nil
}

// ids returns a product and a session of the demo fair.
func (s *server) ids() (product, session string, err error) {
	_, body, _, err := s.send(request{body: query(`{ products(first: 1) { edges { node { id } } } sessions(first: 1) { edges { node { id } } } }`, nil), address: "192.0.2.10", key: s.key}, true)
	if err != nil {
		return "", "", err
	}
	var res struct {
		Data struct {
			Products, Sessions struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	if err := json.Unmarshal(body, &res); err != nil || len(res.Data.Products.Edges) == 0 || len(res.Data.Sessions.Edges) == 0 {
		return "", "", fmt.Errorf("no product or session: %s", body)
	}
	return res.Data.Products.Edges[0].Node.ID, res.Data.Sessions.Edges[0].Node.ID, nil
}

// follow is a screen that follows the feed over graphql-transport-ws until stop, and connects
// again, from its last cursor, whenever its connection ends.
func (s *server) follow(i int, stop <-chan struct{}, changes, unexpected *atomic.Int64) {
	feed, err := contract.Operation("ScreenFeed")
	if err != nil {
		log.Fatal(err)
	}
	cursor := "0"
	for {
		select {
		case <-stop:
			return
		default:
		}
		header := http.Header{"X-Forwarded-For": {fmt.Sprintf("192.0.2.%d", 100+i)}}
		d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 10 * time.Second}
		conn, _, err := d.Dial(strings.Replace(s.url, "http", "ws", 1), header)
		if err != nil {
			unexpected.Add(1)
			time.Sleep(time.Second)
			continue
		}
		done := make(chan struct{})
		go func() {
			select {
			case <-stop:
			case <-done:
			}
			conn.Close()
		}()
		conn.WriteJSON(map[string]any{"type": "connection_init"})
		conn.WriteJSON(map[string]any{"type": "subscribe", "id": "1", "payload": map[string]any{"query": feed, "variables": map[string]any{"since": cursor}}})
		for {
			var m struct {
				Type    string
				Payload json.RawMessage
			}
			if err := conn.ReadJSON(&m); err != nil {
				break
			}
			switch m.Type {
			case "ping":
				conn.WriteJSON(map[string]any{"type": "pong"})
			case "next":
				var p struct {
					Data   struct{ ProgrammeChanged struct{ Cursor string } }
					Errors []any
				}
				json.Unmarshal(m.Payload, &p)
				if len(p.Errors) > 0 {
					unexpected.Add(1)
					log.Printf("screen %d: %s", i, m.Payload)
					continue
				}
				cursor = p.Data.ProgrammeChanged.Cursor
				changes.Add(1)
			case "error", "complete":
				unexpected.Add(1)
				log.Printf("screen %d: %s %s", i, m.Type, m.Payload)
			}
		}
		close(done)
	}
}

// vitals reads the server's resident size, goroutines and heap in use.
func (s *server) vitals() (rss, goroutines, heap int64) {
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	for _, line := range strings.Split(string(status), "\n") {
		if kb, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			rss = n << 10
		}
	}
	if res, err := http.Get(s.debug + "/debug/pprof/goroutine?debug=1"); err == nil {
		first, _ := bufio.NewReader(res.Body).ReadString('\n')
		res.Body.Close()
		goroutines, _ = strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(first, "goroutine profile: total")), 10, 64)
	}
	if res, err := http.Get(s.debug + "/debug/pprof/heap?debug=1"); err == nil {
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "# HeapInuse = "); ok {
				heap, _ = strconv.ParseInt(v, 10, 64)
			}
		}
		res.Body.Close()
	}
	return rss, goroutines, heap
}
