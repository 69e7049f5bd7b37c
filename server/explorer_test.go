package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestExplorerIsSelfContained checks that the API explorer's page, script and libraries are
// served from the binary, and that the page refers to nothing elsewhere.
func TestExplorerIsSelfContained(t *testing.T) {
	a := newAPI(t, "sqlite")
	for _, path := range []string{"/", "/graphiql/explorer.js", "/graphiql/graphiql.min.js", "/graphiql/graphiql.min.css",
		"/graphiql/react.production.min.js", "/graphiql/react-dom.production.min.js", "/graphiql/LICENSE.graphiql"} {
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body := rec.Body.String()
		if rec.Code != http.StatusOK || len(body) < 100 {
			t.Errorf("%s: %d, %d bytes", path, rec.Code, len(body))
		}
		if (path == "/" || path == "/graphiql/explorer.js") && (strings.Contains(body, "http://") || strings.Contains(body, "https://")) {
			t.Errorf("%s refers to another site", path)
		}
	}
	// The libraries are those the lock pins: fetch.sh wrote their stamp.
	lock, err := os.ReadFile("graphiql/package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"node_modules/graphiql"`, `"version": "3.9.0"`, `"node_modules/react"`} {
		if !strings.Contains(string(lock), want) {
			t.Errorf("the lock has no %s", want)
		}
	}
	if stamp, err := os.ReadFile("graphiql/assets/STAMP"); err != nil || len(strings.TrimSpace(string(stamp))) != 64 {
		t.Errorf("assets/STAMP: %q %v", stamp, err)
	}
}

// TestExplorerInBrowser opens the API explorer in Chromium: GraphiQL renders, reads the schema
// from /graphql, and loads nothing from another site.
func TestExplorerInBrowser(t *testing.T) {
	ctx := browser(t)
	a := newAPI(t, "sqlite")
	web := newHTTPServer(t, a)
	if err := chromedp.Do(ctx, chromedp.Navigate(web+"/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "GraphiQL with the schema", 15*time.Second,
		`document.querySelector('.graphiql-container') !== null && performance.getEntriesByType('resource').some((e) => e.name.endsWith('/graphql'))`)
	// The schema was read: its introspection is not refused (a refusal shows in the result
	// pane), and the documentation explorer opens on the Query type.
	time.Sleep(300 * time.Millisecond)
	waitFor(t, ctx, "the schema's documentation", 5*time.Second,
		`(() => { const r = document.querySelector('.graphiql-response'); if (r && r.textContent.includes('errors')) return false;
		  const docs = document.querySelector('[aria-label="Show Documentation Explorer"]'); if (docs) docs.click();
		  return document.body.textContent.includes('Query') && document.querySelector('.graphiql-doc-explorer') !== null })()`)
	elsewhere, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`performance.getEntriesByType('resource').map((e) => e.name).filter((n) => !n.startsWith(location.origin))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(elsewhere) > 0 {
		t.Errorf("the explorer loaded %v", elsewhere)
	}
}
