package main

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/webhookdelivery"
	"maarid/graph"
	"maarid/schema/contract"
	"maarid/store"
)

// metrics are what /metrics tells Prometheus of an instance: its GraphQL requests by operation
// and outcome, with their latency; the errors of the answers by code; the response cache's
// hits and misses; the open websockets and subscriptions by transport; how far the programme
// feed is behind the log; the database pool; and, from the Go runtime, memory and goroutines.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
	errors   *prometheus.CounterVec
	cache    *prometheus.CounterVec
	// operations are the names an operation is counted under: those of the registered
	// clients' documents. Any other name is "other", so that no caller can grow the series.
	operations map[string]bool
}

func newMetrics(client *ent.Client, services graph.Services, streams *streamTransports) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "maarid_graphql_request_duration_seconds",
			Help:    "GraphQL requests over HTTP by operation and outcome (ok, error: answered with errors, refused: refused before running), and how long each took.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation", "outcome"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "maarid_graphql_errors_total",
			Help: "Errors in the answers to GraphQL requests over HTTP, by extensions.code.",
		}, []string{"code"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "maarid_response_cache_requests_total",
			Help: "Queries the response cache was asked for, by result: hit or miss.",
		}, []string{"result"}),
		operations: contractOperations(),
	}
	m.registry.MustRegister(m.requests, m.errors, m.cache,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db := store.PoolOf(client); db != nil {
		m.registry.MustRegister(collectors.NewDBStatsCollector(db, "maarid"))
	}
	m.registry.MustRegister(outbox{client})
	open := func(help, name, transport string, value func() int) {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: name, Help: help, ConstLabels: prometheus.Labels{"transport": transport},
		}, func() float64 { return float64(value()) }))
	}
	open("Open websockets and streams of server-sent events, by transport.", "maarid_stream_connections", "websocket",
		func() int { n, _ := streams.websocket.Open(); return n })
	open("Open websockets and streams of server-sent events, by transport.", "maarid_stream_connections", "sse", streams.events.Open)
	open("Operations running over streams, by transport: subscriptions, and queries being answered.", "maarid_stream_operations", "websocket",
		func() int { _, n := streams.websocket.Open(); return n })
	open("Operations running over streams, by transport: subscriptions, and queries being answered.", "maarid_stream_operations", "sse", streams.events.Open)
	for name, feed := range map[string]interface {
		Subscribers() int
		Lag(context.Context) (int64, error)
	}{"programme": services.Programme, "catalogue": services.Catalogue} {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "maarid_feed_subscribers",
			Help:        "Subscriptions a feed (programme, catalogue) serves live.",
			ConstLabels: prometheus.Labels{"feed": name},
		}, func() float64 { return float64(feed.Subscribers()) }))
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "maarid_feed_lag",
			Help:        "Changes of a feed's log (programme, catalogue) that this instance has not delivered yet: the newest change's sequence number less the last one fanned out; -1 when the log cannot be read.",
			ConstLabels: prometheus.Labels{"feed": name},
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			lag, err := feed.Lag(ctx)
			if err != nil {
				return -1
			}
			return float64(lag)
		}))
	}
	return m
}

// outbox reports the webhooks' deliveries by status, read from the database when scraped: the
// outbox is the database's, shared by every instance.
type outbox struct{ client *ent.Client }

var deliveriesDesc = prometheus.NewDesc("maarid_webhook_deliveries",
	"Webhooks' deliveries in the outbox, by status: PENDING (not taken by their receiver yet), DELIVERED, FAILED (given up); every instance's.",
	[]string{"status"}, nil)

func (outbox) Describe(ch chan<- *prometheus.Desc) { ch <- deliveriesDesc }

func (o outbox) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var rows []struct {
		Status string `json:"status"`
		Count  int    `json:"count"`
	}
	err := o.client.WebhookDelivery.Query().GroupBy(webhookdelivery.FieldStatus).Aggregate(ent.Count()).Scan(auth.System(ctx), &rows)
	counts := map[string]float64{}
	for _, r := range rows {
		counts[r.Status] = float64(r.Count)
	}
	for _, status := range []webhookdelivery.Status{webhookdelivery.StatusPENDING, webhookdelivery.StatusDELIVERED, webhookdelivery.StatusFAILED} {
		value := counts[status.String()]
		if err != nil {
			value = -1 // the database cannot be read
		}
		ch <- prometheus.MustNewConstMetric(deliveriesDesc, prometheus.GaugeValue, value, status.String())
	}
}

// contractOperations returns the names of the operations of the registered clients' documents.
func contractOperations() map[string]bool {
	names := map[string]bool{}
	docs, _ := contract.Documents()
	for _, d := range docs {
		doc, err := parser.ParseQuery(&ast.Source{Input: d})
		if err != nil {
			continue
		}
		for _, op := range doc.Operations {
			names[op.Name] = true
		}
	}
	return names
}

// handler serves the metrics in Prometheus's text format, to organiser keys only: they tell
// how the fair is used.
func (m *metrics) handler(keys *auth.Keys) http.Handler {
	serve := promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	return authenticate(keys, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch v := auth.FromContext(r.Context()); {
		case v.Role == auth.Anonymous:
			w.Header().Set("WWW-Authenticate", `Bearer realm="maarid"`)
			maarid.RefusalOf(maarid.Unauthenticated).Write(w, "the metrics are for organiser keys: send one as Authorization: Bearer")
		case v.Role != auth.Organiser:
			maarid.RefusalOf(maarid.Forbidden).Write(w, "the metrics are for organiser keys")
		default:
			serve.ServeHTTP(w, r)
		}
	}))
}

// observationKey is where a request's observation is in its context.
type observationKey struct{}

// observation is what the layers of a GraphQL request tell the metrics of it.
type observation struct {
	mu        sync.Mutex
	operation string
	codes     []string
	refused   bool
	cache     string // "hit", "miss", or "" when the cache was not asked
}

func observationFrom(ctx context.Context) *observation {
	o, _ := ctx.Value(observationKey{}).(*observation)
	return o
}

// ran tells of an operation answered: its name and the codes of its errors.
func (o *observation) ran(operation string, codes []string) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.operation, o.codes = operation, append(o.codes, codes...)
}

// name returns the name of the operation that ran, once it ran.
func (o *observation) name() string {
	if o == nil {
		return ""
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.operation
}

// cached tells whether the cache had the answer, and the name of its operation.
func (o *observation) cached(hit bool, operation string) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.cache = "miss"
	if hit {
		o.cache, o.operation = "hit", operation
	}
}

// Refused tells of a refusal written (maarid.Refusal.Write finds it by unwrapping the writer).
func (w *observedWriter) Refused(code string) {
	w.o.mu.Lock()
	defer w.o.mu.Unlock()
	w.o.refused = true
	w.o.codes = append(w.o.codes, code)
}

// observedWriter is the writer of an observed request.
type observedWriter struct {
	http.ResponseWriter
	o *observation
}

func (w *observedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe counts and times the GraphQL requests over HTTP that next serves.
func (m *metrics) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		o := &observation{}
		next.ServeHTTP(&observedWriter{ResponseWriter: w, o: o}, r.WithContext(context.WithValue(r.Context(), observationKey{}, o)))
		o.mu.Lock()
		defer o.mu.Unlock()
		outcome := "ok"
		switch {
		case o.refused:
			outcome = "refused"
		case len(o.codes) > 0:
			outcome = "error"
		}
		operation := o.operation
		switch {
		case operation == "" && outcome != "refused":
			operation = "anonymous"
		case operation == "":
			operation = "unknown"
		case !m.operations[operation]:
			operation = "other"
		}
		m.requests.WithLabelValues(operation, outcome).Observe(time.Since(start).Seconds())
		for _, c := range o.codes {
			m.errors.WithLabelValues(c).Inc()
		}
		if o.cache != "" {
			m.cache.WithLabelValues(o.cache).Inc()
		}
	})
}

// observedOperations is the gqlgen extension that tells a request's observation of the
// operation it ran and the codes of its answer's errors.
type observedOperations struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = observedOperations{}

func (observedOperations) ExtensionName() string                   { return "ObservedOperations" }
func (observedOperations) Validate(graphql.ExecutableSchema) error { return nil }

func (observedOperations) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	o := observationFrom(ctx)
	if o == nil || resp == nil {
		return resp
	}
	name := ""
	if graphql.HasOperationContext(ctx) {
		name = graphql.GetOperationContext(ctx).OperationName
	}
	codes := make([]string, 0, len(resp.Errors))
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		codes = append(codes, code)
	}
	o.ran(name, codes)
	return resp
}
