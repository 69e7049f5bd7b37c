package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"maarid/graph"
)

// handWritten reports whether def comes from a file of schema/ written by hand, not from
// entgql's ent.graphql.
func handWritten(pos *ast.Position) bool {
	return pos != nil && pos.Src != nil && !strings.HasSuffix(pos.Src.Name, "ent.graphql")
}

// builtIn reports whether a definition is GraphQL's own (introspection, scalars, directives).
func builtIn(pos *ast.Position) bool {
	return pos == nil || pos.Src == nil || pos.Src.BuiltIn
}

// TestSchemaIsDescribed requires a description on every type, field, argument and enum value
// written by hand, and on every enum value of the schema.
func TestSchemaIsDescribed(t *testing.T) {
	s := graph.NewExecutableSchema(graph.Config{}).Schema()
	var missing []string
	for name, def := range s.Types {
		if builtIn(def.Position) {
			continue
		}
		own := handWritten(def.Position)
		if own && def.Description == "" && !slices.Contains([]string{"Query", "Mutation", "Subscription"}, name) {
			missing = append(missing, name)
		}
		for _, v := range def.EnumValues {
			if v.Description == "" {
				missing = append(missing, name+"."+v.Name)
			}
		}
		for _, f := range def.Fields {
			if !handWritten(f.Position) {
				continue
			}
			if f.Description == "" {
				missing = append(missing, name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if a.Description == "" {
					missing = append(missing, fmt.Sprintf("%s.%s(%s)", name, f.Name, a.Name))
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d without a description:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// TestSchemaNames requires one naming convention: every field that holds a URL ends in Url
// (or Urls), and no where input offers on an ID more than equality and lists.
func TestSchemaNames(t *testing.T) {
	s := graph.NewExecutableSchema(graph.Config{}).Schema()
	url := regexp.MustCompile(`(?i)(url|website|link|href|logo|photo|image)`)
	ordered := regexp.MustCompile(`(GT|GTE|LT|LTE|Contains|ContainsFold|HasPrefix|HasSuffix|EqualFold)$`)
	var wrong []string
	for name, def := range s.Types {
		if builtIn(def.Position) {
			continue
		}
		for _, f := range def.Fields {
			if f.Directives.ForName("deprecated") != nil {
				continue
			}
			if url.MatchString(f.Name) && !strings.HasSuffix(f.Name, "Url") && !strings.HasSuffix(f.Name, "Urls") && f.Name != "url" {
				wrong = append(wrong, name+"."+f.Name+": a URL's name ends in Url")
			}
			if def.Kind == ast.InputObject && strings.HasSuffix(name, "WhereInput") && f.Type.Name() == "ID" && ordered.MatchString(f.Name) {
				wrong = append(wrong, name+"."+f.Name+": an ID is opaque, compared for equality only")
			}
		}
	}
	sort.Strings(wrong)
	if len(wrong) > 0 {
		t.Errorf("%d names break the convention:\n%s", len(wrong), strings.Join(wrong, "\n"))
	}
}

// TestIntrospectionShowsNoGoDirectives reads the directives a client sees: GraphQL's own, not
// those that configure Maarid's code.
func TestIntrospectionShowsNoGoDirectives(t *testing.T) {
	srv := handler.New(graph.NewSchema(nil, graph.Services{}))
	srv.AddTransport(transport.POST{})
	srv.Use(extension.Introspection{})
	body := `{"query": "{ __schema { directives { name } } }"}`
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	var res struct {
		Data struct {
			Schema struct{ Directives []struct{ Name string } } `json:"__schema"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range res.Data.Schema.Directives {
		names = append(names, d.Name)
	}
	if !slices.Contains(names, "include") || !slices.Contains(names, "deprecated") {
		t.Fatalf("directives %v: GraphQL's own are missing", names)
	}
	for _, n := range names {
		if strings.HasPrefix(n, "go") || n == "visibleOnly" || n == "cursor" {
			t.Errorf("introspection shows @%s", n)
		}
	}
}
