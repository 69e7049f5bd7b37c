// Package calendar holds the fair's dates and times: calendar dates as GraphQL's Date scalar,
// read in the fair's time zone.
package calendar

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// DateLayout is the form of a Date in GraphQL: an ISO 8601 calendar date.
const DateLayout = "2006-01-02"

// MarshalDate writes the calendar date of t (stored at midnight UTC) as "2018-07-25".
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.UTC().Format(DateLayout)))
	})
}

// UnmarshalDate reads "2018-07-25" as midnight UTC of that day.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("a Date must be a string like 2018-07-25, not %T", v)
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date like 2018-07-25", s)
	}
	return t, nil
}
