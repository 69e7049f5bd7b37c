package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"maarid/auth"
	"maarid/limits"
	"maarid/store"
	"maarid/stream"
	"maarid/webhooks"
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
	drainTime       time.Duration
	noMigrate       bool
	otlpEndpoint    string
	// tracer records the spans of requests, operations and statements; nil records none. It
	// is made from otlpEndpoint by run, or given by a test.
	tracer         trace.TracerProvider
	pool           store.Pool
	allowedOrigins []string
	publicURL      string
	frameAncestors []string // origins besides the server's own; ["'none'"] for none

	// What one request may ask for, and what a client may spend over time (package limits).
	maxBodyBytes   int64
	bounds         limits.Bounds
	maxCost        int // of one request, for anonymous callers and exhibitors
	maxPartnerCost int // for partners and organisers
	requestTimeout time.Duration
	maxAnswerMiB   int
	budgets        map[auth.Role]int // points a minute, for an address without a key, or a key of a role
	budgetExempt   []netip.Prefix
	clientIPHeader string
	// Websockets: operations at once on one, connections from one address, messages a second.
	websocketOps         int
	websocketsPerAddress int
	websocketMessageRate int
	// Production settings: what the schema tells strangers.
	introspection    bool
	fieldSuggestions bool
	trustedOnly      bool
	// Where webhooks may deliver.
	webhooks webhooks.Policy
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
	fs.Func("public-url",
		"the address clients reach Maarid at, such as https://api.example.ma, which the URLs of the pictures "+
			"Maarid serves start with; by default the address each request was sent to (its Host)",
		func(v string) error {
			u, err := url.Parse(v)
			if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return fmt.Errorf("%q is not an http(s) URL", v)
			}
			c.publicURL = strings.TrimSuffix(v, "/")
			return nil
		})
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "log level: debug, info, warn or error")
	fs.IntVar(&c.maxPageSize, "max-page-size", 100, "largest first or last a connection accepts")
	fs.IntVar(&c.maxPartnerPage, "max-partner-page-size", 1000, "largest first or last for partners and organisers")
	fs.StringVar(&c.keyPepper, "key-pepper", "",
		"secret that API keys are hashed with, at least 32 characters; by default kept in a file beside the SQLite "+
			"database, and required on PostgreSQL")
	fs.IntVar(&c.cacheMiB, "response-cache-mb", 64,
		"memory for answers kept until the tables they read change, through any instance; 0 for none")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 15*time.Second,
		"how long requests in flight may take to finish on shutdown")
	fs.DurationVar(&c.drainTime, "drain-time", 5*time.Second,
		"on shutdown, how long /readyz fails and answers close their connections before the server stops "+
			"accepting: time for a load balancer to send new requests elsewhere")
	fs.StringVar(&c.otlpEndpoint, "otlp-endpoint", "",
		"URL of an OpenTelemetry collector's OTLP/HTTP endpoint (such as http://collector:4318) to send traces to: "+
			"each request, its GraphQL operation and its SQL statements; off when empty")
	fs.BoolVar(&c.noMigrate, "no-migrate", false,
		"refuse to start on a database whose schema misses migrations, instead of applying them (go run ./server migrate up)")
	fs.IntVar(&c.pool.MaxConns, "db-max-conns", 0,
		"connections open to the database at once; by default 4 per core on PostgreSQL, 2 per core and 2 more on SQLite")
	fs.DurationVar(&c.pool.MaxLifetime, "db-conn-lifetime", 30*time.Minute,
		"how long a database connection is used before it is made anew")
	fs.DurationVar(&c.pool.MaxIdleTime, "db-conn-idle-time", 0,
		"how long an unused database connection is kept; by default 5 minutes on PostgreSQL, for ever on SQLite")
	fs.Func("allowed-origins",
		"origins (scheme://host[:port], comma-separated) of other sites whose pages may open websockets to "+
			"/graphql, or * for any; by default only the server's own pages and clients that are not browsers",
		func(v string) (err error) {
			c.allowedOrigins, err = stream.ParseOrigins(v)
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
			c.frameAncestors, err = stream.ParseOrigins(v)
			if slices.Contains(c.frameAncestors, "*") {
				return fmt.Errorf("frame ancestors: name the sites that may frame Maarid's pages; * would let any site do it")
			}
			return err
		})

	fs.Int64Var(&c.maxBodyBytes, "max-body-bytes", 1<<20, "largest request body, in bytes; a larger one is refused with 413 before it is read")
	fs.IntVar(&c.bounds.Tokens, "max-tokens", 3000,
		"most lexical tokens of a document (the largest of the registered clients has some 750); the parser stops at the first one past it")
	fs.IntVar(&c.bounds.Depth, "max-depth", 15, "deepest nesting of selections in a document")
	fs.IntVar(&c.bounds.Aliases, "max-aliases", 30, "most aliased fields in a document")
	fs.IntVar(&c.bounds.RootFields, "max-root-fields", 20, "most fields at the root of an operation")
	fs.IntVar(&c.bounds.Fields, "max-fields", 1000, "most fields of a document once its fragments are expanded")
	fs.IntVar(&c.maxCost, "max-cost", 10000,
		"highest cost of one request for callers without a key and exhibitors: a field costs 1, and what is below a list costs once per item it may hold (first or last)")
	fs.IntVar(&c.maxPartnerCost, "max-partner-cost", 100000, "highest cost of one request for partners and organisers")
	fs.DurationVar(&c.requestTimeout, "request-timeout", 10*time.Second, "how long a request may run; its database work is stopped then")
	fs.IntVar(&c.maxAnswerMiB, "max-answer-mb", 16, "largest answer to one request, in MiB")
	c.budgets = map[auth.Role]int{}
	for _, b := range []struct {
		role  auth.Role
		flag  string
		value int
		usage string
	}{
		{auth.Anonymous, "budget", 1_000_000,
			"points a minute that one address without a key may spend on the cost of its requests; sized for a venue whose phones share one address"},
		{auth.Exhibitor, "exhibitor-budget", 1_000_000, "points a minute that one exhibitor's key may spend"},
		{auth.Partner, "partner-budget", 3_000_000, "points a minute that one partner's key may spend"},
		{auth.Organiser, "organiser-budget", 3_000_000, "points a minute that one organiser's key may spend"},
	} {
		c.budgets[b.role] = b.value
		fs.Func(b.flag, fmt.Sprintf("%s (default %d)", b.usage, b.value), func(v string) error {
			n, err := strconv.Atoi(v)
			c.budgets[b.role] = n
			return err
		})
	}
	fs.Func("budget-exempt",
		"networks (CIDR, comma-separated) whose addresses spend no budget: the venue's own network, its screens",
		func(v string) (err error) {
			c.budgetExempt, err = parsePrefixes(v)
			return err
		})
	fs.StringVar(&c.clientIPHeader, "client-ip-header", "",
		"header in which a trusted proxy in front of the server gives the client's address (its last value), such as X-Forwarded-For; off by default, when the peer's address is the client's")

	fs.BoolVar(&c.introspection, "introspection", true, "answer introspection queries (__schema, __type); turn it off in production")
	fs.BoolVar(&c.fieldSuggestions, "field-suggestions", true, `say "did you mean" for an unknown field; turn it off in production`)
	fs.BoolVar(&c.trustedOnly, "trusted-documents-only", false,
		"let callers without a key run the documents of the registered clients only (schema/contract, the screen); keyed callers may still send their own")
	fs.IntVar(&c.websocketOps, "max-websocket-operations", 50, "most operations running at once on one websocket")
	fs.IntVar(&c.websocketsPerAddress, "max-websockets-per-address", 1000,
		"most websockets open from one address, but in the networks of --budget-exempt; a venue's phones may share one")
	fs.IntVar(&c.websocketMessageRate, "max-websocket-messages", 20, "messages a second one websocket may send, on average")
	fs.BoolVar(&c.webhooks.AllowPrivate, "webhook-allow-private", false,
		"let webhooks reach loopback, private and link-local addresses (tests, closed networks); by default a webhook reaches public addresses only, checked on every connection")
	fs.Func("webhook-allow-http",
		"hosts (comma-separated) that webhooks may reach over plain http; every other webhook is https",
		func(v string) error {
			c.webhooks.HTTPHosts = nil
			for _, h := range strings.Split(v, ",") {
				if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
					c.webhooks.HTTPHosts = append(c.webhooks.HTTPHosts, h)
				}
			}
			return nil
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
	if c.otlpEndpoint != "" {
		if u, err := url.Parse(c.otlpEndpoint); err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return c, fmt.Errorf("OTLP endpoint %q: give an http(s) URL", c.otlpEndpoint)
		}
	}
	if c.pool.MaxConns < 0 || c.pool.MaxLifetime < 0 || c.pool.MaxIdleTime < 0 || c.drainTime < 0 {
		return c, fmt.Errorf("database pool and drain time: none may be negative")
	}
	if c.cacheMiB < 0 {
		return c, fmt.Errorf("response cache %d MB: must be 0 (none) or more", c.cacheMiB)
	}
	if c.maxPartnerPage < c.maxPageSize {
		c.maxPartnerPage = c.maxPageSize
	}
	if c.maxPageSize < 1 {
		return c, fmt.Errorf("max page size %d: must be at least 1", c.maxPageSize)
	}
	for _, bound := range []struct {
		name  string
		value int64
	}{
		{"max body bytes", c.maxBodyBytes}, {"max tokens", int64(c.bounds.Tokens)}, {"max depth", int64(c.bounds.Depth)},
		{"max aliases", int64(c.bounds.Aliases)}, {"max root fields", int64(c.bounds.RootFields)}, {"max fields", int64(c.bounds.Fields)},
		{"max cost", int64(c.maxCost)}, {"max answer", int64(c.maxAnswerMiB)}, {"request timeout", int64(c.requestTimeout)},
		{"max websocket operations", int64(c.websocketOps)}, {"max websockets per address", int64(c.websocketsPerAddress)},
		{"max websocket messages", int64(c.websocketMessageRate)},
	} {
		if bound.value < 1 {
			return c, fmt.Errorf("%s %d: must be at least 1", bound.name, bound.value)
		}
	}
	c.maxPartnerCost = max(c.maxPartnerCost, c.maxCost)
	// A budget holds at least one request of the highest cost its caller may send.
	for role, points := range c.budgets {
		limit := c.maxCost
		if role == auth.Partner || role == auth.Organiser {
			limit = c.maxPartnerCost
		}
		if points < limit {
			return c, fmt.Errorf("the %s budget of %d points a minute cannot pay for one request of %d: raise the budget or lower the cost",
				strings.ToLower(string(role)), points, limit)
		}
	}
	return c, nil
}

// parsePrefixes reads a comma-separated list of networks in CIDR notation; a single address
// is a network of one.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for s := range strings.SplitSeq(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if addr, err := netip.ParseAddr(s); err == nil {
			out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not a network: write it as 192.0.2.0/24 or 2001:db8::/48", s)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
