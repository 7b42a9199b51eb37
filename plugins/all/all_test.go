package all_test

import (
	"go/parser"
	"go/token"
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
	// The ids of the compiled-in tools, in alphabetical order: the order
	// plugins.Registered returns them in.
	want := []string{"contre-discours", "portes-ouvertes", "rumeur", "signalement"}
	if !slices.IsSorted(want) {
		t.Fatalf("keep this list in alphabetical order: %q", want)
	}
	if !slices.Equal(ids, want) {
		t.Fatalf("registered %v, want %v", ids, want)
	}
	for _, id := range want {
		if p, ok := plugins.Lookup(id); !ok || p.Manifest().Slug != id {
			t.Errorf("Lookup(%q) does not find the tool of that slug", id)
		}
	}
}

// TestImportsStayInAlphabeticalOrder keeps all.go's imports in one sorted
// block, where a new tool's line has one right place.
func TestImportsStayInAlphabeticalOrder(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "all.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, imp := range f.Imports {
		paths = append(paths, imp.Path.Value)
	}
	if !slices.IsSorted(paths) {
		t.Fatalf("keep the imports of all.go in alphabetical order, in one block: %s", paths)
	}
}

func TestEveryRegisteredToolConforms(t *testing.T) {
	for _, p := range plugins.Registered() {
		t.Run(p.Manifest().Runtime.Builtin, func(t *testing.T) { pluginstest.Run(t, p) })
	}
}
