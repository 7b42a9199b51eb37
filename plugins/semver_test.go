package plugins

import (
	"slices"
	"testing"
)

func TestParseVersion(t *testing.T) {
	good := []string{"0.0.0", "1.2.3", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92",
		"1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "1.0.0+21AF26D3----117B344092BD"}
	for _, s := range good {
		v, err := ParseVersion(s)
		if err != nil || v.String() != s {
			t.Errorf("ParseVersion(%q) = %v, %v", s, v, err)
		}
	}
	bad := []string{"", "1", "1.2", "v1.2.3", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3-01", "1.2.3+", "1.2.3-a..b",
		"1.2.3-é", " 1.2.3", "1.2.3 ", "-1.2.3", "1.2.-3", "99999999999999999999.0.0"}
	for _, s := range bad {
		if _, err := ParseVersion(s); err == nil {
			t.Errorf("ParseVersion(%q) accepted", s)
		}
	}
}

func TestPrecedence(t *testing.T) {
	// The order given by semver.org, section 11.
	ordered := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
		"1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0"}
	for i := 1; i < len(ordered); i++ {
		a, _ := ParseVersion(ordered[i-1])
		b, _ := ParseVersion(ordered[i])
		if a.Compare(b) >= 0 || b.Compare(a) <= 0 {
			t.Errorf("%s should come before %s", a, b)
		}
	}
	a, _ := ParseVersion("1.0.0+one")
	b, _ := ParseVersion("1.0.0+two")
	if a.Compare(b) != 0 || a.Key() != b.Key() {
		t.Error("build metadata must not affect precedence")
	}
}

func TestLatest(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"1.0.0", "1.10.0", "1.9.0"}, "1.10.0"},
		{[]string{"2.0.0-rc.1", "1.4.0"}, "1.4.0"},
		{[]string{"2.0.0-rc.1", "2.0.0-beta"}, "2.0.0-rc.1"},
		{[]string{"0.1.0", "bogus"}, "0.1.0"},
	}
	for _, c := range cases {
		in := slices.Clone(c.in)
		if got := Latest(in); got != c.want {
			t.Errorf("Latest(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
