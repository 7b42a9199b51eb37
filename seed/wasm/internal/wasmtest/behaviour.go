package wasmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// Call is one stdin a tool is run on, with the name failures give it.
type Call struct {
	Name  string
	Stdin []byte
}

// Calls returns the manifest's examples as the documents Riposte sends,
// {"input": …}, followed by extra.
func (t *Tool) Calls(extra ...Call) []Call {
	calls := make([]Call, 0, len(t.Examples)+len(extra))
	for _, ex := range t.Examples {
		stdin, _ := json.Marshal(map[string]json.RawMessage{"input": ex.Input}) // cannot fail: Input is valid JSON
		calls = append(calls, Call{Name: "example " + ex.Name, Stdin: stdin})
	}
	return append(calls, extra...)
}

// CheckBehaviour runs the source on the host (native), the committed module
// and a fresh build of the source through WebAssembly, on every example and
// on extra; it checks that the three give the same exit code, standard
// output and standard error, that the examples succeed, and that every
// successful answer is {"output": …} matching output_schema.
func (t *Tool) CheckBehaviour(tb testing.TB, native Native, extra ...Call) {
	tb.Helper()
	calls := t.Calls(extra...)
	stdins := make([][]byte, len(calls))
	for i, c := range calls {
		stdins[i] = c.Stdin
	}
	committed := RunModule(tb, t.Committed, t.Limits(), stdins)
	fresh := committed // the same bytes do the same things: spare a compilation
	if module := t.Fresh(tb); !bytes.Equal(module, t.Committed) {
		tb.Logf("the fresh build differs from the committed %s: running both", t.ModuleFile)
		fresh = RunModule(tb, module, t.Limits(), stdins)
	}
	for i, c := range calls {
		want := runNative(native, c.Stdin)
		if d := differs(committed[i], want); d != "" {
			tb.Errorf("%s: the committed module %s the source", c.Name, d)
		}
		if d := differs(fresh[i], want); d != "" {
			tb.Errorf("%s: the module built from source %s the source run natively", c.Name, d)
		}
		if i < len(t.Examples) && want.ExitCode != 0 {
			tb.Errorf("%s: exits with %d: %s", c.Name, want.ExitCode, want.Stderr)
		}
		if want.ExitCode == 0 {
			for _, p := range t.outputProblems(want.Stdout) {
				tb.Errorf("%s: %s", c.Name, p)
			}
		}
	}
}

// runNative runs the source on the host.
func runNative(native Native, stdin []byte) Result {
	var stdout, stderr bytes.Buffer
	code := native(bytes.NewReader(stdin), &stdout, &stderr)
	return Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), ExitCode: uint32(code)}
}

// differs says how got differs from want, or "".
func differs(got, want Result) string {
	switch {
	case got.Err != nil:
		return fmt.Sprintf("fails (%v), unlike", got.Err)
	case got.ExitCode != want.ExitCode:
		return fmt.Sprintf("exits with %d (stderr %q), not %d like", got.ExitCode, got.Stderr, want.ExitCode)
	case !bytes.Equal(got.Stdout, want.Stdout):
		return fmt.Sprintf("writes\n%s\nnot\n%s\nlike", got.Stdout, want.Stdout)
	case !bytes.Equal(got.Stderr, want.Stderr):
		return fmt.Sprintf("reports %q on stderr, not %q like", got.Stderr, want.Stderr)
	}
	return ""
}

// outputProblems checks an answer as Riposte does: one JSON document,
// {"output": …}, whose output matches output_schema.
func (t *Tool) outputProblems(stdout []byte) []string {
	var answer map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(stdout))
	if err := d.Decode(&answer); err != nil {
		return []string{fmt.Sprintf("the answer is not a JSON object: %v", err)}
	}
	if d.More() {
		return []string{"the answer has data after its JSON document"}
	}
	output, ok := answer["output"]
	if !ok || len(answer) != 1 {
		return []string{fmt.Sprintf(`the answer must be {"output": …}, not %s`, stdout)}
	}
	var out []string
	for _, p := range t.output.Validate(output, "output") {
		out = append(out, "does not match output_schema: "+p.String())
	}
	return out
}
