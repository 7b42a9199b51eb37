package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// forbidden4 lists the IPv4 ranges a plugin endpoint may not use, most
// specific first: nothing a stranger can put in a manifest has any business
// reaching Riposte's own host, its network or a cloud metadata service.
var forbidden4 = []struct {
	prefix netip.Prefix
	kind   string
}{
	{netip.MustParsePrefix("255.255.255.255/32"), "broadcast"},
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.88.99.0/24"), "reserved"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
}

// IPv6 ranges: only global unicast (2000::/3) is allowed, less the parts of
// it that are reserved, and the two prefixes that embed an IPv4 address are
// judged by that address.
var (
	global6 = netip.MustParsePrefix("2000::/3")
	nat64   = netip.MustParsePrefix("64:ff9b::/96") // DNS64 synthesises these for IPv4-only hosts
	sixTo4  = netip.MustParsePrefix("2002::/16")
	reserv6 = []struct {
		prefix netip.Prefix
		kind   string
	}{
		{netip.MustParsePrefix("2001::/23"), "reserved"}, // Teredo, benchmarking, ORCHID…
		{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
		{netip.MustParsePrefix("3fff::/20"), "documentation"},
	}
)

// CheckAddr applies the address policy of clients without AllowPrivate. It
// returns nil for a public unicast address, and otherwise an error wrapping
// ErrRefused that names the kind of address: loopback, private, link-local
// (which holds the 169.254.169.254 metadata service), carrier-grade NAT,
// unique-local, multicast, broadcast, unspecified, documentation, reserved.
// An IPv4-mapped IPv6 address is judged as the IPv4 address it stands for.
func CheckAddr(ip netip.Addr) error {
	if kind := addrKind(ip); kind != "" {
		return fmt.Errorf("%w: %s is a %s address", ErrRefused, ip, kind)
	}
	return nil
}

// addrKind returns the kind of a forbidden address, or "" for an allowed one.
func addrKind(ip netip.Addr) string {
	if !ip.IsValid() {
		return "invalid"
	}
	ip = ip.WithZone("").Unmap()
	if ip.Is4() {
		for _, r := range forbidden4 {
			if r.prefix.Contains(ip) {
				return r.kind
			}
		}
		return ""
	}
	switch {
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsMulticast():
		return "multicast"
	case ip.IsLinkLocalUnicast():
		return "link-local"
	case ip.IsPrivate():
		return "unique-local"
	case nat64.Contains(ip):
		b := ip.As16()
		return addrKind(netip.AddrFrom4([4]byte(b[12:16])))
	case sixTo4.Contains(ip):
		b := ip.As16()
		return addrKind(netip.AddrFrom4([4]byte(b[2:6])))
	case !global6.Contains(ip):
		return "reserved"
	}
	for _, r := range reserv6 {
		if r.prefix.Contains(ip) {
			return r.kind
		}
	}
	return ""
}

// nameKind returns why a host name is refused before any lookup, or "" when
// it may be looked up: a public endpoint has a fully qualified name, never
// a special-use or cloud metadata one.
func nameKind(name string) string {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	switch {
	case name == "":
		return "an empty host name"
	case name == "metadata.goog" || strings.HasSuffix(name, ".internal"):
		return "a metadata or internal name"
	case name == "localhost" || strings.HasSuffix(name, ".localhost"):
		return "a loopback name"
	case strings.HasSuffix(name, ".local") || strings.HasSuffix(name, ".home.arpa") ||
		strings.HasSuffix(name, ".localdomain"):
		return "a local-network name"
	case !strings.Contains(name, "."):
		return "not a fully qualified name"
	}
	return ""
}

// RefusedHost says why a client without AllowPrivate refuses an endpoint
// host before any lookup, such as `10.0.0.1 is a private address` or
// `"localhost" is a loopback name`, or returns "" when the host may be
// looked up. host is a URL's host name without brackets or port: an
// address literal, judged as CheckAddr does, or a name, refused when it is
// special-use (localhost, *.localhost, *.local, *.home.arpa,
// *.localdomain), internal (*.internal, metadata.goog) or not fully
// qualified. Case and a trailing dot do not matter. A name that passes may
// still resolve to a refused address: the client checks again when it
// connects.
func RefusedHost(host string) string {
	if ip, err := netip.ParseAddr(strings.TrimSuffix(host, ".")); err == nil {
		if kind := addrKind(ip); kind != "" {
			return fmt.Sprintf("%s is a %s address", ip, kind)
		}
		return ""
	}
	if kind := nameKind(host); kind != "" {
		return fmt.Sprintf("%q is %s", host, kind)
	}
	return ""
}

// checkHost refuses an endpoint host that the policy forbids without
// looking it up.
func checkHost(host string) error {
	if why := RefusedHost(host); why != "" {
		return fmt.Errorf("%w: %s", ErrRefused, why)
	}
	return nil
}

// dialContext is the transport's only way out: it resolves the host itself,
// checks every address (unless private ones are allowed) and then connects
// to a checked address, never to the name, so that a DNS answer that changes
// between check and connect (rebinding) cannot slip through.
func (c *Client) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("%w: invalid address %q", ErrRefused, address)
	}
	ips, err := c.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var first error
	for _, ip := range ips {
		conn, err := c.dial(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// resolve returns the addresses to connect to for host, all of them allowed.
func (c *Client) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		if !c.allowPrivate {
			if err := CheckAddr(ip); err != nil {
				return nil, err
			}
		}
		return []netip.Addr{ip}, nil
	}
	if !c.allowPrivate {
		if err := checkHost(host); err != nil {
			return nil, err
		}
	}
	ips, err := c.lookup(ctx, "ip", host)
	if err != nil {
		return nil, lookupError(ctx, host, err)
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("%w: %s has no address", ErrMisbehaved, host)
	}
	for i, ip := range ips {
		ips[i] = ip.Unmap()
		if c.allowPrivate {
			continue
		}
		if kind := addrKind(ip); kind != "" {
			// The address itself is not told: it may describe a private network.
			return nil, fmt.Errorf("%w: %s resolves to a %s address", ErrRefused, host, kind)
		}
	}
	return ips, nil
}

// lookupError describes a failed lookup without the resolver's own address,
// which a *net.DNSError would tell.
func lookupError(ctx context.Context, host string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Errorf("%w: no such host %s", ErrMisbehaved, host)
	case errors.As(err, &dnsErr) && dnsErr.IsTimeout:
		return fmt.Errorf("%w: looking up %s took too long", ErrTimeout, host)
	}
	return fmt.Errorf("%w: cannot look up %s", ErrMisbehaved, host)
}

// controlAddr is the dialer's last check, on the very address a socket is
// about to connect to.
func controlAddr(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: invalid address %q", ErrRefused, address)
	}
	return CheckAddr(ap.Addr())
}
