package plugins

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// Version is a semantic version (https://semver.org, 2.0.0).
type Version struct {
	Major, Minor, Patch uint64
	Pre                 []string // pre-release identifiers
	Build               string   // build metadata, ignored in comparisons
}

// ParseVersion parses a strict semantic version: MAJOR.MINOR.PATCH with
// optional -prerelease and +build parts, no leading "v", no leading zeros.
func ParseVersion(s string) (Version, error) {
	var v Version
	if len(s) > 128 {
		return v, fmt.Errorf("version is longer than 128 characters")
	}
	rest, build, hasBuild := strings.Cut(s, "+")
	if hasBuild {
		if !validIdents(build, false) {
			return v, fmt.Errorf("invalid build metadata %q", build)
		}
		v.Build = build
	}
	core, pre, hasPre := strings.Cut(rest, "-")
	if hasPre {
		if !validIdents(pre, true) {
			return v, fmt.Errorf("invalid pre-release %q", pre)
		}
		v.Pre = strings.Split(pre, ".")
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return v, fmt.Errorf("%q is not MAJOR.MINOR.PATCH", core)
	}
	nums := []*uint64{&v.Major, &v.Minor, &v.Patch}
	for i, p := range parts {
		n, err := numeric(p)
		if err != nil {
			return v, err
		}
		*nums[i] = n
	}
	return v, nil
}

func numeric(p string) (uint64, error) {
	if p == "" || (len(p) > 1 && p[0] == '0') {
		return 0, fmt.Errorf("%q is not a number without leading zeros", p)
	}
	n, err := strconv.ParseUint(p, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", p)
	}
	return n, nil
}

// validIdents checks dot-separated identifiers of [0-9A-Za-z-]; numeric
// pre-release identifiers must not have leading zeros.
func validIdents(s string, pre bool) bool {
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		allDigits := true
		for _, r := range id {
			switch {
			case r >= '0' && r <= '9':
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '-':
				allDigits = false
			default:
				return false
			}
		}
		if pre && allDigits && len(id) > 1 && id[0] == '0' {
			return false
		}
	}
	return true
}

// String formats the version.
func (v Version) String() string {
	s := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	if len(v.Pre) > 0 {
		s += "-" + strings.Join(v.Pre, ".")
	}
	if v.Build != "" {
		s += "+" + v.Build
	}
	return s
}

// Key is the version without build metadata: two versions with the same
// key have the same precedence and count as the same release.
func (v Version) Key() string {
	v.Build = ""
	return v.String()
}

// Prerelease reports whether v is a pre-release.
func (v Version) Prerelease() bool { return len(v.Pre) > 0 }

// Compare orders versions by semver precedence.
func (v Version) Compare(w Version) int {
	if c := cmp.Or(cmp.Compare(v.Major, w.Major), cmp.Compare(v.Minor, w.Minor), cmp.Compare(v.Patch, w.Patch)); c != 0 {
		return c
	}
	switch {
	case len(v.Pre) == 0 && len(w.Pre) == 0:
		return 0
	case len(v.Pre) == 0:
		return 1
	case len(w.Pre) == 0:
		return -1
	}
	for i := 0; i < len(v.Pre) && i < len(w.Pre); i++ {
		if c := comparePre(v.Pre[i], w.Pre[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(v.Pre), len(w.Pre))
}

func comparePre(a, b string) int {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(na, nb)
	case errA == nil:
		return -1 // numeric identifiers have lower precedence
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// Latest returns the version that "latest" designates among versions: the
// highest release, or the highest pre-release when there is no release.
// It returns "" for an empty list and skips strings that do not parse.
func Latest(versions []string) string {
	var best Version
	bestS := ""
	for _, s := range versions {
		v, err := ParseVersion(s)
		if err != nil {
			continue
		}
		if bestS == "" || better(v, best) {
			best, bestS = v, s
		}
	}
	return bestS
}

func better(v, than Version) bool {
	if v.Prerelease() != than.Prerelease() {
		return !v.Prerelease()
	}
	return v.Compare(than) > 0
}
