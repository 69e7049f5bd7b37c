// Command register registers visitors for the programme's workshops at a steady rate, as a busy
// fair does, through the contract's Register operation, until it is stopped: the write load
// beside which bench/busy.sh measures the catalogue.
//
//	go run ./bench/register -url http://127.0.0.1:18080/graphql -rate 10
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"maarid/schema/contract"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:18080/graphql", "the server's GraphQL endpoint")
	rate := flag.Float64("rate", 10, "registrations a second")
	flag.Parse()
	if *rate <= 0 {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var programme struct {
		Data struct {
			Sessions struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	if err := post(ctx, *url, "Programme", map[string]any{"first": 100}, &programme); err != nil {
		log.Fatal(err)
	}
	var sessions []string
	for _, e := range programme.Data.Sessions.Edges {
		sessions = append(sessions, e.Node.ID)
	}
	if len(sessions) == 0 {
		log.Fatal("the programme has no session to register for")
	}
	var done, failed atomic.Int64
	tick := time.NewTicker(time.Duration(float64(time.Second) / *rate))
	defer tick.Stop()
	start := time.Now()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			fmt.Printf("%d registrations in %s (%.1f a second), %d failed\n", done.Load(), time.Since(start).Round(time.Millisecond),
				float64(done.Load())/time.Since(start).Seconds(), failed.Load())
			return
		case <-tick.C:
		}
		vars := map[string]any{"session": sessions[n%len(sessions)], "name": "Visiteur", "email": fmt.Sprintf("visiteur.%d.%d@example.ma", start.UnixNano(), n)}
		go func() {
			var out struct{ Errors []json.RawMessage }
			if err := post(ctx, *url, "Register", vars, &out); err != nil || len(out.Errors) > 0 {
				failed.Add(1)
				return
			}
			done.Add(1)
		}()
	}
}

// post sends the contract's operation op with vars and reads the answer's data into out.
func post(ctx context.Context, url, op string, vars map[string]any, out any) error {
	query, err := contract.Operation(op)
	if err != nil {
		return err
	}
	return contract.Do(ctx, http.DefaultClient, url, "", query, vars, out)
}
