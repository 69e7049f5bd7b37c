package main

import (
	"testing"

	"maarid/auth"
	"maarid/store/storetest"
)

// TestAbsentIsNull reads every exhibitor, its contact and stands, and the fair as an
// organiser: a value an exhibitor does not have is null, never ""; the renamed fields answer
// as the fields they were renamed to; short lists are lists, never null.
func TestAbsentIsNull(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			a := newAPI(t, kind)
			organiser := a.key(t, auth.Organiser, "")
			var got struct {
				Exhibitors struct {
					Edges []struct {
						Node struct {
							ID      string
							LogoUrl *string `json:"logoUrl"`
							LogoURL *string `json:"logoURL"`
							Contact *struct {
								Email, Phone, Website, WebsiteUrl *string
							}
							Stands []struct{ AreaSqm *float64 }
						}
					}
				}
				Fairs struct {
					Edges []struct {
						Node struct {
							AreaSqm *float64
							Spaces  []struct{ ID string }
						}
					}
				}
			}
			a.ok(t, request{query: `{
				exhibitors(first: 100) { edges { node { id logoUrl logoURL
					contact { email phone website websiteUrl } stands { areaSqm } } } }
				fairs(first: 1) { edges { node { areaSqm spaces { id } } } }
			}`, header: organiser}, &got)
			blank := func(s *string) bool { return s != nil && *s == "" }
			same := func(a, b *string) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
			var withSite, withoutSite int
			for _, e := range got.Exhibitors.Edges {
				n := e.Node
				if blank(n.LogoUrl) || !same(n.LogoUrl, n.LogoURL) {
					t.Errorf("%s: logoUrl %v, logoURL %v", n.ID, n.LogoUrl, n.LogoURL)
				}
				if c := n.Contact; c != nil {
					if blank(c.Email) || blank(c.Phone) || blank(c.WebsiteUrl) || !same(c.Website, c.WebsiteUrl) {
						t.Errorf("%s: contact %v %v %v %v", n.ID, c.Email, c.Phone, c.Website, c.WebsiteUrl)
					}
					if c.WebsiteUrl == nil {
						withoutSite++
					} else {
						withSite++
					}
				}
				if n.Stands == nil {
					t.Errorf("%s: stands null", n.ID)
				}
			}
			if withSite == 0 || withoutSite == 0 {
				t.Errorf("%d contacts with a website, %d without: the demo fair has both", withSite, withoutSite)
			}
			f := got.Fairs.Edges[0].Node
			if f.AreaSqm == nil || *f.AreaSqm != 3000 || len(f.Spaces) == 0 {
				t.Errorf("fair: area %v, %d spaces", f.AreaSqm, len(f.Spaces))
			}

			// "" is not a URL: a logo is removed with clearLogoUrl.
			id := got.Exhibitors.Edges[0].Node.ID
			res := a.post(t, request{query: `mutation($id: ID!) { updateExhibitor(id: $id, input: {logoUrl: ""}) { id } }`,
				variables: map[string]any{"id": id}, header: organiser})
			if len(res.Errors) != 1 || res.Errors[0].code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != "logoUrl" {
				t.Errorf("logoUrl \"\": %+v", res.Errors)
			}
			var cleared struct{ UpdateExhibitor struct{ LogoUrl *string } }
			a.ok(t, request{query: `mutation($id: ID!) { updateExhibitor(id: $id, input: {clearLogoUrl: true}) { logoUrl } }`,
				variables: map[string]any{"id": id}, header: organiser}, &cleared)
			if cleared.UpdateExhibitor.LogoUrl != nil {
				t.Errorf("cleared logo: %q", *cleared.UpdateExhibitor.LogoUrl)
			}
		})
	}
}
