package maarid

// The data model first, then the GraphQL server built on it.
//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod ./graph/gqlgen.go
