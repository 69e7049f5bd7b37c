//go:build ignore

// Command gqlgen generates the GraphQL executor, models and resolver stubs of package graph
// from gqlgen.yml. It is gqlgen's own generator with one plugin, serialFields. `go generate
// ./...` runs it from the module root (see generate.go).
package main

import (
	"log"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

// serialFields makes gqlgen resolve the fields of every non-root object one after the other,
// in the goroutine of the object, instead of one goroutine per field that has a context. Every
// entity's edges are eager-loaded by entgql's field collection before they are resolved, so
// those fields only read memory: a goroutine each would cost more than the field itself.
// Root fields (queries, mutations, subscriptions) keep gqlgen's own rules.
type serialFields struct{}

func (serialFields) Name() string { return "serialfields" }

func (serialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if !o.Root {
			o.DisableConcurrency = true
		}
	}
	return nil
}

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		log.Fatalf("loading gqlgen.yml: %v", err)
	}
	if err := api.Generate(cfg, api.AddPlugin(serialFields{})); err != nil {
		log.Fatalf("running gqlgen: %v", err)
	}
}
