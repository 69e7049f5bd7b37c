package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"maarid/store"
)

// config is the server's configuration. Every setting is a flag and a MAARID_* environment
// variable; a flag given on the command line wins over the variable.
type config struct {
	addr            string
	database        string
	debugAddr       string
	demo            bool
	logFormat       string
	logLevel        slog.Level
	maxPageSize     int
	cacheMiB        int
	shutdownTimeout time.Duration
}

// parseConfig reads the flags in args over the variables read by getenv.
func parseConfig(args []string, getenv func(string) string, output io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("maarid", flag.ContinueOnError)
	fs.SetOutput(output)
	env := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	fs.StringVar(&c.addr, "addr", env("MAARID_ADDR", "localhost:8080"),
		"address to listen on (MAARID_ADDR)")
	fs.StringVar(&c.database, "database", env("MAARID_DATABASE_URL", "maarid.db"),
		"SQLite file, or postgres:// URL of a PostgreSQL database (MAARID_DATABASE_URL)")
	fs.StringVar(&c.debugAddr, "debug-addr", env("MAARID_DEBUG_ADDR", ""),
		"address for the Go profiler (/debug/pprof/), off when empty; never expose it (MAARID_DEBUG_ADDR)")
	demo, err := strconv.ParseBool(env("MAARID_DEMO", "true"))
	if err != nil {
		return c, fmt.Errorf("MAARID_DEMO: %w", err)
	}
	fs.BoolVar(&c.demo, "demo", demo,
		"seed the demo fair (Azilal 2018) into an empty database (MAARID_DEMO)")
	fs.StringVar(&c.logFormat, "log-format", env("MAARID_LOG_FORMAT", "text"),
		"log format: text or json (MAARID_LOG_FORMAT)")
	level := env("MAARID_LOG_LEVEL", "info")
	fs.Func("log-level", "log level: debug, info, warn or error (MAARID_LOG_LEVEL)", func(s string) error {
		level = s
		return nil
	})
	pageSize, err := strconv.Atoi(env("MAARID_MAX_PAGE_SIZE", "100"))
	if err != nil {
		return c, fmt.Errorf("MAARID_MAX_PAGE_SIZE: %w", err)
	}
	fs.IntVar(&c.maxPageSize, "max-page-size", pageSize,
		"largest first or last a connection accepts (MAARID_MAX_PAGE_SIZE)")
	cacheMiB, err := strconv.Atoi(env("MAARID_RESPONSE_CACHE_MB", "-1"))
	if err != nil {
		return c, fmt.Errorf("MAARID_RESPONSE_CACHE_MB: %w", err)
	}
	fs.IntVar(&c.cacheMiB, "response-cache-mb", cacheMiB,
		"memory for answers kept until the data changes, 0 for none; by default 64 on SQLite and none on PostgreSQL, "+
			"where other instances' writes would go unseen (MAARID_RESPONSE_CACHE_MB)")
	timeout, err := time.ParseDuration(env("MAARID_SHUTDOWN_TIMEOUT", "15s"))
	if err != nil {
		return c, fmt.Errorf("MAARID_SHUTDOWN_TIMEOUT: %w", err)
	}
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", timeout,
		"how long requests in flight may take to finish on shutdown (MAARID_SHUTDOWN_TIMEOUT)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := c.logLevel.UnmarshalText([]byte(level)); err != nil {
		return c, fmt.Errorf("log level: %w", err)
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return c, fmt.Errorf("log format %q: use text or json", c.logFormat)
	}
	if c.cacheMiB < 0 {
		c.cacheMiB = 64
		if store.IsPostgres(c.database) {
			c.cacheMiB = 0
		}
	}
	if c.maxPageSize < 1 {
		return c, fmt.Errorf("max page size %d: must be at least 1", c.maxPageSize)
	}
	return c, nil
}
