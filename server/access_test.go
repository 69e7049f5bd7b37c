package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"maarid/auth"
	"maarid/demo"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/ent/registration"
	"maarid/ent/session"
	"maarid/i18n"
	"maarid/store/storetest"
)

// callers are the API keys of an access test: one per role, and two exhibitors.
type callers struct {
	anonymous, partner, organiser, own, other http.Header
	ownID, otherID                            string // the two exhibitors
}

func newCallers(t *testing.T, a *api) callers {
	t.Helper()
	ctx := auth.System(context.Background())
	own, err := a.client.Exhibitor.Query().Where(exhibitor.Slug(demo.ShowcaseExhibitorSlug)).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.client.Exhibitor.Query().Where(exhibitor.IDNEQ(own.ID), exhibitor.HasProducts()).Order(exhibitor.ByID()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return callers{
		anonymous: http.Header{},
		partner:   a.key(t, auth.Partner, ""),
		organiser: a.key(t, auth.Organiser, ""),
		own:       a.key(t, auth.Exhibitor, own.ID),
		other:     a.key(t, auth.Exhibitor, other.ID),
		ownID:     own.ID,
		otherID:   other.ID,
	}
}

// snapshot is what a refused mutation must leave unchanged: the catalogue, the programme,
// registrations and the change log.
func snapshot(t *testing.T, a *api) string {
	t.Helper()
	ctx := auth.System(context.Background())
	products, err := a.client.Product.Query().Order(product.ByID()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	exhibitors, err := a.client.Exhibitor.Query().Order(exhibitor.ByID()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := a.client.Session.Query().Order(session.ByID()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	registrations, err := a.client.Registration.Query().Order(registration.ByID()).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := a.client.ProgrammeChange.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, rows := range []any{products, exhibitors, sessions, registrations, changes} {
		enc.Encode(rows)
	}
	return b.String()
}

// TestAccess runs every self-service operation as every kind of caller, on its own data and
// on another's, and checks that it is allowed or refused with the exact code — and that a
// refused mutation wrote nothing.
func TestAccess(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) { testAccess(t, kind) })
	}
}

func testAccess(t *testing.T, kind string) {
	a := newAPI(t, kind)
	c := newCallers(t, a)
	ctx := auth.System(context.Background())
	productOf := func(exhibitorID string) string {
		t.Helper()
		id, err := a.client.Product.Query().Where(product.ExhibitorID(exhibitorID)).Order(product.ByID()).FirstID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	newProduct := func(exhibitorID string) map[string]any {
		return map[string]any{"input": map[string]any{
			"exhibitorID": exhibitorID,
			"name":        []map[string]any{{"lang": "AR", "value": "عسل الخروب"}, {"lang": "FR", "value": "Miel de caroube"}},
			"price":       map[string]any{"minorUnits": 18000},
		}}
	}
	edit := func(id string) map[string]any {
		return map[string]any{"id": id, "input": map[string]any{"available": false, "price": map[string]any{"minorUnits": 9950, "currency": "MAD"}}}
	}
	profile := func(id string) map[string]any {
		return map[string]any{"id": id, "input": map[string]any{
			"description": []map[string]any{{"lang": "FR", "value": "Nouvelle description"}},
		}}
	}
	const allowed = ""
	tests := []struct {
		op     string
		vars   func() map[string]any
		caller http.Header
		who    string
		want   string // allowed, or the code of the error
	}{
		{"AddProduct", func() map[string]any { return newProduct(c.ownID) }, c.own, "exhibitor, own", allowed},
		{"AddProduct", func() map[string]any { return newProduct(c.otherID) }, c.own, "exhibitor, other's", "FORBIDDEN"},
		{"AddProduct", func() map[string]any { return newProduct(c.ownID) }, c.partner, "partner", "FORBIDDEN"},
		{"AddProduct", func() map[string]any { return newProduct(c.ownID) }, c.anonymous, "anonymous", "FORBIDDEN"},
		{"AddProduct", func() map[string]any { return newProduct(c.otherID) }, c.organiser, "organiser", allowed},

		{"EditProduct", func() map[string]any { return edit(productOf(c.ownID)) }, c.own, "exhibitor, own", allowed},
		{"EditProduct", func() map[string]any { return edit(productOf(c.otherID)) }, c.own, "exhibitor, other's", "FORBIDDEN"},
		{"EditProduct", func() map[string]any { return edit(productOf(c.ownID)) }, c.other, "exhibitor, other's", "FORBIDDEN"},
		{"EditProduct", func() map[string]any { return edit(productOf(c.ownID)) }, c.partner, "partner", "FORBIDDEN"},
		{"EditProduct", func() map[string]any { return edit(productOf(c.ownID)) }, c.anonymous, "anonymous", "FORBIDDEN"},
		{"EditProduct", func() map[string]any { return edit(productOf(c.otherID)) }, c.organiser, "organiser", allowed},
		{"EditProduct", func() map[string]any {
			v := edit(productOf(c.ownID))
			v["input"].(map[string]any)["exhibitorID"] = c.otherID
			return v
		}, c.own, "exhibitor, giving away its product", "FORBIDDEN"},
		{"EditProduct", func() map[string]any { return edit("prd_01CK877C00NP7RZEQ6K743KN3N") }, c.own, "exhibitor, unknown product", "NOT_FOUND"},

		{"RemoveProduct", func() map[string]any { return map[string]any{"id": productOf(c.otherID)} }, c.own, "exhibitor, other's", "FORBIDDEN"},
		{"RemoveProduct", func() map[string]any { return map[string]any{"id": productOf(c.ownID)} }, c.partner, "partner", "FORBIDDEN"},
		{"RemoveProduct", func() map[string]any { return map[string]any{"id": productOf(c.ownID)} }, c.anonymous, "anonymous", "FORBIDDEN"},
		{"RemoveProduct", func() map[string]any { return map[string]any{"id": productOf(c.ownID)} }, c.own, "exhibitor, own", allowed},
		{"RemoveProduct", func() map[string]any { return map[string]any{"id": productOf(c.otherID)} }, c.organiser, "organiser", allowed},

		{"EditProfile", func() map[string]any { return profile(c.ownID) }, c.own, "exhibitor, own", allowed},
		{"EditProfile", func() map[string]any { return profile(c.ownID) }, c.other, "exhibitor, other's", "FORBIDDEN"},
		{"EditProfile", func() map[string]any { return profile(c.ownID) }, c.partner, "partner", "FORBIDDEN"},
		{"EditProfile", func() map[string]any { return profile(c.ownID) }, c.anonymous, "anonymous", "FORBIDDEN"},
		{"EditProfile", func() map[string]any { return profile(c.otherID) }, c.organiser, "organiser", allowed},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.who, func(t *testing.T) {
			r := operation(t, tt.op, tt.vars())
			r.header = tt.caller
			before := snapshot(t, a)
			res := a.post(t, r)
			if tt.want == allowed {
				if len(res.Errors) > 0 {
					t.Fatalf("refused: %+v", res.Errors)
				}
				if snapshot(t, a) == before {
					t.Error("allowed, but nothing changed")
				}
				return
			}
			if len(res.Errors) != 1 || res.Errors[0].code() != tt.want {
				t.Fatalf("errors %+v, want one %s", res.Errors, tt.want)
			}
			if snapshot(t, a) != before {
				t.Error("a refused mutation changed the database")
			}
		})
	}
}

// TestContacts checks that contacts reach partners, organisers and the exhibitor itself, and
// that anyone else gets null with FORBIDDEN at the field while the rest of the page comes.
func TestContacts(t *testing.T) {
	a := newAPI(t, "sqlite")
	c := newCallers(t, a)
	type page struct {
		Exhibitors struct {
			Edges []struct {
				Node struct {
					ID      string
					Name    *string
					Contact *struct{ Email, Phone string }
				}
			}
		}
	}
	tests := []struct {
		who    string
		caller http.Header
		sees   func(id string) bool
	}{
		{"anonymous", c.anonymous, func(string) bool { return false }},
		{"partner", c.partner, func(string) bool { return true }},
		{"organiser", c.organiser, func(string) bool { return true }},
		{"exhibitor", c.own, func(id string) bool { return id == c.ownID }},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			r := operation(t, "ExhibitorContacts", map[string]any{"first": 100})
			r.header = tt.caller
			res := a.post(t, r)
			var got page
			if err := json.Unmarshal(res.Data, &got); err != nil || len(got.Exhibitors.Edges) != 100 {
				t.Fatalf("the page did not come whole: %v, %d exhibitors", err, len(got.Exhibitors.Edges))
			}
			forbidden := map[float64]bool{}
			for _, e := range res.Errors {
				if e.code() != "FORBIDDEN" || len(e.Path) != 5 || e.Path[4] != "contact" {
					t.Fatalf("unexpected error %+v", e)
				}
				forbidden[e.Path[2].(float64)] = true
			}
			for i, e := range got.Exhibitors.Edges {
				n := e.Node
				if n.Name == nil {
					t.Fatalf("%s: no name", n.ID)
				}
				if tt.sees(n.ID) != (n.Contact != nil && strings.HasSuffix(n.Contact.Email, ".example.ma")) || tt.sees(n.ID) == forbidden[float64(i)] {
					t.Errorf("%s: contact %+v, forbidden %v", n.ID, n.Contact, forbidden[float64(i)])
				}
			}
		})
	}
}

func TestViewer(t *testing.T) {
	a := newAPI(t, "sqlite")
	c := newCallers(t, a)
	tests := []struct {
		caller    http.Header
		role      string
		exhibitor string
	}{
		{c.anonymous, "ANONYMOUS", ""}, {c.partner, "PARTNER", ""}, {c.organiser, "ORGANISER", ""}, {c.own, "EXHIBITOR", c.ownID},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			r := operation(t, "Viewer", nil)
			r.header = tt.caller
			var got struct {
				Viewer struct {
					Role      string
					Name      *string
					Exhibitor *struct{ ID string }
				}
			}
			a.ok(t, r, &got)
			v := got.Viewer
			if v.Role != tt.role || (v.Name == nil) != (tt.role == "ANONYMOUS") ||
				(tt.exhibitor == "") != (v.Exhibitor == nil) || v.Exhibitor != nil && v.Exhibitor.ID != tt.exhibitor {
				t.Errorf("viewer %+v", v)
			}
		})
	}
}

// TestUnpublished hides unpublished products and exhibitors from anonymous callers and
// partners, and shows them to organisers and to the exhibitor they belong to.
func TestUnpublished(t *testing.T) {
	a := newAPI(t, "sqlite")
	c := newCallers(t, a)
	ctx := auth.System(context.Background())
	hidden, err := a.client.Product.Query().Where(product.ExhibitorID(c.ownID)).Order(product.ByID()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := hidden.Update().SetPublished(false).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.client.Exhibitor.UpdateOneID(c.otherID).SetPublished(false).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	others, err := a.client.Product.Query().Where(product.ExhibitorID(c.otherID)).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := a.client.Product.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const q = `query($p: ID!, $e: ID!) { products { totalCount } exhibitors { totalCount } p: node(id: $p) { id } e: node(id: $e) { id } }`
	tests := []struct {
		who                  string
		caller               http.Header
		products, exhibitors int
		seesProduct, seesExh bool
	}{
		{"anonymous", c.anonymous, all - 1 - others, 170, false, false},
		{"partner", c.partner, all - 1 - others, 170, false, false},
		{"the product's exhibitor", c.own, all - others, 170, true, false},
		{"the hidden exhibitor", c.other, all - 1, 171, false, true},
		{"organiser", c.organiser, all, 171, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			res := a.post(t, request{query: q, variables: map[string]any{"p": hidden.ID, "e": c.otherID}, header: tt.caller})
			var got struct {
				Products, Exhibitors struct{ TotalCount int }
				P, E                 *struct{ ID string }
			}
			json.Unmarshal(res.Data, &got)
			if got.Products.TotalCount != tt.products || got.Exhibitors.TotalCount != tt.exhibitors ||
				(got.P != nil) != tt.seesProduct || (got.E != nil) != tt.seesExh {
				t.Errorf("got %+v (errors %v)", got, res.Errors)
			}
			for _, e := range res.Errors {
				if e.code() != "NOT_FOUND" {
					t.Errorf("a hidden node gave %s, want NOT_FOUND", e.code())
				}
			}
		})
	}
}

func TestUnauthenticated(t *testing.T) {
	a := newAPI(t, "sqlite")
	revoked := a.key(t, auth.Partner, "")
	keys, err := a.keys.List(context.Background())
	if err != nil || len(keys) != 1 {
		t.Fatal(keys, err)
	}
	if err := a.keys.Revoke(context.Background(), keys[0].ID); err != nil {
		t.Fatal(err)
	}
	for name, header := range map[string]string{
		"another scheme":       "Basic dXNlcjpwYXNz",
		"no key":               "Bearer",
		"not a Maarid key":     "Bearer 12345",
		"unknown key":          "Bearer mrd_" + strings.Repeat("A", 43),
		"revoked key":          revoked.Get("Authorization"),
		"key with extra parts": revoked.Get("Authorization") + " x",
	} {
		t.Run(name, func(t *testing.T) {
			res := a.post(t, request{query: `{ viewer { role } }`, header: http.Header{"Authorization": {header}}})
			if res.status != http.StatusUnauthorized || len(res.Errors) != 1 || res.Errors[0].code() != "UNAUTHENTICATED" ||
				res.header.Get("WWW-Authenticate") == "" || res.Data != nil {
				t.Errorf("status %d, errors %v, data %s", res.status, res.Errors, res.Data)
			}
		})
	}
}

// TestKeys checks what the database keeps of a key, and that a key never reaches the log.
func TestKeys(t *testing.T) {
	a := newAPI(t, "sqlite")
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a.handler, _ = routes(a.client, a.keys, a.services(), testConfig(t), log, i18n.AR)
	ctx := context.Background()
	secret, key, err := a.keys.Create(ctx, auth.Partner, "Agence de développement", "")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := a.client.APIKey.Get(auth.System(ctx), key.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.SecretHash) != 32 || bytes.Contains(stored.SecretHash, []byte(secret)) || strings.Contains(stored.String(), secret) {
		t.Errorf("the database keeps more than a hash of the key")
	}
	other := auth.NewKeys(a.client, "", []byte("another pepper, also long enough to pass"))
	if _, err := other.Authenticate(ctx, "Bearer "+secret); err == nil {
		t.Error("a key was accepted under another pepper")
	}
	res := a.post(t, request{query: `{ viewer { role name } }`, header: http.Header{"Authorization": {"Bearer " + secret}}})
	if len(res.Errors) > 0 || !strings.Contains(string(res.Data), "Agence") {
		t.Fatalf("%s %v", res.Data, res.Errors)
	}
	a.post(t, request{query: `{ nope }`, header: http.Header{"Authorization": {"Bearer " + secret}}})
	a.post(t, request{query: `{ viewer { role } }`, header: http.Header{"Authorization": {"Bearer " + secret + "x"}}})
	if logs.Len() == 0 || strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), secret[len(auth.KeyPrefix):]) {
		t.Errorf("the key reached the log:\n%s", logs.String())
	}

	// Errors of the command line's kind.
	if _, _, err := a.keys.Create(ctx, auth.Exhibitor, "no exhibitor", ""); err == nil {
		t.Error("an exhibitor key without its exhibitor")
	}
	if _, _, err := a.keys.Create(ctx, auth.Exhibitor, "unknown", "exh_01CK877C00NP7RZEQ6K743KN3N"); err == nil {
		t.Error("an exhibitor key for no exhibitor")
	}
	if err := a.keys.Revoke(ctx, "key_01CK877C00NP7RZEQ6K743KN3N"); err == nil {
		t.Error("revoking no key")
	}
}

// TestRegistrationsArePrivate checks the policy on personal data at the source: only
// organisers read registrations.
func TestRegistrationsArePrivate(t *testing.T) {
	a := newAPI(t, "sqlite")
	ctx := context.Background()
	s, err := a.client.Session.Query().First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.client.Registration.Create().SetSession(s).SetName("Aicha Ait Ali").SetEmail("aicha@example.ma").
		SetStatus("CONFIRMED").Save(ctx); err != nil {
		t.Fatalf("anyone may ask for a place: %v", err)
	}
	for _, v := range []*auth.Viewer{{Role: auth.Anonymous}, {Role: auth.Partner}, {Role: auth.Exhibitor, ExhibitorID: "exh_x"}} {
		if _, err := a.client.Registration.Query().All(auth.NewContext(ctx, v)); err == nil {
			t.Errorf("%s read registrations", v.Role)
		}
	}
	regs, err := a.client.Registration.Query().All(auth.NewContext(ctx, &auth.Viewer{Role: auth.Organiser}))
	if err != nil || len(regs) != 1 {
		t.Errorf("an organiser reads %d registrations: %v", len(regs), err)
	}
}

// TestSelfServiceValidation checks that bad input to the exhibitor's mutations names the
// field at fault, with BAD_USER_INPUT, and writes nothing.
func TestSelfServiceValidation(t *testing.T) {
	a := newAPI(t, "sqlite")
	c := newCallers(t, a)
	product := func(input map[string]any) map[string]any {
		base := map[string]any{
			"exhibitorID": c.ownID,
			"name":        []map[string]any{{"lang": "FR", "value": "Huile d'argan"}},
			"price":       map[string]any{"minorUnits": 15000},
		}
		for k, v := range input {
			base[k] = v
		}
		return map[string]any{"input": base}
	}
	tests := []struct {
		name  string
		vars  map[string]any
		field string
	}{
		{"no name", product(map[string]any{"name": []map[string]any{}}), "name"},
		{"a blank name", product(map[string]any{"name": []map[string]any{{"lang": "AR", "value": "   "}}}), "name"},
		{"a language twice", product(map[string]any{"name": []map[string]any{{"lang": "FR", "value": "a"}, {"lang": "FR", "value": "b"}}}), "name"},
		{"a name too long", product(map[string]any{"name": []map[string]any{{"lang": "FR", "value": strings.Repeat("miel ", 61)}}}), "name"},
		{"a description too long", product(map[string]any{"description": []map[string]any{{"lang": "AR", "value": strings.Repeat("ع", i18n.MaxTextLength+1)}}}), "description"},
		{"a negative price", product(map[string]any{"price": map[string]any{"minorUnits": -100}}), "price"},
		{"an unknown currency", product(map[string]any{"price": map[string]any{"minorUnits": 100, "currency": "DH"}}), "price"},
		{"an image that is not a URL", product(map[string]any{"imageUrls": []string{"javascript:alert(1)"}}), "imageUrls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot(t, a)
			r := operation(t, "AddProduct", tt.vars)
			r.header = c.own
			res := a.post(t, r)
			if len(res.Errors) != 1 || res.Errors[0].code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != tt.field {
				t.Errorf("errors %+v, want BAD_USER_INPUT on %s", res.Errors, tt.field)
			}
			if snapshot(t, a) != before {
				t.Error("a refused mutation changed the database")
			}
		})
	}
	t.Run("profile", func(t *testing.T) {
		for field, input := range map[string]map[string]any{
			"contact.email":      {"contact": map[string]any{"email": "not an address"}},
			"contact.websiteUrl": {"contact": map[string]any{"websiteUrl": "ftp://example.ma"}},
			"logoUrl":            {"logoUrl": "logo.png"},
			"memberCount":        {"memberCount": -3},
		} {
			r := operation(t, "EditProfile", map[string]any{"id": c.ownID, "input": input})
			r.header = c.own
			res := a.post(t, r)
			if len(res.Errors) != 1 || res.Errors[0].code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != field {
				t.Errorf("%s: errors %+v", field, res.Errors)
			}
		}
	})
	t.Run("a product as the contract writes it", func(t *testing.T) {
		r := operation(t, "AddProduct", product(map[string]any{
			"name": []map[string]any{{"lang": "AR", "value": "زيت الأركان"}, {"lang": "FR", "value": "Huile d'argan"}},
		}))
		r.header = c.own
		var got struct {
			CreateProduct struct {
				ID               string
				Name             string
				NameTranslations []struct{ Lang, Value string }
				Price            struct {
					MinorUnits int
					Currency   string
				}
				Exhibitor struct{ ID string }
			}
		}
		a.ok(t, r, &got)
		p := got.CreateProduct
		if p.Name != "زيت الأركان" || len(p.NameTranslations) != 2 || p.Price.MinorUnits != 15000 || p.Price.Currency != "MAD" || p.Exhibitor.ID != c.ownID {
			t.Errorf("created %+v", p)
		}
	})
}

// TestPartnerPages gives partners larger pages than anonymous callers, as they sync the
// catalogue.
func TestPartnerPages(t *testing.T) {
	a := newAPI(t, "sqlite")
	c := newCallers(t, a)
	r := operation(t, "PartnerSync", map[string]any{"since": "2018-01-01T00:00:00Z"})
	if res := a.post(t, r); res.status != http.StatusBadRequest || len(res.Errors) != 1 || res.Errors[0].code() != "BAD_USER_INPUT" {
		t.Errorf("an anonymous page of 500: %d %v", res.status, res.Errors)
	}
	r.header = c.partner
	var seen []string
	var after any
	var last time.Time
	for {
		r.variables["after"] = after
		var got struct {
			Products struct {
				PageInfo pageInfo
				Edges    []struct {
					Node struct {
						ID        string
						UpdatedAt time.Time
					}
				}
			}
		}
		a.ok(t, r, &got)
		for _, e := range got.Products.Edges {
			if e.Node.UpdatedAt.Before(last) {
				t.Fatalf("%s was updated at %s, before the product before it", e.Node.ID, e.Node.UpdatedAt)
			}
			last = e.Node.UpdatedAt
			seen = append(seen, e.Node.ID)
		}
		if !got.Products.PageInfo.HasNextPage {
			break
		}
		after = *got.Products.PageInfo.EndCursor
	}
	if len(seen) != 739 {
		t.Errorf("a partner synced %d products, want the 739 of the demo fair", len(seen))
	}
	r.variables["first"] = 1001
	if res := a.post(t, r); res.status != http.StatusBadRequest {
		t.Errorf("a partner's page of 1001: %d", res.status)
	}
}

// TestLastUsed records when a key was used, without a write on every call.
func TestLastUsed(t *testing.T) {
	a := newAPI(t, "sqlite")
	header := a.key(t, auth.Partner, "")
	ctx := auth.System(context.Background())
	lastUsed := func() *time.Time {
		t.Helper()
		a.keys.Wait()
		k, err := a.client.APIKey.Query().Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return k.LastUsedAt
	}
	if lastUsed() != nil {
		t.Fatal("a new key was used already")
	}
	a.post(t, request{query: `{ viewer { role } }`, header: header})
	first := lastUsed()
	if first == nil || time.Since(*first) > time.Minute {
		t.Fatalf("last used %v", first)
	}
	a.counter.Reset()
	for range 5 {
		a.post(t, request{query: `{ viewer { role } }`, header: header})
	}
	a.keys.Wait()
	if n := a.counter.Statements(); n != 5 {
		t.Errorf("five calls made %d statements, want one lookup each and no write", n)
	}
	if again := lastUsed(); !again.Equal(*first) {
		t.Errorf("last used moved from %v to %v within a minute", first, again)
	}
}
