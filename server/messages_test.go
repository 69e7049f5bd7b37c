package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"maarid/auth"
	"maarid/gid"
)

// TestErrorsSayWhatToDo checks, for each refusal a frontend meets most, the code, the field at
// fault and what the message tells the client to do; and that nothing was written.
func TestErrorsSayWhatToDo(t *testing.T) {
	a := newAPI(t, "sqlite")
	ctx := auth.System(context.Background())
	product, err := a.client.Product.Query().First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.client.Product.Query().Offset(40).First(ctx)
	if err != nil || other.ExhibitorID == product.ExhibitorID {
		t.Fatalf("another exhibitor's product: %v", err)
	}
	session, err := a.client.Session.Query().First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	organiser, exhibitor := a.key(t, auth.Organiser, ""), a.key(t, auth.Exhibitor, product.ExhibitorID)
	const (
		updateProduct = `mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }`
		createSession = `mutation($input: CreateSessionInput!) { createSession(input: $input) { id } }`
	)
	sessionInput := func(change map[string]any) map[string]any {
		in := map[string]any{"title": []map[string]any{{"lang": "FR", "value": "Atelier"}}, "kind": "WORKSHOP",
			"startsAt": "2018-07-26T14:00:00Z", "endsAt": "2018-07-26T15:00:00Z", "fairID": session.FairID}
		for k, v := range change {
			in[k] = v
		}
		return in
	}
	for _, tc := range []struct {
		name        string
		header      http.Header
		query       string
		vars        map[string]any
		code, field string
		says        string
	}{
		{"an unknown category", organiser, updateProduct,
			map[string]any{"id": product.ID, "input": map[string]any{"categoryID": gid.New(gid.Category)}},
			"NOT_FOUND", "categoryID", "no category has the ID cat_"},
		{"a product's ID for a category", organiser, updateProduct,
			map[string]any{"id": product.ID, "input": map[string]any{"categoryID": other.ID}},
			"BAD_USER_INPUT", "categoryID", "is not the ID of a category"},
		{"an unknown space", organiser, createSession,
			map[string]any{"input": sessionInput(map[string]any{"spaceID": gid.New(gid.Space)})},
			"NOT_FOUND", "spaceID", "no space has the ID spc_"},
		{"an unknown speaker", organiser, createSession,
			map[string]any{"input": sessionInput(map[string]any{"speakerIDs": []string{gid.New(gid.Speaker)}})},
			"NOT_FOUND", "speakerIDs", "no speaker has the ID spk_"},
		{"an unknown session to register for", nil,
			`mutation($s: ID!) { registerForSession(sessionID: $s, input: {name: "Fatima", email: "f@example.org"}) { id } }`,
			map[string]any{"s": gid.New(gid.Session)}, "NOT_FOUND", "sessionID", "no session has the ID ses_"},
		{"a price with a fraction of a centime, in the document", organiser,
			`mutation($id: ID!) { updateProduct(id: $id, input: {price: {minorUnits: 15.5, currency: "MAD"}}) { id } }`,
			map[string]any{"id": product.ID}, "BAD_USER_INPUT", "minorUnits", "expects an Int, a whole number"},
		{"a price with a fraction of a centime", organiser, updateProduct,
			map[string]any{"id": product.ID, "input": map[string]any{"price": map[string]any{"minorUnits": 15.5, "currency": "MAD"}}},
			"BAD_USER_INPUT", "minorUnits", "expects an Int, a whole number"},
		{"a price in another currency", organiser, updateProduct,
			map[string]any{"id": product.ID, "input": map[string]any{"price": map[string]any{"minorUnits": 1500, "currency": "EUR"}}},
			"BAD_USER_INPUT", "price", "the fair prices in MAD: give the price in MAD, not EUR"},
		{"another exhibitor's product", exhibitor, updateProduct,
			map[string]any{"id": other.ID, "input": map[string]any{"available": false}},
			"FORBIDDEN", "", "an exhibitor key changes its own products only"},
		{"a page over a visitor's cap", nil, `{ products(first: 200) { edges { node { id } } } }`, nil,
			"BAD_USER_INPUT", "", "between 0 and 100 (1000 with a partner's or an organiser's key)"},
		{"an empty time in a filter", nil, `{ products(first: 2, where: {updatedAtGT: ""}) { totalCount } }`, nil,
			"BAD_USER_INPUT", "updatedAtGT", "the time is empty"},
		{"an empty time in a variable", nil, `query($t: Time) { products(first: 2, where: {updatedAtGT: $t}) { totalCount } }`,
			map[string]any{"t": ""}, "BAD_USER_INPUT", "updatedAtGT", "the time is empty"},
		{"a crafted cursor", nil, `query($c: Cursor) { products(first: 2, after: $c) { totalCount } }`,
			map[string]any{"c": "gqF2vn000000000000000000000000000000000000000aF2rA0000000000000000"}, "BAD_USER_INPUT", "after", "cannot decode cursor"},
		{"a time without its offset", nil, `{ sessions(first: 2, where: {startsAtGTE: "2018-07-26"}) { totalCount } }`, nil,
			"BAD_USER_INPUT", "startsAtGTE", "is not a time with its offset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, a)
			res := a.as(t, tc.header, tc.query, tc.vars)
			if len(res.Errors) != 1 {
				t.Fatalf("%d errors: %+v", len(res.Errors), res.Errors)
			}
			e := res.Errors[0]
			field, _ := e.Extensions["field"].(string)
			if e.code() != tc.code || field != tc.field || !strings.Contains(e.Message, tc.says) {
				t.Errorf("got %s %q %q, want %s %q saying %q", e.code(), field, e.Message, tc.code, tc.field, tc.says)
			}
			if strings.Contains(e.Message, "input:") || strings.Contains(e.Message, "cannot use") {
				t.Errorf("the message tells of the server's insides: %q", e.Message)
			}
			if after := snapshot(t, a); after != before {
				t.Error("a refused request wrote something")
			}
		})
	}
}
