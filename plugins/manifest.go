// Package plugins is the plugin SDK: the manifest that describes a tool,
// its validation, and (for tools compiled into Riposte) the Plugin
// interface and the registry of compiled-in plugins.
//
// Nothing here depends on the rest of Riposte, so that plugin authors can
// import it alone.
package plugins

import (
	"encoding/json"
	"errors"
	"strings"
)

// Manifest describes a plugin: what it is, who maintains it, and how it
// runs. See docs/plugin-manifest.md for every field and its rules.
type Manifest struct {
	Slug         string          `json:"slug" example:"portes-ouvertes"`
	Name         string          `json:"name" example:"Portes Ouvertes"`
	Version      string          `json:"version" example:"1.0.0"`
	Summary      string          `json:"summary" example:"Shelters offered by residents near an incident"`
	Description  string          `json:"description,omitempty"`
	Categories   []string        `json:"categories" example:"emergency"`
	Languages    []string        `json:"languages" example:"fr,en"`
	Tags         []string        `json:"tags,omitempty" example:"portesouvertes,shelter"`
	License      string          `json:"license" example:"MIT"`
	Repository   string          `json:"repository" example:"https://github.com/example/portes-ouvertes"`
	Homepage     string          `json:"homepage,omitempty"`
	Maintainers  []Maintainer    `json:"maintainers"`
	Runtime      Runtime         `json:"runtime"`
	InputSchema  json.RawMessage `json:"input_schema,omitempty" swaggertype:"object"`
	OutputSchema json.RawMessage `json:"output_schema,omitempty" swaggertype:"object"`
	Examples     []Example       `json:"examples,omitempty"`
	Changes      []Change        `json:"changes,omitempty"`
	// Access is who may read the plugin beyond its name and summary:
	// public (the default, also when empty) or vetted (members of verified
	// organisations, the plugin's own people and its assigned judges).
	Access string `json:"access,omitempty" example:"public" enums:"public,vetted"`
}

// Access levels of a plugin (see Manifest.Access).
const (
	AccessPublic = "public"
	AccessVetted = "vetted"
)

// Restricted reports whether the manifest keeps the plugin for vetted
// readers.
func (m *Manifest) Restricted() bool { return m.Access == AccessVetted }

// Maintainer is a person answerable for a plugin.
type Maintainer struct {
	Name  string `json:"name" example:"Ada Lovelace"`
	Email string `json:"email" example:"ada@example.org"`
}

// Runtime says whether and how a plugin runs.
type Runtime struct {
	Type     string `json:"type" example:"http" enums:"builtin,http,wasm,none"`
	Builtin  string `json:"builtin,omitempty" example:"portes-ouvertes"`
	Endpoint string `json:"endpoint,omitempty" example:"https://tool.example.org/invoke"`
	// Module is a wasm plugin's WebAssembly module, uploaded first, by its
	// SHA-256: "sha256:" and 64 lowercase hexadecimal digits.
	Module    string `json:"module,omitempty" example:"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
	TimeoutMS int    `json:"timeout_ms,omitempty" example:"5000"`
	// MemoryMB bounds a wasm plugin's memory, in MiB.
	MemoryMB int `json:"memory_mb,omitempty" example:"64"`
}

// Example is a sample input, shown to users and checked against the input
// schema.
type Example struct {
	Name  string          `json:"name" example:"Paris 11e, in French"`
	Input json.RawMessage `json:"input" swaggertype:"object"`
}

// Change is one entry of a version's change log.
type Change struct {
	Kind        string `json:"kind" example:"added" enums:"added,changed,fixed,removed,security,deprecated"`
	Description string `json:"description" example:"Arabic instructions"`
}

// Limits of the manifest. Each runtime type has its own default and
// maximum timeout_ms (see Runtime.Timeout and TimeoutLimits).
const (
	MaxDescription = 20000
	// DefaultMemoryMB and MaxMemoryMB are a wasm plugin's memory_mb when
	// it gives none, and the most it may ask for.
	DefaultMemoryMB = 64
	MaxMemoryMB     = 256
)

// Categories lists the categories a plugin may belong to.
func Categories() []string {
	return []string{"counter-speech", "detection", "reporting", "emergency", "prevention", "education", "research", "civic-engagement"}
}

// ChangeKinds lists the kinds of change-log entries.
func ChangeKinds() []string {
	return []string{"added", "changed", "fixed", "removed", "security", "deprecated"}
}

// Timeout is the runtime's timeout in milliseconds, with its type's
// default applied.
func (r Runtime) Timeout() int {
	if r.TimeoutMS == 0 {
		def, _ := TimeoutLimits(r.Type)
		return def
	}
	return r.TimeoutMS
}

// Memory is a wasm runtime's memory limit in MiB, with the default
// applied.
func (r Runtime) Memory() int {
	if r.MemoryMB == 0 {
		return DefaultMemoryMB
	}
	return r.MemoryMB
}

// ModuleSHA256 is the hexadecimal SHA-256 that runtime.module names, or ""
// when it names none.
func (r Runtime) ModuleSHA256() string {
	sum, ok := strings.CutPrefix(r.Module, modulePrefix)
	if !ok {
		return ""
	}
	return sum
}

// Runnable reports whether the plugin can be invoked.
func (m *Manifest) Runnable() bool { return Runnable(m.Runtime.Type) }

// Canonical returns the manifest as compact JSON, the form in which it is
// stored and hashed.
func (m *Manifest) Canonical() []byte {
	b, _ := json.Marshal(m) // cannot fail: every field is plain data or valid JSON
	return b
}

// ErrInvalidManifest is what every ManifestError matches with errors.Is.
var ErrInvalidManifest = errors.New("invalid manifest")

// Problem is one thing wrong with a manifest. Path names the field as in
// JSON ("runtime.endpoint", "categories[1]"); it is empty for the document
// as a whole.
type Problem struct {
	Path    string
	Message string
}

// ManifestError lists every problem found in a manifest.
type ManifestError struct {
	Problems []Problem
}

func (e *ManifestError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "invalid manifest: " + strings.Join(lines, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalidManifest) hold.
func (e *ManifestError) Unwrap() error { return ErrInvalidManifest }

// String formats the problem as "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// problems accumulates Problems.
type problems []Problem

func (ps *problems) add(path, msg string) { *ps = append(*ps, Problem{Path: path, Message: msg}) }

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ManifestError{Problems: ps}
}

func joinPath(base, field string) string {
	if base == "" {
		return field
	}
	return base + "." + field
}
