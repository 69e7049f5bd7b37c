// Command server runs Maarid: the GraphQL API of the fair, GraphiQL to try it, and a health
// check. `go run ./server` starts it on an SQLite file in the working directory and, when the
// database is empty, seeds the demo fair. Flags and MAARID_* variables are listed by
// `go run ./server -h`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"maarid/auth"
	"maarid/catalogue"
	"maarid/demo"
	"maarid/ent"
	"maarid/ent/fair"
	"maarid/graph"
	"maarid/i18n"
	"maarid/programme"
	"maarid/store"
	"maarid/webhooks"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// Answering a query allocates many small short-lived objects while the live heap
		// stays small; collecting at 5× the live heap instead of 2× saves a third of the CPU
		// of a catalogue page for a few tens of megabytes. GOGC overrides it.
		debug.SetGCPercent(400)
	}
	if len(os.Args) > 1 && os.Args[1] == "documents" {
		// The registered clients' documents, as a persisted-query manifest for their builds.
		if err := printDocuments(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "maarid:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stderr, nil)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "maarid:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then lets the requests in flight finish. When ready is not
// nil it receives the address the server listens on once it accepts connections.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	if len(args) > 0 && args[0] == "keys" {
		return runKeys(ctx, args[1:], getenv, stderr)
	}
	if len(args) > 0 && args[0] == "import" {
		return runImport(ctx, args[1:], getenv, stderr)
	}
	if len(args) > 0 && args[0] == "backup" {
		return runBackup(ctx, args[1:], getenv, stderr)
	}
	if len(args) > 0 && args[0] == "migrate" {
		return runMigrate(ctx, args[1:], getenv, stderr)
	}
	c, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stderr, c)
	slog.SetDefault(log)
	if c.otlpEndpoint != "" {
		tp, err := newTracerProvider(ctx, c.otlpEndpoint)
		if err != nil {
			return err
		}
		// Sends the spans still waiting for their batch.
		defer tp.Shutdown(context.WithoutCancel(ctx))
		c.tracer = tp
	}

	client, keys, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer client.Close()
	defer keys.Wait()
	// Before anything reads through the client.
	client.Intercept(rowBound(c.maxAnswerMiB << 20))
	fallback, err := prepare(ctx, client, keys, c, log, stderr)
	if err != nil {
		return err
	}

	// The feed outlives the requests' context: it stops after the transports of subscriptions,
	// once the server stops taking new connections.
	services := graph.Services{
		Programme: programme.NewFeed(client, c.database, log),
		Catalogue: catalogue.NewFeed(client, store.ChangesOf(client), log),
	}
	feedCtx, stopFeed := context.WithCancel(context.WithoutCancel(ctx))
	defer stopFeed()
	feedDone := make(chan error, 2)
	go func() { feedDone <- services.Programme.Run(feedCtx) }()
	go func() { feedDone <- services.Catalogue.Run(feedCtx) }()
	// The websockets and event streams of a revoked key end within seconds.
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		keys.Watch(feedCtx, auth.StandingEvery, log)
	}()
	// Webhooks are sent from this instance too; on PostgreSQL each delivery by one instance.
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		webhooks.NewDeliverer(client, c.webhooks, log).Run(feedCtx, store.ChangesOf(client))
	}()
	defer func() {
		stopFeed()
		<-watched
		<-delivered
	}()

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	handler, life := routes(client, keys, services, c, log, fallback)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("Maarid is listening", "url", "http://"+ln.Addr().String()+"/", "database", redact(c.database))
	if ready != nil {
		ready <- ln.Addr().String()
	}

	if c.debugAddr != "" {
		go serveDebug(c.debugAddr, log)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case err := <-feedDone:
		srv.Close()
		return fmt.Errorf("a feed of changes stopped: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: draining, then finishing the requests in flight", "drain", c.drainTime, "timeout", c.shutdownTimeout)
	life.drain()
	select {
	case <-time.After(c.drainTime):
	case err := <-served:
		return err
	}
	shutdown, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	streamsStopped := make(chan struct{})
	srv.RegisterOnShutdown(func() {
		// Websockets and event streams outlive their requests: they end here, their clients
		// told to resume, so that shutting down can finish. The feed stops after: its end
		// would complete their subscriptions, which a client takes for good.
		defer close(streamsStopped)
		life.streams.stop()
		stopFeed()
		<-feedDone
		<-feedDone
	})
	err = srv.Shutdown(shutdown)
	// net/http runs the function above on a goroutine of its own and does not wait for it:
	// returning before it is done would end the feed under the streams' close frames.
	<-streamsStopped
	if err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// openStore opens the database of c and the API keys kept in it.
func openStore(ctx context.Context, c config) (*ent.Client, *auth.Keys, error) {
	pepper, err := auth.LoadPepper(c.keyPepper, pepperPath(c))
	if err != nil {
		return nil, nil, err
	}
	opts := []store.Option{store.WithPool(c.pool)}
	if c.tracer != nil {
		opts = append(opts, store.WithTracer(c.tracer))
	}
	if c.noMigrate {
		opts = append(opts, store.WithoutMigrating())
	}
	client, err := store.Open(ctx, c.database, opts...)
	if err != nil {
		return nil, nil, err
	}
	return client, auth.NewKeys(client, c.database, pepper), nil
}

// prepare seeds the demo fair and a demo key per role into an empty database when asked to,
// and returns the language texts fall back to: the newest fair's default. The demo keys are
// written once, to out, not to the log.
func prepare(ctx context.Context, client *ent.Client, keys *auth.Keys, c config, log *slog.Logger, out io.Writer) (i18n.Lang, error) {
	seeded, err := client.Fair.Query().Exist(ctx)
	if err != nil {
		return "", fmt.Errorf("reading the fairs: %w", err)
	}
	if !seeded && c.demo {
		start := time.Now()
		f, err := demo.Seed(ctx, client)
		if err != nil {
			return "", fmt.Errorf("seeding the demo fair: %w", err)
		}
		log.Info("seeded the demo fair into the empty database", "fair", f.ID, "duration", time.Since(start).Round(time.Millisecond))
		if err := demoKeys(ctx, client, keys, out); err != nil {
			return "", err
		}
	}
	newest, err := client.Fair.Query().Order(ent.Desc(fair.FieldStartsOn)).First(ctx)
	switch {
	case ent.IsNotFound(err):
		return i18n.AR, nil
	case err != nil:
		return "", fmt.Errorf("reading the newest fair: %w", err)
	}
	return newest.DefaultLanguage, nil
}

// redact hides the password of a database URL in logs.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// serveDebug serves Go's profiler on its own address, apart from the API, for load tests and
// for diagnosing a running server from the machine itself.
func serveDebug(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	log.Info("profiler listening", "url", "http://"+addr+"/debug/pprof/")
	if err := http.ListenAndServe(addr, mux); err != nil {
		log.Error("profiler", "error", err)
	}
}
