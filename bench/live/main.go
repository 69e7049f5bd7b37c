// Command live loads Maarid's live programme feed (the programmeChanged subscription over
// graphql-transport-ws) the way the fair's screens use it, against a server it starts on an
// empty SQLite database of its own:
//
//	live fanout -server BIN -n 10000   # memory per idle subscriber, delivery latency of one change
//	live resume -server BIN -cycles 1000
//
// fanout opens n subscriptions, reads the server's memory before and after (resident size
// from /proc, heap and stacks from its profiler), makes one change and times its arrival at
// every subscriber. resume has clients drop their connections without a close frame while an
// organiser changes the programme, resume from their last cursor, and checks that each
// received every change exactly once, in order. It exits non-zero on a protocol failure or a
// change lost, repeated or reordered. bench/live.sh builds the server and runs both.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// common are the flags of both measurements.
type common struct {
	server    string
	addr      string
	debugAddr string
	sources   int
}

func commonFlags(fs *flag.FlagSet) *common {
	c := &common{}
	fs.StringVar(&c.server, "server", "", "the Maarid server binary (go build -o BIN ./server)")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:18086", "address for the server's API")
	fs.StringVar(&c.debugAddr, "debug-addr", "127.0.0.1:18087", "address for the server's profiler")
	fs.IntVar(&c.sources, "sources", 1,
		"loopback addresses to connect from, 127.0.0.1 to 127.0.0.N, when one address runs out of ephemeral ports")
	return c
}

const usage = `Usage:
  live fanout -server BIN [-n 1000] [-concurrency 64] [-settle 5s]
  live resume -server BIN [-cycles 1000] [-clients 20]
Run "live fanout -h" or "live resume -h" for every flag.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	measure := map[string]func(context.Context, []string) error{"fanout": fanout, "resume": resume}[os.Args[1]]
	if measure == nil {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	// The server started below inherits the limit: both sides hold a descriptor per
	// connection.
	limit, err := raiseFileLimit()
	if err != nil {
		fmt.Fprintln(os.Stderr, "live: raising the limit of open files:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := measure(ctx, os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "live %s: %v\n(open files limit: %d)\n", os.Args[1], err, limit)
		stop()
		os.Exit(1)
	}
}
