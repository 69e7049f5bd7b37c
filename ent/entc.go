//go:build ignore

// Command entc generates the ent client from ent/schema and entgql's part of the GraphQL
// schema. `go generate ./...` runs it from the module root (see generate.go), so the relative
// paths below start there.
package main

import (
	"log"
	"reflect"

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
		entgql.WithSchemaHook(localizedFields),
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
		},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// localizedFields gives the two GraphQL fields of every localized ent field (an i18n.Text,
// mapped to `name` and `nameTranslations` by its MapsTo annotation) their shape:
//
//	name(lang: Language): String              the text for one reader, with the fallback chain
//	nameTranslations: [Translation!]!         every translation, for editors
//
// Both are resolved by hand in package graph.
func localizedFields(g *gen.Graph, s *ast.Schema) error {
	text := reflect.TypeFor[i18n.Text]()
	for _, node := range g.Nodes {
		def := s.Types[node.Name]
		if def == nil {
			continue
		}
		for _, f := range node.Fields {
			if f.Type.RType == nil || f.Type.RType.PkgPath != text.PkgPath() || f.Type.RType.Name != text.Name() {
				continue
			}
			if value := def.Fields.ForName(f.Name); value != nil {
				value.Arguments = ast.ArgumentDefinitionList{{
					Name:        "lang",
					Type:        ast.NamedType("Language", nil),
					Description: "The language wanted; without it, the request's (Accept-Language).",
				}}
				value.Type = ast.NamedType("String", nil)
				value.Directives = ast.DirectiveList{forceResolver()}
			}
			if translations := def.Fields.ForName(f.Name + "Translations"); translations != nil {
				translations.Type = ast.NonNullListType(ast.NonNullNamedType("Translation", nil), nil)
				translations.Directives = ast.DirectiveList{forceResolver()}
			}
		}
	}
	return nil
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
