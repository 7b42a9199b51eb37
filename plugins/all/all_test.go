package all_test

import (
	"slices"
	"testing"

	"github.com/riposte-civic/riposte/plugins"
	_ "github.com/riposte-civic/riposte/plugins/all"
	"github.com/riposte-civic/riposte/plugins/pluginstest"
)

func TestRegistersEveryCompiledInTool(t *testing.T) {
	var ids []string
	for _, p := range plugins.Registered() {
		ids = append(ids, p.Manifest().Runtime.Builtin)
	}
	want := []string{"contre-discours", "portes-ouvertes", "rumeur", "signalement"}
	if !slices.Equal(ids, want) {
		t.Fatalf("registered %v, want %v", ids, want)
	}
	for _, id := range want {
		if p, ok := plugins.Lookup(id); !ok || p.Manifest().Slug != id {
			t.Errorf("Lookup(%q) does not find the tool of that slug", id)
		}
	}
}

func TestEveryRegisteredToolConforms(t *testing.T) {
	for _, p := range plugins.Registered() {
		t.Run(p.Manifest().Runtime.Builtin, func(t *testing.T) { pluginstest.Run(t, p) })
	}
}
