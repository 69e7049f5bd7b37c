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
		entgql.WithSchemaHook(localizedFields, visibleOnly, withoutAppends, oneNameOrder, urlNames, opaqueIDs, nonNullLists, enumDescriptions),
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
			gen.FeatureVersionedMigration,
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

// urlNames names every field that holds a URL the one way: logoUrl, not ent's logoURL
// (gqlgen binds logoUrl to the Go field LogoURL all the same).
func urlNames(_ *gen.Graph, s *ast.Schema) error {
	for _, def := range s.Types {
		for _, f := range def.Fields {
			f.Name = strings.ReplaceAll(f.Name, "URL", "Url")
		}
	}
	return nil
}

// opaqueIDs leaves, of the predicates of where inputs on IDs, those that make sense for an
// opaque ID: equality, inequality and lists (idIn, exhibitorIDNotIn…), not idGT or
// exhibitorIDHasSuffix.
func opaqueIDs(_ *gen.Graph, s *ast.Schema) error {
	for name, def := range s.Types {
		if def.Kind != ast.InputObject || !strings.HasSuffix(name, "WhereInput") {
			continue
		}
		def.Fields = slices.DeleteFunc(def.Fields, func(f *ast.FieldDefinition) bool {
			if innerType(f.Type).NamedType != "ID" {
				return false
			}
			_, op, _ := strings.Cut(f.Name, "ID")
			if strings.HasPrefix(f.Name, "id") {
				op = strings.TrimPrefix(f.Name, "id")
			}
			return !slices.Contains([]string{"", "NEQ", "In", "NotIn"}, op)
		})
	}
	return nil
}

// nonNullLists makes the lists of the types non-null: a short list of what a row has (a
// fair's spaces, an exhibitor's stands, a product's pictures) is empty, never null.
func nonNullLists(g *gen.Graph, s *ast.Schema) error {
	for _, node := range g.Nodes {
		def := s.Types[node.Name]
		if def == nil {
			continue
		}
		for _, f := range def.Fields {
			if f.Type.Elem != nil && !f.Type.NonNull {
				f.Type.NonNull = true
			}
		}
	}
	return nil
}

// enumDescriptions gives the values of the GraphQL enums of ent's enum fields the
// descriptions their field's enum annotation (ent/schema/enum.go) has, and those of the
// ordering enums theirs.
func enumDescriptions(g *gen.Graph, s *ast.Schema) error {
	described := map[string]string{}
	for _, node := range g.Nodes {
		for _, f := range node.Fields {
			values, _ := f.Annotations["EnumValues"].([]any)
			for _, v := range values {
				v, _ := v.(map[string]any)
				name, _ := v["Value"].(string)
				desc, _ := v["Description"].(string)
				described[node.Name+"."+f.Name+"."+name] = desc
				described[name+"@"+f.Name] = desc
			}
		}
	}
	orders := map[string]string{
		"CREATED_AT": "By when it was added.",
		"UPDATED_AT": "By when it last changed: what a sync reads from.",
		"POSITION":   "In the order organisers gave.",
		"PRICE":      "By price, in minor units: a fair prices everything in its one currency.",
		"STARTS_AT":  "By start time.",
		"ENDS_AT":    "By end time.",
		"STARTS_ON":  "By first day.",
		"ENDS_ON":    "By last day.",
		"CODE":       "By stand code, as text (A-10 before A-9).",
	}
	for name, def := range s.Types {
		if def.Kind != ast.Enum {
			continue
		}
		for _, v := range def.EnumValues {
			if v.Description != "" {
				continue
			}
			if strings.HasSuffix(name, "OrderField") {
				v.Description = orders[v.Name]
				continue
			}
			for _, node := range g.Nodes {
				for _, f := range node.Fields {
					if f.IsEnum() && enumName(node, f) == name {
						v.Description = described[node.Name+"."+f.Name+"."+v.Name]
					}
				}
			}
		}
	}
	return nil
}

// enumName is the name of the GraphQL enum of an ent enum field: its entgql Type annotation,
// else the type's name and the field's (ExhibitorKind).
func enumName(node *gen.Type, f *gen.Field) string {
	if ann, ok := f.Annotations[entgql.Annotation{}.Name()].(map[string]any); ok {
		if t, ok := ann["Type"].(string); ok && t != "" {
			return t
		}
	}
	return node.Name + f.StructField()
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
