package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"maarid/auth"
)

// TestFeedWithTheProtocolsClient follows the programme feed with graphql-ws, the
// graphql-transport-ws protocol's own client (in Node.js, from npm): the replay from a cursor,
// then live changes, each once and in order — what the programme screen's own small client
// does in the browser test.
func TestFeedWithTheProtocolsClient(t *testing.T) {
	node, dir := nodePackage(t, "graphql-ws")
	a := newAPI(t, "sqlite")
	web := newHTTPServer(t, a)
	x, _ := a.twoSessions(t)
	organiser := a.key(t, auth.Organiser, "")
	change := func(op string) {
		r := operation(t, op, map[string]any{"id": x.ID})
		r.header = organiser
		a.ok(t, r, &struct{}{})
	}
	change("CancelSession")
	change("RestoreSession")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "follow.mjs", "ws"+strings.TrimPrefix(web, "http")+"/graphql", "1", "3",
		operation(t, "ScreenFeed", nil).query)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	var got []string
	next := func() {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("the client stopped after %v: %v", got, lines.Err())
		}
		var c struct {
			Cursor, Kind string
			Errors       []any
			Session      struct{ ID string }
		}
		if err := json.Unmarshal(lines.Bytes(), &c); err != nil || c.Errors != nil || c.Session.ID != x.ID {
			t.Fatalf("the client printed %s", lines.Bytes())
		}
		got = append(got, c.Cursor+" "+c.Kind)
	}
	next() // the replay: change 2
	change("CancelSession")
	change("RestoreSession")
	next()
	next()
	if err := cmd.Wait(); err != nil {
		t.Errorf("the client: %v", err)
	}
	equalStrings(t, "changes", got, []string{"2 RESTORED", "3 CANCELLED", "4 RESTORED"})
}

// nodePackage returns Node.js and the folder of testdata that holds the npm package of a test,
// its locked dependencies installed.
func nodePackage(t *testing.T, name string) (node, dir string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node: install Node.js to run " + name)
	}
	dir = filepath.Join("testdata", name)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", name)); err != nil {
		install := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		install.Dir = dir
		if out, err := install.CombinedOutput(); err != nil {
			t.Fatalf("npm ci: %v\n%s", err, out)
		}
	}
	return node, dir
}
