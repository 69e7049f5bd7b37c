package importer

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong in a file: where it is, and why.
type Problem struct {
	File string
	// Row is the row's number in the spreadsheet: the header is row 1. 0 is the file itself.
	Row int
	// Column names the column at fault, or is empty for the row (or the file) as a whole.
	Column string
	Reason string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Row > 0 {
		fmt.Fprintf(&b, ", row %d", p.Row)
	}
	if p.Column != "" {
		fmt.Fprintf(&b, ", column %s", p.Column)
	}
	b.WriteString(": ")
	b.WriteString(p.Reason)
	return b.String()
}

// Problems is every problem found in the files of an import, which then wrote nothing.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	n := fmt.Sprintf("%d problems", len(ps))
	if len(ps) == 1 {
		n = "1 problem"
	}
	return fmt.Sprintf("%s; nothing was imported:\n%s", n, strings.Join(lines, "\n"))
}

// problems collects the problems of an import as they are found.
type problems struct{ list Problems }

func (p *problems) add(file string, row int, column, format string, args ...any) {
	p.list = append(p.list, Problem{File: file, Row: row, Column: column, Reason: fmt.Sprintf(format, args...)})
}

// sorted returns the problems in the order of the files, then of their rows.
func (p *problems) sorted(files ...string) Problems {
	out := slices.Clone(p.list)
	slices.SortStableFunc(out, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(slices.Index(files, a.File), slices.Index(files, b.File)), cmp.Compare(a.Row, b.Row))
	})
	return out
}
