package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"maarid/demo"
	"maarid/ent/exhibitor"
	"maarid/webhooks"
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

// TestReadmeVerifiesSignatures runs the README's Node.js function that verifies a webhook's
// signature on deliveries signed as Maarid signs them: a true one passes, and one whose body,
// secret or time is not the signature's does not.
func TestReadmeVerifiesSignatures(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node: install Node.js to run the README's example")
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```js\n")
	block, _, _ = strings.Cut(block, "```")
	if !ok || !strings.Contains(block, "function verify") {
		t.Fatal("the README has no js block with the function verify")
	}
	program := block + `
const [secret, header, body, now] = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(verify(secret, header, Buffer.from(body, "utf8"), now)));
`
	const secret = "whsec_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
	body := []byte(`{"event":"CATALOGUE_CHANGED","cursor":"1104","kind":"DELETED","entity":"PRODUCT","entityID":"prd_01CK877CBDSQ9YTMRYBTY5QC2T","label":"زيت الزيتون"}`)
	signedAt := time.Unix(1532512800, 0) // 25 July 2018, 10:00 in Azilal
	header := webhooks.Sign(secret, signedAt, body)
	for _, tt := range []struct {
		name                 string
		secret, header, body string
		now                  int64
		want                 bool
	}{
		{"as signed", secret, header, string(body), signedAt.Unix() + 2, true},
		{"another body", secret, header, strings.Replace(string(body), "DELETED", "CREATED", 1), signedAt.Unix(), false},
		{"another secret", "whsec_other", header, string(body), signedAt.Unix(), false},
		{"an hour later", secret, header, string(body), signedAt.Unix() + 3600, false},
		{"no signature", secret, "t=1532512800", string(body), signedAt.Unix(), false},
	} {
		in, _ := json.Marshal([]any{tt.secret, tt.header, tt.body, tt.now})
		cmd := exec.Command(node, "-e", program)
		cmd.Stdin = bytes.NewReader(in)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: node: %v\n%s", tt.name, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != strconv.FormatBool(tt.want) {
			t.Errorf("%s: verify says %s, want %v", tt.name, got, tt.want)
		}
	}
}
