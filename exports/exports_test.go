package exports

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"maarid"
	"maarid/i18n"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		query, lang, space, field string
	}{
		{query: ""},
		{query: "lang=fr", lang: "fr"},
		{query: "lang=ZGH", lang: "zgh"},
		{query: "lang=", lang: ""},
		{query: "lang=de", field: "lang"},
		{query: "lang=" + strings.Repeat("x", 5000), field: "lang"},
		{query: "lang=%ff%fe", field: "lang"},
		{query: "space=" + roomID, space: roomID},
		{query: "space=spc_nope", field: "space"},
		{query: "space=" + oddID, field: "space"}, // a session's ID
		{query: "space=" + strings.ToLower(roomID), space: strings.ToLower(roomID)},
		{query: "space=%00", field: "space"},
	}
	for _, tt := range tests {
		req, err := parseRequest(httptest.NewRequest(http.MethodGet, "/exports/programme.ics?"+tt.query, nil))
		e, _ := maarid.AsError(err)
		switch {
		case tt.field != "":
			if e == nil || e.Code != maarid.BadUserInput || e.Field != tt.field || len(e.Message) > 200 {
				t.Errorf("%.40s: %v, want a BAD_USER_INPUT on %s", tt.query, err, tt.field)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.query, err)
		case req.spaceID != tt.space || (req.lang == nil) != (tt.lang == "") || req.lang != nil && string(*req.lang) != tt.lang:
			t.Errorf("%s: %+v", tt.query, req)
		}
	}
}

func TestServe(t *testing.T) {
	var fail error
	h := serve("text/plain; charset=utf-8", "hello.txt", func(ctx context.Context, req request) ([]byte, error) {
		if fail != nil {
			return nil, fail
		}
		return []byte("hello in " + string(req.language(ctx))), nil
	})
	get := func(target string, header ...string) *httptest.ResponseRecorder {
		t.Helper()
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r = r.WithContext(i18n.WithRequest(r.Context(), i18n.FR, i18n.AR))
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	first := get("/x")
	tag := first.Header().Get("ETag")
	if first.Code != http.StatusOK || first.Body.String() != "hello in fr" || tag == "" ||
		first.Header().Get("Content-Disposition") != `attachment; filename="hello.txt"` {
		t.Fatalf("%d %v %q", first.Code, first.Header(), first.Body)
	}
	if ar := get("/x?lang=ar"); ar.Body.String() != "hello in ar" || ar.Header().Get("ETag") == tag {
		t.Errorf("?lang=ar: %q, ETag %s", ar.Body, ar.Header().Get("ETag"))
	}
	for _, match := range []string{tag, "W/" + tag, `"other", ` + tag, "*"} {
		if w := get("/x", "If-None-Match", match); w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("ETag") != tag {
			t.Errorf("If-None-Match: %s: %d %q", match, w.Code, w.Body)
		}
	}
	if w := get("/x", "If-None-Match", `"other"`); w.Code != http.StatusOK || w.Body.String() != "hello in fr" {
		t.Errorf("another ETag: %d", w.Code)
	}
	head := httptest.NewRequest(http.MethodHead, "/x", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, head)
	if w.Code != http.StatusOK || w.Header().Get("ETag") == "" {
		t.Errorf("HEAD: %d %v", w.Code, w.Header())
	}

	refusals := []struct {
		name, target string
		fail         error
		status       int
		code         string
	}{
		{"an unknown language", "/x?lang=xx", nil, http.StatusBadRequest, maarid.BadUserInput},
		{"a malformed space", "/x?space=room-1", nil, http.StatusBadRequest, maarid.BadUserInput},
		{"nothing to export", "/x", maarid.Errorf(maarid.NotFound, "there is no fair yet"), http.StatusNotFound, maarid.NotFound},
		{"a failure", "/x", errors.New("SELECT failed: secret"), http.StatusInternalServerError, maarid.Internal},
	}
	fail = context.DeadlineExceeded
	late, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x", nil).WithContext(late))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("an export past its deadline: %d %s", w.Code, w.Body)
	}
	for _, tt := range refusals {
		fail = tt.fail
		w := get(tt.target)
		var answer struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		json.Unmarshal(w.Body.Bytes(), &answer)
		if w.Code != tt.status || len(answer.Errors) != 1 || answer.Errors[0].Extensions.Code != tt.code ||
			strings.Contains(answer.Errors[0].Message, "secret") || w.Header().Get("ETag") != "" {
			t.Errorf("%s: %d %s", tt.name, w.Code, w.Body)
		}
	}
}
