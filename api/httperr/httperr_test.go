package httperr

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/wasm"
)

// decodeError returns what decoding body into a struct with a numeric
// "n" field fails with.
func decodeError(t *testing.T, body string) error {
	t.Helper()
	var v struct {
		N int `json:"n"`
	}
	err := json.Unmarshal([]byte(body), &v)
	if err == nil {
		t.Fatalf("%s decoded", body)
	}
	return err
}

// Every kind of error means one status, the same for the API and the
// pages, with what the caller may read of it.
func TestEveryKindOfErrorHasItsStatus(t *testing.T) {
	fields := valid.Errors{{Field: "email", Message: "is required"}}
	for _, tc := range []struct {
		name string
		err  error
		want Answer
	}{
		{"a malformed parameter", New(ErrMalformed, "invalid filter", fields...),
			Answer{Status: 400, Detail: "invalid filter", Fields: fields}},
		{"an unknown field", New(ErrUnprocessable, "the request has unknown fields", fields...),
			Answer{Status: 422, Detail: "the request has unknown fields", Fields: fields}},
		{"no route", New(ErrNoRoute, "no such route: /x"), Answer{Status: 404, Detail: "no such route: /x"}},
		{"a method not allowed", New(ErrMethod, "PUT is not allowed here"), Answer{Status: 405, Detail: "PUT is not allowed here"}},
		{"a body of another type", New(ErrMediaType, "send the module's bytes"), Answer{Status: 415, Detail: "send the module's bytes"}},
		{"invalid fields", fmt.Errorf("register: %w", fields),
			Answer{Status: 422, Detail: "the request has invalid fields", Fields: fields}},
		{"a manifest with problems", &plugins.ManifestError{Problems: []plugins.Problem{{Path: "slug", Message: "is required"}}},
			Answer{Status: 422, Detail: "the manifest has problems; each is listed with its path",
				Fields: valid.Errors{{Field: "slug", Message: "is required"}}}},
		{"a module that cannot run", &wasm.ModuleError{Problems: []plugins.Problem{{Path: "module.imports", Message: "imports env.abort"}}},
			Answer{Status: 422, Detail: "the module cannot run as a plugin; each problem names what it concerns",
				Fields: valid.Errors{{Field: "module.imports", Message: "imports env.abort"}}}},
		{"a runtime without room, how busy left out", fmt.Errorf("%w (4 of 4 executions running)", plugins.ErrBusy),
			Answer{Status: 503, Detail: plugins.ErrBusy.Error(), RetryAfter: 1}},
		{"a body over the limit", &http.MaxBytesError{Limit: 1 << 20},
			Answer{Status: 413, Detail: "the request body is larger than 1 MiB"}},
		{"a body over an odd limit", &http.MaxBytesError{Limit: 1000},
			Answer{Status: 413, Detail: "the request body is larger than 1000 bytes"}},
		{"a body that is not JSON", decodeError(t, `{"n":`+"\x01}"),
			Answer{Status: 400, Detail: "the request body is not valid JSON: invalid character '\\x01' looking for beginning of value"}},
		{"a body cut short", io.ErrUnexpectedEOF,
			Answer{Status: 400, Detail: "the request body is not valid JSON: unexpected EOF"}},
		{"an empty body", io.EOF,
			Answer{Status: 400, Detail: "the request body is empty; send a JSON object"}},
		{"a field of the wrong type", decodeError(t, `{"n":"one"}`),
			Answer{Status: 422, Detail: "the request has invalid fields", Fields: valid.Errors{{Field: "n", Message: "must be a number"}}}},
		{"a body that is not an object", decodeError(t, `[1]`),
			Answer{Status: 400, Detail: "the request body must be a JSON object"}},
		{"a plugin that timed out", fmt.Errorf("%w: context deadline exceeded", registry.ErrPluginTimeout),
			Answer{Status: 504, Detail: "the plugin did not answer in time"}},
		{"a plugin that misbehaved", fmt.Errorf("%w: output is not JSON", registry.ErrPluginMisbehaved),
			Answer{Status: 502, Detail: "the plugin did not answer properly"}},
		{"a plugin not available here", fmt.Errorf("%w: connection refused", registry.ErrPluginUnavailable),
			Answer{Status: 503, Detail: "this plugin is not available on this server"}},
		{"too many attempts", fmt.Errorf("login: %w", &auth.RateLimitError{RetryAfter: 1500 * time.Millisecond}),
			Answer{Status: 429, Detail: "too many attempts, try again in 2s", RetryAfter: 2}},
		{"too many sign-ins at once", fmt.Errorf("login: %w", auth.ErrBusy),
			Answer{Status: 503, Detail: auth.ErrBusy.Error(), RetryAfter: 1}},
		{"the database shutting down", fmt.Errorf("session: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}),
			Answer{Status: 503, Detail: ErrDatabaseUnavailable, RetryAfter: 2}},
		{"a connection to the database cut", fmt.Errorf("list plugins: %w", driver.ErrBadConn),
			Answer{Status: 503, Detail: ErrDatabaseUnavailable, RetryAfter: 2}},
		{"no credentials", auth.ErrUnauthenticated,
			Answer{Status: 401, Detail: "authentication required"}},
		{"a bad token, without the parser's words", fmt.Errorf("%w: token signature is invalid", auth.ErrInvalidToken),
			Answer{Status: 401, Detail: "invalid or expired token"}},
		{"wrong credentials", fmt.Errorf("login: %w", auth.ErrInvalidCredentials),
			Answer{Status: 401, Detail: "invalid e-mail address or password"}},
		{"not allowed, and why", fmt.Errorf("only the plugin's owner can publish it: %w", auth.ErrForbidden),
			Answer{Status: 403, Detail: "only the plugin's owner can publish it: you are not allowed to do this"}},
		{"a role the caller lacks", auth.User{Role: auth.RoleParticipant}.CheckRole(auth.RoleOrganizer),
			Answer{Status: 403, Detail: "this needs the organizer role"}},
		{"a disabled account", auth.ErrAccountDisabled,
			Answer{Status: 403, Detail: "this account is disabled"}},
		{"nothing there", fmt.Errorf("plugin %q: %w", "x", store.ErrNotFound),
			Answer{Status: 404, Detail: `plugin "x": not found`}},
		{"a conflict with the current state", fmt.Errorf("%w: results are published", store.ErrConflict),
			Answer{Status: 409, Detail: "conflict: results are published"}},
		{"anything else says nothing", errors.New("dial tcp 10.0.0.1:5432: connection refused"),
			Answer{Status: 500}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Classify(tc.err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Classify = %+v\nwant       %+v", got, tc.want)
			}
		})
	}
}

// An error of several kinds at once takes the first kind of the table.
func TestEarlierKindsWin(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"invalid fields over a conflict", errors.Join(valid.Errors{{Field: "reason", Message: "is required"}}, store.ErrConflict),
			http.StatusUnprocessableEntity},
		{"a plugin cut short is the plugin's fault, not the request body's",
			fmt.Errorf("%w: %w", registry.ErrPluginMisbehaved, io.ErrUnexpectedEOF),
			http.StatusBadGateway},
		{"a conflict over a decoding error", fmt.Errorf("%w: %w", store.ErrConflict, &json.SyntaxError{}), http.StatusConflict},
	} {
		if got := Classify(tc.err).Status; got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// Every row of the table is reached by some error: a row that no error
// reaches would be a status nobody can get.
func TestEveryKindIsReachable(t *testing.T) {
	reached := make([]bool, len(kinds))
	for _, err := range []error{
		New(ErrMalformed, "x"), New(ErrUnprocessable, "x"), New(ErrNoRoute, "x"), New(ErrMethod, "x"), New(ErrMediaType, "x"),
		valid.Errors{}, &plugins.ManifestError{}, &wasm.ModuleError{}, plugins.ErrBusy, &http.MaxBytesError{}, &json.SyntaxError{},
		io.ErrUnexpectedEOF, io.EOF, &json.UnmarshalTypeError{Type: nil},
		registry.ErrPluginTimeout, registry.ErrPluginUnavailable, registry.ErrPluginMisbehaved,
		&auth.RateLimitError{}, auth.ErrBusy, auth.ErrUnauthenticated, auth.ErrInvalidToken, auth.ErrInvalidCredentials,
		auth.ErrForbidden, auth.ErrAccountDisabled, mail.ErrBadUnsubscribe, store.ErrNotFound, store.ErrConflict, driver.ErrBadConn,
	} {
		for i, k := range kinds {
			if k.explain(err, &Answer{}) {
				reached[i] = true
				break
			}
		}
	}
	for i, ok := range reached {
		if !ok {
			t.Errorf("kind %d of the table is reached by no error", i)
		}
	}
}
