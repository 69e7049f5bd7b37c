package maarid

import (
	"encoding/json"
	"net/http"
)

// Refusal is how a refusal shows where a GraphQL answer cannot say all of it: the code in
// extensions.code, the HTTP status of a request refused before it ran, and the close code of
// a websocket connection ended with it (0 when no connection ends so).
type Refusal struct {
	Code   string
	Status int
	Close  int
}

// refusals is the one table from a code to its HTTP status and websocket close code. The
// close codes are those of graphql-transport-ws (4400, 4403, 4409, 4429, 4500). A new code is
// added here and to the constants of errors.go, and nowhere else.
var refusals = map[string]Refusal{
	BadUserInput:    {BadUserInput, http.StatusBadRequest, 4400},
	Unauthenticated: {Unauthenticated, http.StatusUnauthorized, 4403},
	Forbidden:       {Forbidden, http.StatusForbidden, 4403},
	NotFound:        {NotFound, http.StatusNotFound, 0},
	Conflict:        {Conflict, http.StatusConflict, 4409},
	RateLimited:     {RateLimited, http.StatusTooManyRequests, 4429},
	QueryTooComplex: {QueryTooComplex, http.StatusBadRequest, 0},
	Internal:        {Internal, http.StatusInternalServerError, 4500},
	FellBehind:      {FellBehind, http.StatusOK, 0},
}

// The refusals of a request that HTTP or the websocket protocol has a status of its own for,
// beside the one of their code.
var (
	// WrongMethod is a method the endpoint does not take, or a mutation sent with GET.
	WrongMethod = Refusal{BadUserInput, http.StatusMethodNotAllowed, 0}
	// WrongMediaType is a body that is not application/json.
	WrongMediaType = Refusal{BadUserInput, http.StatusUnsupportedMediaType, 0}
	// TooLarge is a request body, or a websocket message, larger than the server reads (the
	// websocket library closes with 1009, Message Too Big).
	TooLarge = Refusal{BadUserInput, http.StatusRequestEntityTooLarge, 1009}
	// Busy is a request that waited for its turn past its deadline.
	Busy = Refusal{RateLimited, http.StatusServiceUnavailable, 0}
	// Unavailable is a request that needs what cannot be reached now, such as the API keys.
	Unavailable = Refusal{Internal, http.StatusServiceUnavailable, 4500}
)

// RefusalOf returns how the code shows on each transport; an unknown code is INTERNAL.
func RefusalOf(code string) Refusal {
	if r, ok := refusals[code]; ok {
		return r
	}
	return refusals[Internal]
}

// Write answers a request refused before it ran: r's status, and a GraphQL error response
// with r's code and message.
func (r Refusal) Write(w http.ResponseWriter, message string) {
	tellRefusal(w, r.Code)
	w.Header().Set("Content-Type", "application/graphql-response+json")
	w.WriteHeader(r.Status)
	json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{
			"message":    message,
			"extensions": map[string]any{"code": r.Code},
		}},
	})
}

// RefusalObserver is a ResponseWriter told of the refusals written through it, or through a
// writer that wraps it: the server's metrics count them by code.
type RefusalObserver interface {
	Refused(code string)
}

// tellRefusal tells the first RefusalObserver among w and the writers it wraps of a refusal.
func tellRefusal(w http.ResponseWriter, code string) {
	for w != nil {
		if o, ok := w.(RefusalObserver); ok {
			o.Refused(code)
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}
