// Package contract holds the GraphQL operations Maarid's clients send, as the clients wrote
// them (the .graphql files beside this one, copied from the clients' contract). The schema
// must accept every one as written; tests and benchmarks send them from here.
package contract

import (
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
)

//go:embed *.graphql
var files embed.FS

var (
	once       sync.Once
	operations map[string]*ast.OperationDefinition
	sources    []string // the files, whole
	loadErr    error
)

func load() {
	operations = map[string]*ast.OperationDefinition{}
	names, _ := fs.Glob(files, "*.graphql")
	for _, name := range names {
		src, err := files.ReadFile(name)
		if err != nil {
			loadErr = err
			return
		}
		sources = append(sources, string(src))
		doc, err := parser.ParseQuery(&ast.Source{Name: name, Input: string(src)})
		if err != nil {
			loadErr = fmt.Errorf("%s: %w", name, err)
			return
		}
		for _, op := range doc.Operations {
			operations[op.Name] = op
		}
	}
}

// Operation returns the document of the named operation alone, as a client sends it.
func Operation(name string) (string, error) {
	once.Do(load)
	if loadErr != nil {
		return "", loadErr
	}
	op, ok := operations[name]
	if !ok {
		return "", fmt.Errorf("no operation %q in the contract", name)
	}
	var b strings.Builder
	formatter.NewFormatter(&b).FormatQueryDocument(&ast.QueryDocument{Operations: ast.OperationList{op}})
	return b.String(), nil
}

// Documents returns every document a client of the contract may send as it is written here:
// each file whole, and each operation alone as Operation writes it.
func Documents() ([]string, error) {
	once.Do(load)
	if loadErr != nil {
		return nil, loadErr
	}
	docs := slices.Clone(sources)
	for _, name := range slices.Sorted(maps.Keys(operations)) {
		doc, err := Operation(name)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}
