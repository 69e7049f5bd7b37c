package stream

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// originPolicy says which web pages may open a websocket: those of the API's own origin,
// clients that are not browsers (they send no Origin), and the origins configured.
type originPolicy struct {
	any     bool
	allowed []string // scheme://host[:port], lower case
}

func newOriginPolicy(origins []string) originPolicy {
	return originPolicy{any: slices.Contains(origins, "*"), allowed: origins}
}

// allows reports whether the upgrade request r comes from an allowed origin. Browsers let
// any page open a websocket to any host; the Origin header is what tells them apart.
func (p originPolicy) allows(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || p.any {
		return true
	}
	if u, err := url.Parse(origin); err == nil && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return slices.Contains(p.allowed, strings.ToLower(origin))
}

// ParseOrigins reads the value of --allowed-origins: a comma-separated list of origins, or *.
func ParseOrigins(list string) ([]string, error) {
	var origins []string
	for o := range strings.SplitSeq(list, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o == "*" {
			origins = append(origins, o)
			continue
		}
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("allowed origin %q: write an origin as scheme://host[:port], such as https://fair.example.org, or * for any", o)
		}
		origins = append(origins, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return origins, nil
}
