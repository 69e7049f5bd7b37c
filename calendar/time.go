package calendar

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalTime writes t as GraphQL's Time: RFC 3339 with its offset, such as
// 2018-07-26T10:00:00Z.
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.Format(time.RFC3339Nano)))
	})
}

// UnmarshalTime reads a Time: RFC 3339 with its offset. An empty string is refused, rather
// than read as no time at all: in a filter it would match everything.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	switch {
	case !ok:
		return time.Time{}, fmt.Errorf("a Time is a string such as 2018-07-26T10:00:00Z, not %T", v)
	case s == "":
		return time.Time{}, fmt.Errorf("the time is empty: give one such as 2018-07-26T10:00:00Z, or leave the field out")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time with its offset, such as 2018-07-26T10:00:00Z or 2018-07-26T11:00:00+01:00", s)
	}
	return t, nil
}
