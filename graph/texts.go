package graph

import (
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"maarid/i18n"
)

// The translatable texts of an update input are edits (i18n.PatchFromTranslations): the
// languages they name are set or removed, the others kept. An update resolver reads the
// stored row for its edit (forEdit), and replaces each edit by the whole text it makes
// (edit), before the update is saved.

// forEdit locks the row a query reads until its transaction ends, on PostgreSQL, so that two
// edits of one text made at once both count; SQLite's write transactions hold the database
// already.
func forEdit(s *sql.Selector) {
	if s.Dialect() == dialect.Postgres {
		s.ForUpdate()
	}
}

// edit replaces the edit of a text in an update input by the whole text it makes of stored;
// a text the input leaves out stays out.
func edit(text *i18n.Text, stored i18n.Text) {
	if *text != nil {
		*text = stored.Patched(*text)
	}
}
