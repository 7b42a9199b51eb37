// Command bonjour is the smallest Riposte plugin for the wasm runtime: it
// greets someone by name, in French, English or Arabic. Copy it to start
// your own.
//
// Riposte runs the plugin as a WebAssembly module (WASI preview 1), a
// fresh run for each call: the program reads one JSON document,
// {"input": …}, on its standard input, writes {"output": …} on its
// standard output, and exits. It runs sandboxed: no files, no network, no
// environment variables. Everything it needs is in its input or built in.
//
// Riposte checks the input against the manifest's input_schema before
// the program sees it, and the output against output_schema after. So
// the program can trust the shape of its input; if it ever gets something
// else, it says what on standard error and exits with a non-zero code,
// which Riposte reports as a failing plugin.
//
// Build the module with `go generate`, then put its SHA-256 in the
// manifest (runtime.module); see README.md.
package main

//go:generate env GOOS=wasip1 GOARCH=wasm go build -trimpath -buildvcs=false "-ldflags=-s -w" -o bonjour.wasm .
//go:generate sh -c "go version > BUILT_WITH"

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// Input is what Riposte sends, already checked against input_schema.
type Input struct {
	Name     string `json:"name"`
	Language string `json:"language"` // fr (when empty), en or ar
}

// Output is the answer; it must match output_schema.
type Output struct {
	Greeting string `json:"greeting"`
	Language string `json:"language"`
}

// greetings holds the greeting of each language; %s is the name.
var greetings = map[string]string{
	"fr": "Bonjour, %s !",
	"en": "Hello, %s!",
	"ar": "مرحبا يا %s!",
}

// answer is the tool itself.
func answer(in Input) (Output, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return Output{}, fmt.Errorf("name is empty")
	}
	lang := in.Language
	if lang == "" {
		lang = "fr"
	}
	greeting, ok := greetings[lang]
	if !ok {
		return Output{}, fmt.Errorf("language %q is not fr, en or ar", lang)
	}
	return Output{Greeting: fmt.Sprintf(greeting, name), Language: lang}, nil
}

func main() {
	os.Exit(run(os.Stdin, os.Stdout, os.Stderr))
}

// run reads the call on stdin, writes the answer on stdout and returns
// the exit code: 0 when it answered, 2 when the input was not what the
// manifest promises.
func run(stdin io.Reader, stdout, stderr io.Writer) int {
	var call struct {
		Input Input `json:"input"`
	}
	if err := json.NewDecoder(stdin).Decode(&call); err != nil {
		fmt.Fprintf(stderr, "bonjour: the call must be {\"input\": {\"name\": …}}: %v\n", err)
		return 2
	}
	out, err := answer(call.Input)
	if err != nil {
		fmt.Fprintf(stderr, "bonjour: %v\n", err)
		return 2
	}
	if err := json.NewEncoder(stdout).Encode(map[string]Output{"output": out}); err != nil {
		fmt.Fprintf(stderr, "bonjour: %v\n", err)
		return 1
	}
	return 0
}
