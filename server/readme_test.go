package main

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"maarid/demo"
	"maarid/ent/exhibitor"
)

// TestReadmeQuery runs the first query of the README on the demo fair.
func TestReadmeQuery(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, found := strings.Cut(string(readme), "```graphql\n")
	query, _, closed := strings.Cut(rest, "```")
	if !found || !closed {
		t.Fatal("the README has no graphql block")
	}
	a := newAPI(t, "sqlite")
	var got struct {
		Fairs    struct{ Edges []json.RawMessage }
		Products struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Name      string
					Price     struct{ Formatted string }
					Exhibitor struct{ Stands []struct{ Code string } }
				}
			}
		}
	}
	a.ok(t, request{query: query, header: acceptLanguage("fr")}, &got)
	if len(got.Fairs.Edges) != 1 || got.Products.TotalCount == 0 || len(got.Products.Edges) == 0 {
		t.Fatalf("the README's query finds %d fairs and %d honeys", len(got.Fairs.Edges), got.Products.TotalCount)
	}
	if p := got.Products.Edges[0].Node; !strings.Contains(p.Price.Formatted, "درهم") || len(p.Exhibitor.Stands) == 0 {
		t.Errorf("first honey: %+v", p)
	}
	showcase, err := a.client.Exhibitor.Query().Where(exhibitor.Slug(demo.ShowcaseExhibitorSlug)).OnlyID(context.Background())
	if err != nil || !strings.Contains(string(readme), "--exhibitor "+showcase) {
		t.Errorf("the README's exhibitor key is not for the demo exhibitor %s (%v)", showcase, err)
	}
}

// TestReadmeConfiguration checks that the README's table of settings has every flag.
func TestReadmeConfiguration(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var usage strings.Builder
	parseConfig([]string{"-h"}, func(string) string { return "" }, &usage)
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(usage.String(), -1)
	if len(flags) < 10 {
		t.Fatalf("only %d flags in the usage:\n%s", len(flags), usage.String())
	}
	for _, f := range flags {
		if row := "| `--" + f[1] + "` | `" + envName(f[1]) + "` |"; !strings.Contains(string(readme), row) {
			t.Errorf("the README has no row %s", row)
		}
	}
}

// TestReadmeKeyCommands checks that the commands the start-up banner and the keys usage name
// are the README's.
func TestReadmeKeyCommands(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, "sqlite")
	var banner strings.Builder
	if err := demoKeys(context.Background(), a.client, a.keys, &banner); err != nil {
		t.Fatal(err)
	}
	commands := regexp.MustCompile(`go run \./server keys [a-z]+`)
	for _, text := range []string{banner.String(), keysUsage} {
		found := commands.FindAllString(text, -1)
		if len(found) == 0 {
			t.Errorf("no command in %q", text)
		}
		for _, c := range found {
			if !strings.Contains(string(readme), c) {
				t.Errorf("the README does not say %q", c)
			}
		}
	}
}
