package api_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-openapi/loads"
	"github.com/go-openapi/spec"
	"github.com/go-openapi/strfmt"
	"github.com/go-openapi/validate"
)

func loadSwagger(t *testing.T) *spec.Swagger {
	t.Helper()
	doc, err := loads.Spec("../docs/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Spec(doc, strfmt.Default); err != nil {
		t.Fatalf("docs/swagger.json is not a valid Swagger 2.0 document: %v", err)
	}
	return doc.Spec()
}

// servedSwagger fetches /swagger/doc.json through the router, as clients
// and validating proxies do, and checks that it is valid.
func servedSwagger(t *testing.T, e *env) *spec.Swagger {
	t.Helper()
	body := e.do(req{method: "GET", path: "/swagger/doc.json"}).want(200).Body.Bytes()
	doc, err := loads.Analyzed(json.RawMessage(body), "")
	if err != nil {
		t.Fatalf("/swagger/doc.json: %v", err)
	}
	if err := validate.Spec(doc, strfmt.Default); err != nil {
		t.Fatalf("/swagger/doc.json is not a valid Swagger 2.0 document: %v", err)
	}
	return doc.Spec()
}

// operations lists the documented operations by "METHOD /path", the path
// being the one a client calls.
func operations(s *spec.Swagger) map[string]*spec.Operation {
	out := map[string]*spec.Operation{}
	for path, item := range s.Paths.Paths {
		for method, op := range map[string]*spec.Operation{
			"GET": item.Get, "POST": item.Post, "PUT": item.Put, "PATCH": item.Patch, "DELETE": item.Delete,
		} {
			if op != nil {
				out[method+" "+strings.TrimSuffix(s.BasePath, "/")+path] = op
			}
		}
	}
	return out
}

func TestSwaggerIsValid(t *testing.T) {
	file, served := loadSwagger(t), servedSwagger(t, newEnv(t))
	for name, s := range map[string]*spec.Swagger{"docs/swagger.json": file, "/swagger/doc.json": served} {
		if s.SecurityDefinitions["BearerAuth"] == nil {
			t.Errorf("%s: no BearerAuth security definition", name)
		}
		if s.Host != "" {
			t.Errorf("%s: host %q; clients must call the server that serves the document", name, s.Host)
		}
	}
	if a, b := operations(file), operations(served); len(a) != len(b) || len(a) == 0 {
		t.Fatalf("the file documents %d operations, the served document %d", len(a), len(b))
	}
}

var ginParam = regexp.MustCompile(`[:*]([a-z_]+)`)

// opsRoutes are the documented routes outside /api/v1.
var opsRoutes = []string{"/livez", "/readyz", "/metrics"}

// TestEveryRouteIsDocumented checks that the router and the served document
// agree: each /api/v1 and operations route is documented with its error
// responses, and each documented operation exists.
func TestEveryRouteIsDocumented(t *testing.T) {
	e := newEnv(t)
	ops := operations(servedSwagger(t, e))
	served := map[string]bool{}
	for _, r := range e.srv.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") && !slices.Contains(opsRoutes, r.Path) {
			continue
		}
		key := r.Method + " " + ginParam.ReplaceAllString(r.Path, "{$1}")
		served[key] = true
		if ops[key] == nil {
			t.Errorf("%s is served but not documented", key)
		}
	}
	for key, op := range ops {
		if !served[key] {
			t.Errorf("%s is documented but not served", key)
		}
		var codes []int
		for code := range op.Responses.StatusCodeResponses {
			codes = append(codes, code)
		}
		if !slices.ContainsFunc(codes, func(c int) bool { return c >= 400 }) {
			t.Errorf("%s documents no error response", key)
		}
		if len(op.Security) > 0 && !slices.Contains(codes, 401) {
			t.Errorf("%s needs credentials but does not document 401", key)
		}
	}
}

// TestAnonymousCallsNeedNoCredentials checks that operations open to
// anonymous callers, which also accept a token, do not declare the token
// required: a validating proxy would refuse anonymous calls.
func TestAnonymousCallsNeedNoCredentials(t *testing.T) {
	e := newEnv(t)
	ops := operations(servedSwagger(t, e))
	for _, key := range []string{"POST /api/v1/plugins/{slug}/invoke", "GET /readyz", "GET /api/v1/plugins", "GET /api/v1/search"} {
		op := ops[key]
		if op == nil {
			t.Errorf("%s is not documented", key)
			continue
		}
		if len(op.Security) > 0 && !slices.ContainsFunc(op.Security, func(r map[string][]string) bool { return len(r) == 0 }) {
			t.Errorf("%s requires %v, but anonymous calls are allowed", key, op.Security)
		}
	}
}

func TestSwaggerUIIsServed(t *testing.T) {
	e := newEnv(t)
	ui := e.do(req{method: "GET", path: "/swagger/index.html"}).want(200)
	if !strings.Contains(ui.Body.String(), "swagger-ui") {
		t.Fatal("/swagger/index.html is not the Swagger UI")
	}
	doc := e.do(req{method: "GET", path: "/swagger/doc.json"}).want(200).Body.String()
	if !strings.Contains(doc, `"BearerAuth"`) || !strings.Contains(doc, `"/api/v1/auth/login"`) || !strings.Contains(doc, `"/readyz"`) {
		t.Fatal("/swagger/doc.json lacks the Bearer security definition or the routes")
	}
	e.do(req{method: "GET", path: "/swagger"}).want(301)
}
