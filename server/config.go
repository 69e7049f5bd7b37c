package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
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
	maxPartnerPage  int
	keyPepper       string
	cacheMiB        int
	shutdownTimeout time.Duration
	allowedOrigins  []string
	frameAncestors  []string // origins besides the server's own; ["'none'"] for none
}

// envPrefix starts the name of every setting's environment variable: --max-page-size is
// MAARID_MAX_PAGE_SIZE, except --database, which is MAARID_DATABASE_URL.
const envPrefix = "MAARID_"

func envName(flagName string) string {
	if flagName == "database" {
		return envPrefix + "DATABASE_URL"
	}
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseConfig reads the flags in args over the variables read by getenv.
func parseConfig(args []string, getenv func(string) string, output io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("maarid", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.StringVar(&c.addr, "addr", "localhost:8080", "address to listen on")
	fs.StringVar(&c.database, "database", "maarid.db", "SQLite file, or postgres:// URL of a PostgreSQL database")
	fs.StringVar(&c.debugAddr, "debug-addr", "", "address for the Go profiler (/debug/pprof/), off when empty; never expose it")
	fs.BoolVar(&c.demo, "demo", true, "seed the demo fair (Azilal 2018) into an empty database")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
	fs.IntVar(&c.maxPageSize, "max-page-size", 100, "largest first or last a connection accepts")
	fs.IntVar(&c.maxPartnerPage, "max-partner-page-size", 1000, "largest first or last for partners and organisers")
	fs.StringVar(&c.keyPepper, "key-pepper", "",
		"secret that API keys are hashed with, at least 32 characters; by default kept in a file beside the SQLite "+
			"database, and required on PostgreSQL")
	fs.IntVar(&c.cacheMiB, "response-cache-mb", -1,
		"memory for answers kept until the data changes, 0 for none; by default 64 on SQLite and none on PostgreSQL, "+
			"where other instances' writes would go unseen")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 15*time.Second,
		"how long requests in flight may take to finish on shutdown")
	fs.Func("allowed-origins",
		"origins (scheme://host[:port], comma-separated) of other sites whose pages may open websockets to "+
			"/graphql, or * for any; by default only the server's own pages and clients that are not browsers",
		func(v string) (err error) {
			c.allowedOrigins, err = parseOrigins(v)
			return err
		})

	fs.Func("frame-ancestors",
		"origins (scheme://host[:port], comma-separated) of other sites whose pages may show Maarid's pages in a "+
			"frame, such as a signage system showing /screen, or none for no site at all; by default only the "+
			"server's own pages",
		func(v string) (err error) {
			if strings.TrimSpace(v) == "none" {
				c.frameAncestors = []string{"'none'"}
				return nil
			}
			c.frameAncestors, err = parseOrigins(v)
			if slices.Contains(c.frameAncestors, "*") {
				return fmt.Errorf("frame ancestors: name the sites that may frame Maarid's pages; * would let any site do it")
			}
			return err
		})

	// Each variable is read as its flag would be, then the command line has its say.
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		f.Usage += " (" + name + ")"
		if v := getenv(name); v != "" && err == nil {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("%s: %w", name, serr)
			}
		}
	})
	if err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
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
	if c.maxPartnerPage < c.maxPageSize {
		c.maxPartnerPage = c.maxPageSize
	}
	if c.maxPageSize < 1 {
		return c, fmt.Errorf("max page size %d: must be at least 1", c.maxPageSize)
	}
	return c, nil
}
