package web_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/riposte-civic/riposte/seed"
)

// On the seed catalogue, the count next to each value of a filter is what
// ticking that value alone in the filter finds, even when another value
// is ticked: values of one filter are alternatives, so ticking a second
// one adds the tools it counts, those having both once.
func TestCatalogueFilterCountsSayWhatAClickFinds(t *testing.T) {
	e := newEnv(t)
	e.builtins()
	if _, err := seed.Load(t.Context(), seed.Deps{Store: e.store, Registry: e.reg, Hackathons: e.hk, Now: e.clock.Now}); err != nil {
		t.Fatal(err)
	}
	e.index()
	b := e.browser()

	counter := b.get("/?category=counter-speech").want(t, 200, `name="category" value="counter-speech" checked`)
	prevention := b.get("/?category=prevention").want(t, 200)
	both := b.get("/?category=counter-speech&category=prevention").want(t, 200)
	nCounter, nPrevention := resultCount(t, counter), resultCount(t, prevention)
	if nCounter == 0 || nPrevention == 0 {
		t.Fatalf("the seed catalogue has %d counter-speech and %d prevention tools: the scenario needs both", nCounter, nPrevention)
	}
	for _, p := range []page{counter, both} {
		if got := facetCount(t, p, "category", "counter-speech"); got != nCounter {
			t.Errorf("%s: Counter-speech counts %d; ticked alone it finds %d", p.Request.URL, got, nCounter)
		}
		if got := facetCount(t, p, "category", "prevention"); got != nPrevention {
			t.Errorf("%s: Prevention counts %d; ticked alone it finds %d", p.Request.URL, got, nPrevention)
		}
	}
	// Ticking Prevention next to Counter-speech adds what Prevention
	// counts, but for the tools in both categories.
	var api struct {
		Total int `json:"total"`
		Hits  []struct {
			Categories []string `json:"categories"`
		} `json:"hits"`
	}
	res := b.get("/api/v1/search?category=counter-speech&category=prevention&limit=100").want(t, 200)
	if err := json.Unmarshal([]byte(res.body), &api); err != nil || len(api.Hits) != api.Total {
		t.Fatalf("search API: %v, %d hits of %d", err, len(api.Hits), api.Total)
	}
	inBoth := 0
	for _, h := range api.Hits {
		if slices.Contains(h.Categories, "counter-speech") && slices.Contains(h.Categories, "prevention") {
			inBoth++
		}
	}
	if got, want := resultCount(t, both), nCounter+nPrevention-inBoth; got != want || got != api.Total {
		t.Errorf("both ticked find %d tools (the API %d); want %d counter-speech + %d prevention - %d in both = %d",
			got, api.Total, nCounter, nPrevention, inBoth, want)
	}
}

var resultCountRE = regexp.MustCompile(`<span id="count" role="status">(\d+) tools?</span>`)

// resultCount reads how many tools a catalogue page says it found.
func resultCount(t *testing.T, p page) int {
	t.Helper()
	m := resultCountRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("%s: no result count:\n%s", p.Request.URL, p.body)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// facetCount reads the count a catalogue page shows next to a filter's
// value, or 0 when the page does not show the value.
func facetCount(t *testing.T, p page, field, value string) int {
	t.Helper()
	re := regexp.MustCompile(`name="` + field + `" value="` + regexp.QuoteMeta(value) +
		`"( checked)?>\s*<label[^>]*><span dir="auto">[^<]*</span> <span class="count">(\d+)</span>`)
	m := re.FindStringSubmatch(p.body)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[2])
	return n
}
