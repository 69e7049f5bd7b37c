package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestGraphQLOverHTTP runs the GraphQL-over-HTTP audit of the graphql-http package (Node.js,
// from npm) against the server: no MUST and no SHOULD check may fail.
func TestGraphQLOverHTTP(t *testing.T) {
	node, dir := nodePackage(t, "graphql-http")
	web := newHTTPServer(t, newAPI(t, "sqlite"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "audit.mjs", web+"/graphql")
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	checks := 0
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		var r struct{ ID, Name, Status, Reason string }
		if err := json.Unmarshal(lines.Bytes(), &r); err != nil {
			t.Fatalf("the audit printed %s", lines.Bytes())
		}
		checks++
		if r.Status != "ok" {
			t.Logf("%s %s: %s (%s)", r.ID, r.Status, r.Name, r.Reason)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("the audit failed a MUST or SHOULD check: %v", err)
	}
	if checks < 50 {
		t.Errorf("the audit made %d checks", checks)
	}
}
