package plugins

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/riposte-civic/riposte/plugins/internal/addrpolicy"
)

// Runtime types.
const (
	RuntimeBuiltin = "builtin" // compiled into Riposte
	RuntimeHTTP    = "http"    // an HTTPS endpoint Riposte calls
	RuntimeWASM    = "wasm"    // a WebAssembly module Riposte runs in a sandbox
	RuntimeNone    = "none"    // a catalogue entry only
)

// runtimeType is one value of runtime.type and the manifest rules that
// come with it. The list below is the one place that knows them: the
// validation, the published JSON Schema and Runnable derive from it. A
// server invokes the plugins of a runnable type through the Loader
// registered for it.
type runtimeType struct {
	name   string
	runs   bool           // invoked, rather than only listed
	fields []runtimeField // the members of runtime that only this type uses
	// timeout_ms when the manifest gives none, and the most it may be,
	// for the types that run.
	defaultTimeoutMS, maxTimeoutMS int
	// check applies the type's own rules; a member of another type's
	// fields is refused for every type.
	check func(r Runtime, opts Options, ps *problems)
}

// runtimeField is a member of the runtime object that belongs to one type.
type runtimeField struct {
	name   string // as in JSON: "endpoint"
	set    func(r Runtime) bool
	schema map[string]any // its JSON Schema in the published manifest schema
}

// runtimeTypes lists the runtime types, in the order messages name them.
func runtimeTypes() []runtimeType {
	return []runtimeType{
		{name: RuntimeBuiltin, runs: true, check: checkBuiltinRuntime, defaultTimeoutMS: 5000, maxTimeoutMS: 30000, fields: []runtimeField{{
			name: "builtin", set: func(r Runtime) bool { return r.Builtin != "" },
			schema: map[string]any{"type": "string", "description": "for builtin: the registered id"},
		}}},
		{name: RuntimeHTTP, runs: true, check: checkHTTPRuntime, defaultTimeoutMS: 5000, maxTimeoutMS: 30000, fields: []runtimeField{{
			name: "endpoint", set: func(r Runtime) bool { return r.Endpoint != "" },
			schema: map[string]any{"type": "string", "format": "uri", "pattern": "^https?://", "description": "for http: where invocations are POSTed (https)"},
		}}},
		{name: RuntimeWASM, runs: true, check: checkWASMRuntime, defaultTimeoutMS: 2000, maxTimeoutMS: 10000, fields: []runtimeField{{
			name: "module", set: func(r Runtime) bool { return r.Module != "" },
			schema: map[string]any{"type": "string", "pattern": modulePattern.String(), "description": "for wasm: the uploaded module, as sha256:<hex>"},
		}, {
			name: "memory_mb", set: func(r Runtime) bool { return r.MemoryMB != 0 },
			schema: map[string]any{"type": "integer", "minimum": 1, "maximum": MaxMemoryMB, "default": DefaultMemoryMB, "description": "for wasm: the module's memory limit in MiB"},
		}}},
		{name: RuntimeNone},
	}
}

// modulePrefix and modulePattern are the form of runtime.module.
const modulePrefix = "sha256:"

var modulePattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// TimeoutLimits returns the default and the largest timeout_ms of plugins
// of runtime type kind; for a type that does not run, or an unknown one,
// those of the type that allows the longest.
func TimeoutLimits(kind string) (def, max int) {
	types := runtimeTypes()
	if i := indexType(types, kind); i >= 0 && types[i].runs {
		return types[i].defaultTimeoutMS, types[i].maxTimeoutMS
	}
	for _, t := range types {
		if t.maxTimeoutMS > max {
			def, max = t.defaultTimeoutMS, t.maxTimeoutMS
		}
	}
	return def, max
}

// Runnable reports whether plugins of runtime type kind are invoked
// (builtin, http) rather than only listed (none); false for an unknown
// type.
func Runnable(kind string) bool {
	for _, t := range runtimeTypes() {
		if t.name == kind {
			return t.runs
		}
	}
	return false
}

func checkRuntime(r Runtime, opts Options, ps *problems) {
	types := runtimeTypes()
	i := indexType(types, r.Type)
	switch {
	case r.Type == "":
		ps.add("runtime.type", "is required: "+typeNames(types, false, "or"))
	case i < 0:
		ps.add("runtime.type", fmt.Sprintf("must be %s, not %q", typeNames(types, false, "or"), r.Type))
	case !types[i].runs:
		if fields := setFields(types, r); len(fields) > 0 || r.TimeoutMS != 0 {
			ps.add("runtime", fmt.Sprintf("a catalogue entry (runtime.type %s) has no %s", r.Type, fieldNames(types)))
		}
	default:
		types[i].check(r, opts, ps)
		for _, t := range types {
			for _, f := range t.fields {
				if t.name != r.Type && f.set(r) {
					ps.add("runtime."+f.name, "is only for runtime.type "+t.name)
				}
			}
		}
	}
	if _, most := TimeoutLimits(r.Type); r.TimeoutMS < 0 || r.TimeoutMS > most {
		msg := fmt.Sprintf("must be between 1 and %d milliseconds", most)
		if Runnable(r.Type) {
			msg += " for " + r.Type + " plugins"
		}
		ps.add("runtime.timeout_ms", msg)
	}
}

func checkBuiltinRuntime(r Runtime, opts Options, ps *problems) {
	if !opts.AllowBuiltin {
		ps.add("runtime.type", "builtin is reserved for tools compiled into Riposte; publish yours as http (or none)")
	}
	if r.Builtin == "" {
		ps.add("runtime.builtin", "is required when runtime.type is builtin: the id the tool registers")
	}
}

func checkHTTPRuntime(r Runtime, opts Options, ps *problems) {
	if r.Endpoint == "" {
		ps.add("runtime.endpoint", "is required when runtime.type is http: the https URL Riposte POSTs inputs to")
		return
	}
	checkEndpoint(ps, r.Endpoint, opts)
}

func checkWASMRuntime(r Runtime, _ Options, ps *problems) {
	switch {
	case r.Module == "":
		ps.add("runtime.module", "is required when runtime.type is wasm: upload the module (POST /api/v1/modules) and give its sha256 as sha256:<hex>")
	case !modulePattern.MatchString(r.Module):
		ps.add("runtime.module", "must be sha256: followed by the module's SHA-256 in 64 lowercase hexadecimal digits")
	}
	if r.MemoryMB < 0 || r.MemoryMB > MaxMemoryMB {
		ps.add("runtime.memory_mb", fmt.Sprintf("must be between 1 and %d MiB", MaxMemoryMB))
	}
}

// checkEndpoint checks an http plugin's endpoint as the remote client will
// call it: without AllowInsecureEndpoints, an https URL whose host is not
// refused before any lookup. Names are checked again, on every address
// they resolve to, at each call.
func checkEndpoint(ps *problems, raw string, opts Options) {
	const path = "runtime.endpoint"
	if opts.AllowInsecureEndpoints {
		checkURL(ps, path, raw, true, true)
		return
	}
	hint := ""
	if opts.Development {
		hint = "; " + DevelopmentEndpointHint
	}
	u, ok := parseURL(raw, false)
	switch {
	case !ok && u != nil && u.Scheme == "http" && u.Host != "":
		ps.add(path, "must be an https URL such as https://tool.example.org/invoke"+hint)
	case !ok:
		ps.add(path, "must be an https URL such as https://tool.example.org/invoke")
	case addrpolicy.RefusedHost(u.Hostname()) != "":
		ps.add(path, "must be a public https URL, but "+addrpolicy.RefusedHost(u.Hostname())+hint)
	}
}

func indexType(types []runtimeType, name string) int {
	for i, t := range types {
		if t.name == name {
			return i
		}
	}
	return -1
}

// setFields lists the type-specific members of r that are set.
func setFields(types []runtimeType, r Runtime) []string {
	var out []string
	for _, t := range types {
		for _, f := range t.fields {
			if f.set(r) {
				out = append(out, f.name)
			}
		}
	}
	return out
}

// fieldNames lists every type-specific member and timeout_ms, as in
// "builtin, endpoint or timeout_ms".
func fieldNames(types []runtimeType) string {
	var names []string
	for _, t := range types {
		for _, f := range t.fields {
			names = append(names, f.name)
		}
	}
	return join(append(names, "timeout_ms"), "or")
}

// typeNames lists the runtime types, or with runnable only those that run,
// as in "builtin, http or none".
func typeNames(types []runtimeType, runnable bool, conj string) string {
	var names []string
	for _, t := range types {
		if t.runs || !runnable {
			names = append(names, t.name)
		}
	}
	return join(names, conj)
}

// join lists words as in "a, b or c".
func join(words []string, conj string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + conj + " " + words[len(words)-1]
}

// runtimeSchema is the JSON Schema of the runtime object.
func runtimeSchema() map[string]any {
	types := runtimeTypes()
	names := make([]string, len(types))
	props := map[string]any{}
	for i, t := range types {
		names[i] = t.name
		for _, f := range t.fields {
			props[f.name] = f.schema
		}
	}
	props["type"] = map[string]any{"enum": names}
	_, most := TimeoutLimits("")
	var limits []string
	var perType []any
	for _, t := range types {
		if !t.runs {
			continue
		}
		limits = append(limits, fmt.Sprintf("%s %d (at most %d)", t.name, t.defaultTimeoutMS, t.maxTimeoutMS))
		perType = append(perType, map[string]any{
			"if":   map[string]any{"required": []string{"type"}, "properties": map[string]any{"type": map[string]any{"const": t.name}}},
			"then": map[string]any{"properties": map[string]any{"timeout_ms": map[string]any{"maximum": t.maxTimeoutMS, "default": t.defaultTimeoutMS}}},
		})
	}
	props["timeout_ms"] = map[string]any{"type": "integer", "minimum": 1, "maximum": most,
		"description": "milliseconds; by runtime type, the default and the maximum: " + strings.Join(limits, ", ")}
	return map[string]any{"type": "object", "additionalProperties": false, "required": []string{"type"}, "properties": props, "allOf": perType}
}
