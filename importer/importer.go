// Package importer loads the organisers' spreadsheets of exhibitors and products into the
// database: CSV files as spreadsheets export them, in Arabic and French (the README's
// "Importing spreadsheets" lists their columns). Every row is checked before anything is kept — by the rules of the
// schema itself, whose hooks and validators run on the import's writes — and one problem
// anywhere leaves the database as it was, with every problem of every file reported.
//
// Each row carries the organisers' reference (ref): importing a file again updates the rows it
// made, changing only what changed, and leaves the others untouched.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/store"
)

// File is a CSV file to import: its name, for the report, and its content.
type File struct {
	Name string
	Data io.Reader
}

// Request is one import: an exhibitors file, a products file, or both — the exhibitors are
// imported first, so that the products may name them.
type Request struct {
	Exhibitors, Products *File
	// DryRun checks the files against the database and writes nothing.
	DryRun bool
}

// Counts is what an import did with the rows of one file.
type Counts struct {
	Created, Updated, Unchanged int
}

func (c Counts) String() string {
	return fmt.Sprintf("%d created, %d updated, %d unchanged", c.Created, c.Updated, c.Unchanged)
}

// Summary is what an import did, file by file.
type Summary struct {
	Exhibitors, Products Counts
}

// Run imports the files of r into client's database, in one transaction, with the rights of
// the system: the schema's hooks (sort keys, search index, listed flags) and validators run
// on every write. When any row has a problem it writes nothing and returns Problems: every
// problem of every file. When it writes, the servers running on the database learn of it at
// once (store.Announce).
func Run(ctx context.Context, client *ent.Client, r Request) (Summary, error) {
	if r.Exhibitors == nil && r.Products == nil {
		return Summary{}, errors.New("nothing to import: give an exhibitors file, a products file, or both")
	}
	j := &job{p: &problems{}}
	var files []string
	var exhibitors, products *sheet
	if r.Exhibitors != nil {
		files = append(files, r.Exhibitors.Name)
		exhibitors = readSheet(r.Exhibitors.Name, r.Exhibitors.Data, exhibitorColumns, j.p)
	}
	if r.Products != nil {
		files = append(files, r.Products.Name)
		products = readSheet(r.Products.Name, r.Products.Data, productColumns, j.p)
	}
	j.exhibitorsUnread = r.Exhibitors != nil && exhibitors == nil

	ctx = auth.System(ctx)
	tx, err := client.Tx(ctx)
	if err != nil {
		return Summary{}, err
	}
	j.tx = tx
	committed := false
	defer func() {
		if !committed {
			tx.Rollback()
		}
	}()
	if err := tx.RawExec(ctx, refsTable); err != nil {
		return Summary{}, fmt.Errorf("creating the table of references: %w", err)
	}
	if exhibitors != nil {
		if err := j.importExhibitors(ctx, exhibitors); err != nil {
			return Summary{}, err
		}
	}
	if products != nil {
		if err := j.importProducts(ctx, products); err != nil {
			return Summary{}, err
		}
	}
	if len(j.p.list) > 0 {
		return Summary{}, j.p.sorted(files...)
	}
	if r.DryRun {
		return j.summary, nil
	}
	if err := store.Announce(ctx, tx); err != nil {
		return Summary{}, err
	}
	if err := tx.Commit(); err != nil {
		return Summary{}, fmt.Errorf("saving the import: %w", err)
	}
	committed = true
	return j.summary, nil
}

// job is one import under way.
type job struct {
	tx      *ent.Tx
	p       *problems
	summary Summary
	// exhibitors are the IDs of the exhibitors of this import's exhibitors file, by reference;
	// refused are the references of its rows that have problems.
	exhibitors map[string]string
	refused    map[string]bool
	// exhibitorsUnread is set when the exhibitors file could not be read: it names no
	// exhibitor, and the products of those it would have named are not reported for it —
	// its own problems are enough.
	exhibitorsUnread bool
}

// refusedRow records a write of a row that the schema refused as a problem of the row, in
// the column that the refused field comes from (columns maps fields, in ent's and in
// GraphQL's names, to columns), and reports true. Any other error — of the database itself —
// is not the row's: it ends the import.
func (j *job) refusedRow(s *sheet, r row, columns map[string]string, err error) bool {
	if e, ok := maarid.AsError(err); ok {
		j.p.add(s.name, r.number, column(columns, e.Field), "%s", e.Message)
		return true
	}
	var v *ent.ValidationError
	if errors.As(err, &v) {
		j.p.add(s.name, r.number, column(columns, v.Name), "%v", v.Unwrap())
		return true
	}
	return false
}

// failed is the error that ends an import at a row.
func failed(s *sheet, r row, err error) error {
	return fmt.Errorf("%s, row %d: %w", s.name, r.number, err)
}

// fieldColumns returns fixed with the localized fields of texts mapped to their columns in s.
func fieldColumns(s *sheet, fixed map[string]string, texts ...string) map[string]string {
	out := maps.Clone(fixed)
	for _, field := range texts {
		out[field] = textColumns(s, field)
	}
	return out
}

// reason is the message of a problem the schema found: what a maarid.Error says, without the
// field, which the report names as a column.
func reason(err error) string {
	if e, ok := maarid.AsError(err); ok {
		return e.Message
	}
	return err.Error()
}

// column returns the column a field comes from: columns[field], or the field itself.
func column(columns map[string]string, field string) string {
	if c, ok := columns[field]; ok {
		return c
	}
	return field
}

// textColumns names the columns of a localized field that a sheet has, for a problem with the
// field as a whole.
func textColumns(s *sheet, field string) string {
	var present []string
	for _, c := range localizedColumns(field) {
		if s.has(c) {
			present = append(present, c)
		}
	}
	if len(present) == 0 {
		return field + "_ar"
	}
	return strings.Join(present, "/")
}

// refOf reads the reference of a row: required, and printable.
func refOf(s *sheet, r row, p *problems) (string, bool) {
	ref := s.cell(r, "ref")
	switch {
	case ref == "":
		p.add(s.name, r.number, "ref", "a reference is required: it is how a later import finds the row again")
		return "", false
	case len(ref) > 100:
		p.add(s.name, r.number, "ref", "a reference has at most 100 characters")
		return "", false
	case strings.ContainsFunc(ref, func(c rune) bool { return c < ' ' || c == 0x7f }):
		p.add(s.name, r.number, "ref", "a reference has no control characters")
		return "", false
	}
	return ref, true
}

// requireColumns adds a problem for each column of required that s does not have, and for a
// localized field of texts none of whose columns it has; it reports whether s has them all.
func requireColumns(s *sheet, required []string, texts []string, p *problems) bool {
	ok := true
	for _, c := range required {
		if !s.has(c) {
			p.add(s.name, 1, c, "the column is required")
			ok = false
		}
	}
	for _, field := range texts {
		has := false
		for _, c := range localizedColumns(field) {
			has = has || s.has(c)
		}
		if !has {
			p.add(s.name, 1, field+"_ar", "a column %s is required in at least one language: %s", field, strings.Join(localizedColumns(field), ", "))
			ok = false
		}
	}
	return ok
}

// duplicates adds a problem for each row whose value of column another row above has.
type duplicates map[string]int

func (d duplicates) check(s *sheet, r row, column, value string, p *problems) bool {
	if first, ok := d[value]; ok {
		p.add(s.name, r.number, column, "%q is also on row %d", value, first)
		return false
	}
	d[value] = r.number
	return true
}
