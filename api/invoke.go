package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
)

// InvokeRequest is the input for a plugin.
type InvokeRequest struct {
	Input json.RawMessage `json:"input" swaggertype:"object"`
}

// InvokeResponse is a plugin's answer.
type InvokeResponse struct {
	Output     json.RawMessage `json:"output" swaggertype:"object"`
	Plugin     string          `json:"plugin" example:"portes-ouvertes"`
	Version    string          `json:"version" example:"1.0.0"`
	DurationMS float64         `json:"duration_ms" example:"0.42"`
}

// SecretResponse carries an http plugin's new signing secret, shown once.
type SecretResponse struct {
	Secret string `json:"secret" example:"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"`
}

// handleInvoke runs a plugin.
//
//	@Summary		Invoke a plugin
//	@Description	Runs a published plugin on an input that must match its input_schema (see GET /plugins/{slug}/openapi.json for that plugin's own document). Anyone may invoke; API tokens need the plugins:invoke scope. Calls are rate limited per account, token or address. Inputs and outputs are never stored or logged.
//	@Tags			plugins
//	@Accept			json
//	@Produce		json
//	@Param			slug			path		string			true	"Plugin slug"
//	@Param			Authorization	header		string			false	"Optional: Bearer and an access token or an API token with the plugins:invoke scope; anonymous calls are allowed"
//	@Param			body			body		InvokeRequest	true	"Input for the plugin"
//	@Success		200				{object}	InvokeResponse
//	@Failure		400				{object}	Problem	"Malformed body"
//	@Failure		401				{object}	Problem	"Invalid or expired token (calling without one is fine)"
//	@Failure		403				{object}	Problem	"API token without the plugins:invoke scope"
//	@Failure		404				{object}	Problem	"No such plugin, or not visible to you"
//	@Failure		409				{object}	Problem	"Not runnable: a catalogue entry, removed, or an http plugin without a signing secret yet"
//	@Failure		413				{object}	Problem	"Body too large"
//	@Failure		422				{object}	Problem	"The input does not match the input schema, or the plugin cannot answer it; errors name the fields (input.…)"
//	@Failure		429				{object}	Problem	"Too many invocations; see Retry-After"
//	@Failure		502				{object}	Problem	"The plugin failed or answered something invalid"
//	@Failure		503				{object}	Problem	"The plugin is not available on this server, or the server is running as many sandboxed (wasm) plugins as it can; see Retry-After"
//	@Failure		504				{object}	Problem	"The plugin did not answer within its timeout"
//	@Router			/api/v1/plugins/{slug}/invoke [post]
func handleInvoke(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req InvokeRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		inv, err := svc.Invoke(c.Request.Context(), caller(c), c.ClientIP(), c.Param("slug"), req.Input)
		if err != nil {
			return err
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", invokeResponse(inv))
		return nil
	}
}

// invokeResponse encodes an InvokeResponse. The output is JSON the
// plugin produced and the registry checked, so it is spliced in rather than
// scanned again by encoding/json.
func invokeResponse(inv registry.Invocation) []byte {
	b := make([]byte, 0, len(inv.Output)+96)
	b = append(b, `{"output":`...)
	b = append(b, inv.Output...)
	b = append(b, `,"plugin":`...)
	b = strconv.AppendQuote(b, inv.Plugin)
	b = append(b, `,"version":`...)
	b = strconv.AppendQuote(b, inv.Version)
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendFloat(b, float64(inv.Duration.Microseconds())/1000, 'f', -1, 64)
	return append(b, '}')
}

// handleSecretRotate gives an http plugin a new signing secret.
//
//	@Summary		Rotate an http plugin's signing secret
//	@Description	Creates a new signing secret for an http plugin and returns it; this is the only time it is shown. The previous secret stops working at once. Riposte signs every invocation with it (Standard Webhooks headers); check the signature in the plugin (see docs/plugin-guide.md). Owner only.
//	@Tags			plugins
//	@Produce		json
//	@Param			slug	path		string	true	"Plugin slug"
//	@Success		200		{object}	SecretResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not the owner"
//	@Failure		404		{object}	Problem	"No such plugin, or not visible to you"
//	@Failure		409		{object}	Problem	"Not an http plugin"
//	@Security		BearerAuth
//	@Router			/api/v1/plugins/{slug}/secret [post]
func handleSecretRotate(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		secret, err := svc.RotateSecret(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, SecretResponse{Secret: secret})
		return nil
	}
}

// handlePluginOpenAPI describes one plugin's invocation.
//
//	@Summary		OpenAPI document of a plugin
//	@Description	An OpenAPI 3.1 document for this plugin's invoke call, built from its latest manifest: the input and output schemas and the examples. Give it to a code generator or an API client.
//	@Tags			plugins
//	@Produce		json
//	@Param			slug			path		string	true	"Plugin slug"
//	@Param			If-None-Match	header		string	false	"ETag of a copy you hold: 304 when it is current"
//	@Success		200				{object}	object	"OpenAPI 3.1 document"
//	@Success		304				"Not modified"
//	@Header			200				{string}	ETag			"Version of this document"
//	@Header			200				{string}	Cache-Control	"public, max-age=10 for a published plugin; private, no-store otherwise"
//	@Failure		404				{object}	Problem			"No such plugin, or not visible to you"
//	@Failure		409				{object}	Problem			"A catalogue entry: nothing to invoke"
//	@Router			/api/v1/plugins/{slug}/openapi.json [get]
func handlePluginOpenAPI(svc *registry.Service, docs *docCache) handlerFunc {
	return func(c *gin.Context) error {
		return cachedPluginDoc(c, svc, docs, docOpenAPI, func(_ context.Context, p store.Plugin) (*doc, error) {
			var m plugins.Manifest
			if err := json.Unmarshal(p.Manifest, &m); err != nil {
				return nil, err
			}
			o, err := pluginOpenAPI(&m)
			if err != nil {
				return nil, err
			}
			b, err := json.Marshal(o)
			return newDoc(b, jsonContentType, time.Time{}, pluginPolicy(p, false)), err
		})
	}
}
