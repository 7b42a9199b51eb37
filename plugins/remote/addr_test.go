package remote

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
)

func TestCheckAddrAllowsOnlyPublicUnicast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		kind string // "" when allowed
	}{
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"93.184.215.14", ""},
		{"11.0.0.1", ""},
		{"100.63.255.255", ""},
		{"100.128.0.0", ""},
		{"169.253.255.255", ""},
		{"172.15.255.255", ""},
		{"172.32.0.1", ""},
		{"192.169.0.1", ""},
		{"223.255.255.254", ""},
		{"2606:4700:4700::1111", ""},
		{"2001:4860:4860::8888", ""},
		{"::ffff:8.8.8.8", ""},
		{"64:ff9b::808:808", ""}, // NAT64 form of 8.8.8.8
		{"2002:808:808::1", ""},  // 6to4 form of 8.8.8.8
		{"2a00:1450:4007:80e::200e", ""},

		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"127.0.0.1", "loopback"},
		{"127.255.255.254", "loopback"},
		{"10.0.0.1", "private"},
		{"10.255.255.255", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.168.1.1", "private"},
		{"169.254.169.254", "link-local"}, // cloud metadata
		{"169.254.0.1", "link-local"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.100.100.200", "carrier-grade NAT"}, // Alibaba Cloud metadata
		{"100.127.255.255", "carrier-grade NAT"},
		{"192.0.0.192", "reserved"},
		{"192.0.2.1", "documentation"},
		{"198.51.100.7", "documentation"},
		{"203.0.113.9", "documentation"},
		{"198.18.0.1", "benchmarking"},
		{"198.19.255.255", "benchmarking"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"240.0.0.1", "reserved"},
		{"255.255.255.255", "broadcast"},
		{"::", "unspecified"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:10.0.0.1", "private"},
		{"::ffff:169.254.169.254", "link-local"},
		{"::ffff:0.0.0.0", "unspecified"},
		{"::ffff:255.255.255.255", "broadcast"},
		{"::127.0.0.1", "reserved"}, // IPv4-compatible, deprecated
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"fc00::1", "unique-local"},
		{"fd00:ec2::254", "unique-local"}, // AWS metadata over IPv6
		{"ff02::1", "multicast"},
		{"ff05::2", "multicast"},
		{"fec0::1", "reserved"}, // site-local, deprecated
		{"100::1", "reserved"},
		{"5f00::1", "reserved"},
		{"2001::1", "reserved"}, // Teredo
		{"2001:db8::1", "documentation"},
		{"3fff::1", "documentation"},
		{"64:ff9b::7f00:1", "loopback"},      // NAT64 form of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", "link-local"}, // NAT64 form of 169.254.169.254
		{"2002:7f00:1::1", "loopback"},       // 6to4 form of 127.0.0.1
		{"2002:a00:1::1", "private"},         // 6to4 form of 10.0.0.1
	}
	for _, tt := range tests {
		err := CheckAddr(netip.MustParseAddr(tt.addr))
		switch {
		case tt.kind == "" && err != nil:
			t.Errorf("CheckAddr(%s) = %v, want it allowed", tt.addr, err)
		case tt.kind != "" && !errors.Is(err, ErrRefused):
			t.Errorf("CheckAddr(%s) = %v, want ErrRefused", tt.addr, err)
		case tt.kind != "" && !strings.Contains(err.Error(), tt.kind):
			t.Errorf("CheckAddr(%s) = %q, want it to say %q", tt.addr, err, tt.kind)
		}
	}
	if err := CheckAddr(netip.Addr{}); !errors.Is(err, ErrRefused) {
		t.Errorf("CheckAddr(zero Addr) = %v, want ErrRefused", err)
	}
}

func TestCheckHostRefusesSpecialNames(t *testing.T) {
	t.Parallel()
	for _, host := range []string{
		"localhost", "LOCALHOST.", "api.localhost", "metadata.google.internal",
		"metadata.google.internal.", "metadata.goog", "metadata", "instance-data",
		"printer.local", "nas.home.arpa", "intranet", "127.0.0.1", "::1",
	} {
		if err := checkHost(host); !errors.Is(err, ErrRefused) {
			t.Errorf("checkHost(%q) = %v, want ErrRefused", host, err)
		}
	}
	for _, host := range []string{"plugins.example.org", "api.riposte.eu.", "8.8.8.8", "2001:4860:4860::8888"} {
		if err := checkHost(host); err != nil {
			t.Errorf("checkHost(%q) = %v, want it allowed", host, err)
		}
	}
}

func TestRefusedHostSaysWhy(t *testing.T) {
	t.Parallel()
	tests := []struct{ host, want string }{
		{"127.0.0.1", "127.0.0.1 is a loopback address"},
		{"127.0.0.1.", "127.0.0.1 is a loopback address"}, // a trailing dot does not hide an address
		{"10.1.2.3", "10.1.2.3 is a private address"},
		{"fd00::1", "fd00::1 is a unique-local address"},
		{"Localhost", `"Localhost" is a loopback name`},
		{"tool.localhost.", `"tool.localhost." is a loopback name`},
		{"db.INTERNAL", `"db.INTERNAL" is a metadata or internal name`},
		{"printer.local", `"printer.local" is a local-network name`},
		{"intranet", `"intranet" is not a fully qualified name`},
		{"plugins.example.org", ""},
		{"plugins.example.org.", ""},
		{"8.8.8.8", ""},
		{"localhost.example.org", ""},
	}
	for _, tt := range tests {
		if got := RefusedHost(tt.host); got != tt.want {
			t.Errorf("RefusedHost(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

// The dialer itself, the last line of defence, will not connect to a
// forbidden address even when handed one directly.
func TestDialerRefusesForbiddenAddresses(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if conn, err := ln.Accept(); err == nil {
			accepted <- struct{}{}
			conn.Close()
		}
	}()
	c := New(Options{})
	conn, err := c.dial(t.Context(), "tcp", ln.Addr().String())
	if err == nil {
		conn.Close()
		t.Fatal("dialled a loopback address")
	}
	if !errors.Is(err, ErrRefused) {
		t.Errorf("dial error = %v, want ErrRefused", err)
	}
	select {
	case <-accepted:
		t.Error("the listener accepted a connection")
	default:
	}
}
