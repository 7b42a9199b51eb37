// Package httperr decides which HTTP status each error means. The JSON API
// (package api) writes the answer as a problem+json body and the pages
// (package web) as an error page in the visitor's language; both call
// Classify, so that an error never means one status to a program and
// another to a person, and no service package needs to know about HTTP.
//
// It is a package of its own because api imports web: neither could hold
// the table without an import cycle. It knows no router.
package httperr

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
)

// ErrDatabaseUnavailable is the detail of a 503 answered while the
// database cannot be reached.
const ErrDatabaseUnavailable = "the database is unavailable for a moment; try again shortly"

// Answer is what an error means to whoever sent the request.
type Answer struct {
	Status int
	// Detail is safe to show the caller. It is empty for an error no kind
	// matches (a 500), whose cause is for the operator's log only.
	Detail string
	// Fields lists the fields at fault, each with what is wrong with it.
	Fields valid.Errors
	// RetryAfter is how many seconds the caller should wait before trying
	// again, for a Retry-After header; 0 when there is nothing to wait for.
	RetryAfter int
}

// Kinds of problem that the HTTP layer finds by itself, before any service
// has a say. Each is a row of the table of kinds, which gives its status.
var (
	// ErrMalformed is a query parameter, header or body the layer cannot
	// read or does not allow: a malformed filter, page or key.
	ErrMalformed = errors.New("malformed request")
	// ErrUnprocessable is a request the layer reads but whose values it
	// refuses, such as a body's unknown fields.
	ErrUnprocessable = errors.New("unprocessable request")
	// ErrNoRoute is a path no route serves.
	ErrNoRoute = errors.New("no such route")
	// ErrMethod is a method the route does not allow.
	ErrMethod = errors.New("method not allowed")
	// ErrMediaType is a body of a type the route does not take.
	ErrMediaType = errors.New("unsupported media type")
)

// Error is a problem that the HTTP layer finds by itself, of one of the
// kinds above, with what the caller is told. Services never return it;
// they return their own package's errors, which the table of kinds maps.
type Error struct {
	Kind   error // ErrMalformed…
	Detail string
	Fields valid.Errors
}

func (e *Error) Error() string { return e.Detail }

// Unwrap returns the kind, which decides the status.
func (e *Error) Unwrap() error { return e.Kind }

// New returns an *Error of a kind (ErrMalformed…) with detail and the
// fields at fault.
func New(kind error, detail string, fields ...valid.Problem) error {
	return &Error{Kind: kind, Detail: detail, Fields: fields}
}

// Classify returns what err means over HTTP: the first kind of the table
// that err is decides; an error of no kind is a 500 with no detail.
func Classify(err error) Answer {
	for _, k := range kinds {
		a := Answer{Status: k.status}
		if k.explain(err, &a) {
			return a
		}
	}
	return Answer{Status: http.StatusInternalServerError}
}

// kind is one kind of error and the status it means.
type kind struct {
	status int
	// explain reports whether err is of this kind and, if it is, fills in
	// what the caller is told (and the status, for kinds that carry one).
	explain func(err error, a *Answer) bool
}

// kinds maps every kind of error that Riposte's packages return to its
// status, in the order they are tried: an error of several kinds (a
// service's error wrapping another) takes the first.
var kinds = []kind{
	// The HTTP layer's own problems.
	layer(ErrMalformed, http.StatusBadRequest),
	layer(ErrUnprocessable, http.StatusUnprocessableEntity),
	layer(ErrNoRoute, http.StatusNotFound),
	layer(ErrMethod, http.StatusMethodNotAllowed),
	layer(ErrMediaType, http.StatusUnsupportedMediaType),
	is[valid.Errors](http.StatusUnprocessableEntity, invalidFields),
	is[*plugins.ManifestError](http.StatusUnprocessableEntity, manifestProblems),
	is[*wasm.ModuleError](http.StatusUnprocessableEntity, moduleProblems),
	// A plugin's failure: the detail is the sentinel's, never the cause.
	sentinel(registry.ErrPluginTimeout, http.StatusGatewayTimeout, says(registry.ErrPluginTimeout.Error())),
	sentinel(registry.ErrPluginUnavailable, http.StatusServiceUnavailable, says(registry.ErrPluginUnavailable.Error())),
	sentinel(registry.ErrPluginMisbehaved, http.StatusBadGateway, says(registry.ErrPluginMisbehaved.Error())),
	is[*auth.RateLimitError](http.StatusTooManyRequests, func(e *auth.RateLimitError, a *Answer) {
		a.Detail, a.RetryAfter = e.Error(), e.Seconds()
	}),
	sentinel(auth.ErrBusy, http.StatusServiceUnavailable, func(_ error, a *Answer) {
		a.Detail, a.RetryAfter = auth.ErrBusy.Error(), 1
	}),
	// The database cannot be reached (restarted, failed over, out of
	// connections): the request is not at fault and may succeed shortly.
	when(store.Unavailable, http.StatusServiceUnavailable, func(_ error, a *Answer) {
		a.Detail, a.RetryAfter = ErrDatabaseUnavailable, 2
	}),
	// A runtime with no room to run a plugin now: how busy it is stays in
	// the log.
	sentinel(plugins.ErrBusy, http.StatusServiceUnavailable, func(_ error, a *Answer) {
		a.Detail, a.RetryAfter = plugins.ErrBusy.Error(), 1
	}),
	// Token-parsing details stay out of the answer: only the sentinel's
	// message is shown.
	sentinel(auth.ErrUnauthenticated, http.StatusUnauthorized, says(auth.ErrUnauthenticated.Error())),
	sentinel(auth.ErrInvalidToken, http.StatusUnauthorized, says(auth.ErrInvalidToken.Error())),
	sentinel(auth.ErrInvalidCredentials, http.StatusUnauthorized, says(auth.ErrInvalidCredentials.Error())),
	sentinel(auth.ErrForbidden, http.StatusForbidden, whole),
	sentinel(auth.ErrAccountDisabled, http.StatusForbidden, whole),
	// An unsubscribe link that was not issued here: there is nothing to
	// turn off.
	sentinel(mail.ErrBadUnsubscribe, http.StatusNotFound, whole),
	sentinel(store.ErrNotFound, http.StatusNotFound, whole),
	sentinel(store.ErrConflict, http.StatusConflict, whole),
	// A request body that could not be read or decoded. These come last:
	// a service's error that wraps one (a plugin whose answer was cut
	// short wraps io.ErrUnexpectedEOF) means what the service says.
	is[*http.MaxBytesError](http.StatusRequestEntityTooLarge, func(e *http.MaxBytesError, a *Answer) {
		a.Detail = "the request body is larger than " + byteSize(e.Limit)
	}),
	when(isA[*json.SyntaxError], http.StatusBadRequest, notJSON),
	sentinel(io.ErrUnexpectedEOF, http.StatusBadRequest, notJSON),
	sentinel(io.EOF, http.StatusBadRequest, says("the request body is empty; send a JSON object")),
	is[*json.UnmarshalTypeError](http.StatusUnprocessableEntity, wrongType),
}

// is makes the kind of the errors that are a T (as errors.As finds them).
func is[T error](status int, explain func(T, *Answer)) kind {
	return kind{status: status, explain: func(err error, a *Answer) bool {
		var t T
		if !errors.As(err, &t) {
			return false
		}
		explain(t, a)
		return true
	}}
}

// layer makes the kind of the HTTP layer's own problems of one kind: the
// *Error's detail and fields are what the caller is told.
func layer(target error, status int) kind {
	return kind{status: status, explain: func(err error, a *Answer) bool {
		var e *Error
		if !errors.As(err, &e) || !errors.Is(e.Kind, target) {
			return false
		}
		a.Detail, a.Fields = e.Detail, e.Fields
		return true
	}}
}

// sentinel makes the kind of the errors that wrap target.
func sentinel(target error, status int, explain func(error, *Answer)) kind {
	return when(func(err error) bool { return errors.Is(err, target) }, status, explain)
}

// when makes the kind of the errors that match.
func when(match func(error) bool, status int, explain func(error, *Answer)) kind {
	return kind{status: status, explain: func(err error, a *Answer) bool {
		if !match(err) {
			return false
		}
		explain(err, a)
		return true
	}}
}

// isA reports whether err is a T, as errors.As finds it.
func isA[T error](err error) bool {
	var t T
	return errors.As(err, &t)
}

// whole shows the error's message, which the packages write for the
// caller ("conflict: the slug \"x\" is taken").
func whole(err error, a *Answer) { a.Detail = err.Error() }

// says shows a fixed message.
func says(detail string) func(error, *Answer) {
	return func(_ error, a *Answer) { a.Detail = detail }
}

func invalidFields(v valid.Errors, a *Answer) {
	a.Detail, a.Fields = "the request has invalid fields", v
}

func manifestProblems(e *plugins.ManifestError, a *Answer) {
	a.Detail = "the manifest has problems; each is listed with its path"
	a.Fields = make(valid.Errors, len(e.Problems))
	for i, p := range e.Problems {
		a.Fields[i] = valid.Problem{Field: p.Path, Message: p.Message}
	}
}

func moduleProblems(e *wasm.ModuleError, a *Answer) {
	a.Detail = "the module cannot run as a plugin; each problem names what it concerns"
	a.Fields = make(valid.Errors, len(e.Problems))
	for i, p := range e.Problems {
		a.Fields[i] = valid.Problem{Field: p.Path, Message: p.Message}
	}
}

func notJSON(err error, a *Answer) {
	a.Detail = "the request body is not valid JSON: " + err.Error()
}

// wrongType is a JSON value of the wrong type: a field's, or the whole
// body's when it is not an object.
func wrongType(e *json.UnmarshalTypeError, a *Answer) {
	if e.Field == "" {
		a.Status, a.Detail = http.StatusBadRequest, "the request body must be a JSON object"
		return
	}
	invalidFields(valid.Errors{{Field: e.Field, Message: "must be " + jsonKind(e.Type.Kind().String())}}, a)
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
