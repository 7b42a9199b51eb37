package plugins

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// panicky is a compiled-in plugin that panics.
type panicky struct{ m *Manifest }

func (p panicky) Manifest() *Manifest { return p.m }
func (p panicky) Invoke(context.Context, json.RawMessage) (json.RawMessage, error) {
	panic("out of its mind")
}

func init() {
	Register(panicky{&Manifest{Slug: "loader-panics", Runtime: Runtime{Type: RuntimeBuiltin, Builtin: "loader-panics"}}})
}

func builtinTarget(id string) Target {
	return Target{ID: 1, Manifest: &Manifest{Slug: id, Runtime: Runtime{Type: RuntimeBuiltin, Builtin: id}}}
}

func TestFaultKeepsTheMessageAndMatchesBoth(t *testing.T) {
	cause := errors.New("status 500")
	err := Fault(ErrMisbehaved, cause)
	if err.Error() != "status 500" || !errors.Is(err, ErrMisbehaved) || !errors.Is(err, cause) || errors.Is(err, ErrTimeout) {
		t.Fatalf("Fault(ErrMisbehaved, %q) = %q, matching kind %v, cause %v", cause, err, errors.Is(err, ErrMisbehaved), errors.Is(err, cause))
	}
}

func TestBuiltinsLoadOnlyRegisteredPlugins(t *testing.T) {
	_, err := Builtins{}.Load(t.Context(), builtinTarget("never-registered"))
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, ErrUnknownPlugin) || !strings.Contains(err.Error(), `"never-registered"`) {
		t.Fatalf("Load of an unknown id = %v, want ErrUnavailable naming it", err)
	}
	p, err := Builtins{}.Load(t.Context(), builtinTarget("loader-panics"))
	if err != nil || p.Manifest().Slug != "loader-panics" {
		t.Fatalf("Load of a registered id = %v, %v", p, err)
	}
}

func TestBuiltinsTurnPanicsIntoMisbehaviour(t *testing.T) {
	p, err := Builtins{}.Load(t.Context(), builtinTarget("loader-panics"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Invoke(t.Context(), json.RawMessage(`{}`))
	if out != nil || !errors.Is(err, ErrMisbehaved) || err.Error() != `compiled-in plugin "loader-panics" panicked: out of its mind` {
		t.Fatalf("Invoke = %s, %v; want ErrMisbehaved saying it panicked", out, err)
	}
}

// Every member of the runtime object but type and timeout_ms belongs to
// one runtime type, whose row gives its rules and its schema; the swagger
// enum of runtime.type lists the types.
func TestRuntimeTypesCoverTheRuntimeObject(t *testing.T) {
	var owned, names []string
	for _, rt := range runtimeTypes() {
		names = append(names, rt.name)
		for _, f := range rt.fields {
			owned = append(owned, f.name)
		}
	}
	typ := reflect.TypeFor[Runtime]()
	var members []string
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if name != "type" && name != "timeout_ms" {
			members = append(members, name)
		}
	}
	slices.Sort(owned)
	slices.Sort(members)
	if !slices.Equal(owned, members) {
		t.Errorf("the runtime types own %v; the runtime object has %v", owned, members)
	}
	field, _ := typ.FieldByName("Type")
	if enums := field.Tag.Get("enums"); enums != strings.Join(names, ",") {
		t.Errorf("Runtime.Type documents enums %q; the runtime types are %v", enums, names)
	}
}
