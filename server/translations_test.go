package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"testing"

	"maarid/auth"
	"maarid/i18n"
	"maarid/store/storetest"
)

// TestTranslationsAreEdited edits every translatable text of the update inputs, on both
// stores: the languages an update names are set, or removed with null or an empty value; the
// others stay; a name or a title keeps at least one language; creation takes the list as the
// text.
func TestTranslationsAreEdited(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) { testTranslationsAreEdited(t, newAPI(t, kind)) })
	}
}

func testTranslationsAreEdited(t *testing.T, a *api) {
	{
		organiser := a.key(t, auth.Organiser, "")
		ctx := auth.System(context.Background())
		product, err := a.client.Product.Query().First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		exhibitor, err := a.client.Exhibitor.Query().First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		session, err := a.client.Session.Query().First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			mutation, id, typ string
			fields            []string
			required          string
		}{
			{"updateProduct(id: $id, input: $input) { id }", product.ID, "Product", []string{"name", "description", "unit"}, "name"},
			{"updateExhibitor(id: $id, input: $input) { id }", exhibitor.ID, "Exhibitor", []string{"name", "description", "commune"}, "name"},
			{"updateSession(id: $id, input: $input) { id }", session.ID, "Session", []string{"title", "description", "audience"}, "title"},
		} {
			update := func(field string, translations []map[string]any) response {
				return a.as(t, organiser, fmt.Sprintf("mutation($id: ID!, $input: Update%sInput!) { %s }", tc.typ, tc.mutation),
					map[string]any{"id": tc.id, "input": map[string]any{field: translations}})
			}
			read := func(field string) map[string]string {
				var got struct {
					Node map[string][]struct{ Lang, Value string }
				}
				a.ok(t, request{header: organiser, variables: map[string]any{"id": tc.id},
					query: fmt.Sprintf("query($id: ID!) { node(id: $id) { ... on %s { %sTranslations { lang value } } } }", tc.typ, field)}, &got)
				out := map[string]string{}
				for _, tr := range got.Node[field+"Translations"] {
					out[tr.Lang] = tr.Value
				}
				return out
			}
			for _, field := range tc.fields {
				name := tc.typ + "." + field
				// Three languages set, whatever the text had; Tamazight, if it had some, stays.
				want := read(field)
				three := []map[string]any{{"lang": "AR", "value": "نص " + field}, {"lang": "FR", "value": "texte " + field}, {"lang": "EN", "value": "text " + field}}
				if res := update(field, three); len(res.Errors) > 0 {
					t.Fatalf("%s: %+v", name, res.Errors)
				}
				want["AR"], want["FR"], want["EN"] = "نص "+field, "texte "+field, "text "+field
				if got := read(field); !maps.Equal(got, want) {
					t.Fatalf("%s after setting three languages: %v, want %v", name, got, want)
				}
				// French alone is corrected: Arabic and English stay.
				update(field, []map[string]any{{"lang": "FR", "value": "texte corrigé"}})
				want["FR"] = "texte corrigé"
				if got := read(field); !maps.Equal(got, want) {
					t.Errorf("%s after correcting French: %v, want %v", name, got, want)
				}
				// English is removed with null, Tamazight added, in one edit.
				update(field, []map[string]any{{"lang": "EN", "value": nil}, {"lang": "ZGH", "value": "ⴰⴹⵔⵉⵙ"}})
				delete(want, "EN")
				want["ZGH"] = "ⴰⴹⵔⵉⵙ"
				if got := read(field); !maps.Equal(got, want) {
					t.Errorf("%s after removing English: %v, want %v", name, got, want)
				}
				// An empty value removes too; an empty list changes nothing.
				update(field, []map[string]any{{"lang": "ZGH", "value": ""}})
				delete(want, "ZGH")
				update(field, []map[string]any{})
				if got := read(field); !maps.Equal(got, want) {
					t.Errorf("%s after removing Tamazight: %v, want %v", name, got, want)
				}
				// Removing every language of a name or a title is refused, and changes nothing.
				var all []map[string]any
				for lang := range want {
					all = append(all, map[string]any{"lang": lang, "value": nil})
				}
				res := update(field, all)
				if field == tc.required {
					if len(res.Errors) != 1 || res.Errors[0].code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != field {
						t.Errorf("%s: removing every language: %+v", name, res.Errors)
					}
					if got := read(field); !maps.Equal(got, want) {
						t.Errorf("%s after a refused removal: %v, want %v", name, got, want)
					}
				} else if len(res.Errors) > 0 || len(read(field)) != 0 {
					t.Errorf("%s: removing every language of an optional text: %+v %v", name, res.Errors, read(field))
				}
			}
		}
		// Creation takes the list as the text: a null value is no translation.
		var created struct {
			CreateProduct struct {
				NameTranslations []struct{ Lang, Value string }
			}
		}
		a.ok(t, request{header: organiser, variables: map[string]any{"input": map[string]any{
			"exhibitorID": exhibitor.ID, "name": []map[string]any{{"lang": "AR", "value": "عسل"}, {"lang": "FR", "value": nil}},
			"price": map[string]any{"minorUnits": 1000, "currency": "MAD"},
		}}, query: "mutation($input: CreateProductInput!) { createProduct(input: $input) { nameTranslations { lang value } } }"}, &created)
		if got, _ := json.Marshal(created.CreateProduct.NameTranslations); string(got) != `[{"Lang":"AR","Value":"عسل"}]` {
			t.Errorf("created with %s", got)
		}
	}
}

// TestTextPatched checks the edit of a text on its own.
func TestTextPatched(t *testing.T) {
	stored := i18n.Text{i18n.AR: "عسل", i18n.FR: "miel", i18n.EN: "honey"}
	patch, err := i18n.PatchFromTranslations("name", []*i18n.Translation{{Lang: i18n.FR, Value: "miel de thym"}, {Lang: i18n.EN, Value: " "}})
	if err != nil {
		t.Fatal(err)
	}
	if got := stored.Patched(patch); !maps.Equal(got, i18n.Text{i18n.AR: "عسل", i18n.FR: "miel de thym"}) {
		t.Errorf("patched: %v", got)
	}
	if stored[i18n.EN] != "honey" {
		t.Error("the stored text was changed in place")
	}
	if _, err := i18n.PatchFromTranslations("name", []*i18n.Translation{{Lang: i18n.FR, Value: "a"}, {Lang: i18n.FR}}); err == nil {
		t.Error("two French translations accepted")
	}
}
