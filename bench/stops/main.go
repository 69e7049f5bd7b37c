// Command stops stops a loaded Maarid server again and again, as a deploy does, and counts
// the requests that were sent to it and never answered:
//
//	go build -o /tmp/maarid ./server && go run ./bench/stops -server /tmp/maarid -stops 12
//
// Each round starts the server on a SQLite database of its own (the demo fair), has clients
// send ProductCatalogue over kept-alive connections, each client on its own, and sends the
// server SIGTERM while they do. A request is sent once its bytes were written to a
// connection. Those sent and unanswered are counted in two classes: on a kept-alive
// connection (the server closed a connection a request had reached: there must be none), and
// on a new connection that the server had not accepted yet when its drain ended and it stopped
// listening (the kernel resets those; behind a balancer there are none, as it stops sending new
// connections to a draining instance within its drain). Requests that found no server (the
// connection refused) were never sent. It exits non-zero when a request sent on a kept-alive
// connection went unanswered.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"maarid/schema/contract"
)

func main() {
	server := flag.String("server", "", "the Maarid server binary (go build -o BIN ./server)")
	stops := flag.Int("stops", 12, "rounds: start, load, SIGTERM")
	clients := flag.Int("clients", 32, "clients sending requests at once, each on its own kept-alive connection")
	drain := flag.Duration("drain-time", 2*time.Second, "the server's --drain-time")
	addr := flag.String("addr", "127.0.0.1:18390", "address for the server")
	flag.Parse()
	if *server == "" {
		fmt.Fprintln(os.Stderr, "stops: give the server binary with -server (go build -o BIN ./server)")
		os.Exit(2)
	}
	query, err := contract.Operation("ProductCatalogue")
	if err != nil {
		fmt.Fprintln(os.Stderr, "stops:", err)
		os.Exit(1)
	}
	body := []byte(fmt.Sprintf(`{"query": %q, "variables": {"first": 24, "lang": "AR"}}`, query))
	var total counts
	for i := range *stops {
		c, err := round(*server, *addr, *drain, *clients, body)
		if err != nil {
			fmt.Fprintf(os.Stderr, "stops: round %d: %v\n", i+1, err)
			os.Exit(1)
		}
		fmt.Printf("stop %2d: %6d answered, %3d in flight at SIGTERM; unanswered: %d on kept-alive connections, %d on new connections never accepted; %d refused before sending\n",
			i+1, c.answered, c.inFlight, c.dropped, c.unaccepted, c.refused)
		total.add(c)
	}
	fmt.Printf("%d stops: %d answered, %d in flight at SIGTERM; unanswered: %d on kept-alive connections, %d on new connections never accepted; %d refused before sending\n",
		*stops, total.answered, total.inFlight, total.dropped, total.unaccepted, total.refused)
	if total.dropped > 0 {
		os.Exit(1)
	}
}

// counts are the requests of one round or more.
type counts struct {
	answered   int64
	inFlight   int64 // at the moment of SIGTERM
	dropped    int64 // sent on a kept-alive connection, unanswered
	unaccepted int64 // sent on a new connection the server had not accepted when it stopped listening
	refused    int64 // never sent
}

func (c *counts) add(o counts) {
	c.answered += o.answered
	c.inFlight += o.inFlight
	c.dropped += o.dropped
	c.unaccepted += o.unaccepted
	c.refused += o.refused
}

// round starts the server, loads it, stops it with SIGTERM at a random moment and counts what
// became of the requests.
func round(bin, addr string, drain time.Duration, clients int, body []byte) (counts, error) {
	dir, err := os.MkdirTemp("", "maarid-stops-")
	if err != nil {
		return counts{}, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(bin, "--addr", addr, "--database", filepath.Join(dir, "stops.db"),
		"--log-level", "error", "--budget-exempt", "127.0.0.0/8", "--drain-time", drain.String())
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return counts{}, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	if err := waitHealthy(addr, exited); err != nil {
		cmd.Process.Kill()
		return counts{}, err
	}

	var (
		answered, dropped, unaccepted, refused atomic.Int64
		inFlight                               atomic.Int64 // requests sent and not yet answered
		atStop                                 int64
		stopped                                = make(chan struct{})
		wg                                     sync.WaitGroup
	)
	for range clients {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 30 * time.Second}
			defer client.CloseIdleConnections()
			for {
				select {
				case <-stopped:
					return
				default:
				}
				var sent, reused atomic.Bool
				trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
					reused.Store(i.Reused)
				}, WroteRequest: func(i httptrace.WroteRequestInfo) {
					if i.Err == nil {
						sent.Store(true)
						inFlight.Add(1)
					}
				}}
				ctx := httptrace.WithClientTrace(context.Background(), trace)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				res, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != http.StatusOK {
						err = fmt.Errorf("HTTP %d", res.StatusCode)
					}
				}
				if sent.Load() {
					inFlight.Add(-1)
				}
				switch {
				case err == nil:
					answered.Add(1)
				case sent.Load() && reused.Load():
					dropped.Add(1)
				case sent.Load():
					unaccepted.Add(1)
				case errors.Is(err, syscall.ECONNREFUSED):
					refused.Add(1)
					time.Sleep(10 * time.Millisecond)
				default:
					// Failed before the request was written, on a connection the server
					// had closed: the client is free to send it again.
					refused.Add(1)
				}
			}
		})
	}
	time.Sleep(time.Duration(500+rand.IntN(1000)) * time.Millisecond)
	atStop = inFlight.Load()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			return counts{}, fmt.Errorf("the server stopped with %v", err)
		}
	case <-time.After(drain + 30*time.Second):
		cmd.Process.Kill()
		return counts{}, errors.New("the server did not stop")
	}
	close(stopped)
	wg.Wait()
	return counts{answered: answered.Load(), inFlight: atStop, dropped: dropped.Load(), unaccepted: unaccepted.Load(), refused: refused.Load()}, nil
}

// waitHealthy waits until the server at addr answers /healthz.
func waitHealthy(addr string, exited <-chan error) error {
	deadline := time.After(60 * time.Second)
	for {
		if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("the server stopped: %v", err)
		case <-deadline:
			return errors.New("the server did not answer /healthz within 60 s")
		case <-time.After(50 * time.Millisecond):
		}
	}
}
