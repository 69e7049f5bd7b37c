//go:build ignore

// Command entc generates the ent client from ent/schema and entgql's part of the GraphQL
// schema. `go generate ./...` runs it from the module root (see generate.go), so the relative
// paths below start there.
package main

import (
	"log"
	"reflect"
	"slices"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"

	"maarid/i18n"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./schema/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
		entgql.WithSchemaHook(localizedFields, visibleOnly, withoutAppends, oneNameOrder),
	)
	if err != nil {
		log.Fatalf("creating the entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureIntercept,
			gen.FeatureNamedEdges,
			gen.FeatureLock,
			gen.FeatureUpsert,
			gen.FeatureExecQuery,
			gen.FeatureModifier,
		},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// oneNameOrder leaves NAME the one ordering by name: the orderings by the name's key in
// each language (NAME_IN_FR…) are what NAME becomes for a reader of that language
// (ent/order.go), not values a client sends. NAME's description says so.
func oneNameOrder(_ *gen.Graph, s *ast.Schema) error {
	for _, def := range s.Types {
		if def.Kind != ast.Enum || !strings.HasSuffix(def.Name, "OrderField") {
			continue
		}
		values := def.EnumValues[:0]
		for _, v := range def.EnumValues {
			if strings.HasPrefix(v.Name, "NAME_IN_") {
				continue
			}
			if v.Name == "NAME" {
				v.Description = "By name, in the order of the reader's language: the order's lang, else the request's (Accept-Language), else the fair's default."
			}
			values = append(values, v)
		}
		def.EnumValues = values
	}
	return nil
}

// inputTypes names the input type of every output type that ent fields carry in mutation
// inputs.
var inputTypes = map[string]string{"Money": "MoneyInput", "ExhibitorContact": "ExhibitorContactInput"}

// localizedFields gives the GraphQL fields of every localized ent field (an i18n.Text,
// mapped to `name` and `nameTranslations` by its MapsTo annotation) their shape, resolved by
// hand in package graph:
//
//	name(lang: Language): String              the text for one reader, with the fallback chain
//	nameTranslations: [Translation!]!         every translation, for editors
//	name: [TranslationInput!]                 in mutation inputs: all the translations to keep
//
// It also gives mutation inputs the input types of the fields they set (inputTypes).
func localizedFields(g *gen.Graph, s *ast.Schema) error {
	text := reflect.TypeFor[i18n.Text]()
	for _, node := range g.Nodes {
		var localized []string
		for _, f := range node.Fields {
			if f.Type.RType != nil && f.Type.RType.PkgPath == text.PkgPath() && f.Type.RType.Name == text.Name() {
				localized = append(localized, f.Name)
			}
		}
		if def := s.Types[node.Name]; def != nil {
			for _, name := range localized {
				if value := def.Fields.ForName(name); value != nil {
					value.Arguments = ast.ArgumentDefinitionList{{
						Name:        "lang",
						Type:        ast.NamedType("Language", nil),
						Description: "The language wanted; without it, the request's (Accept-Language).",
					}}
					value.Type = ast.NamedType("String", nil)
					value.Directives = ast.DirectiveList{forceResolver()}
				}
				if translations := def.Fields.ForName(name + "Translations"); translations != nil {
					translations.Type = ast.NonNullListType(ast.NonNullNamedType("Translation", nil), nil)
					translations.Directives = ast.DirectiveList{forceResolver()}
				}
			}
		}
		descriptions := map[string]string{
			"Create" + node.Name + "Input": "The text, a translation for each language it has.",
			"Update" + node.Name + "Input": "An edit of the text: the languages named are set, or removed with a null value; the others stay.",
		}
		for _, input := range []string{"Create" + node.Name + "Input", "Update" + node.Name + "Input"} {
			def := s.Types[input]
			if def == nil {
				continue
			}
			for _, f := range def.Fields {
				if in, ok := inputTypes[innerType(f.Type).NamedType]; ok {
					innerType(f.Type).NamedType = in
				}
				for _, name := range localized {
					if f.Name == name {
						f.Type = ast.ListType(ast.NonNullNamedType("TranslationInput", nil), nil)
						f.Description = descriptions[input]
						f.Directives = ast.DirectiveList{forceResolver()}
					}
				}
			}
		}
	}
	return nil
}

// visibleOnly puts @visibleOnly on every where input: its filters across edges (has…,
// has…With) match only the rows the caller may see, as the query they filter does. The
// directive is defined in schema/auth.graphql and implemented in package graph; ent's privacy
// policies filter what a query returns, not the subqueries of its predicates.
func visibleOnly(_ *gen.Graph, s *ast.Schema) error {
	for name, def := range s.Types {
		if def.Kind == ast.InputObject && strings.HasSuffix(name, "WhereInput") {
			def.Directives = append(def.Directives, &ast.Directive{Name: "visibleOnly", Location: ast.LocationInputObject})
		}
	}
	return nil
}

// withoutAppends takes the append… fields (appendLabels…) out of the update inputs: entgql
// v0.7.0 appends the value of the field that sets the list instead of theirs, so that they do
// nothing, or append the new list to itself (ent/contrib#639). A list is changed by setting it
// whole.
func withoutAppends(_ *gen.Graph, s *ast.Schema) error {
	for name, def := range s.Types {
		if def.Kind != ast.InputObject || !strings.HasPrefix(name, "Update") {
			continue
		}
		def.Fields = slices.DeleteFunc(def.Fields, func(f *ast.FieldDefinition) bool {
			return strings.HasPrefix(f.Name, "append")
		})
	}
	return nil
}

// innerType is the named type inside a type's list and non-null wrappers.
func innerType(t *ast.Type) *ast.Type {
	for t.Elem != nil {
		t = t.Elem
	}
	return t
}

func forceResolver() *ast.Directive {
	return &ast.Directive{
		Name: "goField",
		Arguments: ast.ArgumentList{{
			Name:  "forceResolver",
			Value: &ast.Value{Kind: ast.BooleanValue, Raw: "true"},
		}},
	}
}
