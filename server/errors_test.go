package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"maarid/gid"
)

// documented is the set of extensions.code values a client may see.
var documented = map[string]bool{
	"BAD_USER_INPUT": true, "UNAUTHENTICATED": true, "FORBIDDEN": true, "NOT_FOUND": true,
	"CONFLICT": true, "RATE_LIMITED": true, "QUERY_TOO_COMPLEX": true, "INTERNAL": true,
}

func TestBadInput(t *testing.T) {
	a := newAPI(t, "sqlite")
	unknownProduct := gid.New(gid.Product)
	post := func(body, contentType string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		return r
	}
	get := func(params url.Values) *http.Request {
		return httptest.NewRequest(http.MethodGet, "/graphql?"+params.Encode(), nil)
	}
	tests := []struct {
		name    string
		query   string
		vars    map[string]any
		raw     *http.Request // sent as is instead of query
		status  int
		code    string
		message string // part of the first error's message
	}{
		{name: "unknown ID", query: `{ node(id: "` + unknownProduct + `") { id } }`,
			status: 200, code: "NOT_FOUND"},
		{name: "ID of an unknown type", query: `{ node(id: "zzz_01J3Y8W6ZKQ5T0P2N3V4X5Y6Z7") { id } }`,
			status: 200, code: "NOT_FOUND"},
		{name: "malformed ID", query: `{ node(id: "42") { id } }`,
			status: 200, code: "BAD_USER_INPUT", message: "not a Maarid ID"},
		{name: "malformed ID among nodes", query: `{ nodes(ids: ["nope"]) { id } }`,
			status: 200, code: "BAD_USER_INPUT"},
		{name: "malformed cursor", query: `{ products(first: 2, after: "bm90IGEgY3Vyc29y") { totalCount } }`,
			status: 200, code: "BAD_USER_INPUT", message: "cursor"},
		{name: "cursor that is not base64", query: `{ exhibitors(after: "%%%") { totalCount } }`,
			status: 200, code: "BAD_USER_INPUT", message: "cursor"},
		{name: "first and last", query: `{ products(first: 2, last: 2) { totalCount } }`,
			status: 400, code: "BAD_USER_INPUT", message: "not both"},
		{name: "first above the cap", query: `{ products(first: 101) { totalCount } }`,
			status: 400, code: "BAD_USER_INPUT", message: "between 0 and 100"},
		{name: "negative last", query: `{ sessions(last: -1) { totalCount } }`,
			status: 400, code: "BAD_USER_INPUT", message: "between 0 and 100"},
		{name: "nested page above the cap",
			query:  `{ exhibitors(first: 1) { edges { node { products(first: 500) { totalCount } } } } }`,
			status: 400, code: "BAD_USER_INPUT", message: "between 0 and 100"},
		{name: "page above the cap in a variable", query: `query($n: Int) { fairs(first: $n) { totalCount } }`,
			vars: map[string]any{"n": 1000}, status: 400, code: "BAD_USER_INPUT"},
		{name: "page above the cap in a fragment",
			query:  `{ ...F } fragment F on Query { speakers(last: 1000) { totalCount } }`,
			status: 400, code: "BAD_USER_INPUT"},
		{name: "unknown enum value in a variable",
			query:  `query($w: ExhibitorWhereInput) { exhibitors(where: $w) { totalCount } }`,
			vars:   map[string]any{"w": map[string]any{"province": "CASABLANCA"}},
			status: 400, code: "BAD_USER_INPUT", message: "CASABLANCA"},
		{name: "unknown enum value in the query", query: `{ exhibitors(where: {province: CASABLANCA}) { totalCount } }`,
			status: 400, code: "BAD_USER_INPUT"},
		{name: "unknown language", query: `{ fairs { edges { node { name(lang: DE) } } } }`,
			status: 400, code: "BAD_USER_INPUT"},
		// A custom scalar is read when its field runs, so the error is a field error (200).
		{name: "malformed date", query: `query($d: Date) { fairs(where: {startsOnGT: $d}) { totalCount } }`,
			vars: map[string]any{"d": "25 July"}, status: 200, code: "BAD_USER_INPUT", message: "2018-07-25"},
		{name: "unknown field", query: `{ exhibitors { edges { node { shoeSize } } } }`,
			status: 400, code: "BAD_USER_INPUT", message: "shoeSize"},
		{name: "syntax error", query: `{ exhibitors( }`, status: 400, code: "BAD_USER_INPUT"},
		{name: "no query", query: ``, status: 400, code: "BAD_USER_INPUT"},
		{name: "malformed JSON body", raw: post(`{"query": "{ fairs { totalCount } }"`, "application/json"),
			status: 400, code: "BAD_USER_INPUT", message: "JSON"},
		{name: "JSON body that is not an object", raw: post(`["{ fairs { totalCount } }"]`, "application/json"),
			status: 400, code: "BAD_USER_INPUT", message: "JSON object"},
		{name: "form body", raw: post(`query={fairs{totalCount}}`, "application/x-www-form-urlencoded"),
			status: 415, code: "BAD_USER_INPUT", message: "application/json"},
		{name: "malformed variables over GET", raw: get(url.Values{"query": {"{ fairs { totalCount } }"}, "variables": {"{"}}),
			status: 400, code: "BAD_USER_INPUT", message: "variables"},
		{name: "mutation over GET", raw: get(url.Values{"query": {"mutation { __typename }"}}),
			status: 405, code: "BAD_USER_INPUT", message: "POST"},
		{name: "another method", raw: httptest.NewRequest(http.MethodPut, "/graphql", strings.NewReader(`{}`)),
			status: 405, code: "BAD_USER_INPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res response
			if tt.raw != nil {
				res = a.serve(t, tt.raw)
			} else {
				res = a.post(t, request{query: tt.query, variables: tt.vars})
			}
			if res.status != tt.status {
				t.Errorf("status %d, want %d", res.status, tt.status)
			}
			if len(res.Errors) == 0 {
				t.Fatalf("no error; data %s", res.Data)
			}
			for _, e := range res.Errors {
				if !documented[e.code()] {
					t.Errorf("error %q has code %q, not one of the documented set", e.Message, e.code())
				}
			}
			if got := res.Errors[0]; got.code() != tt.code || !strings.Contains(got.Message, tt.message) {
				t.Errorf("error %q (%s), want %s containing %q", got.Message, got.code(), tt.code, tt.message)
			}
		})
	}
}

// TestQueriesOverGET checks that a query may be sent with GET, the cacheable way.
func TestQueriesOverGET(t *testing.T) {
	a := newAPI(t, "sqlite")
	res := a.serve(t, httptest.NewRequest(http.MethodGet, "/graphql?"+url.Values{
		"query":     {"query($first: Int) { exhibitors(first: $first) { totalCount edges { node { id } } } }"},
		"variables": {`{"first": 3}`},
	}.Encode(), nil))
	if res.status != http.StatusOK || len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"totalCount"`) {
		t.Fatalf("status %d, errors %v, data %s", res.status, res.Errors, res.Data)
	}
}

// TestDatabaseFailure checks that a failing database is reported as INTERNAL with the
// request ID, without its SQL, and that /healthz says so.
func TestDatabaseFailure(t *testing.T) {
	a := newAPI(t, "sqlite")
	a.client.Close()
	r := operation(t, "ProductCatalogue", map[string]any{"first": 5})
	r.header = http.Header{"X-Request-Id": {"test-request-1"}}
	res := a.post(t, r)
	if len(res.Errors) == 0 {
		t.Fatal("no error from a closed database")
	}
	e := res.Errors[0]
	if e.code() != "INTERNAL" || !strings.Contains(e.Message, "test-request-1") || strings.Contains(strings.ToLower(e.Message), "sql") {
		t.Errorf("error %q (%s), want INTERNAL quoting the request id and no SQL", e.Message, e.code())
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/healthz answered %d with the database closed", rec.Code)
	}
}

func TestIDsOfTheWrongType(t *testing.T) {
	a := newAPI(t, "sqlite")
	exhibitor := gid.New(gid.Exhibitor)
	tests := []struct {
		name, query, field string
	}{
		{"edge ID", `{ products(where: {categoryID: "` + exhibitor + `"}) { totalCount } }`, "categoryID"},
		{"own ID in a list", `{ sessions(where: {idIn: ["` + exhibitor + `"]}) { totalCount } }`, "idIn"},
		{"nested filter", `{ products(where: {hasExhibitorWith: {or: [{id: "` + gid.New(gid.Product) + `"}]}}) { totalCount } }`, "id"},
		{"malformed", `{ spaces(where: {fairID: "azilal"}) { totalCount } }`, "fairID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := a.post(t, request{query: tt.query})
			if len(res.Errors) != 1 || res.Errors[0].code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != tt.field {
				t.Errorf("errors %+v, want BAD_USER_INPUT on %s", res.Errors, tt.field)
			}
		})
	}
	// The right type passes.
	var page struct{ Products struct{ TotalCount int } }
	a.ok(t, request{query: `{ products(where: {hasExhibitorWith: {id: "` + exhibitor + `"}}) { totalCount } }`}, &page)
}

// TestMediaTypes checks the status of a request that fails to validate under each media type
// a client may accept, as GraphQL over HTTP has it.
func TestMediaTypes(t *testing.T) {
	a := newAPI(t, "sqlite")
	tests := []struct {
		accept, contentType string
		status              int
	}{
		{"none", "application/json", 200},
		{"*/*", "application/json", 200},
		{"application/graphql-response+json", "application/graphql-response+json", 400},
		{"application/json", "application/json", 200},
		{"application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json", 400},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			r := request{query: `{ nope }`, header: http.Header{"Accept": {tt.accept}}}
			if tt.accept == "none" {
				r.header = http.Header{"Accept": nil}
			}
			res := a.post(t, r)
			if res.status != tt.status || res.header.Get("Content-Type") != tt.contentType ||
				len(res.Errors) != 1 || res.Errors[0].code() != "BAD_USER_INPUT" {
				t.Errorf("status %d, %s, errors %v; want %d, %s", res.status, res.header.Get("Content-Type"), res.Errors, tt.status, tt.contentType)
			}
		})
	}
}
