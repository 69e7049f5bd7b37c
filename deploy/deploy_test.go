//go:build unix

package deploy

import (
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"maarid/store/storetest"
)

// screens is how many screens follow the programme through the balancer.
const screens = 30

// TestDeployment starts the deployment of run.sh — three instances on one PostgreSQL
// database, behind HAProxy — and follows the programme through the balancer as the venue's
// screens do, while an organiser changes it through each instance directly. Every screen must
// receive every change exactly once, in order:
//
//   - while the three instances serve, the screens spread over them;
//   - while one instance is killed (SIGKILL): its screens' connections break, and they resume
//     from their last cursor on the others;
//   - after PostgreSQL ends every connection of the instances, which make them again;
//   - while another instance stops (SIGTERM): HAProxy takes it out while it drains, then its
//     screens are told to go away (1001) and resume on the last one.
func TestDeployment(t *testing.T) {
	if !slices.Contains(storetest.Kinds(), "postgres") {
		t.Skipf("%s is not set: several instances share a PostgreSQL database", storetest.PostgresEnv)
	}
	d := startDeployment(t)
	sessions := d.sessions(t, 6)
	r := &rehearsal{d: d}
	for i, in := range d.instances {
		r.writers = append(r.writers, newWriter(t, d, in, sessions[2*i:2*i+2]))
	}
	r.f = startFleet(t, d, screens, d.head(t, nil))
	r.f.until(t, 10*time.Second, "every screen subscribed", func() bool {
		for _, s := range r.f.screens {
			if s.current() == nil {
				return false
			}
		}
		return true
	})

	for _, phase := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"spread", r.spread},
		{"changes_through_every_instance", r.changes},
		{"an_instance_killed", r.killed},
		{"database_connections_ended", r.databaseConnectionsEnded},
		{"an_instance_stopped", r.stopped},
	} {
		// Each phase starts from where the one before left the deployment.
		if !t.Run(phase.name, phase.run) {
			return
		}
	}
}

// rehearsal is the deployment under test, its screens and its organisers, one per instance.
type rehearsal struct {
	d       *deployment
	f       *fleet
	writers []*writer
}

// spread checks that the balancer spread the screens evenly over the instances.
func (r *rehearsal) spread(t *testing.T) {
	counts := map[string]int{}
	least, most := screens, 0
	for _, in := range r.d.instances {
		n := len(r.f.servedBy(in.name))
		counts[in.name] = n
		least, most = min(least, n), max(most, n)
	}
	t.Logf("screens per instance: %v", counts)
	if least == 0 || most-least > 2 {
		t.Errorf("the balancer spread %d screens as %v: leastconn should keep them even", screens, counts)
	}
}

// changes has an organiser on each instance change the programme at once.
func (r *rehearsal) changes(t *testing.T) {
	r.f.setPhase(t.Name())
	before := r.d.head(t, nil)
	visits := r.f.visits()
	made := write(t, r.writers, 25, 10*time.Millisecond, 0, nil)
	head := r.grewBy(t, before, made, nil)
	waited := r.f.waitFor(t, head, 5*time.Second)
	r.f.check(t, head)
	if ids, ends := r.f.reconnected(visits); len(ids) > 0 {
		t.Errorf("screens %v lost their connection while every instance served: %s", ids, strings.Join(ends, "; "))
	}
	p50, p99, most, n := r.f.latency(t.Name())
	t.Logf("%d changes through the three instances reached %d screens (all of them %s after the log's last was read); delay of %d deliveries: p50 %s, p99 %s, max %s",
		made, screens, waited.Round(time.Millisecond), n, p50, p99, most)
}

// killed kills the second instance while the others' organisers go on changing the
// programme: its screens must be served by the others, and no other screen disturbed.
func (r *rehearsal) killed(t *testing.T) {
	r.f.setPhase(t.Name())
	victim := r.d.instances[1]
	before := r.d.head(t, nil)
	onVictim := r.f.servedBy(victim.name)
	if len(onVictim) == 0 {
		t.Fatalf("no screen is on %s", victim.name)
	}
	visits, failedDials := r.f.visits(), r.f.failedDials()
	w := startWriting(t, []*writer{r.writers[0], r.writers[2]}, 20*time.Millisecond)
	r.f.until(t, 5*time.Second, "changes flowing", func() bool { return w.made() >= 10 })

	killed := time.Now()
	if err := syscall.Kill(victim.pid, syscall.SIGKILL); err != nil {
		t.Fatalf("killing %s: %v", victim.name, err)
	}
	down := r.d.watchDown(victim.name, killed, 5*time.Second)
	var subscribed, served time.Duration
	r.f.until(t, 10*time.Second, "every screen of "+victim.name+" served again", func() bool {
		for _, s := range onVictim {
			vs := s.since(killed)
			if len(vs) == 0 || vs[0].firstChange.IsZero() {
				return false
			}
			subscribed = max(subscribed, vs[0].subscribed.Sub(killed))
			served = max(served, vs[0].firstChange.Sub(killed))
		}
		return true
	})
	// The screens go on receiving from the survivors for a while.
	goal := w.made() + 20
	r.f.until(t, 5*time.Second, "more changes", func() bool { return w.made() >= goal })
	made := w.stop()
	head := r.grewBy(t, before, made, nil)
	r.f.waitFor(t, head, 5*time.Second)
	r.f.check(t, head)

	for _, s := range onVictim {
		for _, v := range s.since(killed) {
			if v.servedBy == victim.name {
				t.Errorf("screen %d was served by %s after it was killed", s.id, victim.name)
			}
		}
	}
	if ids, ends := r.f.reconnected(visits); !slices.Equal(ids, idsOf(onVictim)) {
		t.Errorf("screens %v connected again; only those of %s (%v) should have: %s", ids, victim.name, idsOf(onVictim), strings.Join(ends, "; "))
	}
	if d := <-down; d.err != nil {
		t.Error(d.err)
	} else {
		t.Logf("HAProxy marked %s down %s after it was killed", victim.name, d.after.Round(time.Millisecond))
	}
	p50, p99, most, n := r.f.latency(t.Name())
	t.Logf("%s killed during %d changes: its %d screens subscribed again within %s (%d attempts failed) and were served within %s; delay of %d live deliveries: p50 %s, p99 %s, max %s",
		victim.name, made, len(onVictim), subscribed.Round(time.Millisecond), r.f.failedDials()-failedDials, served.Round(time.Millisecond), n, p50, p99, most)
}

// databaseConnectionsEnded has PostgreSQL end every connection of the instances, then the
// organisers change the programme: the changes must reach every screen within seconds.
func (r *rehearsal) databaseConnectionsEnded(t *testing.T) {
	r.f.setPhase(t.Name())
	survivors := []*writer{r.writers[0], r.writers[2]}
	before := r.d.head(t, nil)
	visits := r.f.visits()
	var failed failures
	states := watchStates(r.d)
	ended := r.d.terminateBackends(t)
	terminated := time.Now()
	if ended == 0 {
		t.Fatal("the instances held no connection to the database")
	}
	// An organiser whose change failed tries it again, as anyone would; every failure is told
	// below.
	made := write(t, survivors, 15, 20*time.Millisecond, 5*time.Second, &failed)
	wrote := time.Now()
	head := r.grewBy(t, before, made, &failed)
	waited := r.f.waitFor(t, head, 5*time.Second)
	r.f.check(t, head)
	if ids, ends := r.f.reconnected(visits); len(ids) > 0 {
		t.Errorf("screens %v lost their connection when the database's connections ended: %s", ids, strings.Join(ends, "; "))
	}
	// The instances are ready again: HAProxy has them up.
	deadline := time.Now().Add(5 * time.Second)
	for _, w := range survivors {
		for {
			s, err := r.d.serverStates()
			if err == nil && s[w.instance.name] == "UP" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("HAProxy does not have %s up 5 s after the changes: %v %v", w.instance.name, s, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for _, e := range failed.take() {
		t.Logf("failed, then tried again: %s", e)
	}
	for _, change := range states() {
		t.Logf("HAProxy: %s", change)
	}
	p50, p99, most, n := r.f.latency(t.Name())
	t.Logf("%d connections ended; %d changes made in the %s after; every screen had them all %s after the log's last was read; delay of %d live deliveries: p50 %s, p99 %s, max %s",
		ended, made, wrote.Sub(terminated).Round(time.Millisecond), waited.Round(time.Millisecond), n, p50, p99, most)
}

// stopped stops the third instance as systemd would (SIGTERM) while the first one's organiser
// changes the programme: HAProxy must take it out before its drain ends, and its screens be
// told to go away only then, and resume on the first.
func (r *rehearsal) stopped(t *testing.T) {
	r.f.setPhase(t.Name())
	victim, last := r.d.instances[2], r.d.instances[0].name
	before := r.d.head(t, nil)
	onVictim := r.f.servedBy(victim.name)
	if len(onVictim) == 0 {
		t.Fatalf("no screen is on %s", victim.name)
	}
	visits, failedDials := r.f.visits(), r.f.failedDials()
	w := startWriting(t, r.writers[:1], 20*time.Millisecond)
	r.f.until(t, 5*time.Second, "changes flowing", func() bool { return w.made() >= 5 })

	stopped := time.Now()
	if err := syscall.Kill(victim.pid, syscall.SIGTERM); err != nil {
		t.Fatalf("stopping %s: %v", victim.name, err)
	}
	down := r.d.watchDown(victim.name, stopped, r.d.drain)
	r.f.until(t, r.d.drain+10*time.Second, "every screen of "+victim.name+" served again", func() bool {
		for _, s := range onVictim {
			vs := s.since(stopped)
			if len(vs) == 0 || vs[0].firstChange.IsZero() {
				return false
			}
		}
		return true
	})
	made := w.stop()
	head := r.grewBy(t, before, made, nil)
	r.f.waitFor(t, head, 5*time.Second)
	r.f.check(t, head)

	out := <-down
	if out.err != nil {
		t.Fatalf("%v: the drain (%s) must outlast HAProxy's checks", out.err, r.d.drain)
	}
	var told, resumed time.Duration
	for _, s := range onVictim {
		vs := s.history()
		i := slices.IndexFunc(vs, func(v visit) bool { return !v.closed.IsZero() && v.closed.After(stopped) })
		if i < 0 || i+1 >= len(vs) {
			t.Errorf("screen %d: no connection ended after %s stopped", s.id, victim.name)
			continue
		}
		gone, next := vs[i], vs[i+1]
		switch {
		case gone.completed:
			// A client of graphql-ws would stop following the programme here.
			t.Errorf("screen %d: %s completed its subscription instead of closing the websocket with 1001 (going away)", s.id, victim.name)
		case gone.closeCode != 1001:
			t.Errorf("screen %d: its connection to %s ended with %v, want a close with 1001 (going away)", s.id, victim.name, gone.err)
		}
		if gone.closed.Before(out.at) {
			t.Errorf("screen %d was told to go away %s after the stop, before HAProxy took %s out (%s)",
				s.id, gone.closed.Sub(stopped).Round(time.Millisecond), victim.name, out.after.Round(time.Millisecond))
		}
		if next.servedBy != last {
			t.Errorf("screen %d resumed on %s, want %s", s.id, next.servedBy, last)
		}
		told = max(told, gone.closed.Sub(stopped))
		resumed = max(resumed, next.firstChange.Sub(gone.closed))
	}
	if ids, ends := r.f.reconnected(visits); !slices.Equal(ids, idsOf(onVictim)) {
		t.Errorf("screens %v connected again; only those of %s (%v) should have: %s", ids, victim.name, idsOf(onVictim), strings.Join(ends, "; "))
	}
	t.Logf("%s stopped (drain %s): HAProxy took it out after %s; its %d screens were told to go away within %s and served by %s within %s of that (%d attempts failed)",
		victim.name, r.d.drain, out.after.Round(time.Millisecond), len(onVictim), told.Round(time.Millisecond), last, resumed.Round(time.Millisecond),
		r.f.failedDials()-failedDials)
}

// grewBy reads the programme log's last cursor, and fails the test unless the log grew by
// made changes since before: every change made is in the log once, and nothing else is.
func (r *rehearsal) grewBy(t *testing.T, before int64, made int, failed *failures) int64 {
	t.Helper()
	head := r.d.head(t, failed)
	if head-before != int64(made) {
		t.Fatalf("%d changes made, the log grew by %d", made, head-before)
	}
	return head
}

// idsOf returns the screens' numbers, in order.
func idsOf(list []*screen) []int {
	var ids []int
	for _, s := range list {
		ids = append(ids, s.id)
	}
	slices.Sort(ids)
	return ids
}

// watchStates records every change of the instances' states as HAProxy sees them, until the
// function it returns is called, which returns them.
func watchStates(d *deployment) func() []string {
	stop := make(chan struct{})
	done := make(chan []string)
	go func() {
		var changes []string
		began := time.Now()
		last := map[string]string{}
		for {
			if states, err := d.serverStates(); err == nil {
				for name, state := range states {
					if last[name] != "" && last[name] != state {
						changes = append(changes, name+" "+last[name]+" → "+state+" after "+time.Since(began).Round(time.Millisecond).String())
					}
					last[name] = state
				}
			}
			select {
			case <-stop:
				done <- changes
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() []string {
		close(stop)
		return <-done
	}
}
