package all_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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

// TestEveryToolDeclaresItsInterfaceGuard checks that each package all.go
// imports declares `var _ plugins.Plugin = …`, so that the compiler, not
// the first invocation, says when a tool stops being a plugin.
func TestEveryToolDeclaresItsInterfaceGuard(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "all.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	const root = "github.com/riposte-civic/riposte/plugins/"
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		dir := filepath.Join("..", strings.TrimPrefix(path, root))
		if !hasGuard(t, dir) {
			t.Errorf("%s lacks var _ plugins.Plugin = (*Plugin)(nil)", path)
		}
	}
}

// hasGuard reports whether a Go file of dir, tests aside, declares a blank
// variable of type plugins.Plugin.
func hasGuard(t *testing.T, dir string) bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR && declaresGuard(g) {
				return true
			}
		}
	}
	return false
}

func declaresGuard(g *ast.GenDecl) bool {
	for _, s := range g.Specs {
		v := s.(*ast.ValueSpec)
		sel, ok := v.Type.(*ast.SelectorExpr)
		if !ok || len(v.Names) != 1 || v.Names[0].Name != "_" || sel.Sel.Name != "Plugin" {
			continue
		}
		if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "plugins" {
			return true
		}
	}
	return false
}
