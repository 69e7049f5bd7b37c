package main

import (
	"embed"
	"io/fs"
	"net/http"
)

// GraphiQL and React are fetched through npm at the versions graphiql/package-lock.json pins,
// into graphiql/assets, which is committed like other generated code.
//go:generate sh graphiql/fetch.sh

// graphiqlFiles is the API explorer: its page and script, and the browser builds of GraphiQL
// and React, with their licences. Nothing is fetched from elsewhere, so that the explorer
// works on a venue's closed network.
//
//go:embed graphiql/index.html graphiql/explorer.js graphiql/assets
var graphiqlFiles embed.FS

// explorer serves GraphiQL on the API: GET / and its files under /graphiql/.
func explorer() http.Handler {
	page, err := fs.Sub(graphiqlFiles, "graphiql")
	if err != nil {
		panic(err)
	}
	assets, err := fs.Sub(page, "assets")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/graphiql/", http.FileServerFS(assets))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// Added to the server's frame-ancestors policy (framing): a browser enforces both.
		h.Add("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; font-src 'self' data:")
		h.Set("X-Content-Type-Options", "nosniff")
		switch r.URL.Path {
		case "/":
			h.Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, page, "index.html")
		case "/graphiql/explorer.js":
			h.Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, page, "explorer.js")
		default:
			// The libraries change only with a new server.
			h.Set("Cache-Control", "public, max-age=3600")
			files.ServeHTTP(w, r)
		}
	})
}
