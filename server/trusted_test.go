package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"maarid/auth"
	"maarid/schema/contract"
	"maarid/stream"
	"maarid/stream/streamtest"
)

// TestTrustedDocuments sends the registered clients' documents by their ID, over POST, GET and
// a websocket, and by Apollo's persisted-query hash; checks that they skip the bounds that
// parsing and validating would check, having been checked when the server started; and, with
// --trusted-documents-only, that callers without a key may run them and nothing else.
func TestTrustedDocuments(t *testing.T) {
	screenCursor, err := contract.Operation("ScreenCursor")
	if err != nil {
		t.Fatal(err)
	}
	catalogue := operation(t, "ProductCatalogue", map[string]any{"first": 3})
	id := documentID(catalogue.query)
	byID := func(a *api, header http.Header, body map[string]any) response {
		t.Helper()
		raw, _ := json.Marshal(body)
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		for k, vs := range header {
			req.Header[k] = vs
		}
		return a.serve(t, req)
	}

	t.Run("by ID", func(t *testing.T) {
		a := newAPI(t, "sqlite", "--max-fields=5")
		want := a.post(t, catalogue)
		if len(want.Errors) > 0 {
			t.Fatal(want.Errors)
		}
		got := byID(a, nil, map[string]any{"documentId": id, "variables": catalogue.variables})
		if len(got.Errors) > 0 || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("by ID: %+v %s", got.Errors, got.Data)
		}
		hash := strings.TrimPrefix(id, "sha256:")
		got = byID(a, nil, map[string]any{"variables": catalogue.variables,
			"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}})
		if len(got.Errors) > 0 || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("by Apollo's persisted-query hash: %+v", got.Errors)
		}
		vars, _ := json.Marshal(catalogue.variables)
		req := httptest.NewRequest(http.MethodGet, "/graphql?"+url.Values{"documentId": {id}, "variables": {string(vars)}}.Encode(), nil)
		if got := a.serve(t, req); len(got.Errors) > 0 || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("over GET: %+v", got.Errors)
		}
		// The same document, not registered: over the bounds of --max-fields.
		if res := a.post(t, request{query: catalogue.query + " ", variables: catalogue.variables}); len(res.Errors) != 1 || res.Errors[0].code() != "QUERY_TOO_COMPLEX" {
			t.Errorf("an unregistered copy: %+v", res.Errors)
		}
		for _, tc := range []struct {
			body   map[string]any
			status int
			code   string
		}{
			{map[string]any{"documentId": "sha256:" + strings.Repeat("0", 64)}, 404, "NOT_FOUND"},
			{map[string]any{"documentId": id, "query": "{ __typename }"}, 400, "BAD_USER_INPUT"},
			{map[string]any{"documentId": 42}, 400, "BAD_USER_INPUT"},
		} {
			if res := byID(a, nil, tc.body); res.status != tc.status || len(res.Errors) != 1 || res.Errors[0].code() != tc.code {
				t.Errorf("%v: status %d, errors %+v", tc.body, res.status, res.Errors)
			}
		}

		srv := httptest.NewServer(a.handler)
		defer srv.Close()
		c := streamtest.Dial(t, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", nil, stream.GraphQLTransportWS)
		c.Init("")
		payload, _ := json.Marshal(map[string]any{"documentId": id, "variables": catalogue.variables})
		c.Send(streamtest.Message("subscribe", "1", string(payload)))
		if m := c.Expect("next", "1"); !bytes.Contains(m.Payload, want.Data[:40]) {
			t.Errorf("over a websocket: %s", m.Payload)
		}
	})

	t.Run("registered documents only", func(t *testing.T) {
		a := newAPI(t, "sqlite", "--trusted-documents-only")
		if res := a.post(t, request{query: `{ fairs(first: 1) { totalCount } }`}); len(res.Errors) != 1 || res.Errors[0].code() != "FORBIDDEN" {
			t.Errorf("a document of its own, without a key: %+v", res.Errors)
		}
		if res := a.post(t, request{query: screenCursor}); len(res.Errors) > 0 {
			t.Errorf("a registered document, by its text: %+v", res.Errors)
		}
		if res := byID(a, nil, map[string]any{"documentId": id, "variables": catalogue.variables}); len(res.Errors) > 0 {
			t.Errorf("a registered document, by its ID: %+v", res.Errors)
		}
		r := request{query: `{ fairs(first: 1) { totalCount } }`, header: a.key(t, auth.Partner, "")}
		if res := a.post(t, r); len(res.Errors) > 0 {
			t.Errorf("a partner's own document: %+v", res.Errors)
		}
	})

	t.Run("the manifest", func(t *testing.T) {
		var out bytes.Buffer
		if err := printDocuments(&out); err != nil {
			t.Fatal(err)
		}
		var manifest struct {
			Format     string
			Operations []struct{ ID, Name, Type, Body string }
		}
		if err := json.Unmarshal(out.Bytes(), &manifest); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, op := range manifest.Operations {
			sum := sha256.Sum256([]byte(op.Body))
			if op.ID != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: ID %s", op.Name, op.ID)
			}
			found = found || op.Name == "ProductCatalogue" && "sha256:"+op.ID == id
		}
		if manifest.Format != "apollo-persisted-query-manifest" || !found {
			t.Errorf("manifest %s", out.Bytes())
		}
	})
}
