package main

import (
	"fmt"
	"net/http"
	"runtime"

	"maarid"
	"maarid/auth"
	"maarid/limits"
)

// exportsGate returns what wraps each export (package exports) as /graphql is wrapped: the
// caller is authenticated — a bad key is refused with 401 — and known to the budgets; an
// export costs its client as much as the costliest request a client without a key may send;
// it waits for one of the exports' own slots, which leave the API's to the API; and its
// database work stops at the request timeout. Web pages of any origin may read the exports.
func exportsGate(keys *auth.Keys, b *budgets, c config) func(http.Handler) http.Handler {
	n := runtime.GOMAXPROCS(0)
	slots := &limits.Slots{Size: n, PerClient: max(1, n/2)}
	return func(export http.Handler) http.Handler {
		run := withDeadline(c.requestTimeout, admit(slots, export))
		return cors(authenticate(keys, b.identify(charged(b, c.maxCost, run))))
	}
}

// charged spends cost from the budget of the request's client before next runs, and refuses
// the request with 429 when the budget cannot pay for it.
func charged(b *budgets, cost int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c := clientFrom(r.Context()); c != nil {
			if m := b.spend(c, cost, cost); m.refused {
				maarid.RefusalOf(maarid.RateLimited).Write(w, fmt.Sprintf(
					"the budget of this client is spent: try again in %s s", seconds(m.spent.RetryAfter)))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
