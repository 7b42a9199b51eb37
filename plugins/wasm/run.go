package wasm

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/sys"

	"github.com/riposte-civic/riposte/plugins"
)

// Limits bound one execution.
type Limits struct {
	// MemoryMB is the most memory the module may use, in MiB, as the
	// manifest's memory_mb; 0 means plugins.DefaultMemoryMB.
	MemoryMB int
	// Timeout ends the execution, as the manifest's timeout_ms; 0 means
	// no limit but ctx's.
	Timeout time.Duration
}

// Run runs a module on input, as a plugin call does, and returns the
// value of the "output" member of its answer. The module is compiled and
// checked the first time (a *ModuleError when it cannot run); later calls
// with the same bytes reuse the compiled code. Failures are marked with
// plugins.Fault: ErrTimeout when ctx or l.Timeout ends it, ErrRefused when
// l.MemoryMB is below the module's own minimum, ErrMisbehaved for a trap,
// a non-zero exit, a need for more memory than l.MemoryMB, an answer that
// is not a JSON object with an "output" member, or more than MaxOutput
// written. plugins.ErrBusy, wrapped, says there was no room to run it.
//
// Run hashes bin to find its compiled code, about a millisecond per
// megabyte: to call one module many times, call the Invoke of its Plugin.
func (h *Host) Run(ctx context.Context, bin []byte, input json.RawMessage, l Limits) (json.RawMessage, error) {
	c, release, err := h.modules.get(ctx, Digest(bin), func(context.Context) ([]byte, error) { return bin, nil })
	if err != nil {
		return nil, err
	}
	defer release()
	if l.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, l.Timeout)
		defer cancel()
	}
	return h.execute(ctx, c, input, l.MemoryMB, c.info.SHA256[:12])
}

// errOutputTooLarge stops a module that writes too much.
var errOutputTooLarge = fmt.Errorf("wrote more than %d bytes to its standard output", MaxOutput)

// execute runs a fresh instance of c on input, with at most memoryMB of
// memory, once the gate lets it in. label names the module in logs.
func (h *Host) execute(ctx context.Context, c *compiled, input json.RawMessage, memoryMB int, label string) (json.RawMessage, error) {
	memoryMB = cmp.Or(memoryMB, plugins.DefaultMemoryMB)
	if c.info.MinMemoryPages > pages(memoryMB) {
		return nil, plugins.Fault(plugins.ErrRefused, fmt.Errorf("the module starts with %d MiB of memory, more than its memory_mb (%d)", c.info.MinMemoryMB(), memoryMB))
	}
	leave, err := h.gate.enter(ctx, memoryMB, h.wait)
	if err != nil {
		return nil, err
	}
	defer leave()
	run, stop := context.WithCancel(ctx)
	defer stop()
	stdout := &cappedWriter{limit: MaxOutput, stop: stop}
	stderr := &headWriter{limit: stderrHead}
	mem := h.memory(uint64(memoryMB) << 20)
	defer mem.release()
	config := h.config.WithStdin(bytes.NewReader(request(input))).WithStdout(stdout).WithStderr(stderr).WithNanosleep(sleeper(run))
	mod, err := h.rt.InstantiateModule(withMemory(run, mem), c.code, config)
	if mod != nil { // _start returned without calling proc_exit
		mod.Close(context.WithoutCancel(ctx))
	}
	if h.logStderr && stderr.buf.Len() > 0 {
		h.log.InfoContext(ctx, "wasm module wrote to its standard error", "module", label, "stderr", stderr.buf.String())
	}
	if err := failure(ctx, err, stdout, mem); err != nil {
		return nil, err
	}
	return decodeOutput(stdout.buf.Bytes())
}

// request is the document a module reads on its standard input.
func request(input json.RawMessage) []byte {
	if len(input) == 0 {
		input = json.RawMessage("null")
	}
	doc := make([]byte, 0, len(input)+10)
	doc = append(doc, `{"input":`...)
	doc = append(doc, input...)
	return append(doc, '}')
}

// failure says why an execution that ended with err failed, or nil when
// it succeeded. A canceled ctx is returned as it is: the caller has gone.
func failure(ctx context.Context, err error, stdout *cappedWriter, mem *linearMemory) error {
	var exit *sys.ExitError
	switch {
	case stdout.over:
		return plugins.Fault(plugins.ErrMisbehaved, errOutputTooLarge)
	case err == nil:
		return nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return plugins.Fault(plugins.ErrTimeout, errors.New("the module was still running when its time was up, and was stopped"))
	case ctx.Err() != nil:
		return ctx.Err()
	case mem.refused:
		return plugins.Fault(plugins.ErrMisbehaved, fmt.Errorf("the module needed more than its %d MiB of memory (memory_mb)", mem.limit>>20))
	case errors.As(err, &exit):
		return plugins.Fault(plugins.ErrMisbehaved, fmt.Errorf("the module exited with code %d", exit.ExitCode()))
	}
	msg := firstLine(err.Error())
	if _, after, found := strings.Cut(msg, "] failed: "); found { // "module[] function[_start] failed: …"
		msg = after
	}
	return plugins.Fault(plugins.ErrMisbehaved, fmt.Errorf("the module crashed: %s", msg))
}

// decodeOutput returns the "output" member of a module's answer.
func decodeOutput(data []byte) (json.RawMessage, error) {
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, plugins.Fault(plugins.ErrMisbehaved, errors.New(`the module's standard output is not a JSON object {"output": …}`))
	}
	var answer struct {
		Output json.RawMessage `json:"output"`
	}
	if err := json.Unmarshal(data, &answer); err != nil {
		// Not the decoder's message, which quotes the output.
		return nil, plugins.Fault(plugins.ErrMisbehaved, errors.New("the module's standard output is not valid JSON"))
	}
	if answer.Output == nil {
		return nil, plugins.Fault(plugins.ErrMisbehaved, errors.New(`the module's answer has no "output" member`))
	}
	return answer.Output, nil
}

// cappedWriter keeps what a module writes up to limit bytes. Past it, it
// stops the module and refuses every write.
type cappedWriter struct {
	buf   bytes.Buffer
	limit int
	over  bool
	stop  func()
}

func (w *cappedWriter) Write(p []byte) (int, error) {
	if !w.over && w.buf.Len()+len(p) > w.limit {
		w.over = true
		w.stop()
	}
	if w.over {
		return 0, errOutputTooLarge
	}
	return w.buf.Write(p)
}

// headWriter keeps the first limit bytes written and discards the rest.
type headWriter struct {
	buf   bytes.Buffer
	limit int
}

func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.limit - w.buf.Len(); room > 0 {
		w.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

var _, _ io.Writer = (*cappedWriter)(nil), (*headWriter)(nil)

// sleeper is a module's sleep: the time it asks for, or until ctx ends.
func sleeper(ctx context.Context) sys.Nanosleep {
	return func(ns int64) {
		t := time.NewTimer(time.Duration(ns))
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
}
