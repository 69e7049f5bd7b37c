package limits_test

import (
	"fmt"
	"strings"
	"testing"

	"maarid"
	"maarid/limits"
)

var bounds = limits.Bounds{Tokens: 15000, Shape: limits.Shape{Depth: 12, Aliases: 30, RootFields: 20, Fields: 500}}

// chainOfFragments is a document of n fragments, each spreading the next twice: 2^n fields
// once expanded, in a few hundred bytes.
func chainOfFragments(n int) string {
	var b strings.Builder
	b.WriteString("query { fairs(first: 1) { edges { node { ...F0 } } } }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Fair { id ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Fair { id }\n", n)
	return b.String()
}

func TestBounds(t *testing.T) {
	nested := func(depth int) string {
		return strings.Repeat("products(first: 1) { edges { node { exhibitor { ", depth) + "id" + strings.Repeat(" } } } }", depth)
	}
	tests := []struct {
		name, query string
		refused     string // the extension that names the bound, or "" when accepted
	}{
		{"a catalogue page", `query Catalogue($first: Int = 24) { products(first: $first) { totalCount edges { node { id name price { formatted } exhibitor { id name stands { code } } } } } }`, ""},
		{"20,000 fields", "query Q { " + strings.Repeat("__typename ", 20000) + "}", "tokens"},
		{"10,000 fields within the tokens", "query Q { viewer { " + strings.Repeat("role ", 10000) + "} }", "fields"},
		{"1,000 aliases", "query Q { viewer { " + func() string {
			var b strings.Builder
			for i := range 1000 {
				fmt.Fprintf(&b, "a%d: role ", i)
			}
			return b.String()
		}() + "} }", "aliases"},
		{"10,000 root fields", "query Q { " + strings.Repeat("__typename ", 10000) + "}", "rootFields"},
		{"21 root fields", "query Q { " + strings.Repeat("viewer { role } ", 21) + "}", "rootFields"},
		{"25 levels", "{ " + nested(25) + " }", "depth"},
		{"3 levels", "{ " + nested(1) + " }", ""},
		{"fragments spread twice, 40 deep", chainOfFragments(40), "fields"},
		{"fragments in a cycle", "query { fairs(first: 1) { edges { node { ...A } } } } fragment A on Fair { id ...B } fragment B on Fair { id ...A }", ""},
		{"a spread of no fragment", "query { fairs(first: 1) { edges { node { ...Missing } } } }", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := bounds.Check(tt.query)
			switch {
			case tt.refused == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.refused != "" && err == nil:
				t.Errorf("accepted")
			case tt.refused != "" && (err.Extensions["code"] != maarid.QueryTooComplex || err.Extensions[tt.refused] == nil):
				t.Errorf("refused with %v, want QUERY_TOO_COMPLEX naming %s", err.Extensions, tt.refused)
			}
		})
	}
	if err := bounds.Check("{ fairs("); err == nil || err.Extensions["code"] == maarid.QueryTooComplex {
		t.Errorf("a document that does not parse: %v", err)
	}
}

// BenchmarkRefusal measures the time to refuse each flood of TestBounds, against the time to
// accept a catalogue page.
func BenchmarkRefusal(b *testing.B) {
	for _, tc := range []struct{ name, query string }{
		{"catalogue page (accepted)", `query Catalogue($first: Int = 24) { products(first: $first) { totalCount edges { node { id name price { formatted } exhibitor { id name stands { code } } } } } }`},
		{"20,000 fields", "query Q { " + strings.Repeat("__typename ", 20000) + "}"},
		{"fragments spread twice, 40 deep", chainOfFragments(40)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				bounds.Check(tc.query)
			}
		})
	}
}

func FuzzBounds(f *testing.F) {
	f.Add("{ fairs(first: 1) { edges { node { id } } } }")
	f.Add(chainOfFragments(5))
	f.Add("query { ...A } fragment A on Query { ...A }")
	f.Fuzz(func(t *testing.T, query string) {
		bounds.Check(query) // terminates, and does not panic
	})
}
