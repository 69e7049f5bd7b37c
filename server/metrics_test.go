package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"maarid/auth"
	"maarid/stream"
	"maarid/stream/streamtest"
)

// scrape reads /metrics with header, and returns each sample's value by its name and labels
// as Prometheus's text format writes them.
func scrape(t *testing.T, a *api, header http.Header) (int, map[string]float64) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header = header
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	samples := map[string]float64{}
	lines := bufio.NewScanner(rec.Body)
	for lines.Scan() {
		line := lines.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			samples[line[:i]] = v
		}
	}
	return rec.Code, samples
}

// TestMetrics serves requests of every outcome, a cached answer and a subscription, and reads
// them back from /metrics, which only organiser keys may read.
func TestMetrics(t *testing.T) {
	a := newAPI(t, "sqlite", "--response-cache-mb=8")
	organiser := a.key(t, auth.Organiser, "")
	if code, _ := scrape(t, a, http.Header{}); code != http.StatusUnauthorized {
		t.Errorf("/metrics without a key: %d", code)
	}
	if code, _ := scrape(t, a, a.key(t, auth.Partner, "")); code != http.StatusForbidden {
		t.Errorf("/metrics with a partner key: %d", code)
	}

	catalogue := operation(t, "ProductCatalogue", map[string]any{"lang": "FR"})
	a.post(t, catalogue)
	if res := a.post(t, catalogue); res.header.Get("X-Cache") != "hit" {
		t.Fatal("the catalogue is not answered from the cache")
	}
	a.post(t, request{query: `query Unknown { node(id: "prd_01CK877C00NP7RZEQ6K743KN3N") { id } }`, operation: "Unknown"})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader("not json"))
	req.Header.Set("Content-Type", "application/json")
	a.handler.ServeHTTP(httptest.NewRecorder(), req)

	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	ws := streamtest.Dial(t, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", nil, stream.GraphQLTransportWS)
	ws.Init("")
	feed, _ := json.Marshal(map[string]any{"query": operation(t, "ScreenFeed", nil).query})
	ws.Send(streamtest.Message("subscribe", "1", string(feed)))

	// The subscription starts a moment after its message arrives.
	code, samples := scrape(t, a, organiser)
	for deadline := time.Now().Add(5 * time.Second); samples[`maarid_feed_subscribers{feed="programme"}`] == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		code, samples = scrape(t, a, organiser)
	}
	if code != http.StatusOK {
		t.Fatalf("/metrics with an organiser key: %d", code)
	}
	for sample, want := range map[string]float64{
		`maarid_graphql_request_duration_seconds_count{operation="ProductCatalogue",outcome="ok"}`: 2,
		`maarid_response_cache_requests_total{result="hit"}`:                                       1,
		`maarid_response_cache_requests_total{result="miss"}`:                                      2,
		`maarid_graphql_request_duration_seconds_count{operation="other",outcome="error"}`:         1,
		`maarid_graphql_errors_total{code="NOT_FOUND"}`:                                            1,
		`maarid_graphql_request_duration_seconds_count{operation="unknown",outcome="refused"}`:     1,
		`maarid_graphql_errors_total{code="BAD_USER_INPUT"}`:                                       1,
		`maarid_stream_connections{transport="websocket"}`:                                         1,
		`maarid_stream_operations{transport="websocket"}`:                                          1,
		`maarid_stream_connections{transport="sse"}`:                                               0,
		`maarid_feed_subscribers{feed="programme"}`:                                                1,
		`maarid_feed_lag{feed="programme"}`:                                                        0,
		`maarid_feed_subscribers{feed="catalogue"}`:                                                0,
		`maarid_feed_lag{feed="catalogue"}`:                                                        0,
		`go_sql_max_open_connections{db_name="maarid"}`:                                            float64(2*2 + 2),
	} {
		got, ok := samples[sample]
		if sample == `go_sql_max_open_connections{db_name="maarid"}` {
			ok, want = ok && got > 0, got // as many as the cores allow
		}
		if !ok || got != want {
			t.Errorf("%s = %v (%v), want %v", sample, got, ok, want)
		}
	}
	ws.Conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, samples = scrape(t, a, organiser)
		if samples[`maarid_stream_connections{transport="websocket"}`] == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := samples[`maarid_stream_connections{transport="websocket"}`]; n != 0 {
		t.Errorf("%v websockets open after the only one closed", n)
	}
}
