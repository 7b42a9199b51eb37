package crisis_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/crisis"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
	"github.com/riposte-civic/riposte/api/valid"
)

// clock is a time a test moves by hand.
type clock struct {
	mu sync.Mutex
	at time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

var start = time.Date(2026, 11, 13, 21, 30, 0, 0, time.UTC)

func declared(expires time.Time) crisis.Crisis {
	return crisis.Crisis{Active: true, Title: map[string]string{"fr": "Attaque en cours", "en": "Attack under way"},
		Message: map[string]string{"fr": "Restez à l'abri."}, Region: "FR", ExpiresAt: expires,
		Links: []crisis.Link{{Label: "Préfecture de police", URL: "https://www.prefecturedepolice.interieur.gouv.fr"}}}
}

func active(t *testing.T, s *crisis.Service) bool {
	t.Helper()
	_, ok, err := s.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// Two processes on one database: what one declares, the other shows
// within CacheTTL, and not before it has to.
func TestCrisisReachesEveryReplicaWithinTheCacheBound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := &clock{at: start}
		a, b := crisis.New(st, c.Now), crisis.New(st, c.Now)
		if active(t, a) || active(t, b) {
			t.Fatal("a crisis before any was declared")
		}
		c.Add(time.Second)
		if err := a.Set(context.Background(), declared(start.Add(24*time.Hour)), nil); err != nil {
			t.Fatal(err)
		}
		if !active(t, a) {
			t.Fatal("the replica that declared the crisis does not show it")
		}
		if active(t, b) {
			t.Fatal("the other replica read the database again before its copy was CacheTTL old")
		}
		c.Add(crisis.CacheTTL - time.Second - time.Nanosecond)
		if active(t, b) {
			t.Fatal("the other replica read the database again before its copy was CacheTTL old")
		}
		c.Add(time.Nanosecond)
		if !active(t, b) {
			t.Fatalf("the other replica does not show the crisis %v after it was read", crisis.CacheTTL)
		}
		// Ending it reaches the other replica within the bound too.
		if err := a.Set(context.Background(), crisis.Crisis{}, nil); err != nil {
			t.Fatal(err)
		}
		c.Add(crisis.CacheTTL)
		if active(t, a) || active(t, b) {
			t.Fatal("the crisis ended but is still shown")
		}
	})
}

func TestCrisisEndsByItselfAtItsExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := &clock{at: start}
		s := crisis.New(st, c.Now)
		if err := s.Set(context.Background(), declared(start.Add(time.Hour)), nil); err != nil {
			t.Fatal(err)
		}
		c.Add(time.Hour - time.Nanosecond)
		if !active(t, s) {
			t.Fatal("ended before its expiry")
		}
		c.Add(time.Nanosecond)
		if active(t, s) {
			t.Fatal("still in force at its expiry")
		}
		// Renewed: a new declaration sets a new expiry.
		if err := s.Set(context.Background(), declared(c.Now().Add(7*24*time.Hour)), nil); err != nil {
			t.Fatal(err)
		}
		if !active(t, s) {
			t.Fatal("a renewed crisis is not in force")
		}
	})
}

func TestCrisisValidationNamesEveryField(t *testing.T) {
	long := strings.Repeat("x", crisis.MaxMessage+1)
	cases := []struct {
		name   string
		change func(*crisis.Crisis)
		fields []string
	}{
		{"valid", func(*crisis.Crisis) {}, nil},
		{"ending needs nothing", func(c *crisis.Crisis) { *c = crisis.Crisis{} }, nil},
		{"no expiry", func(c *crisis.Crisis) { c.ExpiresAt = time.Time{} }, []string{"expires_at"}},
		{"expiry past", func(c *crisis.Crisis) { c.ExpiresAt = start }, []string{"expires_at"}},
		{"expiry beyond 7 days", func(c *crisis.Crisis) { c.ExpiresAt = start.Add(crisis.MaxDuration + time.Second) }, []string{"expires_at"}},
		{"expiry at 7 days", func(c *crisis.Crisis) { c.ExpiresAt = start.Add(crisis.MaxDuration) }, nil},
		{"unknown region", func(c *crisis.Crisis) { c.Region = "XX" }, []string{"region"}},
		{"lower-case region", func(c *crisis.Crisis) { c.Region = "fr" }, []string{"region"}},
		{"no title", func(c *crisis.Crisis) { c.Title = map[string]string{"fr": ""} }, []string{"title"}},
		{"title in an unknown language", func(c *crisis.Crisis) { c.Title["de"] = "Angriff" }, []string{"title.de"}},
		{"message too long", func(c *crisis.Crisis) { c.Message = map[string]string{"en": long} }, []string{"message.en"}},
		{"plain http link", func(c *crisis.Crisis) { c.Links[0].URL = "http://example.org" }, []string{"links[0].url"}},
		{"link without a label", func(c *crisis.Crisis) { c.Links[0].Label = "" }, []string{"links[0].label"}},
		{"too many links", func(c *crisis.Crisis) {
			for len(c.Links) <= crisis.MaxLinks {
				c.Links = append(c.Links, c.Links[0])
			}
		}, []string{"links"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := declared(start.Add(time.Hour))
			tc.change(&c)
			err := crisis.Validate(c, start)
			var fields []string
			var v valid.Errors
			if errors.As(err, &v) {
				for _, p := range v {
					fields = append(fields, p.Field)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(fields, tc.fields) {
				t.Errorf("problems on %v (%v), want %v", fields, err, tc.fields)
			}
		})
	}
}

func TestTextsFallBackToTheLanguageGiven(t *testing.T) {
	both := map[string]string{"fr": "Bonjour", "en": "Hello"}
	if crisis.In(both, "en") != "Hello" || crisis.In(both, "fr") != "Bonjour" {
		t.Error("the page's language is not chosen when both are given")
	}
	if crisis.In(map[string]string{"fr": "Bonjour"}, "en") != "Bonjour" {
		t.Error("the one language given is not shown")
	}
}

func TestNumbersComeFromPortesOuvertes(t *testing.T) {
	nums := crisis.Numbers("FR", "en")
	var got []string
	for _, n := range nums {
		got = append(got, n.Number)
	}
	if !slices.Contains(got, "112") || !slices.Contains(got, "17") || nums[0].Service == "" {
		t.Errorf("France: %+v", nums)
	}
	if len(crisis.Numbers("GB", "fr")) == 0 || crisis.Numbers("XX", "fr") != nil {
		t.Error("numbers of other regions")
	}
}
