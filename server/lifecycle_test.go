package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"maarid/store/storetest"
)

// TestReadiness asks /readyz of a server whose database takes writes, of one whose database is
// gone, and of one that drains: ready, then not, saying why; and while it drains every answer
// closes its connection.
func TestReadiness(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			client := storetest.Open(t, kind)
			life := &lifecycle{}
			ask := func() *httptest.ResponseRecorder {
				rec := httptest.NewRecorder()
				life.closing(life.readiness(client)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
				return rec
			}
			if rec := ask(); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "ready") || rec.Header().Get("Connection") != "" {
				t.Errorf("ready: %d %s %v", rec.Code, rec.Body, rec.Header())
			}
			life.drain()
			if rec := ask(); rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "draining") || rec.Header().Get("Connection") != "close" {
				t.Errorf("draining: %d %s %v", rec.Code, rec.Body, rec.Header())
			}
			life.draining.Store(false)
			// A migration not fully applied, as when another instance is midway through one.
			if err := client.RawExec(context.Background(), "UPDATE schema_revisions SET applied = 0"); err != nil {
				t.Fatal(err)
			}
			if rec := ask(); rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "migrations pending") {
				t.Errorf("with a migration pending: %d %s", rec.Code, rec.Body)
			}
			client.Close()
			if rec := ask(); rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "unavailable") {
				t.Errorf("without its database: %d %s", rec.Code, rec.Body)
			}
		})
	}
}
