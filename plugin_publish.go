package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
)

// publishOptions are the flags and environment of `riposte plugin publish`.
type publishOptions struct {
	dir, server, token, module string
	draft                      bool
}

// tokenHelp says how to get the API token publish needs.
const tokenHelp = "RIPOSTE_TOKEN must hold an API token of your Riposte account with the plugins:write scope " +
	"(and plugins:invoke to try a draft). Create one once, signed in: POST /api/v1/me/tokens with " +
	`{"name":"publish","scopes":["plugins:write","plugins:invoke"]}; docs/plugin-guide.md shows the curl`

func newPluginPublishCommand(getenv func(string) string) *cobra.Command {
	var o publishOptions
	c := &cobra.Command{
		Use:   "publish [DIR] [--server URL] [--module FILE] [--draft]",
		Short: "upload a plugin's module, register the plugin or its version, publish it (RIPOSTE_TOKEN)",
		Long: "Publish the plugin in DIR (default: the current folder) on a Riposte server, with the API token in\n" +
			"RIPOSTE_TOKEN (scope plugins:write). It validates the manifest; for a wasm plugin it builds the module\n" +
			"as its go:generate line says (or takes --module), runs the checks of `riposte plugin test`, uploads\n" +
			"the module and writes its SHA-256 into runtime.module of the manifest. Then it registers the plugin,\n" +
			"or adds the manifest's version to it, publishes the plugin unless --draft is given, and prints its\n" +
			"address and a curl that invokes it. Exit 1 when the server refuses, with its reasons one a line.\n\n" +
			"Create the token once, signed in to the server: POST /api/v1/me/tokens with\n" +
			`{"name":"publish","scopes":["plugins:write","plugins:invoke"]}` + " (docs/plugin-guide.md shows the curl).",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErr(c, "plugin publish takes at most one DIR, got %q", args)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.dir = "."
			if len(args) == 1 {
				o.dir = args[0]
			}
			if err := o.complete(c, getenv); err != nil {
				return err
			}
			return runPluginPublish(c.Context(), o, c.OutOrStdout())
		},
	}
	c.Flags().StringVar(&o.server, "server", "", "the Riposte to publish on (default: RIPOSTE_PUBLIC_URL, else http://localhost:8080)")
	c.Flags().StringVar(&o.module, "module", "", "a wasm plugin's module, built already (default: build it as the go:generate line of DIR says)")
	c.Flags().BoolVar(&o.draft, "draft", false, "leave a new plugin as a draft, seen only by you, collaborators and organizers")
	return c
}

// complete reads the server and the token.
func (o *publishOptions) complete(c *cobra.Command, getenv func(string) string) error {
	if o.server == "" {
		o.server = getenv("RIPOSTE_PUBLIC_URL")
	}
	if o.server == "" {
		o.server = "http://localhost:8080"
	}
	u, err := url.Parse(o.server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErr(c, "--server %q: want Riposte's address, such as https://riposte.example.org", o.server)
	}
	o.server = strings.TrimSuffix(u.String(), "/")
	if o.token = strings.TrimSpace(getenv("RIPOSTE_TOKEN")); o.token == "" {
		return usageErr(c, "%s", tokenHelp)
	}
	return nil
}

// runPluginPublish handles `riposte plugin publish`.
func runPluginPublish(ctx context.Context, o publishOptions, stdout io.Writer) error {
	f, err := readPluginFolder(o.dir)
	if err != nil {
		return err
	}
	m, err := plugins.Decode(f.data)
	if err == nil && m.Runtime.Type == plugins.RuntimeBuiltin {
		return errors.New("a builtin is part of Riposte's source: it is published when a Riposte that includes it starts, not with plugin publish")
	}
	api := newAPIClient(o.server, o.token, stdout)
	data := f.data
	if err == nil && m.Runtime.Type == plugins.RuntimeWASM {
		if data, err = uploadModule(ctx, api, f, m, o.module, stdout); err != nil {
			return err
		}
	}
	// The server has the last word on endpoints: its policy is its own.
	if m, err = checkManifest(f.manifestFile, data, plugins.Options{AllowInsecureEndpoints: true}, stdout); err != nil {
		return err
	}
	status, created, err := register(ctx, api, m, data, o.draft)
	if err != nil {
		return err
	}
	if !bytes.Equal(data, f.data) {
		if err := os.WriteFile(f.manifestFile, data, 0o644); err != nil {
			return fmt.Errorf("published, but %s could not be updated with runtime.module %s: %w", f.manifestFile, m.Runtime.Module, err)
		}
		fmt.Fprintf(stdout, "%s: runtime.module is now %s, the module published\n", relativePath(f.manifestFile), m.Runtime.Module)
	}
	printPublished(stdout, o.server, m, status, created)
	return nil
}

// uploadModule builds (or reads) a wasm plugin's module, runs it in the
// sandbox on the manifest's examples, uploads it, and returns the manifest
// with runtime.module set to it.
func uploadModule(ctx context.Context, api *apiClient, f pluginFolder, m *plugins.Manifest, module string, stdout io.Writer) ([]byte, error) {
	src, err := findModule(f.dir, module)
	if err != nil {
		return nil, err
	}
	bin, err := src.load(ctx, f.dir, stdout)
	if err != nil {
		return nil, err
	}
	sum := wasm.Digest(bin)
	data, err := pinModule(f, m, "sha256:"+sum)
	if err != nil {
		return nil, err
	}
	if m, err = checkManifest(f.manifestFile, data, plugins.Options{}, stdout); err != nil {
		return nil, err
	}
	if err := runInSandbox(ctx, m, bin, stdout); err != nil {
		return nil, err
	}
	res, err := api.do(ctx, request{method: http.MethodPost, path: "/api/v1/modules", contentType: "application/wasm", body: bin, timeout: uploadTimeout})
	if err != nil {
		return nil, err
	}
	var got struct {
		SHA256 string `json:"sha256"`
	}
	switch {
	case res.status != http.StatusCreated && res.status != http.StatusOK:
		return nil, api.refused("upload the module", res)
	case json.Unmarshal(res.body, &got) != nil || got.SHA256 != sum:
		return nil, fmt.Errorf("the server answered the upload with %q, not the module's sha256 %s", res.body, sum)
	case res.status == http.StatusCreated:
		fmt.Fprintf(stdout, "uploaded the module sha256:%s\n", sum)
	default:
		fmt.Fprintf(stdout, "the server has the module sha256:%s already\n", sum)
	}
	return data, nil
}

// pinModule returns the manifest as written with runtime.module set to
// module: its value replaced where it is written, so that the rest of the
// file stays as it is.
func pinModule(f pluginFolder, m *plugins.Manifest, module string) ([]byte, error) {
	old := m.Runtime.Module
	name := filepath.Base(f.manifestFile)
	switch {
	case old == module:
		return f.data, nil
	case old == "":
		return nil, fmt.Errorf(`%s has no runtime.module for publish to set: add the line  module: "%s"  under runtime`, name, placeholderModule)
	case bytes.Count(f.data, []byte(old)) != 1:
		return nil, fmt.Errorf("%s: runtime.module's value %s is written %d times in the file; keep it once, on the module line, for publish to set it",
			name, old, bytes.Count(f.data, []byte(old)))
	}
	return bytes.Replace(f.data, []byte(old), []byte(module), 1), nil
}

// pluginState is what the server says of a plugin.
type pluginState struct {
	Status string `json:"status"`
}

// register creates the plugin, or adds the manifest's version to it, and
// publishes it unless draft. It returns the plugin's status and whether it
// was created.
func register(ctx context.Context, api *apiClient, m *plugins.Manifest, data []byte, draft bool) (string, bool, error) {
	res, err := api.do(ctx, request{method: http.MethodGet, path: "/api/v1/plugins/" + m.Slug})
	if err != nil {
		return "", false, err
	}
	var state pluginState
	switch res.status {
	case http.StatusOK:
		json.Unmarshal(res.body, &state)
	case http.StatusNotFound:
	default:
		return "", false, api.refused("look up "+m.Slug, res)
	}
	created := res.status == http.StatusNotFound
	post := request{method: http.MethodPost, path: "/api/v1/plugins", contentType: manifestType(data), body: data, key: idempotencyKey()}
	what := "register " + m.Slug + " " + m.Version
	if !created {
		post.path, what = "/api/v1/plugins/"+m.Slug+"/versions", "add version "+m.Version+" to "+m.Slug
	}
	if res, err = api.do(ctx, post); err != nil {
		return "", false, err
	}
	if res.status != http.StatusCreated {
		conflict := versionConflict
		if created {
			conflict = slugConflict
		}
		return "", false, api.refused(what, res, conflict)
	}
	if created {
		json.Unmarshal(res.body, &state)
	}
	if draft || state.Status != "draft" {
		return state.Status, created, nil
	}
	return publishDraft(ctx, api, m.Slug, created)
}

// publishDraft makes a draft public.
func publishDraft(ctx context.Context, api *apiClient, slug string, created bool) (string, bool, error) {
	res, err := api.do(ctx, request{method: http.MethodPost, path: "/api/v1/plugins/" + slug + "/publish"})
	if err != nil {
		return "", false, err
	}
	if res.status != http.StatusOK {
		return "draft", created, api.refused("publish "+slug+" (it is registered, as a draft)", res)
	}
	return "published", created, nil
}

// manifestType is the media type of a manifest: JSON when it starts with
// "{", as the server reads it, YAML otherwise.
func manifestType(data []byte) string {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		return "application/json"
	}
	return "application/yaml"
}

// idempotencyKey is the key of one registration: its retries send it
// again, so that a retry after a lost answer registers nothing twice.
func idempotencyKey() string { return "riposte-cli-" + rand.Text() }

// printPublished says where the plugin is and how to invoke it.
func printPublished(w io.Writer, server string, m *plugins.Manifest, status string, created bool) {
	did := "added version " + m.Version + " to " + m.Slug
	if created {
		did = "registered " + m.Slug + " " + m.Version
	}
	auth := ""
	switch status {
	case "published":
		fmt.Fprintf(w, "%s; it is published: anyone may find and invoke it\n", did)
	case "draft":
		fmt.Fprintf(w, "%s; it is a draft, seen only by you, collaborators and organizers. Publish it with\n"+
			"  curl -sS -X POST %s/api/v1/plugins/%s/publish -H \"Authorization: Bearer $RIPOSTE_TOKEN\"\n",
			did, server, m.Slug)
		auth = ` -H "Authorization: Bearer $RIPOSTE_TOKEN"`
	default:
		fmt.Fprintf(w, "%s; it is %s\n", did, status)
	}
	fmt.Fprintf(w, "  page     %s/plugins/%s\n  API      %s/api/v1/plugins/%s\n  version  %s/api/v1/plugins/%s/versions/%s\n",
		server, m.Slug, server, m.Slug, server, m.Slug, m.Version)
	if !m.Runnable() {
		return
	}
	input := json.RawMessage(`{}`)
	if len(m.Examples) > 0 {
		var b bytes.Buffer
		if json.Compact(&b, m.Examples[0].Input) == nil {
			input = b.Bytes()
		}
	}
	fmt.Fprintf(w, "Invoke it:\n  curl -sS %s/api/v1/plugins/%s/invoke%s -H 'Content-Type: application/json' -d %s\n",
		server, m.Slug, auth, shellQuote(`{"input":`+string(input)+`}`))
	if m.Runtime.Type == plugins.RuntimeHTTP {
		fmt.Fprintf(w, "An http plugin answers once its server has its signing secret: signed in, POST %s/api/v1/plugins/%s/secret\n", server, m.Slug)
	}
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Deadlines of the calls to the server.
const (
	callTimeout   = time.Minute
	uploadTimeout = api.ModuleUploadTime
	// callAttempts is how many times a call is made when the connection
	// fails or the server is briefly unavailable (502, 503, 504).
	callAttempts = 3
)

// apiClient calls Riposte's API with an API token.
type apiClient struct {
	base, token string
	http        *http.Client
	stdout      io.Writer
	backoff     time.Duration // before the second attempt; doubled after
}

func newAPIClient(base, token string, stdout io.Writer) *apiClient {
	return &apiClient{base: base, token: token, http: &http.Client{}, stdout: stdout, backoff: time.Second}
}

// request is one call.
type request struct {
	method, path, contentType, key string
	body                           []byte
	timeout                        time.Duration // callTimeout when 0
}

// response is the server's answer.
type response struct {
	status int
	body   []byte
}

// do makes a call, again when the connection fails or the server is
// briefly unavailable: every call publish makes is safe to repeat (module
// uploads are content-addressed, registrations carry an Idempotency-Key).
func (c *apiClient) do(ctx context.Context, r request) (response, error) {
	wait := c.backoff
	for attempt := 1; ; attempt++ {
		res, err := c.once(ctx, r)
		retry := err != nil || res.status == http.StatusBadGateway || res.status == http.StatusServiceUnavailable || res.status == http.StatusGatewayTimeout
		if !retry || attempt == callAttempts || ctx.Err() != nil {
			return res, err
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// once makes a call within its deadline.
func (c *apiClient) once(ctx context.Context, r request) (response, error) {
	timeout := r.timeout
	if timeout == 0 {
		timeout = callTimeout
	}
	call, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(call, r.method, c.base+r.path, bytes.NewReader(r.body))
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "riposte/"+buildVersion())
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.key != "" {
		req.Header.Set("Idempotency-Key", r.key)
	}
	res, err := c.http.Do(req)
	if err == nil {
		defer res.Body.Close()
		var body []byte
		if body, err = io.ReadAll(io.LimitReader(res.Body, 1<<20)); err == nil {
			return response{status: res.StatusCode, body: body}, nil
		}
	}
	if ctx.Err() == nil && errors.Is(call.Err(), context.DeadlineExceeded) {
		return response{}, fmt.Errorf("%s %s: the server did not answer within %s", r.method, c.base+r.path, timeout)
	}
	return response{}, fmt.Errorf("%s %s: %w", r.method, c.base+r.path, err)
}

// problem is the part of a problem document the command line shows.
type problem struct {
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// refused writes the fields the server names, one a line, and returns the
// error that says what it refused and why, and what to do about it: hint
// for a conflict (409), refusalHints for the rest.
func (c *apiClient) refused(what string, res response, conflict ...string) error {
	var p problem
	if json.Unmarshal(res.body, &p) != nil || (p.Detail == "" && len(p.Errors) == 0) {
		p.Detail = strings.TrimSpace(string(res.body))
		if len(p.Detail) > 300 {
			p.Detail = p.Detail[:300] + "…"
		}
	}
	for _, e := range p.Errors {
		fmt.Fprintf(c.stdout, "%s: %s\n", e.Field, e.Message)
	}
	msg := fmt.Sprintf("the server refused to %s: %d %s", what, res.status, http.StatusText(res.status))
	if p.Detail != "" {
		msg += ": " + p.Detail
	}
	hint := refusalHints[res.status]
	if res.status == http.StatusConflict {
		hint = strings.Join(conflict, "")
	}
	if hint != "" {
		msg += "\n" + hint
	}
	return errors.New(msg)
}

// refusalHints say what to do about a refusal, by status.
var refusalHints = map[int]string{
	http.StatusUnauthorized:    "RIPOSTE_TOKEN is not a valid API token on this server (revoked, expired, or from another server). " + tokenHelp,
	http.StatusForbidden:       "The token lacks the plugins:write scope, or the plugin belongs to another account. " + tokenHelp,
	http.StatusTooManyRequests: "Wait as long as the server asks (Retry-After), then publish again.",
}

// Hints for conflicts.
const (
	versionConflict = "A version is published once and never changes, even yanked: raise version in the manifest, " +
		"say what changed under changes, and publish again."
	slugConflict = "The slug is taken (by another account's draft, or by a removed plugin: a slug is never given again): " +
		"choose another slug in the manifest."
)
