package plugins

import (
	"errors"
	"slices"
	"testing"
)

// builtinLike registers, once, a compiled-in plugin named as Riposte's
// Portes Ouvertes, whose names CheckNames reserves.
func builtinLike(tb testing.TB) {
	tb.Helper()
	if _, ok := Lookup("reserved-portes"); !ok {
		Register(panicky{&Manifest{Slug: "portes-ouvertes", Name: "Portes Ouvertes",
			Runtime: Runtime{Type: RuntimeBuiltin, Builtin: "reserved-portes"}}})
	}
}

// namePaths returns the paths CheckNames refuses.
func namePaths(tb testing.TB, m, prev *Manifest) []string {
	tb.Helper()
	err := CheckNames(m, prev)
	if err == nil {
		return nil
	}
	var me *ManifestError
	if !errors.As(err, &me) {
		tb.Fatalf("CheckNames = %v, want a *ManifestError", err)
	}
	var out []string
	for _, p := range me.Problems {
		out = append(out, p.Path)
	}
	return out
}

func named(slug, name string, maintainers ...string) *Manifest {
	m := &Manifest{Slug: slug, Name: name}
	for _, n := range maintainers {
		m.Maintainers = append(m.Maintainers, Maintainer{Name: n, Email: "a@example.org"})
	}
	return m
}

func TestCheckNamesRefusesReservedNames(t *testing.T) {
	builtinLike(t)
	for _, tc := range []struct {
		name string
		m    *Manifest
		want []string
	}{
		{"Cyrillic letters in a built-in's name", named("abri-paris", "\u0420\u043ertes Ouvertes", "Ada"), []string{"name"}},
		{"a built-in's slug with underscores", named("abri-paris", "portes_ouvertes", "Ada"), []string{"name"}},
		{"a built-in's name run together", named("abri-paris", "PortesOuvertes", "Ada"), []string{"name"}},
		{"one letter from a built-in's slug", named("portes-ouverte", "Abri Paris", "Ada"), []string{"slug"}},
		{"the platform's name, official", named("abri-paris", "Riposte Official", "Ada"), []string{"name"}},
		{"official, run in", named("abri-officiel", "Abri", "Ada"), []string{"slug"}},
		{"a public body", named("signal-pharos", "Signal PHAROS", "Ada"), []string{"slug", "name"}},
		{"stop-djihadisme", named("stop-djihadisme-alertes", "Alertes", "Ada"), []string{"slug"}},
		{"Europol's referral unit", named("eu-iru-bridge", "Bridge", "Ada"), []string{"slug"}},
		{"the platform as maintainer", named("abri-paris", "Abri Paris", "Ada", "Riposte maintainers"), []string{"maintainers[1].name"}},
		{"the platform as maintainer, lower case", named("abri-paris", "Abri Paris", "riposte"), []string{"maintainers[0].name"}},
		{"the platform's team, one letter off", named("abri-paris", "Abri Paris", "Riposte maintainer"), []string{"maintainers[0].name"}},
		{"ordinary names", named("vigie-rumeurs", "Vigie Rumeurs", "Équipe Vigie"), nil},
		{"a name holding a short body's letters", named("virus-scan", "Virus Scan", "Viral lab"), nil},
		{"Arabic", named("sawt-akhar", "صوت آخر", "فريق صوت آخر"), nil},
		{"a built-in's word in a longer name", named("portes-ouvertes-lyon-relais", "Relais des portes ouvertes de Lyon", "Ada"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := namePaths(t, tc.m, nil); !slices.Equal(got, tc.want) {
				t.Errorf("CheckNames refused %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCheckNamesKeepsWhatAPluginHad(t *testing.T) {
	builtinLike(t)
	prev := named("riposte-kit", "Riposte Kit", "Riposte maintainers")
	if got := namePaths(t, named("riposte-kit", "Riposte Kit", "Riposte maintainers", "Ada"), prev); got != nil {
		t.Errorf("a new version keeping its names: refused %q", got)
	}
	if got := namePaths(t, named("riposte-kit", "Riposte Kit Officiel", "Riposte team"), prev); !slices.Equal(got, []string{"name", "maintainers[0].name"}) {
		t.Errorf("a new version changing its names: refused %q, want name and maintainers[0].name", got)
	}
}
