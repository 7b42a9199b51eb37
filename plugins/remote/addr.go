package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"github.com/riposte-civic/riposte/plugins/internal/addrpolicy"
)

// CheckAddr applies the address policy of clients without AllowPrivate. It
// returns nil for a public unicast address, and otherwise an error wrapping
// ErrRefused that names the kind of address: loopback, private, link-local
// (which holds the 169.254.169.254 metadata service), carrier-grade NAT,
// unique-local, multicast, broadcast, unspecified, documentation, reserved.
// An IPv4-mapped IPv6 address is judged as the IPv4 address it stands for.
func CheckAddr(ip netip.Addr) error {
	if kind := addrpolicy.AddrKind(ip); kind != "" {
		return fmt.Errorf("%w: %s is a %s address", ErrRefused, ip, kind)
	}
	return nil
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
// connects. Manifest validation applies the same rule to runtime.endpoint.
func RefusedHost(host string) string { return addrpolicy.RefusedHost(host) }

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
		if kind := addrpolicy.AddrKind(ip); kind != "" {
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
