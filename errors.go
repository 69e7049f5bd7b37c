// Package maarid holds what every layer of Maarid shares: its domain errors, and the
// generation entry point (go generate ./...).
package maarid

import (
	"errors"
	"fmt"
	"strings"
)

// Codes of the errors a client can see, in extensions.code of a GraphQL error. The set is
// documented and closed: anything that is not an *Error reaches clients as INTERNAL.
const (
	BadUserInput    = "BAD_USER_INPUT"
	Unauthenticated = "UNAUTHENTICATED"
	Forbidden       = "FORBIDDEN"
	NotFound        = "NOT_FOUND"
	Conflict        = "CONFLICT"
	RateLimited     = "RATE_LIMITED"
	QueryTooComplex = "QUERY_TOO_COMPLEX"
	Internal        = "INTERNAL"
	// FellBehind ends a subscription whose client did not read fast enough; it subscribes
	// again from the cursor in extensions.cursor and misses nothing.
	FellBehind = "FELL_BEHIND"
)

// Error is an error meant for the client: a code from the documented set, a message a person
// can act on, and what it concerns.
type Error struct {
	Code    string
	Message string
	// Field names the input field at fault, for BAD_USER_INPUT.
	Field string
	// IDs lists the entities a CONFLICT is with.
	IDs []string
	// Cursor is where a FELL_BEHIND subscriber resumes.
	Cursor string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a BAD_USER_INPUT error about one input field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: BadUserInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// FieldName turns the snake_case name of an ent field into the name clients know from
// GraphQL: image_urls is imageUrls, logo_url logoUrl, category_id categoryID.
func FieldName(name string) string {
	parts := strings.Split(name, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] == "id" {
			parts[i] = strings.ToUpper(parts[i])
			continue
		}
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
