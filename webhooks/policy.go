package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"maarid"
)

// Policy is what the operator allows webhooks to reach. By default a webhook's URL is https,
// on a public address: never one of the machine's, the local network's or the cloud's
// metadata service's, which a partner could otherwise have Maarid call for it.
type Policy struct {
	// AllowPrivate lets webhooks reach loopback, private and link-local addresses: for tests
	// and closed networks.
	AllowPrivate bool
	// HTTPHosts are the hosts a webhook may reach over plain http.
	HTTPHosts []string
}

// errRefused is the error of a connection to an address the policy refuses.
var errRefused = errors.New("refused")

// CheckURL returns a BAD_USER_INPUT error, on field url, when raw is not a URL a webhook may
// have. Host names are checked again on every connection, on the address they resolve to then
// (Deliverer), so that a name that points somewhere else later reaches nothing it may not.
func (p Policy) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "":
		return maarid.Invalid("url", "%q is not an absolute URL", raw)
	case u.User != nil:
		return maarid.Invalid("url", "a webhook's URL carries no user name or password: authenticate the deliveries by their signature")
	case u.Fragment != "":
		return maarid.Invalid("url", "a webhook's URL has no fragment")
	case len(raw) > 2000:
		return maarid.Invalid("url", "is longer than 2,000 characters")
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	switch u.Scheme {
	case "https":
	case "http":
		if !slices.Contains(p.HTTPHosts, host) {
			return maarid.Invalid("url", "a webhook's URL is https; plain http only to the hosts the operator allows")
		}
	default:
		return maarid.Invalid("url", "a webhook's URL is https, not %s", u.Scheme)
	}
	if ip, err := netip.ParseAddr(host); err == nil && !p.allowed(ip) {
		return maarid.Invalid("url", "%s is a private, loopback or link-local address, which webhooks may not reach", host)
	}
	if !p.AllowPrivate && (host == "localhost" || strings.HasSuffix(host, ".localhost")) {
		return maarid.Invalid("url", "%s is this machine, which webhooks may not reach", host)
	}
	return nil
}

// allowed reports whether a webhook may connect to ip.
func (p Policy) allowed(ip netip.Addr) bool {
	if p.AllowPrivate {
		return true
	}
	ip = ip.Unmap()
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !sharedOrReserved(ip)
}

// reserved are the ranges that are neither loopback, link-local nor private but still not
// the public internet: carrier-grade NAT, this network, benchmarking, IETF protocol
// assignments, documentation, IPv4 over IPv6 translation and discard prefixes.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"),
}

func sharedOrReserved(ip netip.Addr) bool {
	for _, p := range reserved {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// dialer connects webhooks' requests to the addresses their hosts resolve to, each checked
// against the policy as it is connected to: what the name resolved to when the webhook was
// made does not matter, nor does a name that resolves elsewhere a moment later.
type dialer struct {
	policy Policy
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	net    net.Dialer
}

func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else if addrs, err = d.lookup(ctx, host); err != nil {
		return nil, err
	}
	var (
		refused []string
		failed  error
	)
	for _, ip := range addrs {
		if !d.policy.allowed(ip) {
			refused = append(refused, ip.String())
			continue
		}
		conn, err := d.net.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		if failed = err; ctx.Err() != nil {
			break
		}
	}
	if failed != nil {
		return nil, failed
	}
	if len(refused) > 0 {
		return nil, fmt.Errorf("%w: %s resolves to %s, which webhooks may not reach (private, loopback or link-local)", errRefused, host, strings.Join(refused, ", "))
	}
	return nil, fmt.Errorf("%s: no address to connect to", host)
}
