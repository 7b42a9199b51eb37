package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// bindJSON decodes a JSON request body into v with ShouldBindJSON. Every
// decoding failure becomes a 400 or 422 problem: none is ever a 500.
func bindJSON(c *gin.Context, v any) error {
	err := c.ShouldBindJSON(v)
	if err == nil {
		return nil
	}
	var (
		tooLarge *http.MaxBytesError
		syntax   *json.SyntaxError
		typeErr  *json.UnmarshalTypeError
		timeErr  *time.ParseError
	)
	switch {
	case errors.As(err, &tooLarge), errors.As(err, &syntax), errors.As(err, &typeErr),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return err // httperr.Classify knows these
	case errors.As(err, &timeErr):
		return valid.Errors{{Field: "(date)", Message: "dates are written in RFC 3339, such as 2016-01-23T09:00:00+01:00; got " + strconv.Quote(timeErr.Value)}}
	}
	return refuse(httperr.ErrMalformed, "the request body could not be read: "+err.Error())
}

// Pagination bounds.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// List is one page of a collection.
type List[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total" example:"42"`
	Limit  int `json:"limit" example:"20"`
	Offset int `json:"offset" example:"0"`
}

func newList[T any](items []T, total int, p store.Page) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, Total: total, Limit: p.Limit, Offset: p.Offset}
}

// mapList converts a page of store rows to response items.
func mapList[S, T any](rows []S, total int, p store.Page, f func(S) T) List[T] {
	items := make([]T, len(rows))
	for i, r := range rows {
		items[i] = f(r)
	}
	return newList(items, total, p)
}

// page reads ?limit and ?offset. Values out of range are a 400.
func page(c *gin.Context) (store.Page, error) {
	p := store.Page{Limit: defaultLimit}
	var bad []FieldError
	if v, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			bad = append(bad, FieldError{Field: "limit", Message: "must be a whole number from 1 to 100"})
		}
		p.Limit = n
	}
	if v, ok := c.GetQuery("offset"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			bad = append(bad, FieldError{Field: "offset", Message: "must be a whole number, 0 or more"})
		}
		p.Offset = n
	}
	if len(bad) > 0 {
		return p, refuse(httperr.ErrMalformed, "invalid pagination", bad...)
	}
	return p, nil
}

// pathID reads a numeric path parameter. Anything else names nothing that
// exists, so it is store.ErrNotFound.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %s: %w", name, strconv.Quote(c.Param(name)), store.ErrNotFound)
	}
	return id, nil
}

// utc formats times in responses uniformly.
func utc(t time.Time) time.Time { return t.UTC() }

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// bindStrictJSON is bindJSON for requests whose every field has a meaning:
// a field v does not have is a 422 naming it, with its path (such as
// "rubric[0].colour"), rather than silently ignored.
func bindStrictJSON(c *gin.Context, v any) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return err // a *http.MaxBytesError: httperr.Classify knows it
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	var tree any
	if json.Unmarshal(body, &tree) == nil { // otherwise bindJSON says what is wrong
		if bad := unknownFields(tree, reflect.TypeOf(v), ""); len(bad) > 0 {
			return refuse(httperr.ErrUnprocessable, "the request has unknown fields", bad...)
		}
	}
	return bindJSON(c, v)
}

// unknownFields lists the keys of a decoded JSON value that have no field
// in t, at any depth, sorted by path.
func unknownFields(tree any, t reflect.Type, path string) []FieldError {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var bad []FieldError
	switch x := tree.(type) {
	case map[string]any:
		if t.Kind() != reflect.Struct {
			return nil // a map, or a type error bindJSON reports
		}
		fields := jsonFields(t)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			p := k
			if path != "" {
				p = path + "." + k
			}
			ft, ok := fields[k]
			if !ok {
				bad = append(bad, FieldError{Field: p, Message: "is not a field of this request"})
				continue
			}
			bad = append(bad, unknownFields(x[k], ft, p)...)
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, item := range x {
				bad = append(bad, unknownFields(item, t.Elem(), path+"["+strconv.Itoa(i)+"]")...)
			}
		}
	}
	return bad
}

// jsonFields maps the JSON names of a struct's fields, embedded ones
// included, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
