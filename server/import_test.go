package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"maarid/store/storetest"
)

// TestImportSeenAtOnce imports the example files into the database of a running server, from
// a second process as the organisers do, and checks that the server's response cache does not
// answer with the pages it kept from before: on SQLite at the next request, on PostgreSQL
// within the moment its notification takes.
func TestImportSeenAtOnce(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "maarid")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building the server: %v\n%s", err, out)
	}
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind, "--response-cache-mb=8")
			page := operation(t, "ExhibitorPage", map[string]any{"slug": "cooperative-tamount-ait-bouguemez", "lang": "FR"})
			azilal := operation(t, "ExhibitorDirectory", map[string]any{"where": map[string]any{"province": "AZILAL"}, "first": 1})
			type answer struct {
				exhibitors int // on the page of the slug
				products   int // of its exhibitor
				inAzilal   int
				cached     bool
			}
			read := func() answer {
				t.Helper()
				var p struct {
					Exhibitors struct {
						Edges []struct {
							Node struct {
								Name     string
								Products struct{ Edges []json.RawMessage }
							}
						}
					}
				}
				var d struct{ Exhibitors struct{ TotalCount int } }
				res := a.post(t, page)
				if res.status != 200 || len(res.Errors) > 0 || json.Unmarshal(res.Data, &p) != nil {
					t.Fatalf("ExhibitorPage: %d %+v", res.status, res.Errors)
				}
				a.ok(t, azilal, &d)
				x := answer{exhibitors: len(p.Exhibitors.Edges), inAzilal: d.Exhibitors.TotalCount, cached: res.header.Get("X-Cache") == "hit"}
				if x.exhibitors > 0 {
					x.products = len(p.Exhibitors.Edges[0].Node.Products.Edges)
				}
				return x
			}

			before := read()
			if before.exhibitors != 0 || before.inAzilal == 0 {
				t.Fatalf("before the import: %+v", before)
			}
			// On PostgreSQL, the cache forgets what it kept before it listens to the database.
			again := read()
			for deadline := time.Now().Add(10 * time.Second); !again.cached && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
				again = read()
			}
			if again != (answer{0, 0, before.inAzilal, true}) {
				t.Fatalf("the page is not served from the cache: %+v", again)
			}

			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var out bytes.Buffer
			cmd := exec.CommandContext(ctx, bin, "import", "--database", a.dsn,
				"--exhibitors", "../importer/testdata/exhibitors.csv", "--products", "../importer/testdata/products.csv")
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil || !strings.Contains(out.String(), "6 created") {
				t.Fatalf("maarid import: %v\n%s", err, out.String())
			}

			want := answer{exhibitors: 1, products: 2, inAzilal: before.inAzilal + 2}
			after := read()
			if kind == "postgres" {
				// The notification comes a moment after the commit.
				for deadline := time.Now().Add(10 * time.Second); after != want && time.Now().Before(deadline); {
					time.Sleep(10 * time.Millisecond)
					after = read()
				}
			}
			if after != want {
				t.Errorf("after the import: %+v, want %+v", after, want)
			}
			// The new answers are kept in turn.
			if again := read(); !again.cached {
				t.Errorf("the new page is not kept: %+v", again)
			}
		})
	}
}
