package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/riposte-civic/riposte/plugins"
	_ "github.com/riposte-civic/riposte/plugins/all"
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

// benchInvokeRemote compares invoking http plugins through Riposte with
// calling them directly: one that does no work at all, and one that does
// the work of a real tool (rumeur's matching, served over HTTP).
func benchInvokeRemote(ctx context.Context, b *bench, rip *process) error {
	token, err := login(rip.addr, adminEmail, adminPassword)
	if err != nil {
		return err
	}
	echo := &plugins.Manifest{Slug: "echo", Name: "Echo", Version: "1.0.0", Summary: "Repeats a text",
		Description: "A plugin for measurements.", Categories: []string{"research"}, Languages: []string{"fr", "en"},
		License: "MIT", Repository: "https://example.org/echo", Maintainers: []plugins.Maintainer{{Name: "Bench", Email: "bench@example.org"}},
		InputSchema:  json.RawMessage(`{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":5000}}}`),
		OutputSchema: json.RawMessage(`{"type":"object","required":["echo"],"properties":{"echo":{"type":"string"},"length":{"type":"integer"}}}`),
		Examples:     []plugins.Example{{Name: "hello", Input: json.RawMessage(`{"text":"bonjour"}`)}}}
	tool, ok := plugins.Lookup("rumeur")
	if !ok {
		return fmt.Errorf("the rumeur tool is not compiled in")
	}
	rumeur := *tool.Manifest()
	rumeur.Slug, rumeur.Name = "rumeur-http", "Rumeur over HTTP"
	for _, c := range []struct {
		title, tool, input string
		m                  *plugins.Manifest
		bar                float64
	}{
		{"An http plugin that does nothing (echo), on loopback", "", `{"input":{"text":"Rejoignez-nous, ils vous mentent"}}`, echo, 0.70},
		{"An http plugin doing a real tool's work (rumeur's matching), on loopback", "rumeur",
			`{"input":{"message":"URGENT : l'un des kamikazes de Paris était un sikh converti, regardez la photo","language":"fr"}}`, &rumeur, 0.70},
	} {
		fmt.Printf("### %s\n\n", c.title)
		dl, rl, err := b.remoteCase(ctx, rip, token, c.m, c.tool, c.input)
		if err != nil {
			return err
		}
		if err := report("the plugin, called directly (signed)", dl, "riposte POST /api/v1/plugins/"+c.m.Slug+"/invoke", rl, c.bar); err != nil {
			return err
		}
	}
	return nil
}

// remoteCase registers m as an http plugin served by remoteplugin (as
// tool, or echoing) and measures input sent directly and through Riposte.
func (b *bench) remoteCase(ctx context.Context, rip *process, token string, m *plugins.Manifest, tool, input string) (load, load, error) {
	pluginAddr, err := freeAddr()
	if err != nil {
		return load{}, load{}, err
	}
	m.Runtime = plugins.Runtime{Type: plugins.RuntimeHTTP, Endpoint: "http://" + pluginAddr + "/invoke", TimeoutMS: 5000}
	manifest, err := json.Marshal(m)
	if err != nil {
		return load{}, load{}, err
	}
	base := "http://" + rip.addr + "/api/v1/plugins"
	if code, err := post(base, token, string(manifest)); err != nil || code != 201 {
		return load{}, load{}, fmt.Errorf("create %s: %d %v", m.Slug, code, err)
	}
	if code, err := post(base+"/"+m.Slug+"/publish", token, ""); err != nil || code != 200 {
		return load{}, load{}, fmt.Errorf("publish %s: %d %v", m.Slug, code, err)
	}
	var s struct{ Secret string }
	if code, err := call("POST", base+"/"+m.Slug+"/secret", token, nil, &s); err != nil || code != 200 {
		return load{}, load{}, fmt.Errorf("%s secret: %d %v", m.Slug, code, err)
	}
	bin, err := b.build("./scripts/bench/remoteplugin")
	if err != nil {
		return load{}, load{}, err
	}
	args := []string{pluginAddr}
	if tool != "" {
		args = append(args, tool)
	}
	plugin, err := b.startOn(ctx, upstreamCPU, bin, args, []string{"REMOTEPLUGIN_SECRET=" + s.Secret}, pluginAddr, "/ping")
	if err != nil {
		return load{}, load{}, err
	}
	defer plugin.stop()
	if code, err := post(base+"/"+m.Slug+"/invoke", "", input); err != nil || code != 200 {
		return load{}, load{}, fmt.Errorf("invoke %s: %d %v", m.Slug, code, err)
	}
	through, err := b.luaRequests("invoke-"+m.Slug, "POST", []string{"/api/v1/plugins/" + m.Slug + "/invoke"}, []string{input},
		map[string]string{"Content-Type": "application/json"})
	if err != nil {
		return load{}, load{}, err
	}
	var signed string // the script of the latest direct run
	direct := func() (load, error) {
		// A signature stays valid for five minutes: sign afresh for each run.
		now := time.Now()
		id := "msg_bench" + strconv.FormatInt(now.UnixNano(), 36)
		sig, err := remote.Sign(s.Secret, id, now, []byte(input))
		if err != nil {
			return load{}, err
		}
		script, err := b.luaRequests("direct-"+m.Slug, "POST", []string{"/invoke"}, []string{input}, map[string]string{
			"Content-Type": "application/json", "webhook-id": id, "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": sig,
		})
		if err != nil {
			return load{}, err
		}
		signed = script
		return b.wrk(ctx, "http://"+pluginAddr, "-s", script)
	}
	// For reference: what a Go service that does nothing but pass the
	// same signed requests along costs.
	proxy, err := b.startProxy(ctx, "http://"+pluginAddr, "/ping")
	if err != nil {
		return load{}, load{}, err
	}
	defer proxy.stop()
	// Runs after direct in each round, with the requests it signed.
	viaProxy := func() (load, error) { return b.wrk(ctx, "http://"+proxy.addr, "-s", signed) }
	// Where the CPU goes: the plugin server's alone, then the plugin
	// server's and Riposte's (or the proxy's) when it is in front.
	pluginPID := plugin.cmd.Process.Pid
	directCPU, throughCPU, proxyCPU := newCPUMeter(pluginPID), newCPUMeter(pluginPID, rip.cmd.Process.Pid), newCPUMeter(pluginPID, proxy.cmd.Process.Pid)
	var directReqs, throughReqs, proxyReqs float64
	ls, err := b.alternate(metered(b, directCPU, &directReqs, direct),
		metered(b, throughCPU, &throughReqs, func() (load, error) { return b.wrk(ctx, "http://"+rip.addr, "-s", through) }),
		metered(b, proxyCPU, &proxyReqs, viaProxy))
	if err != nil {
		return load{}, load{}, err
	}
	fmt.Printf("CPU per invocation: the plugin server %s when called directly; through Riposte, the plugin server %s and Riposte %s; through the bare proxy, the plugin server %s and the proxy %s\n",
		directCPU.perRequest(0, directReqs), throughCPU.perRequest(0, throughReqs), throughCPU.perRequest(1, throughReqs),
		proxyCPU.perRequest(0, proxyReqs), proxyCPU.perRequest(1, proxyReqs))
	fmt.Printf("For reference, a bare reverse proxy (httputil) in front of the plugin server: %.0f requests/s, %.2f× the direct requests/s.\n\n",
		ls[2].RPS, ls[2].RPS/ls[0].RPS)
	return ls[0], ls[1], nil
}
