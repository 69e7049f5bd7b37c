package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"maarid/auth"
	"maarid/live"
)

// Events serves an operation as server-sent events, for clients that cannot open a
// websocket: a POST that accepts text/event-stream. Each answer is an event "next"; the last
// one, when the subscription's stream ended with an error (a subscriber that fell behind) or
// its API key was revoked, says so; then an event "complete". The stream ends when the client
// goes or the server stops. While no answer is due, a comment line is sent every 25 seconds,
// so that proxies and balancers do not take a quiet screen's stream for a dead one and cut it.
type Events struct {
	keys *auth.Keys
	// keepAlive is how long a stream may stay silent before a comment is sent on it.
	keepAlive time.Duration

	mu      sync.Mutex
	stopped bool
	open    map[*eventStream]struct{}
}

// eventStream is one stream of events; end ends it with its cause.
type eventStream struct{ end context.CancelCauseFunc }

var _ graphql.Transport = (*Events)(nil)

// Supports reports whether r asks for server-sent events.
func (t *Events) Supports(r *http.Request) bool {
	if r.Method != http.MethodPost || !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		return false
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == "application/json"
}

// NewEvents returns the server-sent events transport of c.
func NewEvents(c Config) *Events { return &Events{keys: c.Keys, keepAlive: websocketKeepAlive} }

// Stop ends every stream, and those that open from now on: the server stops.
func (t *Events) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	for s := range t.open {
		s.end(nil)
	}
}

// begin returns a context for a new stream, which stop ends, and the function that forgets
// it; the context is done at once when the transport stopped.
func (t *Events) begin(ctx context.Context) (context.Context, *eventStream, func()) {
	ctx, end := context.WithCancelCause(ctx)
	s := &eventStream{end: end}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		end(nil)
	}
	if t.open == nil {
		t.open = map[*eventStream]struct{}{}
	}
	t.open[s] = struct{}{}
	return ctx, s, func() {
		t.mu.Lock()
		delete(t.open, s)
		t.mu.Unlock()
		end(nil)
	}
}

// Do runs the operation of r and sends its answers as events. A subscription ends early, with
// UNAUTHENTICATED, when the request's API key is revoked (auth.Keys.Hold).
func (t *Events) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("Content-Type", "application/json")
	ctx, s, forget := t.begin(r.Context())
	defer forget()

	start := graphql.Now()
	params := &graphql.RawParams{}
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = jsonDecode(body, params)
	}
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		resp := exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("json request body could not be decoded: %v", err)})
		w.Write(mustMarshal(resp))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, errs := exec.CreateOperationContext(ctx, params)
	ctx = graphql.WithOperationContext(ctx, rc)

	h.Set("Content-Type", "text/event-stream")
	// The answers and the keep-alive comments share the response, one write at a time, and
	// none once Do has returned; an answer puts the next comment off.
	var (
		writing sync.Mutex
		done    bool
		quiet   *time.Timer
	)
	send := func(event string, data []byte) {
		writing.Lock()
		defer writing.Unlock()
		quiet.Reset(t.keepAlive)
		if data != nil {
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data)
		} else {
			fmt.Fprintf(w, "event: %s\n\n", event)
		}
		flusher.Flush()
	}
	writing.Lock()
	io.WriteString(w, ":\n\n")
	flusher.Flush()
	quiet = time.AfterFunc(t.keepAlive, func() {
		writing.Lock()
		defer writing.Unlock()
		if !done {
			io.WriteString(w, ":\n\n")
			flusher.Flush()
			quiet.Reset(t.keepAlive)
		}
	})
	writing.Unlock()
	defer func() {
		writing.Lock()
		defer writing.Unlock()
		done = true
		quiet.Stop()
	}()
	if errs != nil {
		send("next", mustMarshal(exec.DispatchError(ctx, errs)))
		send("complete", nil)
		return
	}
	if ctx.Err() != nil {
		send("complete", nil) // the server stops
		return
	}
	if v := auth.FromContext(ctx); t.keys != nil && v.KeyID != "" {
		release := t.keys.Hold(v, func() { s.end(auth.ErrRevoked) })
		defer release()
	}
	ctx, received := live.Receiving(ctx)
	responses, ctx := exec.DispatchOperation(ctx, rc)
	// An answer made once the stream was ended (a subscription still starting when the server
	// stopped fails with the cancellation) is not sent.
	for resp := responses(ctx); resp != nil && ctx.Err() == nil; resp = responses(ctx) {
		send("next", mustMarshal(resp))
	}
	if stream := received.Stream(); stream != nil {
		stream.Close()
		err := stream.Err()
		if cause := context.Cause(ctx); errors.Is(cause, auth.ErrRevoked) {
			err = cause
		}
		if err != nil {
			send("next", mustMarshal(lastAnswer(ctx, err)))
		}
	}
	send("complete", nil)
}

// jsonDecode reads a request's parameters, numbers as they were written.
func jsonDecode(body []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	return dec.Decode(v)
}
