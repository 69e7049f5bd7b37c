package store

import (
	"context"
	"database/sql"
	"strings"

	"entgo.io/ent/dialect"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// WithTracer records a span for each statement of the client, and one for each transaction's
// commit or rollback, under the span of the request that ran it, through tp.
func WithTracer(tp trace.TracerProvider) Option {
	return func(o *options) { o.tracer = tp }
}

// tracingDriver is the driver that records spans of statements.
type tracingDriver struct {
	dialect.Driver
	tracer trace.Tracer
}

// maxStatement bounds what a span keeps of a statement: its text, never its arguments,
// which may be personal data.
const maxStatement = 2000

// start starts the span of a statement: "SELECT", "INSERT"…, with its text.
func start(ctx context.Context, tracer trace.Tracer, system, query string) (context.Context, trace.Span) {
	verb, _, _ := strings.Cut(strings.TrimLeft(query, " \t\r\n("), " ")
	if len(query) > maxStatement {
		query = query[:maxStatement]
	}
	return tracer.Start(ctx, strings.ToUpper(verb), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system", system), attribute.String("db.statement", query)))
}

// end ends a span, with err when there is one.
func end(span trace.Span, err error) error {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
	return err
}

func (d tracingDriver) system() string {
	if d.Dialect() == dialect.Postgres {
		return "postgresql"
	}
	return "sqlite"
}

func (d tracingDriver) Exec(ctx context.Context, query string, args, v any) error {
	ctx, span := start(ctx, d.tracer, d.system(), query)
	return end(span, d.Driver.Exec(ctx, query, args, v))
}

func (d tracingDriver) Query(ctx context.Context, query string, args, v any) error {
	ctx, span := start(ctx, d.tracer, d.system(), query)
	return end(span, d.Driver.Query(ctx, query, args, v))
}

// ExecContext runs a statement ent has no builder for, such as taking a lock.
func (d tracingDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return ExecContext(ctx, d, query, args)
}

func (d tracingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &tracingTx{Tx: tx, tracer: d.tracer, system: d.system(), ctx: ctx}, nil
}

// tracingTx records the spans of a transaction's statements, and of its end.
type tracingTx struct {
	dialect.Tx
	tracer trace.Tracer
	system string
	ctx    context.Context
}

func (t *tracingTx) Exec(ctx context.Context, query string, args, v any) error {
	ctx, span := start(ctx, t.tracer, t.system, query)
	return end(span, t.Tx.Exec(ctx, query, args, v))
}

func (t *tracingTx) Query(ctx context.Context, query string, args, v any) error {
	ctx, span := start(ctx, t.tracer, t.system, query)
	return end(span, t.Tx.Query(ctx, query, args, v))
}

// ExecContext runs a statement ent has no builder for, such as taking a lock.
func (t *tracingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return ExecContext(ctx, t, query, args)
}

func (t *tracingTx) Commit() error {
	_, span := start(t.ctx, t.tracer, t.system, "COMMIT")
	return end(span, t.Tx.Commit())
}

func (t *tracingTx) Rollback() error {
	_, span := start(t.ctx, t.tracer, t.system, "ROLLBACK")
	return end(span, t.Tx.Rollback())
}
