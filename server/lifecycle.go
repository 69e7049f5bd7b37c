package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"maarid/ent"
	"maarid/store"
)

// lifecycle is what a server tells of its state and stops when it shuts down. Stopping
// behind a load balancer goes in steps, so that no request is lost:
//
//  1. draining: /readyz fails, so the balancer sends new requests elsewhere, while every
//     answer closes its connection — between requests, never under one a client has sent;
//  2. after the drain time, the server stops accepting and finishes the requests in flight;
//  3. websockets close with 1001 (going away) and streams of events complete: their clients
//     resume from their cursor on another instance.
type lifecycle struct {
	draining atomic.Bool
	streams  *streamTransports
}

// drain starts the first step.
func (l *lifecycle) drain() { l.draining.Store(true) }

// closing asks, while the server drains, that each answer's connection be closed after it.
// A kept-alive connection closed by the server while idle may cross a request its client has
// just sent, which is then lost; closed after an answer that says so, it is not.
func (l *lifecycle) closing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.draining.Load() {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}

// readiness answers /readyz: 200 while the server should be sent requests — it is not
// shutting down, its database answers and takes writes, and its schema has every migration —
// and 503 otherwise, saying why.
// /healthz is liveness only: whether the process should be restarted.
func (l *lifecycle) readiness(client *ent.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if l.draining.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"status":"draining"}`+"\n")
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := store.Writable(ctx, client); err != nil {
			slog.ErrorContext(ctx, "readiness: the database does not take writes", "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"status":"unavailable"}`+"\n")
			return
		}
		if n, err := store.Pending(ctx, client); err != nil || n > 0 {
			// Another instance migrated the database further than this one knows, or the
			// migrations cannot be read.
			slog.ErrorContext(ctx, "readiness: migrations of the schema are pending", "pending", n, "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"status":"migrations pending"}`+"\n")
			return
		}
		io.WriteString(w, `{"status":"ready"}`+"\n")
	}
}
