package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"maarid"
	"maarid/auth"
	"maarid/graph"
	"maarid/schema/contract"
)

// trustedDocuments are the documents of Maarid's own clients — the operations of
// schema/contract and the programme screen's — known by the SHA-256 of their text. A client
// sends {"documentId": "sha256:…"}, or Apollo's persisted-query extension, instead of the
// text; they are parsed and validated once, when the server starts; and with
// --trusted-documents-only they are all that callers without a key may run, while keyed
// callers may still send their own, within their cost.
type trustedDocuments struct {
	byID  map[string]string // "sha256:<hex>" → the document
	known map[string]bool   // the documents
	only  bool
}

// documentID is the ID of a document: the SHA-256 of its text, in hex.
func documentID(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// registeredDocuments are the documents of the contract and the screen's file, each valid.
func registeredDocuments() ([]string, error) {
	docs, err := contract.Documents()
	if err != nil {
		return nil, err
	}
	screen, err := screenFiles.ReadFile("screen/screen.graphql")
	if err != nil {
		return nil, err
	}
	return append(docs, string(screen)), nil
}

// newTrustedDocuments registers the clients' documents that are valid against schema, and pins
// them in the executor's cache.
func newTrustedDocuments(schema *ast.Schema, cache *graph.QueryCache, only bool) (*trustedDocuments, error) {
	texts, err := registeredDocuments()
	if err != nil {
		return nil, err
	}
	t := &trustedDocuments{byID: map[string]string{}, known: map[string]bool{}, only: only}
	for _, text := range texts {
		doc, errs := gqlparser.LoadQuery(schema, text)
		if errs != nil {
			// An operation of the contract that the schema does not serve yet: the contract's
			// test says which must.
			continue
		}
		cache.Pin(text, doc)
		t.byID[documentID(text)] = text
		t.known[text] = true
	}
	return t, nil
}

// document returns the registered document id names.
func (t *trustedDocuments) document(id string) (string, error) {
	text, ok := t.byID[id]
	if !ok {
		return "", maarid.Errorf(maarid.NotFound, "no registered document has the ID %q: its ID is sha256: and the SHA-256 of its text, in hex", id)
	}
	return text, nil
}

// resolve returns the body of a request that names its document by its ID with the document's
// text instead; other bodies are returned as they are.
func (t *trustedDocuments) resolve(body []byte) ([]byte, error) {
	if !bytes.Contains(body, []byte(`"documentId"`)) {
		return body, nil
	}
	var req map[string]json.RawMessage
	if err := json.Unmarshal(body, &req); err != nil {
		return body, nil // not a JSON object: refused further on
	}
	raw, ok := req["documentId"]
	if !ok {
		return body, nil
	}
	var id string
	if err := json.Unmarshal(raw, &id); err != nil {
		return nil, maarid.Invalid("documentId", "is the ID of a document, a string")
	}
	if q, ok := req["query"]; ok && string(q) != "null" && string(q) != `""` {
		return nil, maarid.Invalid("documentId", "send the document's ID or its text, not both")
	}
	text, err := t.document(id)
	if err != nil {
		return nil, err
	}
	delete(req, "documentId")
	req["query"], _ = json.Marshal(text)
	return json.Marshal(req)
}

// resolveQuery does what resolve does for the parameters of a GET request.
func (t *trustedDocuments) resolveQuery(q url.Values) error {
	id := q.Get("documentId")
	if id == "" {
		return nil
	}
	if q.Get("query") != "" {
		return maarid.Invalid("documentId", "send the document's ID or its text, not both")
	}
	text, err := t.document(id)
	if err != nil {
		return err
	}
	q.Del("documentId")
	q.Set("query", text)
	return nil
}

// persistedQueries is the cache of Apollo's automatic persisted queries: the registered
// documents by the hash the extension sends (SHA-256 in hex), then those clients registered.
type persistedQueries struct {
	trusted *trustedDocuments
	*lru.LRU[string]
}

func (p persistedQueries) Get(ctx context.Context, hash string) (string, bool) {
	if text, ok := p.trusted.byID["sha256:"+strings.ToLower(hash)]; ok {
		return text, true
	}
	return p.LRU.Get(ctx, hash)
}

// trustedOnly is the gqlgen extension that lets callers without a key run the registered
// documents only, when the server is told to (--trusted-documents-only).
type trustedOnly struct{ trusted *trustedDocuments }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = trustedOnly{}

func (trustedOnly) ExtensionName() string                   { return "TrustedOnly" }
func (trustedOnly) Validate(graphql.ExecutableSchema) error { return nil }

func (o trustedOnly) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if !o.trusted.only || auth.FromContext(ctx).KeyID != "" || o.trusted.known[params.Query] {
		return nil
	}
	return &gqlerror.Error{
		Message: "this server runs the documents of its registered clients only, for callers without an API key: " +
			"send a registered document, or its documentId (go run ./server documents lists them)",
		Extensions: map[string]any{"code": maarid.Forbidden},
	}
}

// printDocuments writes the registered documents that are one operation each as an Apollo
// persisted-query manifest, for clients' builds: `maarid documents`.
func printDocuments(out io.Writer) error {
	texts, err := registeredDocuments()
	if err != nil {
		return err
	}
	type entry struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
		Body string `json:"body"`
	}
	manifest := struct {
		Format     string  `json:"format"`
		Version    int     `json:"version"`
		Operations []entry `json:"operations"`
	}{Format: "apollo-persisted-query-manifest", Version: 1}
	for _, text := range texts {
		doc, err := gqlparser.LoadQuery(graph.NewExecutableSchema(graph.Config{}).Schema(), text)
		if err != nil || len(doc.Operations) != 1 {
			continue // a file of several operations: sent whole, by its text
		}
		op := doc.Operations[0]
		manifest.Operations = append(manifest.Operations, entry{
			ID: strings.TrimPrefix(documentID(text), "sha256:"), Name: op.Name, Type: string(op.Operation), Body: text,
		})
	}
	slices.SortFunc(manifest.Operations, func(a, b entry) int { return strings.Compare(a.Name, b.Name) })
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(manifest)
}

// resolveStream resolves the document ID of a request for server-sent events, whose body the
// events' transport reads itself.
func (t *trustedDocuments) resolveStream(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			body, err := io.ReadAll(r.Body)
			if err == nil {
				body, err = t.resolve(body)
			}
			if err != nil {
				if _, ok := maarid.AsError(err); !ok {
					err = maarid.Invalid("body", "the request body could not be read")
				}
				refuseWith(w, err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}
