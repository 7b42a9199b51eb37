// Package crisis is crisis mode: an administrator declares a crisis in a
// region for at most MaxDuration; while it is in force, every page shows
// its banner with the region's emergency numbers (from the portes-ouvertes
// plugin), and searches raise the emergency tools. It ends by itself at
// its expiry.
package crisis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins/portesouvertes"
)

// CacheTTL is how long a process answers from the crisis it read last
// before reading the database again: a crisis declared or ended on one
// replica reaches every other one within it. docs/operators.md names it.
const CacheTTL = 5 * time.Second

// Bounds of a crisis.
const (
	MaxDuration  = 7 * 24 * time.Hour // from now to expires_at
	MaxTitle     = 120                // characters, per language
	MaxMessage   = 1000               // characters, per language
	MaxLinks     = 5
	MaxLinkLabel = 80   // characters
	MaxLinkURL   = 2048 // bytes
)

// EmergencyTool is the category of the tools that searches and the
// catalogue put first while a crisis is in force.
const EmergencyTool = "emergency"

// Languages are the languages a crisis's title and message may be given
// in, the pages' languages.
var Languages = []string{"fr", "en"}

// Crisis is a crisis as declared.
type Crisis = store.Crisis

// Link is an official link shown with a crisis.
type Link = store.CrisisLink

// Service reads and declares the crisis. Reads come from a copy kept for
// at most CacheTTL; whether the crisis is in force is decided on every
// read against the clock, so that it ends at its expiry to the second.
type Service struct {
	st  *store.Store
	now func() time.Time

	mu     sync.Mutex
	cached Crisis // the zero Crisis when none was ever declared
	readAt time.Time
}

// New returns the crisis service over st; now is its clock (nil means
// time.Now).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

// Current returns the crisis in force and true, or false when there is
// none: never declared, ended, or expired.
func (s *Service) Current(ctx context.Context) (Crisis, bool, error) {
	at := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.readAt.IsZero() || at.Sub(s.readAt) >= CacheTTL || at.Before(s.readAt) {
		c, err := s.st.Crisis(ctx)
		switch {
		case errors.Is(err, store.ErrNotFound):
			c = Crisis{}
		case err != nil:
			return Crisis{}, false, err
		}
		s.cached, s.readAt = c, at
	}
	c := s.cached
	if !c.Active || !at.Before(c.ExpiresAt) {
		return Crisis{}, false, nil
	}
	return c, true, nil
}

// Set declares c (or ends the crisis when c is not active) on behalf of
// actor. It returns valid.Errors naming every field that is wrong. The
// process's own copy is renewed at once; others within CacheTTL.
func (s *Service) Set(ctx context.Context, c Crisis, actor *int64) error {
	at := s.now()
	if err := Validate(c, at); err != nil {
		return err
	}
	if !c.Active {
		c = Crisis{}
	}
	if err := s.st.SetCrisis(ctx, c, actor); err != nil {
		return err
	}
	s.mu.Lock()
	s.readAt = time.Time{}
	s.mu.Unlock()
	return nil
}

// Validate returns the problems of c declared at now, or nil. An inactive
// crisis needs nothing else.
func Validate(c Crisis, now time.Time) error {
	var v valid.Checker
	if !c.Active {
		return nil
	}
	switch {
	case c.ExpiresAt.IsZero():
		v.Add("expires_at", "is required while the crisis is active")
	case !c.ExpiresAt.After(now):
		v.Add("expires_at", "must be in the future")
	case c.ExpiresAt.Sub(now) > MaxDuration:
		v.Add("expires_at", "must be at most 7 days from now; renew the crisis before it expires")
	}
	if !portesouvertes.Known(c.Region) {
		v.Addf("region", "must be a country code that portes-ouvertes knows: %s", strings.Join(portesouvertes.Countries(), ", "))
	}
	checkTexts(&v, "title", c.Title, MaxTitle)
	checkTexts(&v, "message", c.Message, MaxMessage)
	if len(c.Links) > MaxLinks {
		v.Addf("links", "at most %d links", MaxLinks)
	}
	for i, l := range c.Links {
		v.Length(l.Label, 1, MaxLinkLabel, fmt.Sprintf("links[%d].label", i))
		v.Check(httpsURL(l.URL), fmt.Sprintf("links[%d].url", i), fmt.Sprintf("must be an https URL of at most %d bytes", MaxLinkURL))
	}
	return v.Err()
}

// checkTexts checks a text given by language: in at least one of
// Languages, and in no other, each at most max characters.
func checkTexts(v *valid.Checker, field string, texts map[string]string, max int) {
	given := 0
	for lang, t := range texts {
		if !isLanguage(lang) {
			v.Addf(field+"."+lang, "unknown language; give %s", strings.Join(Languages, " or "))
			continue
		}
		if t != "" {
			given++
			v.Length(t, 1, max, field+"."+lang)
		}
	}
	if given == 0 {
		v.Addf(field, "is required, in %s or both", strings.Join(Languages, " or "))
	}
}

func isLanguage(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// httpsURL reports whether s is an absolute https URL with a host, of at
// most MaxLinkURL bytes.
func httpsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && len(s) <= MaxLinkURL && u.Scheme == "https" && u.Host != "" && u.User == nil
}

// In returns the text in lang when given, else in the other language.
func In(texts map[string]string, lang string) string {
	if t := texts[lang]; t != "" {
		return t
	}
	for _, l := range Languages {
		if t := texts[l]; t != "" {
			return t
		}
	}
	return ""
}

// Numbers returns the emergency numbers of a region in lang, as the
// portes-ouvertes plugin gives them.
func Numbers(region, lang string) []portesouvertes.Number {
	a, _ := portesouvertes.Emergency(region, lang)
	return a.Numbers
}
