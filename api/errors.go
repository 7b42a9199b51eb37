package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
)

// Problem is an RFC 9457 problem details document, the body of every error
// response.
type Problem struct {
	Type      string       `json:"type" example:"about:blank"`
	Title     string       `json:"title" example:"Unprocessable Entity"`
	Status    int          `json:"status" example:"422"`
	Detail    string       `json:"detail,omitempty" example:"the request has invalid fields"`
	Instance  string       `json:"instance,omitempty" example:"/api/v1/auth/register"`
	Errors    []FieldError `json:"errors,omitempty"`
	RequestID string       `json:"request_id,omitempty" example:"5f0c6f7b2a9d4c1e"`
} //	@name	Problem

// FieldError names one invalid field of a request and what is wrong with it.
type FieldError struct {
	Field   string `json:"field" example:"password"`
	Message string `json:"message" example:"must be at least 8 characters long"`
} //	@name	FieldError

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(*gin.Context) error

// h adapts a handlerFunc to Gin, writing any error as a problem.
func (s *Server) h(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			s.fail(c, err)
		}
	}
}

// httpError is an error that already knows its status, for problems found
// by the HTTP layer itself (a bad query parameter, an unknown route).
type httpError struct {
	status int
	detail string
	fields []FieldError
}

func (e *httpError) Error() string { return e.detail }

func errStatus(status int, detail string, fields ...FieldError) error {
	return &httpError{status: status, detail: detail, fields: fields}
}

// fail writes err as a problem and aborts the chain. This is the one place
// where errors become HTTP statuses.
func (s *Server) fail(c *gin.Context, err error) {
	c.Abort()
	if errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil {
		return // the client has gone; nobody is listening
	}
	p := Problem{Type: "about:blank", Instance: c.Request.URL.Path, RequestID: requestID(c)}
	p.Status, p.Detail, p.Errors = classify(c, err)
	if p.Status >= 500 {
		s.log.ErrorContext(c.Request.Context(), "request failed", "error", err,
			"method", c.Request.Method, "route", c.FullPath(), "request_id", p.RequestID)
		if p.Status == http.StatusInternalServerError {
			p.Detail = "something went wrong on our side; the error has been logged"
		}
	}
	p.Title = http.StatusText(p.Status)
	writeProblem(c, p)
}

func writeProblem(c *gin.Context, p Problem) {
	body, _ := json.Marshal(p)
	c.Data(p.Status, "application/problem+json", body)
}

// classify maps an error to a status, a detail for the caller and field
// errors.
func classify(c *gin.Context, err error) (int, string, []FieldError) {
	var (
		he        *httpError
		invalid   valid.Errors
		tooLarge  *http.MaxBytesError
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		rateLimit *auth.RateLimitError
		manifest  *plugins.ManifestError
	)
	switch {
	case errors.As(err, &he):
		return he.status, he.detail, he.fields
	case errors.As(err, &invalid):
		return http.StatusUnprocessableEntity, "the request has invalid fields", fieldErrors(invalid)
	case errors.As(err, &manifest):
		fields := make([]FieldError, len(manifest.Problems))
		for i, p := range manifest.Problems {
			fields[i] = FieldError{Field: p.Path, Message: p.Message}
		}
		return http.StatusUnprocessableEntity, "the manifest has problems; each is listed with its path", fields
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, "the request body is larger than " + byteSize(tooLarge.Limit), nil
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return http.StatusBadRequest, "the request body is not valid JSON: " + err.Error(), nil
	case errors.Is(err, io.EOF):
		return http.StatusBadRequest, "the request body is empty; send a JSON object", nil
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return http.StatusBadRequest, "the request body must be a JSON object", nil
		}
		return http.StatusUnprocessableEntity, "the request has invalid fields",
			[]FieldError{{Field: field, Message: "must be " + jsonKind(typeErr.Type.Kind().String())}}
	case errors.Is(err, registry.ErrPluginTimeout):
		return http.StatusGatewayTimeout, registry.ErrPluginTimeout.Error(), nil
	case errors.Is(err, registry.ErrPluginUnavailable):
		return http.StatusServiceUnavailable, registry.ErrPluginUnavailable.Error(), nil
	case errors.Is(err, registry.ErrPluginMisbehaved):
		return http.StatusBadGateway, registry.ErrPluginMisbehaved.Error(), nil
	case errors.As(err, &rateLimit):
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(rateLimit.RetryAfter.Seconds()))))
		return http.StatusTooManyRequests, rateLimit.Error(), nil
	case errors.Is(err, auth.ErrBusy):
		c.Header("Retry-After", "1")
		return http.StatusServiceUnavailable, auth.ErrBusy.Error(), nil
	case errors.Is(err, auth.ErrUnauthenticated), errors.Is(err, auth.ErrInvalidToken),
		errors.Is(err, auth.ErrInvalidCredentials):
		c.Header("WWW-Authenticate", `Bearer realm="riposte"`)
		return http.StatusUnauthorized, firstLine(err, auth.ErrUnauthenticated, auth.ErrInvalidToken, auth.ErrInvalidCredentials), nil
	case errors.Is(err, auth.ErrForbidden), errors.Is(err, auth.ErrAccountDisabled):
		return http.StatusForbidden, err.Error(), nil
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, err.Error(), nil
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, err.Error(), nil
	}
	return http.StatusInternalServerError, "", nil
}

// firstLine returns the message of the first sentinel err wraps, so that
// token-parsing details are not echoed to the caller.
func firstLine(err error, sentinels ...error) string {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return err.Error()
}

func fieldErrors(v valid.Errors) []FieldError {
	out := make([]FieldError, len(v))
	for i, p := range v {
		out[i] = FieldError{Field: p.Field, Message: p.Message}
	}
	return out
}

// jsonKind names a Go kind as a JSON type.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice", kind == "array":
		return "an array"
	}
	return "an object"
}

func byteSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
