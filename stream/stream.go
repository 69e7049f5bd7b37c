// Package stream serves GraphQL operations, and above all subscriptions, over the transports
// that outlive a request: websockets, in the graphql-transport-ws and graphql-ws protocols
// (Websocket), and server-sent events (Events). It is written against the subscriber contract
// of package live: the resolver of a subscription hands its live.Subscription to the
// transport running its operation, which takes its events as they are queued and closes it
// when the subscriber goes.
//
// A subscription on a websocket holds no goroutine while nothing happens, and none of gqlgen's
// state: the answer to an event is built once for the group of subscribers that receive the
// same one (answers.go). The order of reading:
//
//   - websocket.go: the transport, its bounds and the upgrade;
//   - conn.go: a connection, its protocol, its messages and its timers;
//   - operation.go: an operation on a connection, and a subscription served from its stream;
//   - answers.go: groups of subscribers, and the answers built once for each;
//   - events.go: the server-sent events transport;
//   - readable_linux.go: how an idle connection waits for its client without a goroutine.
//
// Ending things has one word each: a transport, a connection, an operation and the builder of
// a group's answers stop; a stopped connection has told its client why in a close frame, and
// its reader finishes it, letting go of all it held; an operation tells its client it is over
// with complete, or error (fail). A subscription is closed by its subscriber (the transport)
// and ended by its feed.
package stream

import (
	"context"
	"encoding/json"

	"maarid/auth"
)

// Config is how the transports serve their clients.
type Config struct {
	// Keys checks the API key of a websocket's connection_init, and the standing of the keys
	// of open connections and streams; nil when the server takes no keys.
	Keys *auth.Keys
	// AllowedOrigins are the origins, besides the API's own, whose pages may open a websocket
	// (ParseOrigins); "*" for any.
	AllowedOrigins []string
	// Bounds of a client: operations at once on a websocket, websockets from an address,
	// messages a second on a websocket (a burst of twice as many); 0 for none.
	MaxOperations, MaxPerAddress int
	MessageRate                  float64
	// Document returns the text of a registered document by its ID, for an operation that
	// names one (documentId); nil when documents are not registered.
	Document func(id string) (string, error)
	// Clients tells the transports what the server knows of its clients.
	Clients Clients
}

// Clients is what the server knows of its clients, which the transports keep for a
// connection's operations: each of them may be nil.
type Clients struct {
	// Address returns the address of the client of a request, whose websockets are counted
	// together; "" when they are not counted.
	Address func(ctx context.Context) string
	// Carry returns to with what the server knows of the client of from, for a connection
	// that outlives its request.
	Carry func(to, from context.Context) context.Context
	// Keyed returns ctx with its client known by the API key of v, which connection_init gave.
	Keyed func(ctx context.Context, v *auth.Viewer) context.Context
	// Unmetered returns ctx for the operations that build a group's answers, which cost its
	// subscribers nothing more than subscribing did.
	Unmetered func(ctx context.Context) context.Context
}

func (c Clients) address(ctx context.Context) string {
	if c.Address == nil {
		return ""
	}
	return c.Address(ctx)
}

func (c Clients) carry(to, from context.Context) context.Context {
	if c.Carry == nil {
		return to
	}
	return c.Carry(to, from)
}

func (c Clients) keyed(ctx context.Context, v *auth.Viewer) context.Context {
	if c.Keyed == nil {
		return ctx
	}
	return c.Keyed(ctx, v)
}

func (c Clients) unmetered(ctx context.Context) context.Context {
	if c.Unmetered == nil {
		return ctx
	}
	return c.Unmetered(ctx)
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
