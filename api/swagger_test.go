package api_test

import (
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

// operations lists the documented operations by "METHOD /api/v1/path".
func operations(s *spec.Swagger) map[string]*spec.Operation {
	out := map[string]*spec.Operation{}
	for path, item := range s.Paths.Paths {
		for method, op := range map[string]*spec.Operation{
			"GET": item.Get, "POST": item.Post, "PUT": item.Put, "PATCH": item.Patch, "DELETE": item.Delete,
		} {
			if op != nil {
				out[method+" "+s.BasePath+path] = op
			}
		}
	}
	return out
}

func TestSwaggerIsValid(t *testing.T) {
	s := loadSwagger(t)
	if s.SecurityDefinitions["BearerAuth"] == nil {
		t.Fatal("no BearerAuth security definition")
	}
}

var ginParam = regexp.MustCompile(`[:*]([a-z_]+)`)

// TestEveryRouteIsDocumented checks that the router and the document agree:
// each /api/v1 route is documented with its error responses, and each
// documented operation exists.
func TestEveryRouteIsDocumented(t *testing.T) {
	ops := operations(loadSwagger(t))
	served := map[string]bool{}
	for _, r := range newEnv(t).srv.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
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

func TestSwaggerUIIsServed(t *testing.T) {
	e := newEnv(t)
	ui := e.do(req{method: "GET", path: "/swagger/index.html"}).want(200)
	if !strings.Contains(ui.Body.String(), "swagger-ui") {
		t.Fatal("/swagger/index.html is not the Swagger UI")
	}
	doc := e.do(req{method: "GET", path: "/swagger/doc.json"}).want(200).Body.String()
	if !strings.Contains(doc, `"BearerAuth"`) || !strings.Contains(doc, `"/auth/login"`) {
		t.Fatal("/swagger/doc.json lacks the Bearer security definition or the routes")
	}
	e.do(req{method: "GET", path: "/swagger"}).want(301)
}
