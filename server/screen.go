package main

import (
	"embed"
	"io/fs"
	"net/http"
)

// screenFiles is the programme screen for the venue's displays: a page, its script and
// style, and the GraphQL operations it sends. Nothing is fetched from elsewhere.
//
//go:embed screen
var screenFiles embed.FS

// screen serves the programme screen: GET /screen (?space=ID&lang=ar|fr&at=time) and its
// assets under /screen/.
func screen() http.Handler {
	files, err := fs.Sub(screenFiles, "screen")
	if err != nil {
		panic(err)
	}
	assets := http.StripPrefix("/screen/", http.FileServerFS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The page is small and changes with the server: displays check it on every load.
		w.Header().Set("Cache-Control", "no-cache")
		// Added to the server's frame-ancestors policy (framing): a browser enforces both.
		w.Header().Add("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.URL.Path == "/screen" {
			http.ServeFileFS(w, r, files, "index.html")
			return
		}
		assets.ServeHTTP(w, r)
	})
}
