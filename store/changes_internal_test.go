package store

import "testing"

// TestStatementTables reads the tables a statement names, and whether it writes them, from
// statements as ent and Maarid write them on both stores.
func TestStatementTables(t *testing.T) {
	c := newChanges(false)
	tables := func(names ...string) Tables {
		var out Tables
		for _, n := range names {
			bit, ok := c.bit[n]
			if !ok {
				t.Fatalf("no table %q", n)
			}
			out |= 1 << bit
		}
		return out
	}
	for _, tc := range []struct {
		statement string
		tables    Tables
		writes    bool
	}{
		{"SELECT `products`.`id` FROM `products` JOIN `exhibitors` AS `t1` ON `products`.`exhibitor_id` = `t1`.`id`", tables("products", "exhibitors"), false},
		{`SELECT "sessions"."id" FROM "sessions" WHERE "sessions"."space_id" IN (SELECT "spaces"."id" FROM "spaces")`, tables("sessions", "spaces"), false},
		{"WITH `t` AS (SELECT `product_id` FROM `products`) SELECT * FROM `t`", tables("products"), false},
		{"  (SELECT count(*) FROM search_fts WHERE search_fts MATCH ?)", tables("search_fts"), false},
		{"SELECT * FROM `session_speakers`", tables("session_speakers"), false}, // not the speakers
		{"SELECT `speaker_id` FROM `session_speakers` JOIN `speakers` ON 1", tables("session_speakers", "speakers"), false},
		{"INSERT INTO `products` (`id`, `name`) VALUES (?, ?)", tables("products"), true},
		{`INSERT INTO "registrations" ("id") VALUES ($1) RETURNING "id"`, tables("registrations"), true},
		{`UPDATE "sessions" SET "seats_left" = "seats_left" - 1 WHERE "id" = $1`, tables("sessions"), true},
		{"DELETE FROM search_ids WHERE id = ?", tables("search_ids"), true},
		{"WITH `gone` AS (SELECT 1) DELETE FROM `stands`", tables("stands"), true},
		{"SELECT pg_notify($1, $2)", 0, false},
		{"SELECT products_count FROM somewhere_else", 0, false},
	} {
		if got := c.in(tc.statement); got != tc.tables {
			t.Errorf("%s: tables %s, want %s", tc.statement, c.names(got), c.names(tc.tables))
		}
		if got := writes(tc.statement); got != tc.writes {
			t.Errorf("%s: writes %v", tc.statement, got)
		}
	}
}
