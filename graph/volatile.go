package graph

import (
	"context"
	"sync/atomic"
)

type volatileKey struct{}

// WithVolatility returns a context in which resolvers mark an answer that depends on the
// clock, such as what is on now, so that no cache keeps it.
func WithVolatility(ctx context.Context) context.Context {
	return context.WithValue(ctx, volatileKey{}, new(atomic.Bool))
}

// IsVolatile reports whether a resolver marked the answer of ctx's request as depending on
// the clock.
func IsVolatile(ctx context.Context) bool {
	flag, _ := ctx.Value(volatileKey{}).(*atomic.Bool)
	return flag != nil && flag.Load()
}

func markVolatile(ctx context.Context) {
	if flag, _ := ctx.Value(volatileKey{}).(*atomic.Bool); flag != nil {
		flag.Store(true)
	}
}
