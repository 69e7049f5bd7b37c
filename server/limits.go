package main

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/limits"
)

// pageLimits checks the page arguments of every connection in an operation before any of it
// runs: first or last for a connection whose page is read, not both, neither negative,
// neither above the page-size cap of the caller (larger for partners and organisers, who sync
// the catalogue). A bad page is the
// client's error, reported with HTTP 400 and BAD_USER_INPUT, and nothing runs.
type pageLimits struct {
	maxPageSize, maxPartnerPage int
	// larger says, to a caller whose pages are the smaller, what a key would allow.
	larger string
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = pageLimits{}

func (pageLimits) ExtensionName() string                   { return "PageLimits" }
func (pageLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (l pageLimits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if auth.FromContext(ctx).Is(auth.Partner, auth.Organiser) {
		l.maxPageSize = l.maxPartnerPage
	} else if l.maxPartnerPage > l.maxPageSize {
		l.larger = fmt.Sprintf(" (%d with a partner's or an organiser's key)", l.maxPartnerPage)
	}
	return l.check(oc, oc.Operation.SelectionSet, nil)
}

func (l pageLimits) check(oc *graphql.OperationContext, set ast.SelectionSet, path ast.Path) *gqlerror.Error {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			fieldPath := append(path[:len(path):len(path)], ast.PathName(sel.Alias))
			if err := l.checkField(oc, sel, fieldPath); err != nil {
				return err
			}
			if err := l.check(oc, sel.SelectionSet, fieldPath); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := l.check(oc, sel.SelectionSet, path); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				if err := l.check(oc, sel.Definition.SelectionSet, path); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (l pageLimits) checkField(oc *graphql.OperationContext, f *ast.Field, path ast.Path) *gqlerror.Error {
	if f.Definition == nil || f.Definition.Arguments.ForName("first") == nil {
		return nil
	}
	args := f.ArgumentMap(oc.Variables)
	first, hasFirst := pageArg(args, "first")
	last, hasLast := pageArg(args, "last")
	switch {
	case !hasFirst && !hasLast && pages(f.SelectionSet):
		return pageError(f, path, "pass first or last to %s: a page of at most %d", f.Name, l.maxPageSize)
	case hasFirst && hasLast:
		return pageError(f, path, "pass either first or last to %s, not both", f.Name)
	case hasFirst && (first < 0 || first > int64(l.maxPageSize)):
		return pageError(f, path, "first must be between 0 and %d%s, not %d", l.maxPageSize, l.larger, first)
	case hasLast && (last < 0 || last > int64(l.maxPageSize)):
		return pageError(f, path, "last must be between 0 and %d%s, not %d", l.maxPageSize, l.larger, last)
	}
	return nil
}

// pages reports whether a connection's selection reads a page of it (edges, pageInfo), not only
// its count.
func pages(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name == "edges" || sel.Name == "pageInfo" {
				return true
			}
		case *ast.InlineFragment:
			if pages(sel.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if sel.Definition != nil && pages(sel.Definition.SelectionSet) {
				return true
			}
		}
	}
	return false
}

// pageArg reads an Int argument as coerced by the validator (int64 from a literal or from
// JSON variables decoded with UseNumber).
func pageArg(args map[string]any, name string) (int64, bool) {
	switch v := args[name].(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case interface{ Int64() (int64, error) }:
		n, err := v.Int64()
		return n, err == nil
	}
	return 0, false
}

func pageError(f *ast.Field, path ast.Path, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Path:       path,
		Locations:  []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}},
		Extensions: map[string]any{"code": maarid.BadUserInput},
	}
}

// shapes is the gqlgen extension that refuses, before it is parsed in full and validated, a
// document whose shape is out of bounds (limits.Bounds): validation costs the square of the
// fields, so a flood of fields or aliases is refused in the time it takes to read it. A
// document already in the query cache passed the bounds before, and skips them.
type shapes struct {
	bounds limits.Bounds
	cache  graphql.Cache[*ast.QueryDocument]
	costs  costs
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = shapes{}

func (shapes) ExtensionName() string                   { return "Shapes" }
func (shapes) Validate(graphql.ExecutableSchema) error { return nil }

func (s shapes) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if params.Query == "" {
		return nil
	}
	if _, cached := s.cache.Get(ctx, params.Query); cached {
		return nil
	}
	err := s.bounds.Check(params.Query)
	switch {
	case err == nil:
	case err.Extensions["code"] == nil:
		errcode.Set(err, errcode.ParseFailed) // a document that does not parse: 400, as the executor says
	default:
		s.costs.budgets.chargeAll(ctx)
	}
	return err
}

// costs is the gqlgen extension that prices every operation before it runs (limits.Cost),
// refuses one over the caller's limit with QUERY_TOO_COMPLEX, spends the cost from the
// client's budget and refuses with RATE_LIMITED when it is spent; an answer says what it cost
// in extensions.cost. An answer larger than the bound is replaced by QUERY_TOO_COMPLEX; so is
// one that read more rows from the database than the answer could hold (rowBound), which
// stops reading then: what one request holds stays bounded however the costs are set.
type costs struct {
	maxCost, maxPartnerCost int
	maxAnswer               int // bytes
	budgets                 *budgets
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = costs{}

func (costs) ExtensionName() string                   { return "Costs" }
func (costs) Validate(graphql.ExecutableSchema) error { return nil }

// limitOf is the highest cost of one request of a role.
func (c costs) limitOf(role auth.Role) int {
	if role == auth.Partner || role == auth.Organiser {
		return c.maxPartnerCost
	}
	return c.maxCost
}

func (c costs) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	oc.Stats.SetExtension(rowsStat, new(rowsRead))
	cost := limits.Cost(oc.Operation, oc.Variables)
	limit := c.limitOf(auth.FromContext(ctx).Role)
	if cost > limit {
		c.budgets.charge(ctx, limit)
		return &gqlerror.Error{
			Message:    fmt.Sprintf("the operation costs %d, more than the %d a request may: ask for smaller pages (first, last) or fewer nested lists", cost, limit),
			Extensions: map[string]any{"code": maarid.QueryTooComplex, "cost": map[string]any{"requested": cost, "limit": limit}},
		}
	}
	cl := clientFrom(ctx)
	if cl == nil {
		return nil // the operation that builds the answers of a group of subscribers, who spent theirs
	}
	m := c.budgets.spend(cl, cost, limit)
	oc.Stats.SetExtension(costStat, m)
	if m.refused {
		return &gqlerror.Error{
			Message: fmt.Sprintf("the budget of this client is spent: the operation costs %d, %d points are left; try again in %s s",
				cost, m.spent.Remaining, seconds(m.spent.RetryAfter)),
			Extensions: map[string]any{"code": maarid.RateLimited, "cost": m, "retryAfter": math.Ceil(m.spent.RetryAfter.Seconds())},
		}
	}
	return nil
}

func (c costs) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp // a request refused before it had an operation
	}
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil || op.Operation == ast.Subscription {
		return resp
	}
	rows, _ := graphql.GetOperationContext(ctx).Stats.GetExtension(rowsStat).(*rowsRead)
	if len(resp.Data) > c.maxAnswer || rows != nil && rows.over.Load() {
		resp = &graphql.Response{Errors: gqlerror.List{{
			Message:    fmt.Sprintf("the answer would be larger than the %d MiB an answer may: ask for smaller pages or fewer fields", c.maxAnswer>>20),
			Extensions: map[string]any{"code": maarid.QueryTooComplex},
		}}}
	}
	if m, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(costStat).(*meter); ok {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["cost"] = m.costExtension()
	}
	return resp
}

// costStat is where an operation keeps what it cost (graphql.Stats).
const costStat = "maarid.cost"

// rowsStat is where an operation counts the rows it read (graphql.Stats).
const rowsStat = "maarid.rows"

// rowsRead counts the rows an operation read from the database.
type rowsRead struct {
	n    atomic.Int64
	over atomic.Bool
}

// rowBytes is what a row read is counted to take of an answer: a row holds a few short texts
// most of the time, and its longest texts are bounded.
const rowBytes = 1 << 10

// errTooManyRows stops an operation that read more rows than its answer may hold.
var errTooManyRows = maarid.Errorf(maarid.QueryTooComplex, "the answer would be too large: ask for smaller pages or fewer fields")

// rowBound is the ent interceptor that counts the rows each operation reads, and stops one
// that read more than an answer of maxAnswer bytes could hold, at one row a KiB.
func rowBound(maxAnswer int) ent.Interceptor {
	limit := int64(max(maxAnswer/rowBytes, 1))
	return ent.InterceptFunc(func(next ent.Querier) ent.Querier {
		return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
			if !graphql.HasOperationContext(ctx) {
				return next.Query(ctx, q)
			}
			rows, _ := graphql.GetOperationContext(ctx).Stats.GetExtension(rowsStat).(*rowsRead)
			if rows == nil {
				return next.Query(ctx, q)
			}
			if rows.over.Load() {
				return nil, errTooManyRows
			}
			v, err := next.Query(ctx, q)
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rows.n.Add(int64(rv.Len())) > limit {
				rows.over.Store(true)
				return nil, errTooManyRows
			}
			return v, err
		})
	})
}

// unmetered returns ctx for work that no client pays for again: the operation that builds the
// answers of subscribers who paid when they subscribed.
func unmetered(ctx context.Context) context.Context {
	return context.WithValue(ctx, clientKey{}, (*client)(nil))
}
