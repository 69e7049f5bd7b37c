package maarid

import (
	"context"
	"strings"
)

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

type originKey struct{}

// WithOrigin returns a context carrying the origin (scheme://host[:port], maybe with a path)
// at which the client reached Maarid: the start of the URLs of what Maarid itself serves.
func WithOrigin(ctx context.Context, origin string) context.Context {
	return context.WithValue(ctx, originKey{}, origin)
}

// Absolute returns the URL of a picture: path, of a picture Maarid serves, after the
// request's origin; any other URL as it is.
func Absolute(ctx context.Context, url string) string {
	if strings.HasPrefix(url, "/") && !strings.HasPrefix(url, "//") {
		origin, _ := ctx.Value(originKey{}).(string)
		return origin + url
	}
	return url
}

// AbsoluteOrNil is Absolute of a URL that may be absent.
func AbsoluteOrNil(ctx context.Context, url *string) *string {
	if url == nil {
		return nil
	}
	abs := Absolute(ctx, *url)
	return &abs
}
