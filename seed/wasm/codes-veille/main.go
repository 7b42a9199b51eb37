// Command codes-veille is a Riposte plugin for moderators: it finds, in a
// pasted text, the names, slogans and code words of Islamic State (Daech)
// propaganda, and explains each one — what it means, why it matters, why
// it may be innocent, and the public sources that document it.
//
// It reads French, English and Arabic (Arabic script and the common Latin
// transliterations), ignoring case, accents, Arabic vowel marks and the
// tatweel. The terms are in lexicon.json, embedded in the program: a
// short, cautious list of documented terms, not a list of ways around
// moderation. A term found is a reason to look closer, never proof.
//
// Riposte runs the plugin as a WebAssembly module (WASI preview 1), a
// fresh run for each call: the program reads {"input": {"text": …,
// "language": …}} on its standard input and writes {"output": …} on its
// standard output. It has no files, no network and no environment, and
// the text it reads is neither kept nor logged. Riposte checks the input
// against the manifest's input_schema first, so the program can trust its
// shape; anything else ends it with a message on standard error and a
// non-zero exit code.
package main

//go:generate env GOOS=wasip1 GOARCH=wasm go build -trimpath -buildvcs=false "-ldflags=-s -w" -o codes-veille.wasm .
//go:generate sh -c "go version > BUILT_WITH"

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Input is what Riposte sends, already checked against input_schema.
type Input struct {
	Text     string `json:"text"`
	Language string `json:"language"` // of the explanations: fr (when empty) or en
}

func main() {
	os.Exit(run(os.Stdin, os.Stdout, os.Stderr))
}

// run reads the call on stdin, writes the answer on stdout and returns
// the exit code: 0 when it answered, 2 when the input was not what the
// manifest promises, 1 when the program itself is broken.
func run(stdin io.Reader, stdout, stderr io.Writer) int {
	lex, err := loadLexicon()
	if err != nil {
		fmt.Fprintf(stderr, "codes-veille: %v\n", err)
		return 1
	}
	var call struct {
		Input Input `json:"input"`
	}
	if err := json.NewDecoder(stdin).Decode(&call); err != nil {
		fmt.Fprintf(stderr, "codes-veille: the call must be {\"input\": {\"text\": …}}: %v\n", err)
		return 2
	}
	out, err := answer(lex, call.Input)
	if err != nil {
		fmt.Fprintf(stderr, "codes-veille: %v\n", err)
		return 2
	}
	if err := json.NewEncoder(stdout).Encode(map[string]Output{"output": out}); err != nil {
		fmt.Fprintf(stderr, "codes-veille: %v\n", err)
		return 1
	}
	return 0
}

// answer is the tool itself: the terms of the lexicon found in the text,
// in the order they first appear, with a headline.
func answer(lex *lexicon, in Input) (Output, error) {
	lang := in.Language
	if lang == "" {
		lang = "fr"
	}
	if lang != "fr" && lang != "en" {
		return Output{}, fmt.Errorf("language %q is not fr or en", lang)
	}
	if in.Text == "" {
		return Output{}, fmt.Errorf("text is empty")
	}
	return report(lex, in.Text, lex.find(in.Text), lang), nil
}
