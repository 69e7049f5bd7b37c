package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fanout holds n idle screens on the programme feed, measures what they cost the server, then
// makes one programme change and measures how long it takes to reach each of them. With
// -through it starts no server: the screens subscribe through a running deployment (its
// balancer, or one of its instances), the change is made through the instance -via names, and
// the server's memory and processor time are not read.
func fanout(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("fanout", flag.ExitOnError)
	c := commonFlags(fs)
	n := fs.Int("n", 1000, "subscribers")
	concurrency := fs.Int("concurrency", 64, "connections being opened at once")
	settle := fs.Duration("settle", 5*time.Second, "pause between the last subscription and the memory reading")
	timeout := fs.Duration("timeout", 60*time.Second, "how long the change may take to reach every subscriber")
	profiles := fs.String("profiles", "", "folder to write the server's profiles to: goroutines and heap with the subscribers connected, CPU while the change is delivered")
	through := fs.String("through", "", "host:port of a running deployment to subscribe through (a balancer or an instance) instead of starting a server")
	via := fs.String("via", "", "with -through: host:port of the instance that makes the change (the -through address by default)")
	key := fs.String("key", os.Getenv("MAARID_ORGANISER_KEY"), "with -through: an organiser's API key ($MAARID_ORGANISER_KEY by default)")
	fs.Parse(args)

	var srv *server
	subscribeTo := *through
	if *through == "" {
		var err error
		if srv, err = startServer(ctx, c.server, c.addr, c.debugAddr); err != nil {
			return err
		}
		defer srv.stop()
		subscribeTo = c.addr
	} else {
		if *key == "" {
			return errors.New("-through needs an organiser's key (-key or $MAARID_ORGANISER_KEY)")
		}
		if *via == "" {
			*via = *through
		}
		srv = attach(*via, *key)
	}
	local := srv.cmd != nil
	sessions, err := srv.scheduledSessions(ctx, 1)
	if err != nil {
		return err
	}
	// A first change, which each subscriber receives as soon as it has joined the feed: the
	// subscription is then known to be live, which the protocol does not acknowledge.
	if err := srv.toggle(ctx, sessions[0], true); err != nil {
		return fmt.Errorf("cancelling a session: %w", err)
	}
	joinedAt, err := srv.head(ctx)
	if err != nil {
		return err
	}
	var before memory
	if local {
		if before, err = srv.memory(ctx); err != nil {
			return fmt.Errorf("reading the server's memory: %w", err)
		}
	}
	clientBefore, _ := residentSize(os.Getpid())

	if local {
		fmt.Printf("== fanout: %d subscribers to ScreenFeed, one change\n", *n)
	} else {
		fmt.Printf("== fanout: %d subscribers to ScreenFeed through %s, one change made through %s\n", *n, subscribeTo, srv.addr)
	}
	d := newDialer(subscribeTo, c.sources)
	var (
		feeds     = make([]*feed, *n)
		got       = make([][]receipt, *n) // the messages each subscriber received
		joined    sync.WaitGroup
		readers   sync.WaitGroup
		delivered atomic.Int64
		all       = make(chan struct{})
		failures  failures
		stopping  atomic.Bool
		slots     = make(chan struct{}, *concurrency)
	)
	start := time.Now()
	for i := range *n {
		joined.Add(1)
		readers.Add(1)
		go func() {
			defer readers.Done()
			slots <- struct{}{}
			f, err := d.subscribe(ctx, "", joinedAt-1)
			if err == nil {
				feeds[i] = f
				err = expect(f, joinedAt)
			}
			<-slots
			joined.Done()
			if err != nil {
				failures.add(fmt.Errorf("subscriber %d: %w", i, err))
				if f != nil {
					f.drop()
				}
				return
			}
			// The change is only stored while it is being delivered, and decoded after:
			// the driver shares the cores with the server.
			for {
				r, err := f.receive()
				if err != nil {
					if !stopping.Load() {
						failures.add(fmt.Errorf("subscriber %d: %w", i, err))
					}
					return
				}
				first := len(got[i]) == 0
				got[i] = append(got[i], r)
				if first && delivered.Add(1) == int64(*n) {
					close(all)
				}
			}
		}()
	}
	joined.Wait()
	connected := *n - failures.count()
	fmt.Printf("subscribed       %d/%d in %.1f s (%d connections opened at once)\n",
		connected, *n, time.Since(start).Seconds(), *concurrency)
	if connected == 0 {
		return failures.err()
	}
	if spread := servedBy(feeds); spread != "" {
		fmt.Printf("served by        %s\n", spread)
	}
	if local {
		if err := srv.report(ctx, before, connected, clientBefore, *settle, *profiles, *n); err != nil {
			return err
		}
	}

	var cpu chan error
	if local && *profiles != "" {

		// The server's CPU while it delivers the change.
		cpu = make(chan error, 1)
		go func() {
			p, err := srv.debug(ctx, fmt.Sprintf("/debug/pprof/profile?seconds=%d", max(int(timeout.Seconds()/10), 1)))
			if err == nil {
				err = os.WriteFile(filepath.Join(*profiles, fmt.Sprintf("fanout-%d-cpu.pprof", *n)), []byte(p), 0o644)
			}
			cpu <- err
		}()
		time.Sleep(200 * time.Millisecond)
	}
	serverCPU := srv.cpuTime()
	driverCPU, _ := cpuTime(os.Getpid())
	changed := time.Now()
	if err := srv.toggle(ctx, sessions[0], false); err != nil {
		return fmt.Errorf("restoring the session: %w", err)
	}
	mutation := time.Since(changed)
	select {
	case <-all:
	case <-time.After(*timeout):
	case <-ctx.Done():
	}
	deliveredIn := time.Since(changed)
	serverCPUAfter := srv.cpuTime()
	driverCPUAfter, _ := cpuTime(os.Getpid())
	stopping.Store(true)
	for _, f := range feeds {
		if f != nil {
			f.reset()
		}
	}
	readers.Wait()
	if cpu != nil {
		if err := <-cpu; err != nil {
			return fmt.Errorf("profiling the server: %w", err)
		}
	}

	var latencies []time.Duration
	for i, messages := range got {
		changes := 0
		for _, m := range messages {
			e, err := feeds[i].decode(m.data, m.at)
			switch {
			case err != nil:
				failures.add(fmt.Errorf("subscriber %d: %w", i, err))
			case e.ended:
				failures.add(fmt.Errorf("subscriber %d: the feed ended", i))
			case e.seq != joinedAt+1:
				failures.add(fmt.Errorf("%w: subscriber %d: change %d after %d", errProtocol, i, e.seq, joinedAt))
			case changes > 0:
				failures.add(fmt.Errorf("%w: subscriber %d: change %d again", errProtocol, i, e.seq))
			default:
				changes++
				latencies = append(latencies, max(e.received.Sub(e.change.At), time.Nanosecond))
			}
		}
	}
	slices.Sort(latencies)
	fmt.Printf("delivered        %d/%d (the mutation took %s over HTTP)\n", len(latencies), *n, ms(mutation))
	if len(latencies) > 0 {
		fmt.Printf("latency          p50 %s, p99 %s, max %s (receipt − the change's at)\n",
			ms(percentile(latencies, 50)), ms(percentile(latencies, 99)), ms(latencies[len(latencies)-1]))
	}
	if local {
		fmt.Printf("CPU              server %s, driver %s in the %s from the mutation to the last delivery (%d cores)\n",
			ms(serverCPUAfter-serverCPU), ms(driverCPUAfter-driverCPU), ms(deliveredIn), runtime.NumCPU())
	} else {
		fmt.Printf("CPU              driver %s in the %s from the mutation to the last delivery (%d cores)\n",
			ms(driverCPUAfter-driverCPU), ms(deliveredIn), runtime.NumCPU())
	}
	if err := failures.err(); err != nil {
		return err
	}
	if len(latencies) < *n {
		return fmt.Errorf("%d of %d subscribers did not receive the change within %s", *n-len(latencies), *n, *timeout)
	}
	return nil
}

// report waits for the server to settle with the subscribers connected, then prints what they
// cost it (and the driver) since before, and saves its profiles when asked to.
func (s *server) report(ctx context.Context, before memory, connected int, clientBefore int64, settle time.Duration, profiles string, n int) error {
	time.Sleep(settle)
	after, err := s.memory(ctx)
	if err != nil {
		return fmt.Errorf("reading the server's memory: %w", err)
	}
	clientAfter, _ := residentSize(os.Getpid())
	per := func(b, a int64) float64 { return float64(a-b) / float64(connected) / 1024 }
	fmt.Printf("server before    RSS %s, heap in use %s, stacks %s, %d goroutines\n",
		mib(before.rss), mib(before.heapInuse), mib(before.stackInuse), before.goroutines)
	fmt.Printf("server after     RSS %s, heap in use %s, stacks %s, %d goroutines\n",
		mib(after.rss), mib(after.heapInuse), mib(after.stackInuse), after.goroutines)
	fmt.Printf("per subscriber   RSS %.1f KiB, heap in use %.1f KiB (live objects %.1f KiB), stacks %.1f KiB, %.2f goroutines (server); RSS %.1f KiB (driver)\n",
		per(before.rss, after.rss), per(before.heapInuse, after.heapInuse), per(before.heapAlloc, after.heapAlloc),
		per(before.stackInuse, after.stackInuse), float64(after.goroutines-before.goroutines)/float64(connected),
		per(clientBefore, clientAfter))
	if p, err := s.debug(ctx, "/debug/pprof/goroutine?debug=1"); err == nil {
		fmt.Print(goroutineSummary(p, connected/2))
	}
	if profiles != "" {
		return s.saveProfiles(ctx, profiles, fmt.Sprintf("fanout-%d-", n))
	}
	return nil
}

// servedBy counts the subscribers by the instance that served them, "maarid1 1000, …", when a
// balancer named it.
func servedBy(feeds []*feed) string {
	counts := map[string]int{}
	for _, f := range feeds {
		if f != nil && f.servedBy != "" {
			counts[f.servedBy]++
		}
	}
	names := slices.Sorted(maps.Keys(counts))
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%s %d", name, counts[name])
	}
	return strings.Join(parts, ", ")
}

// expect reads the first change of a new subscription, which must be seq.
func expect(f *feed, seq int64) error {
	f.conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	defer f.conn.SetReadDeadline(time.Time{})
	e, err := f.next()
	switch {
	case err != nil:
		return fmt.Errorf("waiting for the first change: %w", err)
	case e.ended:
		return fmt.Errorf("%w: the feed ended before its first change", errProtocol)
	case e.seq != seq:
		return fmt.Errorf("%w: first change %d, not %d", errProtocol, e.seq, seq)
	}
	return nil
}

// goroutineSummary lists the stacks of a text goroutine profile that at least min goroutines
// share, by the function each one waits in.
func goroutineSummary(profile string, least int) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(profile))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	count := 0
	var frames []string
	flush := func() {
		if count >= least && len(frames) > 0 {
			fmt.Fprintf(&b, "  %7d  %s\n", count, strings.Join(frames, " ← "))
		}
		count, frames = 0, nil
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.Contains(line, " @ 0x"):
			flush()
			fmt.Sscanf(line, "%d @", &count)
		case strings.HasPrefix(line, "#\t0x") && len(frames) < 3:
			// "#\t0x4a1b2c\tpackage.Function+0x1f\tfile:line"
			fields := strings.Split(line, "\t")
			if len(fields) < 3 {
				continue
			}
			fn, _, _ := strings.Cut(fields[2], "+0x")
			if strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/") ||
				strings.HasPrefix(fn, "sync.") || strings.HasPrefix(fn, "net.") || strings.HasPrefix(fn, "bufio.") ||
				strings.HasPrefix(fn, "io.") {
				continue
			}
			frames = append(frames, shortName(fn))
		}
	}
	flush()
	if b.Len() == 0 {
		return ""
	}
	return "server goroutines shared by half the subscribers or more, by where they wait:\n" + b.String()
}

// shortName trims the module path of a function name.
func shortName(fn string) string {
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		return fn[i+1:]
	}
	return fn
}

// failures collects the errors of many goroutines.
type failures struct {
	mu   sync.Mutex
	errs []error
}

func (f *failures) add(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, err)
}

func (f *failures) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.errs)
}

// err returns the first errors, and how many there were.
func (f *failures) err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.errs) == 0 {
		return nil
	}
	err := errors.Join(f.errs[:min(len(f.errs), 5)]...)
	return fmt.Errorf("%d failures, the first:\n%w", len(f.errs), err)
}

func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
