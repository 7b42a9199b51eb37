package searchtest

import (
	"slices"
	"testing"

	"github.com/riposte-civic/riposte/api/search"
)

// withDocs loads the corpus and docs into a new engine.
func withDocs(t *testing.T, open Open, docs ...search.Document) search.Engine {
	t.Helper()
	e := loaded(t, open)
	if err := e.Upsert(ctx(t), docs); err != nil {
		t.Fatalf("upsert: %v", err)
	}
	return e
}

// trusted returns d with a trust level.
func trusted(d search.Document, trust int) search.Document {
	d.Trust = trust
	return d
}

func testTrust(t *testing.T, open Open) {
	const summary = "Finds a safe place to sleep near you"
	e := withDocs(t, open,
		doc("shelter-finder", "Shelter Finder", summary, nil, "", []string{"emergency"}, []string{"en"}, "MIT", "none", 30),
		trusted(doc("shelter-finder-net", "Shelter Finder Network", summary, nil, "", []string{"emergency"}, []string{"en"}, "MIT", "none", 31), 2),
		trusted(doc("sleep-guide", "Sleep Guide", "Advice for restless nights",
			nil, "Mentions the shelter finder of the city among many other things to read.", []string{"education"}, []string{"en"}, "MIT", "none", 32), 2),
		trusted(doc("shelter-only", "Shelter Tools", "Lists places open at night", nil, "", []string{"research"}, []string{"en"}, "MIT", "none", 33), 2),
	)
	r := find(t, e, search.Query{Text: "shelter finder"})
	// Same words: the awarded plugin comes first, though its name is
	// longer and matches less exactly.
	before(t, r, "shelter-finder-net", "shelter-finder")
	// A much better match wins over trust: the words in the name rather
	// than the description; every word rather than one.
	before(t, r, "shelter-finder", "sleep-guide")
	before(t, r, "shelter-finder", "shelter-only")
	// Without trust, the closer match comes first.
	e = withDocs(t, open,
		doc("shelter-finder", "Shelter Finder", summary, nil, "", []string{"emergency"}, []string{"en"}, "MIT", "none", 30),
		doc("shelter-finder-net", "Shelter Finder Network", summary, nil, "", []string{"emergency"}, []string{"en"}, "MIT", "none", 31))
	before(t, find(t, e, search.Query{Text: "shelter finder"}), "shelter-finder", "shelter-finder-net")
}

func testPreferCategory(t *testing.T, open Open) {
	e := withDocs(t, open,
		doc("rumour-map", "Rumour Map", "Maps rumours as they spread", nil, "", []string{"research"}, []string{"en"}, "MIT", "none", 30),
		doc("crisis-line", "Crisis Line", "Answers rumour reports during an emergency", nil, "", []string{"emergency"}, []string{"en"}, "MIT", "none", 31),
	)
	q := search.Query{Text: "rumour"}
	before(t, find(t, e, q), "rumour-map", "crisis-line")
	q.PreferCategory = "emergency"
	before(t, find(t, e, q), "crisis-line", "rumour-map")
	// Within the words matched: a tool matching fewer words stays below.
	q.Text = "rumour map"
	before(t, find(t, e, q), "rumour-map", "crisis-line")
	// An explicit order is kept.
	r := find(t, e, search.Query{Text: "rumour", Sort: search.ByName, PreferCategory: "emergency"})
	before(t, r, "crisis-line", "rumour-map") // by name: C before R
	r = find(t, e, search.Query{Text: "rumour", Sort: search.Newest, PreferCategory: "research"})
	before(t, r, "crisis-line", "rumour-map")
	// With no text, the category's tools come first.
	r = find(t, e, search.Query{PreferCategory: "emergency", Limit: 100})
	var seenOther bool
	for _, h := range r.Hits {
		emergency := slices.Contains(h.Categories, "emergency")
		if emergency && seenOther {
			t.Fatalf("an emergency tool comes after another: %v", slugs(r))
		}
		seenOther = seenOther || !emergency
	}
	if !seenOther || len(r.Hits) == 0 || !slices.Contains(r.Hits[0].Categories, "emergency") {
		t.Errorf("no query, emergency preferred: %v", slugs(r))
	}
}
