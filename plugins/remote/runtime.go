package remote

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/riposte-civic/riposte/plugins"
)

// Secrets returns the signing secret of the plugin whose registry id is
// pluginID. Its errors reach the caller of the invocation as they are.
type Secrets func(ctx context.Context, pluginID int64) (string, error)

// Runtime is the http runtime (runtime.type http): it invokes a plugin by
// calling its runtime.endpoint through a Client, signed with the plugin's
// secret.
type Runtime struct {
	client  *Client
	secrets Secrets
}

var _ plugins.Loader = (*Runtime)(nil)

// NewRuntime returns the http runtime calling plugins through c, signed
// with the secrets that secrets returns.
func NewRuntime(c *Client, secrets Secrets) *Runtime {
	return &Runtime{client: c, secrets: secrets}
}

// Load returns the plugin t describes, with its signing secret.
func (r *Runtime) Load(ctx context.Context, t plugins.Target) (plugins.Plugin, error) {
	secret, err := r.secrets(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	return &endpoint{client: r.client, manifest: t.Manifest, secret: secret}, nil
}

// endpoint is a plugin behind its runtime.endpoint.
type endpoint struct {
	client   *Client
	manifest *plugins.Manifest
	secret   string
}

var _ plugins.Plugin = (*endpoint)(nil)

func (e *endpoint) Manifest() *plugins.Manifest { return e.manifest }

// Invoke calls the endpoint within the manifest's timeout. Its failures
// are marked with plugins.Fault: ErrTimeout as plugins.ErrTimeout,
// ErrRefused as plugins.ErrRefused, anything else as
// plugins.ErrMisbehaved.
func (e *endpoint) Invoke(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
	timeout := time.Duration(e.manifest.Runtime.Timeout()) * time.Millisecond
	out, err := e.client.Invoke(ctx, e.manifest.Runtime.Endpoint, e.secret, input, timeout)
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, ErrTimeout):
		return nil, plugins.Fault(plugins.ErrTimeout, err)
	case errors.Is(err, ErrRefused):
		return nil, plugins.Fault(plugins.ErrRefused, err)
	}
	return nil, plugins.Fault(plugins.ErrMisbehaved, err)
}
