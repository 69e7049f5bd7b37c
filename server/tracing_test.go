package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"maarid/store/storetest"
)

// TestTraces records the spans of a catalogue page with OpenTelemetry's in-memory exporter:
// the request, its operation inside it, and its SQL statements inside that, one trace; and a
// caller's traceparent is continued.
func TestTraces(t *testing.T) {
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	a := serveTracedAPI(t, storetest.URL(t, "sqlite"), true, nil, tp)
	exporter.Reset()

	r := operation(t, "ProductCatalogue", map[string]any{"lang": "FR"})
	r.header = acceptLanguage("fr")
	r.header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if res := a.post(t, r); len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	// The server's own work in the background (the keys' and the feed's watchers) has spans
	// of its own, in other traces: only this request's are looked at.
	const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	spans := exporter.GetSpans()
	byName := map[string]tracetest.SpanStub{}
	var statements []tracetest.SpanStub
	for _, s := range spans {
		if s.SpanContext.TraceID().String() != callerTrace {
			continue
		}
		byName[s.Name] = s
		if slices.Contains([]string{"SELECT", "INSERT", "UPDATE", "DELETE"}, s.Name) {
			statements = append(statements, s)
		}
	}
	request, ok := byName["POST /graphql"]
	if !ok {
		t.Fatalf("no span of the request continuing the caller's trace among %v", spanNames(spans))
	}
	if request.Parent.SpanID().String() != "00f067aa0ba902b7" {
		t.Errorf("the request's span does not continue the caller's trace: %s under %s", request.SpanContext.TraceID(), request.Parent.SpanID())
	}
	op, ok := byName["query ProductCatalogue"]
	if !ok {
		t.Fatalf("no span of the operation among %v", spanNames(spans))
	}
	if op.Parent.SpanID() != request.SpanContext.SpanID() {
		t.Error("the operation's span is not inside the request's")
	}
	if len(statements) == 0 {
		t.Fatalf("no span of a statement among %v", spanNames(spans))
	}
	for _, s := range statements {
		if s.Parent.SpanID() != op.SpanContext.SpanID() {
			t.Errorf("the statement %s is not inside the operation", s.Name)
		}
		var statement string
		for _, kv := range s.Attributes {
			if kv.Key == "db.statement" {
				statement = kv.Value.AsString()
			}
		}
		if statement == "" {
			t.Errorf("the span of %s does not say its statement", s.Name)
		}
	}
}

func spanNames(spans tracetest.SpanStubs) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = s.Name
	}
	return out
}

// TestTracesSent runs the server with --otlp-endpoint on a collector of the test's: the spans
// of a request reach it over OTLP/HTTP, at the latest when the server stops.
func TestTracesSent(t *testing.T) {
	var posts atomic.Int32
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method == http.MethodPost && r.URL.Path == "/v1/traces" && len(body) > 0 {
			posts.Add(1)
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer collector.Close()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	ready, done := make(chan string, 1), make(chan error, 1)
	env := map[string]string{"MAARID_DATABASE_URL": filepath.Join(t.TempDir(), "maarid.db")}
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--drain-time", "0s", "--otlp-endpoint", collector.URL},
			func(k string) string { return env[k] }, io.Discard, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("the server stopped: %v", err)
	}
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if posts.Load() == 0 {
		t.Error("no spans reached the collector")
	}
}
