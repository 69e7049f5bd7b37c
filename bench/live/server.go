package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"maarid/schema/contract"
)

// server is a Maarid process started on an empty database of its own, with the demo fair
// and the organiser key that the demo seeding printed.
type server struct {
	cmd       *exec.Cmd
	addr      string // host:port of /graphql
	debugAddr string // host:port of /debug/pprof/
	key       string // the demo organiser's API key
	dir       string
	exited    chan error
	http      *http.Client
}

// organiserLine is the demo organiser's line of the keys the server prints on first start.
var organiserLine = regexp.MustCompile(`^\s*ORGANISER\s+(mrd_\S+)`)

// startServer runs the binary at bin on a new SQLite database in a temporary folder, with its
// logs at warnings and above, and returns once it answers on addr.
func startServer(ctx context.Context, bin, addr, debugAddr string) (*server, error) {
	if bin == "" {
		return nil, errors.New("give the server binary with -server (go build -o BIN ./server)")
	}
	dir, err := os.MkdirTemp("", "maarid-live-")
	if err != nil {
		return nil, err
	}
	s := &server{
		addr:      addr,
		debugAddr: debugAddr,
		dir:       dir,
		exited:    make(chan error, 1),
		http:      &http.Client{Timeout: 30 * time.Second},
	}
	s.cmd = exec.Command(bin,
		"--addr", addr,
		"--debug-addr", debugAddr,
		"--database", filepath.Join(dir, "live.db"),
		// The subscribers are the venue's screens, on its own network.
		"--budget-exempt", "127.0.0.0/8",
		"--log-level", "warn")
	s.cmd.Stdout = os.Stderr
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	keys := make(chan string, 1)
	go func() {
		// The demo keys are printed once; everything else the server says is passed on.
		sc := bufio.NewScanner(stderr)
		banner := false
		for sc.Scan() {
			line := sc.Text()
			if m := organiserLine.FindStringSubmatch(line); m != nil {
				select {
				case keys <- m[1]:
				default:
				}
			}
			switch {
			case strings.HasPrefix(line, "Demo API keys"):
				banner = true
			case banner:
				banner = !strings.HasPrefix(line, "In GraphiQL")
			case strings.TrimSpace(line) != "":
				fmt.Fprintln(os.Stderr, "server:", line)
			}
		}
	}()
	go func() { s.exited <- s.cmd.Wait() }()

	deadline := time.After(60 * time.Second)
	select {
	case s.key = <-keys:
	case err := <-s.exited:
		os.RemoveAll(dir)
		return nil, fmt.Errorf("the server stopped before printing its demo keys: %v", err)
	case <-deadline:
		s.stop()
		return nil, errors.New("the server printed no demo organiser key within 60 s")
	}
	for {
		resp, err := s.http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.exited:
			os.RemoveAll(dir)
			return nil, fmt.Errorf("the server stopped: %v", err)
		case <-deadline:
			s.stop()
			return nil, errors.New("the server did not answer /healthz within 60 s")
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// attach returns the instance at addr of a deployment that runs already, to make changes
// through as the organiser of key.
func attach(addr, key string) *server {
	return &server{addr: addr, key: key, http: &http.Client{Timeout: 30 * time.Second}}
}

// cpuTime returns the processor time the server started here has used; none for one attached.
func (s *server) cpuTime() time.Duration {
	if s.cmd == nil {
		return 0
	}
	t, _ := cpuTime(s.cmd.Process.Pid)
	return t
}

// stop interrupts the server, kills it if it has not stopped after a while, and removes its
// database.
func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	os.RemoveAll(s.dir)
}

// gqlError is an error of a GraphQL answer.
type gqlError = contract.Error

// do sends a GraphQL request over HTTP, as the organiser when asOrganiser, and decodes the
// data of the answer into data. An answer with errors is an error.
func (s *server) do(ctx context.Context, asOrganiser bool, query string, variables map[string]any, data any) error {
	key := ""
	if asOrganiser {
		key = s.key
	}
	return contract.Do(ctx, s.http, "http://"+s.addr+"/graphql", key, query, variables, data)
}

// operation returns a client's operation from the contract; a missing one is a bug here.
func operation(name string) string {
	op, err := contract.Operation(name)
	if err != nil {
		panic(err)
	}
	return op
}

// head returns the cursor of the last change in the programme's log, as a screen reads it.
func (s *server) head(ctx context.Context) (int64, error) {
	var data struct{ ProgrammeCursor string }
	if err := s.do(ctx, false, operation("ScreenCursor"), nil, &data); err != nil {
		return 0, err
	}
	return strconv.ParseInt(data.ProgrammeCursor, 10, 64)
}

// scheduledSessions returns the IDs of up to n published sessions that are not cancelled:
// their changes reach every subscriber, anonymous ones included.
func (s *server) scheduledSessions(ctx context.Context, n int) ([]string, error) {
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
	err := s.do(ctx, true, `{ sessions(first: 100) { edges { node { id status published } } } }`, nil, &data)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range data.Sessions.Edges {
		if e.Node.Published && e.Node.Status == "SCHEDULED" && len(ids) < n {
			ids = append(ids, e.Node.ID)
		}
	}
	if len(ids) < n {
		return nil, fmt.Errorf("the demo fair has %d published, scheduled sessions; %d needed", len(ids), n)
	}
	return ids, nil
}

// toggle cancels session id when cancel is true and restores it otherwise, as an organiser
// does: a programme change that always passes the programme's checks.
func (s *server) toggle(ctx context.Context, id string, cancel bool) error {
	if cancel {
		return s.do(ctx, true, operation("CancelSession"),
			map[string]any{"id": id, "reason": "load test"}, nil)
	}
	return s.do(ctx, true, operation("RestoreSession"), map[string]any{"id": id}, nil)
}

// memory is what the server process holds at a moment.
type memory struct {
	rss        int64 // resident set size, bytes
	heapInuse  int64 // bytes in in-use heap spans
	heapAlloc  int64 // bytes of live heap objects (and garbage not yet swept: none after a GC)
	stackInuse int64 // bytes of goroutine stacks
	goroutines int
}

// memory collects garbage in the server, through its profiler, then reads its resident
// size from /proc and its heap, stacks and goroutines from the profiler.
func (s *server) memory(ctx context.Context) (memory, error) {
	var m memory
	heap, err := s.debug(ctx, "/debug/pprof/heap?debug=1&gc=1")
	if err != nil {
		return m, err
	}
	// The text heap profile ends with runtime.MemStats as "# Name = value" lines.
	for _, line := range strings.Split(heap, "\n") {
		name, value, ok := strings.Cut(strings.TrimPrefix(line, "# "), " = ")
		if !ok {
			continue
		}
		first, _, _ := strings.Cut(value, " ")
		n, _ := strconv.ParseInt(first, 10, 64)
		switch name {
		case "HeapInuse":
			m.heapInuse = n
		case "HeapAlloc":
			m.heapAlloc = n
		case "Stack":
			m.stackInuse = n // "Stack = inuse / sys"
		}
	}
	goroutines, err := s.debug(ctx, "/debug/pprof/goroutine?debug=1")
	if err != nil {
		return m, err
	}
	fmt.Sscanf(goroutines, "goroutine profile: total %d", &m.goroutines)
	m.rss, err = residentSize(s.cmd.Process.Pid)
	return m, err
}

// saveProfiles writes the server's goroutines (as text, grouped by stack) and its heap (for
// go tool pprof) into dir, their names starting with prefix.
func (s *server) saveProfiles(ctx context.Context, dir, prefix string) error {
	for name, path := range map[string]string{
		"goroutines.txt": "/debug/pprof/goroutine?debug=1",
		"heap.pprof":     "/debug/pprof/heap",
	} {
		p, err := s.debug(ctx, path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, prefix+name), []byte(p), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (s *server) debug(ctx context.Context, path string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.debugAddr+path, nil)
	if err != nil {
		return "", err
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s: HTTP %d", path, resp.StatusCode)
	}
	return string(b), err
}

// residentSize reads VmRSS of process pid.
func residentSize(pid int) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kib int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kib); err != nil {
				return 0, err
			}
			return kib << 10, nil
		}
	}
	return 0, errors.New("no VmRSS in /proc/status")
}

// cpuTime returns the processor time process pid has used, in user and kernel mode.
func cpuTime(pid int) (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces; utime and stime are the 12th and
	// 13th fields after it, in clock ticks.
	_, rest, ok := strings.Cut(string(stat), ") ")
	fields := strings.Fields(rest)
	if !ok || len(fields) < 13 {
		return 0, errors.New("unexpected /proc/stat")
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// clockTicks is the unit of /proc's times, USER_HZ: 100 on every Linux architecture Go
// supports.
const clockTicks = 100

// raiseFileLimit lifts this process's limit of open files to the hard limit, for thousands of
// connections; the server started afterwards inherits it.
func raiseFileLimit() (uint64, error) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	l.Cur = l.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	return l.Cur, nil
}
