// Package addrpolicy is the address policy of plugin endpoints: the
// addresses and names that a manifest may not name and that the remote
// client never connects to. Manifest validation and the remote client both
// apply it, so that what registration accepts is what a call may reach.
package addrpolicy

import (
	"fmt"
	"net/netip"
	"strings"
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

// AddrKind returns the kind of a forbidden address (loopback, private,
// link-local, shared (carrier-grade NAT), unique-local, multicast,
// broadcast, unspecified, documentation, reserved…), or "" for a public
// unicast address. An IPv4-mapped or NAT64 address is judged as the IPv4
// address it stands for.
func AddrKind(ip netip.Addr) string {
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
		return AddrKind(netip.AddrFrom4([4]byte(b[12:16])))
	case sixTo4.Contains(ip):
		b := ip.As16()
		return AddrKind(netip.AddrFrom4([4]byte(b[2:6])))
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

// NameKind returns why a host name is refused before any lookup, or "" when
// it may be looked up: a public endpoint has a fully qualified name, never
// a special-use or cloud metadata one.
func NameKind(name string) string {
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

// RefusedHost says why an endpoint host is refused before any lookup,
// such as `10.0.0.1 is a private address` or `"localhost" is a loopback
// name`, or returns "" when the host may be looked up. host is a URL's
// host name without brackets or port: an address literal, judged by
// AddrKind, or a name, judged by NameKind. A trailing dot does not matter.
func RefusedHost(host string) string {
	if ip, err := netip.ParseAddr(strings.TrimSuffix(host, ".")); err == nil {
		if kind := AddrKind(ip); kind != "" {
			return fmt.Sprintf("%s is a %s address", ip, kind)
		}
		return ""
	}
	if kind := NameKind(host); kind != "" {
		return fmt.Sprintf("%q is %s", host, kind)
	}
	return ""
}
