package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestDemoPictures reads the demo fair's logos, product photos and portraits as a visitor app
// does: absolute URLs of the address it reached the API at (or of --public-url), each of them
// a picture Maarid serves.
func TestDemoPictures(t *testing.T) {
	const query = `{
		exhibitors(first: 20) { edges { node { logoUrl logoURL
			products(first: 5) { edges { node { imageUrls } } } } } }
		speakers(first: 20) { edges { node { photoUrl photoURL } } }
	}`
	type answer struct {
		Exhibitors struct {
			Edges []struct {
				Node struct {
					LogoUrl  string `json:"logoUrl"`
					LogoURL  string `json:"logoURL"`
					Products struct {
						Edges []struct{ Node struct{ ImageUrls []string } }
					}
				}
			}
		}
		Speakers struct {
			Edges []struct {
				Node struct {
					PhotoUrl string `json:"photoUrl"`
					PhotoURL string `json:"photoURL"`
				}
			}
		}
	}
	for _, tt := range []struct {
		name   string
		flags  []string
		origin string
	}{
		{"the request's host", nil, "http://example.com"},
		{"--public-url", []string{"--public-url=https://salon-ess.example.ma/api/"}, "https://salon-ess.example.ma/api"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t, "sqlite", tt.flags...)
			var got answer
			a.ok(t, request{query: query}, &got)
			var urls []string
			for _, e := range got.Exhibitors.Edges {
				if e.Node.LogoURL != e.Node.LogoUrl {
					t.Errorf("logoURL %q, logoUrl %q", e.Node.LogoURL, e.Node.LogoUrl)
				}
				urls = append(urls, e.Node.LogoUrl)
				for _, p := range e.Node.Products.Edges {
					if len(p.Node.ImageUrls) == 0 {
						t.Error("a product without a picture")
					}
					urls = append(urls, p.Node.ImageUrls...)
				}
			}
			for _, e := range got.Speakers.Edges {
				if e.Node.PhotoURL != e.Node.PhotoUrl {
					t.Errorf("photoURL %q, photoUrl %q", e.Node.PhotoURL, e.Node.PhotoUrl)
				}
				urls = append(urls, e.Node.PhotoUrl)
			}
			if len(urls) < 40 {
				t.Fatalf("%d pictures", len(urls))
			}
			seen := map[string]bool{}
			for _, u := range urls {
				path, ok := strings.CutPrefix(u, tt.origin)
				if !ok {
					t.Fatalf("%q is not a URL of %s", u, tt.origin)
				}
				seen[u] = true
				rec := httptest.NewRecorder()
				a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/svg+xml" ||
					!strings.HasPrefix(rec.Body.String(), "<svg ") || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
					t.Fatalf("%s: %d %s %.40s", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
				}
			}
			if len(seen) < len(urls)*9/10 {
				t.Errorf("%d different pictures of %d", len(seen), len(urls))
			}
		})
	}
	t.Run("not a picture", func(t *testing.T) {
		a := newAPI(t, "sqlite")
		for _, path := range []string{"/pictures/logo/Nope.svg", "/pictures/poster/a.svg", "/pictures/logo/a.png", "/pictures/"} {
			rec := httptest.NewRecorder()
			a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "NOT_FOUND") {
				t.Errorf("%s: %d %s", path, rec.Code, rec.Body.String())
			}
		}
	})
}
