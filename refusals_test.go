package maarid

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// codes returns the values of the string constants of errors.go: the codes a client can see.
func codes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			for _, v := range spec.(*ast.ValueSpec).Values {
				if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					out = append(out, s)
				}
			}
		}
	}
	if len(out) < 9 {
		t.Fatalf("found %d codes in errors.go: %v", len(out), out)
	}
	return out
}

// TestEveryCodeHasItsRefusal checks that each code of errors.go is in the table of refusals,
// with a status, and documented in the README; and that the table has no other code.
func TestEveryCodeHasItsRefusal(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, code := range codes(t) {
		known[code] = true
		r, ok := refusals[code]
		if !ok {
			t.Errorf("%s has no row in the table of refusals", code)
			continue
		}
		if r.Code != code || r.Status < 200 || r.Status > 599 {
			t.Errorf("%s: %+v", code, r)
		}
		if !strings.Contains(string(readme), "`"+code+"`") {
			t.Errorf("the README does not document %s", code)
		}
	}
	for code := range refusals {
		if !known[code] {
			t.Errorf("the table of refusals has %s, which is not a code of errors.go", code)
		}
	}
	for _, r := range []Refusal{WrongMethod, WrongMediaType, TooLarge, Busy, Unavailable} {
		if !known[r.Code] || r.Status < 400 {
			t.Errorf("%+v", r)
		}
	}
	if r := RefusalOf("NO_SUCH_CODE"); r.Code != Internal || r.Status != 500 {
		t.Errorf("an unknown code: %+v", r)
	}
}
