// Package valid collects the problems found while checking a request, so that
// a caller hears about every one of them at once, each tied to the field it
// concerns.
package valid

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Problem is one thing wrong with one field. Field uses the names clients see
// in JSON ("email", "scopes[1]").
type Problem struct {
	Field   string
	Message string
}

// Errors is a non-empty list of problems. It is the error returned by every
// validation in the api packages.
type Errors []Problem

// Error joins the problems into one line.
func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, p := range e {
		parts[i] = p.Field + ": " + p.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Checker accumulates problems. The zero value is ready to use.
type Checker struct {
	problems Errors
}

// Add records a problem with field.
func (c *Checker) Add(field, message string) {
	c.problems = append(c.problems, Problem{Field: field, Message: message})
}

// Addf records a problem with field, formatting the message.
func (c *Checker) Addf(field, format string, args ...any) {
	c.Add(field, fmt.Sprintf(format, args...))
}

// Check records message against field unless ok holds. It reports ok.
func (c *Checker) Check(ok bool, field, message string) bool {
	if !ok {
		c.Add(field, message)
	}
	return ok
}

// Length checks that s has between min and max characters (runes).
func (c *Checker) Length(s string, min, max int, field string) bool {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		c.Add(field, "must be valid UTF-8 text")
	case n < min && min == 1:
		c.Add(field, "is required")
	case n < min:
		c.Addf(field, "must be at least %d characters long", min)
	case n > max:
		c.Addf(field, "must be at most %d characters long", max)
	default:
		return true
	}
	return false
}

// Email checks that s is a single plain e-mail address such as
// "ada@example.org", without a display name.
func (c *Checker) Email(s, field string) bool {
	if !c.Length(s, 1, 254, field) {
		return false
	}
	a, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	ok := err == nil && a.Address == s && a.Name == "" && at > 0 && strings.Contains(s[at:], ".")
	return c.Check(ok, field, "must be an e-mail address such as name@example.org")
}

// Err returns the accumulated problems, or nil when there are none.
func (c *Checker) Err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return c.problems
}
