package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// sheet is a CSV file as read: its header and its rows, cells trimmed.
type sheet struct {
	name    string
	columns map[string]int // column name → index in a row
	rows    []row
}

// row is one line of a sheet, numbered as the spreadsheet numbers it: the header is row 1.
type row struct {
	number int
	cells  []string
}

// has reports whether the sheet has the column.
func (s *sheet) has(column string) bool {
	_, ok := s.columns[column]
	return ok
}

// cell returns the row's value in column, "" when the sheet has no such column.
func (s *sheet) cell(r row, column string) string {
	i, ok := s.columns[column]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return r.cells[i]
}

// bom is the byte order mark that spreadsheets put at the start of a UTF-8 CSV file.
var bom = []byte("\uFEFF")

// readSheet reads a CSV file as spreadsheets export it: UTF-8 with or without a byte order
// mark, separated by commas or semicolons — whichever the header line has more of — or by
// what an Excel "sep=;" first line says. known lists the columns a header may have; a
// problem is added to p for anything else, and for anything that is not CSV.
func readSheet(name string, r io.Reader, known []string, p *problems) *sheet {
	data, err := io.ReadAll(r)
	if err != nil {
		p.add(name, 0, "", "cannot be read: %v", err)
		return nil
	}
	data = bytes.TrimPrefix(data, bom)
	if !utf8.Valid(data) {
		line := bytes.Count(data[:validPrefix(data)], []byte("\n")) + 1
		p.add(name, 0, "", "is not UTF-8 text (line %d): save it as « CSV UTF-8 »", line)
		return nil
	}
	sep, skip := separator(data)
	data = data[skip:]
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sep
	cr.FieldsPerRecord = -1 // a spreadsheet may leave trailing empty cells out
	s := &sheet{name: name, columns: map[string]int{}}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		p.add(name, 0, "", "is empty: the first row names the columns")
		return nil
	}
	if err != nil {
		p.add(name, 1, "", "is not CSV: %s", csvReason(err))
		return nil
	}
	width := 0 // the columns up to the last that has a name: a spreadsheet may add empty ones
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
		if header[i] != "" {
			width = i + 1
		}
	}
	ok := width > 0
	if !ok {
		p.add(name, 1, "", "the first row names no column")
	}
	for i, h := range header[:width] {
		switch {
		case h == "":
			p.add(name, 1, fmt.Sprintf("%d", i+1), "the column has no name")
			ok = false
			continue
		case !slices.Contains(known, h):
			p.add(name, 1, h, "unknown column; the columns are: %s", strings.Join(known, ", "))
			ok = false
		case s.has(h):
			p.add(name, 1, h, "the column is there twice")
			ok = false
		}
		s.columns[h] = i
	}
	if !ok {
		return nil
	}
	for number := 2; ; number++ {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.add(name, number, "", "is not CSV: %s; nothing after it was read", csvReason(err))
			return nil
		}
		blank := true
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
			blank = blank && cells[i] == ""
		}
		if blank {
			continue // spreadsheets export empty rows as separators alone
		}
		for _, extra := range cells[min(width, len(cells)):] {
			if extra != "" {
				p.add(name, number, "", "has a value past the last column (%d): is a separator missing from the header, or one too many in the row?", width)
				break
			}
		}
		s.rows = append(s.rows, row{number: number, cells: cells})
	}
	return s
}

// separator returns the separator of the CSV data and how many bytes of data come before the
// header: an Excel "sep=X" line, when there is one.
func separator(data []byte) (sep rune, skip int) {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	first = bytes.TrimRight(first, "\r")
	if rest, ok := bytes.CutPrefix(first, []byte("sep=")); ok && utf8.RuneCount(rest) == 1 {
		r, _ := utf8.DecodeRune(rest)
		end := len(first) + 1
		return r, min(end, len(data))
	}
	commas, semicolons := 0, 0
	quoted := false
	for _, b := range first {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ',':
			commas++
		case b == ';':
			semicolons++
		}
	}
	if semicolons > commas {
		return ';', 0
	}
	return ',', 0
}

// validPrefix returns the length of the longest valid UTF-8 prefix of data.
func validPrefix(data []byte) int {
	n := 0
	for n < len(data) {
		r, size := utf8.DecodeRune(data[n:])
		if r == utf8.RuneError && size <= 1 {
			return n
		}
		n += size
	}
	return n
}

// csvReason is the reason of a CSV error and the line of the file it is on, which is not the
// row's number when a cell spans lines.
func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%v (line %d of the file)", pe.Err, pe.Line)
	}
	return err.Error()
}
