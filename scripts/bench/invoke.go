package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/riposte-civic/riposte/plugins/remote"
)

// benchInvoke measures plugin invocations: a compiled-in plugin against
// the bare-Gin baseline, and an http plugin on loopback through Riposte
// against the same plugin server called directly with a signed request.
func benchInvoke(ctx context.Context, b *bench) error {
	base, err := b.startBaseline(ctx)
	if err != nil {
		return err
	}
	defer base.stop()
	rip, err := b.startRiposte(ctx, "RIPOSTE_PLUGINS_ALLOW_PRIVATE=true", "RIPOSTE_INVOKE_RATE=1000000000")
	if err != nil {
		return err
	}
	defer rip.stop()

	builtin := `{"input":{"country":"FR","language":"fr"}}`
	if code, err := post("http://"+rip.addr+"/api/v1/plugins/portes-ouvertes/invoke", "", builtin); err != nil || code != 200 {
		return fmt.Errorf("invoke portes-ouvertes: %d %v", code, err)
	}
	script, err := b.luaRequests("invoke-builtin", "POST", []string{"/api/v1/plugins/portes-ouvertes/invoke"}, []string{builtin},
		map[string]string{"Content-Type": "application/json"})
	if err != nil {
		return err
	}
	fmt.Println("### A compiled-in plugin (portes-ouvertes)")
	fmt.Println()
	bl, rl, err := b.compare(
		func() (load, error) { return b.wrk(ctx, "http://"+base.addr+"/ping") },
		func() (load, error) { return b.wrk(ctx, "http://"+rip.addr, "-s", script) },
	)
	if err != nil {
		return err
	}
	if err := report("bare Gin GET /ping", bl, "riposte POST /api/v1/plugins/portes-ouvertes/invoke", rl, 0.30); err != nil {
		return err
	}
	return benchInvokeRemote(ctx, b, rip)
}

// benchInvokeRemote registers an http plugin served by echoplugin and
// compares invoking it through Riposte with calling it directly.
func benchInvokeRemote(ctx context.Context, b *bench, rip *process) error {
	pluginAddr, err := freeAddr()
	if err != nil {
		return err
	}
	token, err := login(rip.addr, adminEmail, adminPassword)
	if err != nil {
		return err
	}
	m := fmt.Sprintf(`{"slug":"echo","name":"Echo","version":"1.0.0","summary":"Repeats a text","description":"A plugin for measurements.",
		"categories":["research"],"languages":["fr","en"],"license":"MIT","repository":"https://example.org/echo",
		"maintainers":[{"name":"Bench","email":"bench@example.org"}],
		"runtime":{"type":"http","endpoint":"http://%s/invoke","timeout_ms":5000},
		"input_schema":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":5000}}},
		"output_schema":{"type":"object","required":["echo"],"properties":{"echo":{"type":"string"},"length":{"type":"integer"}}},
		"examples":[{"name":"hello","input":{"text":"bonjour"}}]}`, pluginAddr)
	if code, err := post("http://"+rip.addr+"/api/v1/plugins", token, m); err != nil || code != 201 {
		return fmt.Errorf("create echo: %d %v", code, err)
	}
	if code, err := post("http://"+rip.addr+"/api/v1/plugins/echo/publish", token, ""); err != nil || code != 200 {
		return fmt.Errorf("publish echo: %d %v", code, err)
	}
	var s struct{ Secret string }
	if code, err := call("POST", "http://"+rip.addr+"/api/v1/plugins/echo/secret", token, nil, &s); err != nil || code != 200 {
		return fmt.Errorf("echo secret: %d %v", code, err)
	}
	bin, err := b.build("./scripts/bench/echoplugin")
	if err != nil {
		return err
	}
	plugin, err := b.start(ctx, bin, []string{pluginAddr}, []string{"ECHOPLUGIN_SECRET=" + s.Secret}, pluginAddr, "/ping")
	if err != nil {
		return err
	}
	defer plugin.stop()

	input := `{"input":{"text":"Rejoignez-nous, ils vous mentent"}}`
	if code, err := post("http://"+rip.addr+"/api/v1/plugins/echo/invoke", "", input); err != nil || code != 200 {
		return fmt.Errorf("invoke echo: %d %v", code, err)
	}
	through, err := b.luaRequests("invoke-remote", "POST", []string{"/api/v1/plugins/echo/invoke"}, []string{input},
		map[string]string{"Content-Type": "application/json"})
	if err != nil {
		return err
	}
	fmt.Println("### An http plugin on loopback (echo)")
	fmt.Println()
	direct := func() (load, error) {
		// A signature stays valid for five minutes: sign afresh for each run.
		now := time.Now()
		id := "msg_bench" + strconv.FormatInt(now.UnixNano(), 36)
		sig, err := remote.Sign(s.Secret, id, now, []byte(input))
		if err != nil {
			return load{}, err
		}
		script, err := b.luaRequests("invoke-direct", "POST", []string{"/invoke"}, []string{input}, map[string]string{
			"Content-Type": "application/json", "webhook-id": id, "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": sig,
		})
		if err != nil {
			return load{}, err
		}
		return b.wrk(ctx, "http://"+pluginAddr, "-s", script)
	}
	dl, rl, err := b.compare(direct, func() (load, error) { return b.wrk(ctx, "http://"+rip.addr, "-s", through) })
	if err != nil {
		return err
	}
	return report("the plugin, called directly (signed)", dl, "riposte POST /api/v1/plugins/echo/invoke", rl, 0.70)
}
