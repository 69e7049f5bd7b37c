// Package exports writes what partners, spreadsheets and calendar apps take away from the
// fair: the catalogue as CSV, the programme as an iCalendar feed and as c3voc/frab schedules
// (JSON and XML). Each export is read with the caller's context, so the privacy rules of the
// API decide what it holds, in a fixed number of SQL statements whatever its size.
package exports

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"maarid"
	"maarid/ent"
	"maarid/gid"
	"maarid/i18n"
)

// Exporter makes the exports of the fairs in one database.
type Exporter struct {
	client *ent.Client
}

// New returns the exporter of the database client reads.
func New(client *ent.Client) *Exporter {
	return &Exporter{client: client}
}

// Catalogue serves the catalogue as CSV: one row per product the caller sees.
func (e *Exporter) Catalogue() http.Handler {
	return serve("text/csv; charset=utf-8", "catalogue.csv", e.catalogue)
}

// Calendar serves the programme as an iCalendar feed (RFC 5545).
func (e *Exporter) Calendar() http.Handler {
	return serve("text/calendar; charset=utf-8", "", e.calendar)
}

// ScheduleJSON serves the programme as a c3voc schedule.json.
func (e *Exporter) ScheduleJSON() http.Handler {
	return serve("application/json; charset=utf-8", "", e.scheduleJSON)
}

// ScheduleXML serves the programme as a frab schedule.xml.
func (e *Exporter) ScheduleXML() http.Handler {
	return serve("application/xml; charset=utf-8", "", e.scheduleXML)
}

// request is what a caller asks of an export.
type request struct {
	// lang is the language of the texts, from ?lang=; nil leaves it to the request's
	// Accept-Language, then to the fair's default language.
	lang *i18n.Lang
	// spaceID narrows the programme to one space, from ?space=.
	spaceID string
}

// language is the language the export is written in: the one asked for, else the request's.
func (r request) language(ctx context.Context) i18n.Lang {
	if r.lang != nil {
		return *r.lang
	}
	return i18n.Requested(ctx)
}

// text resolves t with the API's fallback chain: the language asked for, the request's, the
// fair's default, any; "" when t is empty.
func (r request) text(ctx context.Context, t i18n.Text) string {
	if v := t.In(ctx, r.lang); v != nil {
		return *v
	}
	return ""
}

// parseRequest reads the query of an export. An empty parameter is one not given.
func parseRequest(r *http.Request) (request, error) {
	q := r.URL.Query()
	var req request
	if v := q.Get("lang"); v != "" {
		l := i18n.Lang(strings.ToLower(v))
		if !l.Valid() {
			return req, maarid.Invalid("lang", "%q is not a language of the fair: use ar, fr, en or zgh", clip(v))
		}
		req.lang = &l
	}
	if v := q.Get("space"); v != "" {
		if t, ok := gid.Type(v); !ok || t != gid.Space {
			return req, maarid.Invalid("space", "%q is not a space's ID (spc_…)", clip(v))
		}
		req.spaceID = v
	}
	return req, nil
}

// clip shortens what a caller sent to quote it in an error.
func clip(s string) string {
	const most = 64
	if len(s) <= most {
		return s
	}
	return strings.ToValidUTF8(s[:most], "") + "…"
}

// render makes the bytes of an export for a request.
type render func(ctx context.Context, req request) ([]byte, error)

// serve answers GET (and HEAD) with the export that render makes, as contentType; filename,
// when given, has browsers save it rather than show it. The ETag is a hash of the bytes, so
// it changes with anything that changes them — the data, the language, what the caller may
// see — and a client that has them already is answered 304 Not Modified.
func serve(contentType, filename string, render render) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := parseRequest(r)
		if err == nil {
			var body []byte
			if body, err = render(r.Context(), req); err == nil {
				h := w.Header()
				h.Set("Content-Type", contentType)
				h.Set("ETag", etag(body))
				// Revalidated on every use: the programme changes while the fair runs.
				h.Set("Cache-Control", "no-cache")
				h.Set("Vary", "Accept-Language, Authorization")
				h.Set("X-Content-Type-Options", "nosniff")
				if filename != "" {
					h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
				}
				// ServeContent answers If-None-Match (304), HEAD and ranges.
				http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
				return
			}
		}
		refuse(w, r, err)
	})
}

// etag is the strong entity tag of body.
func etag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// refuse answers err: a *maarid.Error with the status of its code, anything else as INTERNAL
// with the request's ID, logged.
func refuse(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := maarid.AsError(err); ok {
		maarid.RefusalOf(e.Code).Write(w, e.Error())
		return
	}
	ctx := r.Context()
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		w.Header().Set("Retry-After", "1")
		maarid.Busy.Write(w, "the export took too long: try again in a moment")
		return
	case ctx.Err() != nil:
		return // the client is gone
	}
	slog.ErrorContext(ctx, "export", "path", r.URL.Path, "error", err)
	maarid.RefusalOf(maarid.Internal).Write(w, "internal error; request id "+maarid.RequestID(ctx))
}
