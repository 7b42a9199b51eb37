package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/valid"
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

// refuse is a problem the HTTP layer finds by itself (a bad query
// parameter, an unknown route), of one of httperr's kinds, whose table
// gives its status.
func refuse(kind error, detail string, fields ...FieldError) error {
	problems := make(valid.Errors, len(fields))
	for i, f := range fields {
		problems[i] = valid.Problem{Field: f.Field, Message: f.Message}
	}
	return httperr.New(kind, detail, problems...)
}

// fail writes err as a problem and aborts the chain. httperr.Classify
// decides the status; fail adds the headers that go with it and keeps the
// cause of a 500 for the log.
func (s *Server) fail(c *gin.Context, err error) {
	c.Abort()
	if errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil {
		return // the client has gone; nobody is listening
	}
	a := httperr.Classify(err)
	p := Problem{Type: "about:blank", Status: a.Status, Detail: a.Detail, Errors: fieldErrors(a.Fields),
		Instance: c.Request.URL.Path, RequestID: requestID(c)}
	if a.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(a.RetryAfter))
	}
	if a.Status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="riposte"`)
	}
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

func fieldErrors(v valid.Errors) []FieldError {
	if len(v) == 0 {
		return nil
	}
	out := make([]FieldError, len(v))
	for i, p := range v {
		out[i] = FieldError{Field: p.Field, Message: p.Message}
	}
	return out
}
