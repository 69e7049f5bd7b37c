package deploy

import (
	"context"
	"encoding/csv"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"maarid/schema/contract"
	"maarid/store/storetest"
)

// deployment is what run.sh started: three instances behind HAProxy, on a database of their
// own.
type deployment struct {
	state     string
	balancer  string // host:port of HAProxy's frontend
	stats     string // host:port of HAProxy's status page
	instances [3]instance
	key       string // the demo organiser's API key
	database  string // the database's name
	adminURL  string // the PostgreSQL server, connected to another database
	drain     time.Duration
	http      *http.Client
}

// instance is one Maarid process; name is its server's name in haproxy.cfg.
type instance struct {
	name, addr string
	pid        int
}

// startDeployment runs run.sh start on ports of its own and stops everything (run.sh stop,
// which drops the database) when the test ends.
func startDeployment(t *testing.T) *deployment {
	t.Helper()
	state := t.TempDir()
	port := freePorts(t)
	env := append(os.Environ(),
		"STATE="+state,
		"PORT="+strconv.Itoa(port),
		"POSTGRES_URL="+os.Getenv(storetest.PostgresEnv),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	began := time.Now()
	start := exec.CommandContext(ctx, "bash", "run.sh", "start")
	start.Env = env
	out, err := start.CombinedOutput()
	if err != nil {
		t.Fatalf("run.sh start: %v\n%s", err, out)
	}
	t.Logf("run.sh start took %s:\n%s", time.Since(began).Round(100*time.Millisecond), out)
	t.Cleanup(func() {
		if t.Failed() {
			for _, name := range []string{"maarid-1.log", "maarid-2.log", "maarid-3.log", "haproxy.log"} {
				t.Logf("%s ends with:\n%s", name, tail(filepath.Join(state, name), 40))
			}
		}
		stop := exec.Command("bash", "run.sh", "stop")
		stop.Env = env
		if out, err := stop.CombinedOutput(); err != nil {
			t.Errorf("run.sh stop: %v\n%s", err, out)
		}
	})

	vars := readDeployment(t, filepath.Join(state, "deployment"))
	d := &deployment{
		state:    state,
		balancer: vars["BALANCER"],
		stats:    vars["STATS"],
		key:      vars["ORGANISER_KEY"],
		database: vars["DATABASE_NAME"],
		adminURL: vars["POSTGRES_URL"],
		http:     &http.Client{Timeout: 5 * time.Second},
	}
	if d.drain, err = time.ParseDuration(vars["DRAIN_TIME"]); err != nil {
		t.Fatalf("the deployment's drain time: %v", err)
	}
	for i := range d.instances {
		n := strconv.Itoa(i + 1)
		pid, err := strconv.Atoi(vars["MAARID_"+n+"_PID"])
		if err != nil {
			t.Fatalf("the pid of instance %s: %v", n, err)
		}
		d.instances[i] = instance{name: "maarid" + n, addr: vars["INSTANCE_"+n], pid: pid}
	}
	return d
}

// freePorts returns the first of five consecutive free ports on loopback, the block run.sh
// takes: another deployment, or another test, may hold the usual ones.
func freePorts(t *testing.T) int {
	t.Helper()
	for base := 18180; base < 19000; base += 100 {
		free := true
		for p := base; p < base+5 && free; p++ {
			ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				free = false
				continue
			}
			ln.Close()
		}
		if free {
			return base
		}
	}
	t.Fatal("no five consecutive free ports from 18180 to 19000")
	return 0
}

// readDeployment reads the KEY='value' lines run.sh writes.
func readDeployment(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading what run.sh started: %v", err)
	}
	vars := map[string]string{}
	for line := range strings.Lines(string(b)) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok {
			vars[k] = strings.Trim(v, "'")
		}
	}
	return vars
}

func tail(path string, lines int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

// gqlError is an error of a GraphQL answer.
type gqlError = contract.Error

// do sends a GraphQL request to addr over HTTP, with key when it is not empty, and decodes the
// data of the answer into data; an answer with errors is an error.
func (d *deployment) do(ctx context.Context, addr, key, query string, variables map[string]any, data any) error {
	return contract.Do(ctx, d.http, "http://"+addr+"/graphql", key, query, variables, data)
}

// operation returns a client's operation from the contract, as the client sends it.
func operation(t *testing.T, name string) string {
	t.Helper()
	op, err := contract.Operation(name)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// head returns the cursor of the programme log's last change, read through the balancer as a
// screen reads it. A request that fails is tried again for a few seconds, and its error kept
// in failed.
func (d *deployment) head(t *testing.T, failed *failures) int64 {
	t.Helper()
	query := operation(t, "ScreenCursor")
	deadline := time.Now().Add(5 * time.Second)
	for {
		var data struct{ ProgrammeCursor string }
		err := d.do(context.Background(), d.balancer, "", query, nil, &data)
		if err == nil {
			seq, err := strconv.ParseInt(data.ProgrammeCursor, 10, 64)
			if err != nil {
				t.Fatalf("programmeCursor %q: %v", data.ProgrammeCursor, err)
			}
			return seq
		}
		failed.add("ScreenCursor through the balancer", err)
		if time.Now().After(deadline) {
			t.Fatalf("reading the programme's cursor through the balancer: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sessions returns n published, scheduled sessions of the demo fair: the public sees every
// change of theirs, and cancelling and restoring them always passes the programme's checks.
func (d *deployment) sessions(t *testing.T, n int) []string {
	t.Helper()
	var data struct {
		Sessions struct {
			Edges []struct {
				Node struct {
					ID        string
					Status    string
					Published bool
				}
			}
		}
	}
	err := d.do(context.Background(), d.instances[0].addr, d.key,
		`{ sessions(first: 100) { edges { node { id status published } } } }`, nil, &data)
	if err != nil {
		t.Fatalf("listing the demo fair's sessions: %v", err)
	}
	var ids []string
	for _, e := range data.Sessions.Edges {
		if e.Node.Published && e.Node.Status == "SCHEDULED" && len(ids) < n {
			ids = append(ids, e.Node.ID)
		}
	}
	if len(ids) < n {
		t.Fatalf("the demo fair has %d published, scheduled sessions; the test needs %d", len(ids), n)
	}
	return ids
}

// serverStates returns the state of each instance as HAProxy sees it (UP, DOWN, …), from its
// status page.
func (d *deployment) serverStates() (map[string]string, error) {
	resp, err := d.http.Get("http://" + d.stats + "/;csv")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	r := csv.NewReader(resp.Body)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	states := map[string]string{}
	for _, row := range rows {
		// pxname, svname, … status is the 18th column.
		if len(row) > 17 && row[0] == "maarid" && strings.HasPrefix(row[1], "maarid") {
			states[row[1]] = row[17]
		}
	}
	return states, nil
}

// watchDown reports, on the channel it returns, how long after since HAProxy took server
// out (any state but UP), or an error after within.
func (d *deployment) watchDown(server string, since time.Time, within time.Duration) <-chan result {
	ch := make(chan result, 1)
	go func() {
		for time.Since(since) < within {
			states, err := d.serverStates()
			if err == nil && states[server] != "" && !strings.HasPrefix(states[server], "UP") {
				ch <- result{at: time.Now(), after: time.Since(since)}
				return
			}
			// HAProxy tells no one of a change: its status page is read again and again.
			time.Sleep(20 * time.Millisecond)
		}
		ch <- result{err: fmt.Errorf("HAProxy still has %s up %s after", server, within)}
	}()
	return ch
}

type result struct {
	at    time.Time
	after time.Duration
	err   error
}

// terminateBackends ends, from PostgreSQL's side, every connection to the deployment's
// database — the instances' pools and their LISTEN connections — as a restart of PostgreSQL
// or a failover would, and returns how many there were.
func (d *deployment) terminateBackends(t *testing.T) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, d.adminURL)
	if err != nil {
		t.Fatalf("connecting to PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = $1 AND pid <> pg_backend_pid()`, d.database).Scan(&n)
	if err != nil {
		t.Fatalf("terminating the instances' connections: %v", err)
	}
	return n
}

// failures keeps the requests that failed and were tried again, to be told at the end.
type failures struct {
	mu   sync.Mutex
	list []string
}

func (f *failures) add(what string, err error) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list = append(f.list, fmt.Sprintf("%s: %v", what, err))
}

func (f *failures) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := f.list
	f.list = nil
	return list
}

// writer is an organiser changing the programme through one instance, directly: it cancels
// and restores its own sessions in turn, so that writers on other instances never conflict
// with it.
type writer struct {
	d         *deployment
	instance  instance
	cancel    string
	restore   string
	sessions  []string
	cancelled []bool
	next      int
}

func newWriter(t *testing.T, d *deployment, in instance, sessions []string) *writer {
	return &writer{d: d, instance: in, sessions: sessions, cancelled: make([]bool, len(sessions)),
		cancel: operation(t, "CancelSession"), restore: operation(t, "RestoreSession")}
}

// change makes one change: it cancels the next session, or restores it if it is cancelled. A
// change that fails is tried again for up to retryFor, each failure kept in failed; only the
// last error is returned.
func (w *writer) change(ctx context.Context, retryFor time.Duration, failed *failures) error {
	i := w.next % len(w.sessions)
	deadline := time.Now().Add(retryFor)
	for {
		var err error
		if w.cancelled[i] {
			err = w.d.do(ctx, w.instance.addr, w.d.key, w.restore, map[string]any{"id": w.sessions[i]}, nil)
		} else {
			err = w.d.do(ctx, w.instance.addr, w.d.key, w.cancel,
				map[string]any{"id": w.sessions[i], "reason": "deployment test"}, nil)
		}
		if err == nil {
			w.cancelled[i] = !w.cancelled[i]
			w.next++
			return nil
		}
		failed.add("a programme change through "+w.instance.name, err)
		if ctx.Err() != nil || time.Now().After(deadline) {
			return fmt.Errorf("%s: %w", w.instance.name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// write has each writer make n changes, the writers at once, a pause between two changes of
// one writer; it returns how many were made.
func write(t *testing.T, writers []*writer, n int, pause, retryFor time.Duration, failed *failures) int {
	t.Helper()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		made int
		errs []error
	)
	for _, w := range writers {
		wg.Go(func() {
			for range n {
				if err := w.change(context.Background(), retryFor, failed); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				mu.Lock()
				made++
				mu.Unlock()
				time.Sleep(pause)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		t.Errorf("changing the programme: %v", err)
	}
	return made
}

// writing has the writers change the programme until stop is called, which returns how many
// changes they made. The count grows as they go (made).
type writing struct {
	stop func() int
	made func() int
}

func startWriting(t *testing.T, writers []*writer, pause time.Duration) writing {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		made int
		errs []error
	)
	for _, w := range writers {
		wg.Go(func() {
			for ctx.Err() == nil {
				// A change is never cut off half-way: whether it was made must be known.
				if err := w.change(context.WithoutCancel(ctx), 0, nil); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				mu.Lock()
				made++
				mu.Unlock()
				select {
				case <-ctx.Done():
				case <-time.After(pause):
				}
			}
		})
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return made
	}
	return writing{
		made: count,
		stop: func() int {
			cancel()
			wg.Wait()
			for _, err := range errs {
				t.Errorf("changing the programme: %v", err)
			}
			return count()
		},
	}
}
