package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// resume has screens drop their connections again and again while the programme changes, and
// resume each time from the last change they received; at the end every screen must have
// received every change once, in order.
func resume(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("resume", flag.ExitOnError)
	c := commonFlags(fs)
	cycles := fs.Int("cycles", 1000, "disconnections and reconnections, across the clients")
	clients := fs.Int("clients", 20, "clients")
	sessionCount := fs.Int("sessions", 4, "sessions that the writer cancels and restores in turn")
	minGap := fs.Duration("min-gap", 5*time.Millisecond, "shortest pause between two changes")
	maxGap := fs.Duration("max-gap", 20*time.Millisecond, "longest pause between two changes")
	minRead := fs.Duration("min-read", 10*time.Millisecond, "shortest time a client stays connected")
	maxRead := fs.Duration("max-read", 200*time.Millisecond, "longest time a client stays connected")
	away := fs.Duration("away", 0, "longest time a client stays away before connecting again; "+
		"away longer than 256 changes, it resumes from the log rather than from memory")
	catchUp := fs.Duration("timeout", 60*time.Second, "how long the clients may take to reach the head at the end")
	fs.Parse(args)

	srv, err := startServer(ctx, c.server, c.addr, c.debugAddr)
	if err != nil {
		return err
	}
	defer srv.stop()
	sessions, err := srv.scheduledSessions(ctx, *sessionCount)
	if err != nil {
		return err
	}
	start, err := srv.head(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("== resume: %d clients, %d disconnections in all, a change every %s–%s\n",
		*clients, *cycles, *minGap, *maxGap)

	// The writer: an organiser cancelling and restoring sessions in turn.
	var (
		changes  atomic.Int64
		writeErr error
	)
	writing, stopWriting := context.WithCancel(ctx)
	defer stopWriting()
	wrote := make(chan struct{})
	began := time.Now()
	go func() {
		defer close(wrote)
		cancelled := make([]bool, len(sessions))
		for i := 0; writing.Err() == nil; i++ {
			s := i % len(sessions)
			if err := srv.toggle(ctx, sessions[s], !cancelled[s]); err != nil {
				writeErr = fmt.Errorf("change %d: %w", i+1, err)
				return
			}
			cancelled[s] = !cancelled[s]
			changes.Add(1)
			select {
			case <-writing.Done():
			case <-time.After(between(*minGap, *maxGap)):
			}
		}
	}()

	d := newDialer(c.addr, c.sources)
	screens := make([]*screen, *clients)
	var (
		tickets  atomic.Int64
		wg       sync.WaitGroup
		failures failures
	)
	for i := range screens {
		screens[i] = &screen{last: start}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := screens[i]
			for tickets.Add(1) <= int64(*cycles) && ctx.Err() == nil {
				if err := s.visit(ctx, d, between(*minRead, *maxRead)); err != nil {
					failures.add(fmt.Errorf("client %d: %w", i, err))
					return
				}
				time.Sleep(between(0, *away))
			}
		}()
	}
	wg.Wait()
	stopWriting()
	<-wrote
	elapsed := time.Since(began)
	if writeErr != nil {
		return fmt.Errorf("the writer: %w", writeErr)
	}
	if err := failures.err(); err != nil {
		return err
	}
	head, err := srv.head(ctx)
	if err != nil {
		return err
	}

	// Each client comes back once more and reads up to the head.
	caughtUp, cancel := context.WithTimeout(ctx, *catchUp)
	defer cancel()
	for i, s := range screens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.reach(caughtUp, d, head); err != nil {
				failures.add(fmt.Errorf("client %d, catching up to %d from %d: %w", i, head, s.last, err))
			}
		}()
	}
	wg.Wait()

	var lost, duplicated, disordered, received, behind int
	for _, s := range screens {
		l, dup := s.check(start, head)
		lost += l
		duplicated += dup
		disordered += s.disordered
		received += len(s.seqs)
		behind += s.fellBehind
	}
	fmt.Printf("cycles           %d disconnections without a close frame; %d feeds ended FELL_BEHIND\n",
		min(int(tickets.Load()), *cycles), behind)
	fmt.Printf("changes          %d made in %.1f s (%.0f/s); log %d → %d\n",
		changes.Load(), elapsed.Seconds(), float64(changes.Load())/elapsed.Seconds(), start, head)
	fmt.Printf("received         %d changes by %d clients (%d expected)\n", received, *clients, int(head-start)**clients)
	fmt.Printf("lost             %d\n", lost)
	fmt.Printf("duplicated       %d\n", duplicated)
	fmt.Printf("out of order     %d\n", disordered)
	if err := failures.err(); err != nil {
		return err
	}
	if head-start != changes.Load() {
		return fmt.Errorf("the writer made %d changes, the log grew by %d", changes.Load(), head-start)
	}
	if lost+duplicated+disordered > 0 {
		return errors.New("the feed lost, repeated or reordered changes")
	}
	return nil
}

// screen is a client of the feed that comes and goes and resumes where it was.
type screen struct {
	last       int64   // the cursor to resume from: the last change received
	seqs       []int64 // every change received, in the order received
	disordered int     // changes received after a later one
	fellBehind int
}

// visit connects, subscribes after the last change received, reads for stay and drops the
// connection.
func (s *screen) visit(ctx context.Context, d *dialer, stay time.Duration) error {
	f, err := d.subscribe(ctx, "", s.last)
	if err != nil {
		return err
	}
	defer f.drop()
	f.conn.SetReadDeadline(time.Now().Add(stay))
	for {
		e, err := f.next()
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil
		}
		if err != nil {
			return err
		}
		if e.ended {
			return s.ended(e)
		}
		s.receive(e.seq)
	}
}

// reach connects and reads until the change head has arrived.
func (s *screen) reach(ctx context.Context, d *dialer, head int64) error {
	for s.last < head {
		f, err := d.subscribe(ctx, "", s.last)
		if err != nil {
			return err
		}
		stop := context.AfterFunc(ctx, f.drop)
		for s.last < head {
			e, err := f.next()
			if err != nil {
				f.drop()
				return err
			}
			if e.ended {
				if err := s.ended(e); err != nil {
					f.drop()
					return err
				}
				break
			}
			s.receive(e.seq)
		}
		stop()
		f.drop()
	}
	return nil
}

func (s *screen) receive(seq int64) {
	if len(s.seqs) > 0 && seq < s.seqs[len(s.seqs)-1] {
		s.disordered++
	}
	s.seqs = append(s.seqs, seq)
	s.last = seq
}

// ended handles the end of a subscription by the server: one that fell behind resumes from
// the cursor the error gives, as a screen does.
func (s *screen) ended(e event) error {
	if e.resume == "" {
		return fmt.Errorf("%w: the feed completed without an error", errProtocol)
	}
	cursor, err := strconv.ParseInt(e.resume, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: FELL_BEHIND cursor %q", errProtocol, e.resume)
	}
	s.fellBehind++
	s.last = cursor
	return nil
}

// check counts the changes from start+1 to head that the screen did not receive, and the ones
// it received more than once.
func (s *screen) check(start, head int64) (lost, duplicated int) {
	seen := make([]int, head-start+1)
	for _, seq := range s.seqs {
		if seq <= start || seq > head {
			duplicated++ // outside what it asked for: received before, or not in the log
			continue
		}
		seen[seq-start]++
	}
	for _, n := range seen[1:] {
		switch {
		case n == 0:
			lost++
		case n > 1:
			duplicated += n - 1
		}
	}
	return lost, duplicated
}

// between returns a random duration from lo to hi.
func between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + rand.N(hi-lo+1)
}
