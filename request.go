package maarid

import "context"

type requestIDKey struct{}

// WithRequestID returns a context carrying the ID of the request it serves, which logs and
// INTERNAL errors quote so that a client's report can be matched with the server's log.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request ID carried by ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
