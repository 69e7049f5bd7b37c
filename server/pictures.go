package main

import (
	"net/http"

	"maarid"
	"maarid/pictures"
)

// picturesHandler serves the pictures Maarid draws (package pictures): the demo fair's logos,
// product photos and portraits. A picture never changes, so caches keep it for a year.
func picturesHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind, seed, ok := pictures.Parse(r.URL.Path)
		if !ok {
			maarid.RefusalOf(maarid.NotFound).Write(w, "no such picture: "+pictures.Prefix+"<logo|product|speaker>/<slug>.svg")
			return
		}
		h := w.Header()
		h.Set("Content-Type", "image/svg+xml")
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		// An SVG opened on its own runs nothing and loads nothing.
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Access-Control-Allow-Origin", "*")
		w.Write(pictures.SVG(kind, seed))
	})
}

// origin is the origin a request was sent to, as its Host says. Behind a proxy that ends TLS,
// --public-url says what clients reach.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
