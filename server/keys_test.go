package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"maarid/auth"
	"maarid/demo"
	"maarid/ent/exhibitor"
	"maarid/store"
)

// TestKeysCommand runs `maarid keys create`, `list` and `revoke` on a database, and checks
// that a key made there is accepted by a server on it until it is revoked.
func TestKeysCommand(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "maarid.db")
	client, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if _, err := demo.Seed(ctx, client); err != nil {
		t.Fatal(err)
	}
	showcase, err := client.Exhibitor.Query().Where(exhibitor.Slug(demo.ShowcaseExhibitorSlug)).OnlyID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	env := func(k string) string { return map[string]string{"MAARID_DATABASE_URL": dsn}[k] }
	keys := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"keys"}, args...), env, &out, nil)
		return out.String(), err
	}

	out, err := keys("create", "--role", "exhibitor", "--name", "Tifawin", "--exhibitor", showcase)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	secret := regexp.MustCompile(`mrd_[A-Za-z0-9_-]{43}`).FindString(out)
	id := regexp.MustCompile(`key_[0-9A-Z]{26}`).FindString(out)
	if secret == "" || id == "" {
		t.Fatalf("no key in:\n%s", out)
	}
	pepper, err := auth.LoadPepper("", dsn+".pepper")
	if err != nil {
		t.Fatal(err)
	}
	server := auth.NewKeys(client, dsn, pepper)
	if v, err := server.Authenticate(ctx, "Bearer "+secret); err != nil || v.Role != auth.Exhibitor {
		t.Fatalf("the new key: %+v, %v", v, err)
	}

	out, err = keys("list")
	if err != nil || !strings.Contains(out, id) || !strings.Contains(out, "EXHIBITOR") || strings.Contains(out, secret) {
		t.Errorf("list: %v\n%s", err, out)
	}
	if out, err := keys("revoke", id); err != nil || !strings.Contains(out, "Revoked") {
		t.Errorf("revoke: %v\n%s", err, out)
	}
	if _, err := server.Authenticate(ctx, "Bearer "+secret); err == nil {
		t.Error("a revoked key is still accepted")
	}
	for _, bad := range [][]string{
		{}, {"make"}, {"create", "--role", "visitor", "--name", "x"}, {"create", "--role", "partner"},
		{"create", "--role", "exhibitor", "--name", "x"}, {"revoke"}, {"revoke", id},
	} {
		if out, err := keys(bad...); err == nil {
			t.Errorf("keys %v succeeded:\n%s", bad, out)
		}
	}
}
