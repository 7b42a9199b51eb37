package web

import (
	"io/fs"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// Every message the templates and handlers use exists in both languages,
// and both languages have the same messages.
func TestMessagesAreComplete(t *testing.T) {
	for k := range messagesEN {
		if _, ok := messagesFR[k]; !ok {
			t.Errorf("%q has no French message", k)
		}
	}
	for k := range messagesFR {
		if _, ok := messagesEN[k]; !ok {
			t.Errorf("%q has no English message", k)
		}
	}
	used := regexp.MustCompile(`(?:\.T|\.N|T\(|N\(|errPage\([^,]+,) *"([a-z0-9.-]+)"`)
	plural := regexp.MustCompile(`\.N "([a-z0-9.-]+)"|N\("([a-z0-9.-]+)"`)
	var sources []string
	fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := templateFS.ReadFile(p)
			sources = append(sources, string(b))
		}
		return err
	})
	files, _ := os.ReadDir(".")
	for _, f := range files {
		if strings.HasSuffix(f.Name(), ".go") && !strings.HasSuffix(f.Name(), "_test.go") {
			b, _ := os.ReadFile(f.Name())
			sources = append(sources, string(b))
		}
	}
	for _, src := range sources {
		for _, m := range used.FindAllStringSubmatch(src, -1) {
			key := m[1]
			if strings.HasSuffix(key, ".") {
				continue // a prefix completed at run time, checked below
			}
			if plural.MatchString(m[0]) {
				key += ".one"
			}
			if _, ok := messagesEN[key]; !ok {
				t.Errorf("%q is used but has no message", key)
			}
		}
	}
	for _, w := range wordings {
		if _, ok := messagesEN[w.key]; !ok {
			t.Errorf("wording %q has no message", w.key)
		}
	}
	for n := range notices {
		if _, ok := messagesEN["notice."+n]; !ok {
			t.Errorf("notice %q has no message", n)
		}
	}
	for _, prefix := range []string{"sort.relevance", "sort.newest", "sort.name", "facet.category", "facet.language",
		"facet.license", "facet.runtime", "facet.hackathon", "facet.badge", "results.explain.none", "results.explain.zscore"} {
		if _, ok := messagesEN[prefix]; !ok {
			t.Errorf("%q has no message", prefix)
		}
	}
	for k := range messagesEN {
		if strings.HasPrefix(k, "error.") && !strings.HasSuffix(k, ".help") && k != "error.home" && !slices.Contains([]string{"error.ratelimit"}, k) {
			if _, ok := messagesEN[k+".help"]; !ok {
				t.Errorf("error page %q has no help", k)
			}
		}
	}
}

func TestLanguageFromTheBrowserOrTheSwitch(t *testing.T) {
	for _, tc := range []struct{ header, cookie, want string }{
		{"fr-FR,fr;q=0.9,en;q=0.8", "", "fr"},
		{"ar,en;q=0.5,fr;q=0.7", "", "fr"},
		{"de", "", "en"},
		{"", "", "en"},
		{"fr", "en", "en"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", tc.header)
		if tc.cookie != "" {
			r.Header.Set("Cookie", langCookie+"="+tc.cookie)
		}
		if got := pickLocale(r).Code; got != tc.want {
			t.Errorf("Accept-Language %q, cookie %q: %s, want %s", tc.header, tc.cookie, got, tc.want)
		}
	}
}

func TestDatesAndNumbersFollowTheLanguage(t *testing.T) {
	at := time.Date(2016, 1, 23, 9, 5, 0, 0, time.UTC)
	en, fr := locales["en"], locales["fr"]
	for _, tc := range []struct{ got, want string }{
		{en.DateTime(at), "23 January 2016, 09:05 UTC"},
		{fr.DateTime(at), "23 janvier 2016 à 09:05 UTC"},
		{fr.Date(time.Date(2016, 2, 1, 0, 0, 0, 0, time.UTC)), "1er février 2016"},
		{en.Int(1234567), "1,234,567"},
		{fr.Int(1234567), "1\u202f234\u202f567"},
		{en.Num(72.456, 1), "72.5"},
		{fr.Num(72.456, 1), "72,5"},
		{fr.Num(-0.25, 2), "−0,25"},
		{en.Short(1.50), "1.5"},
		{fr.Short(2), "2"},
		{en.N("catalogue.count", 1), "1 tool"},
		{en.N("catalogue.count", 0), "0 tools"},
		{fr.N("catalogue.count", 0), "0 outil"},
		{fr.N("catalogue.count", 2000), "2\u202f000 outils"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
