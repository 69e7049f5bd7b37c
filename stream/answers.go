package stream

import (
	"context"
	"crypto/sha256"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"maarid/auth"
	"maarid/i18n"
	"maarid/live"
)

// The subscribers of a group receive the same answer to an event: they sent the same
// document, operation and variables but for the cursor they start from (the variable of the
// argument the schema marks @cursor), with the same role, exhibitor and language. The answer
// to an event is what the group's operation, subscribed from the cursor before the event,
// answers first: a builder is that operation, run by gqlgen; after answering it waits at the
// event it answered, for the next one. Answers are kept a while (answers), so that the
// subscribers woken by one event share one.
//
// How many answers are kept, for how long, and how long an answer may take to build:
const (
	answersKept    = 1024
	answersFor     = 10 * time.Second
	answerDeadline = 10 * time.Second
	// buildersKept is how many builders a group keeps, at as many cursors: subscribers that
	// resume from far back are answered by builders of their own until they catch up.
	buildersKept = 16
)

// cursorDirective marks the argument of a subscription field that says where its events
// start.
const cursorDirective = "cursor"

// answerGroups are the groups that have subscribers, by key.
type answerGroups struct {
	answers *answers
	// unmetered returns the context of the builders' operations, which subscribers paid for
	// when they subscribed.
	unmetered func(context.Context) context.Context

	mu    sync.Mutex
	byKey map[string]*answerGroup
}

// answerGroup is a group of subscribers and its builders.
type answerGroup struct {
	groups  *answerGroups
	key     string
	members int // under answerGroups.mu

	// The operation of the group's first subscriber, its executor and its context's values.
	exec      graphql.GraphExecutor
	params    *graphql.RawParams
	cursorVar string
	ctx       context.Context

	mu       sync.Mutex
	builders map[string]*builder // waiting at a cursor
	ended    bool                // its last subscriber left
}

// buildersLive counts the builders of every transport, for tests.
var buildersLive atomic.Int64

// join adds the subscription of rc, which params started in ctx on exec, to its group, and
// returns the group and the cursor the subscription starts from; ok is false when the
// subscription's answers cannot be shared: its cursor is not a variable, or its variable is
// used elsewhere. Each join that succeeds is followed by one leave.
func (gs *answerGroups) join(ctx context.Context, exec graphql.GraphExecutor, rc *graphql.OperationContext, params *graphql.RawParams) (g *answerGroup, since string, ok bool) {
	cursorVar := cursorVariable(rc)
	if cursorVar == "" {
		return nil, "", false
	}
	switch v := rc.Variables[cursorVar].(type) {
	case nil:
	case string:
		since = v
	default:
		return nil, "", false
	}
	key := groupKey(ctx, rc, cursorVar)
	gs.mu.Lock()
	defer gs.mu.Unlock()
	g = gs.byKey[key]
	if g == nil {
		g = &answerGroup{
			groups:    gs,
			key:       key,
			exec:      exec,
			params:    &graphql.RawParams{Query: params.Query, OperationName: params.OperationName, Variables: params.Variables},
			cursorVar: cursorVar,
			// The values of the subscriber's context (viewer, language), without its end.
			ctx:      gs.unmetered(context.WithoutCancel(ctx)),
			builders: map[string]*builder{},
		}
		if gs.byKey == nil {
			gs.byKey = map[string]*answerGroup{}
		}
		gs.byKey[key] = g
	}
	g.members++
	return g, since, true
}

// leave takes a subscriber out of g; the group and its builders end with its last one.
func (gs *answerGroups) leave(g *answerGroup) {
	gs.mu.Lock()
	g.members--
	last := g.members == 0
	if last && gs.byKey[g.key] == g {
		delete(gs.byKey, g.key)
	}
	gs.mu.Unlock()
	if !last {
		return
	}
	g.mu.Lock()
	builders := g.builders
	g.builders, g.ended = nil, true
	g.mu.Unlock()
	for _, b := range builders {
		b.stop()
	}
}

// answer returns the answer to the event at cursor for a subscriber whose last event was at
// previous; nil when it cannot be built.
func (g *answerGroup) answer(previous, cursor string) []byte {
	return g.groups.answers.get(answerKey{g.key, cursor}, func() []byte {
		for range 2 { // a builder that fell behind since it was last used has ended: once more
			b := g.takeBuilder(previous)
			if b == nil {
				return nil
			}
			if payload := b.next(); payload != nil {
				g.keepBuilder(cursor, b)
				return payload
			}
			b.stop()
		}
		return nil
	})
}

// takeBuilder returns the builder waiting at cursor, or a new one subscribed from there.
func (g *answerGroup) takeBuilder(cursor string) *builder {
	g.mu.Lock()
	b := g.builders[cursor]
	delete(g.builders, cursor)
	g.mu.Unlock()
	if b != nil {
		return b
	}
	return g.newBuilder(cursor)
}

// keepBuilder has b wait at cursor, unless another one does or the group ended; the group
// keeps the builders used last.
func (g *answerGroup) keepBuilder(cursor string, b *builder) {
	b.used = time.Now()
	g.mu.Lock()
	var drop []*builder
	if g.ended {
		drop = append(drop, b)
	} else if _, ok := g.builders[cursor]; ok {
		drop = append(drop, b)
	} else {
		g.builders[cursor] = b
		for len(g.builders) > buildersKept {
			oldest := ""
			for at, kept := range g.builders {
				if oldest == "" || kept.used.Before(g.builders[oldest].used) {
					oldest = at
				}
			}
			drop = append(drop, g.builders[oldest])
			delete(g.builders, oldest)
		}
	}
	g.mu.Unlock()
	for _, d := range drop {
		d.stop()
	}
}

// newBuilder dispatches the group's operation subscribed from cursor (from the start when
// empty); nil when it cannot be.
func (g *answerGroup) newBuilder(cursor string) *builder {
	exec := g.exec
	vars := maps.Clone(g.params.Variables)
	if vars == nil {
		vars = map[string]any{}
	}
	vars[g.cursorVar] = nil
	if cursor != "" {
		vars[g.cursorVar] = cursor
	}
	params := &graphql.RawParams{Query: g.params.Query, OperationName: g.params.OperationName, Variables: vars}
	ctx, cancel := context.WithCancel(g.ctx)
	rc, errs := exec.CreateOperationContext(graphql.StartOperationTrace(ctx), params)
	if errs != nil {
		cancel()
		return nil
	}
	ctx, received := live.Receiving(graphql.WithOperationContext(ctx, rc))
	responses, ctx := exec.DispatchOperation(ctx, rc)
	stream := received.Stream()
	if stream == nil {
		cancel()
		return nil
	}
	buildersLive.Add(1)
	return &builder{responses: responses, ctx: ctx, cancel: cancel, stream: stream}
}

// builder is the group's operation, subscribed from a cursor: its next answer is to the
// group's next event after that cursor.
type builder struct {
	responses graphql.ResponseHandler
	ctx       context.Context
	cancel    context.CancelFunc
	stream    live.Stream
	used      time.Time // under answerGroup.mu
}

// next returns the answer to the next event, or nil when there is none in time.
func (b *builder) next() []byte {
	ctx, cancel := context.WithTimeout(b.ctx, answerDeadline)
	defer cancel()
	resp := b.responses(ctx)
	if resp == nil {
		return nil
	}
	return mustMarshal(resp)
}

func (b *builder) stop() {
	b.cancel()
	b.stream.Close()
	buildersLive.Add(-1)
}

// cursorVariable returns the variable whose value is the @cursor argument of the root field
// of the subscription rc; "" when that argument is not given by a variable, or when the
// variable is used anywhere else in the operation, where it could change the answers.
func cursorVariable(rc *graphql.OperationContext) string {
	fields := graphql.CollectFields(rc, rc.Operation.SelectionSet, []string{"Subscription"})
	if len(fields) != 1 || fields[0].Definition == nil {
		return ""
	}
	root := fields[0]
	for _, arg := range root.Arguments {
		def := root.Definition.Arguments.ForName(arg.Name)
		if def == nil || def.Directives.ForName(cursorDirective) == nil {
			continue
		}
		if arg.Value == nil || arg.Value.Kind != ast.Variable {
			return ""
		}
		if uses(rc.Operation.SelectionSet, arg.Value.Raw, map[string]bool{}) != 1 || usedInDirectives(rc.Operation.Directives, arg.Value.Raw) {
			return ""
		}
		return arg.Value.Raw
	}
	return ""
}

// uses counts the uses of the variable name in set, through its fragments (each once).
func uses(set ast.SelectionSet, name string, seen map[string]bool) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			for _, arg := range sel.Arguments {
				n += usesIn(arg.Value, name)
			}
			n += directiveUses(sel.Directives, name)
			n += uses(sel.SelectionSet, name, seen)
		case *ast.InlineFragment:
			n += directiveUses(sel.Directives, name)
			n += uses(sel.SelectionSet, name, seen)
		case *ast.FragmentSpread:
			n += directiveUses(sel.Directives, name)
			if sel.Definition != nil && !seen[sel.Name] {
				seen[sel.Name] = true
				n += uses(sel.Definition.SelectionSet, name, seen)
			}
		}
	}
	return n
}

func directiveUses(ds ast.DirectiveList, name string) int {
	n := 0
	for _, d := range ds {
		for _, arg := range d.Arguments {
			n += usesIn(arg.Value, name)
		}
	}
	return n
}

func usedInDirectives(ds ast.DirectiveList, name string) bool { return directiveUses(ds, name) > 0 }

func usesIn(v *ast.Value, name string) int {
	if v == nil {
		return 0
	}
	if v.Kind == ast.Variable && v.Raw == name {
		return 1
	}
	n := 0
	for _, child := range v.Children {
		n += usesIn(child.Value, name)
	}
	return n
}

// groupKey names the group of the subscription rc in ctx, whose cursor is cursorVar.
func groupKey(ctx context.Context, rc *graphql.OperationContext, cursorVar string) string {
	vars := make(map[string]any, len(rc.Variables))
	for name, v := range rc.Variables {
		if name != cursorVar {
			vars[name] = v
		}
	}
	v := auth.FromContext(ctx)
	h := sha256.New()
	for _, s := range []string{rc.RawQuery, rc.OperationName, string(mustMarshal(vars)), string(v.Role), v.ExhibitorID, string(i18n.Requested(ctx))} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return string(h.Sum(nil))
}

// answers keeps the answer to an event for each group of subscribers, so that gqlgen builds
// it once for all of them.
type answers struct {
	limit int
	ttl   time.Duration

	mu    sync.Mutex
	byKey map[answerKey]*answer
	order []answerKey // oldest first
}

type answerKey struct {
	group  string
	cursor string
}

type answer struct {
	built   chan struct{} // closed once payload is set
	payload []byte        // nil when it could not be built
	at      time.Time
}

func newAnswers(limit int, ttl time.Duration) *answers {
	return &answers{limit: limit, ttl: ttl, byKey: map[answerKey]*answer{}}
}

// get returns the answer of key, built by build unless another subscriber built it or is
// building it. An answer that could not be built is built again by the next one who asks.
func (a *answers) get(key answerKey, build func() []byte) []byte {
	a.mu.Lock()
	if e, ok := a.byKey[key]; ok {
		a.mu.Unlock()
		<-e.built
		if e.payload != nil {
			return e.payload
		}
		return build()
	}
	now := time.Now()
	e := &answer{built: make(chan struct{}), at: now}
	a.byKey[key] = e
	a.order = append(a.order, key)
	for len(a.order) > 0 {
		oldest, ok := a.byKey[a.order[0]]
		if ok && len(a.order) <= a.limit && now.Sub(oldest.at) <= a.ttl {
			break
		}
		delete(a.byKey, a.order[0])
		a.order = a.order[1:]
	}
	a.mu.Unlock()

	defer close(e.built)
	e.payload = build()
	if e.payload == nil {
		a.mu.Lock()
		if a.byKey[key] == e {
			delete(a.byKey, key)
		}
		a.mu.Unlock()
	}
	return e.payload
}

// documentsKept is how many distinct documents are shared between operations; frontends send
// a few documents again and again.
const documentsKept = 1000

// documents keeps one copy of each document that operations run, so that the subscribers
// that sent the same document hold one copy of it between them.
type documents struct {
	limit  int
	mu     sync.Mutex
	byText map[string]string
}

func (d *documents) intern(doc string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if shared, ok := d.byText[doc]; ok {
		return shared
	}
	if d.byText == nil || len(d.byText) >= d.limit {
		d.byText = map[string]string{}
	}
	d.byText[doc] = doc
	return doc
}
