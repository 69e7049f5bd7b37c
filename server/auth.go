package main

import (
	"log/slog"
	"net/http"

	"maarid"
	"maarid/auth"
	"maarid/store"
)

// authenticate puts the caller's viewer in the request's context, from its Authorization
// header. A malformed, unknown or revoked key is refused with 401 and UNAUTHENTICATED before
// anything runs; it is never treated as anonymous.
func authenticate(keys *auth.Keys, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := keys.Authenticate(r.Context(), r.Header.Get("Authorization"))
		if e, ok := maarid.AsError(err); ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="maarid"`)
			refuseWith(w, e)
			return
		}
		if err != nil {
			slog.ErrorContext(r.Context(), "authenticating", "error", err)
			maarid.Unavailable.Write(w, "the API keys cannot be checked now; request id "+maarid.RequestID(r.Context()))
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), v)))
	})
}

// pepperPath is where the key pepper is kept when none is configured: beside the SQLite
// file; nowhere for PostgreSQL, whose instances must be given the same one.
func pepperPath(c config) string {
	if store.IsPostgres(c.database) {
		return ""
	}
	return store.SQLitePath(c.database) + ".pepper"
}
