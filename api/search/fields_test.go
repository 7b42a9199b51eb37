package search

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// Each row of the field table reads and writes the document attribute it
// names, the one Meilisearch filters and counts.
func TestFieldSpecsReadTheirAttribute(t *testing.T) {
	for _, s := range fieldSpecs {
		value := "v-" + string(s.field)
		var raw any = []string{value}
		if s.one != nil {
			raw = value
		}
		data, _ := json.Marshal(map[string]any{s.attribute: raw})
		var d Document
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatal(err)
		}
		for _, other := range fieldSpecs {
			want := []string{}
			if other.field == s.field {
				want = []string{value}
			}
			if got := slices.DeleteFunc(d.Values(other.field), func(v string) bool { return v == "" }); !slices.Equal(got, want) {
				t.Errorf("a document with %s %v: %s is %v, want %v", s.attribute, raw, other.field, got, want)
			}
		}
		var back map[string]any
		b, _ := json.Marshal(toMeili(d))
		json.Unmarshal(b, &back)
		if fmt.Sprint(back[s.attribute]) != fmt.Sprint(raw) {
			t.Errorf("the Meilisearch document holds %s as %v, want %v", s.attribute, back[s.attribute], raw)
		}
	}
}

// The field table is the one list of fields: the fields and facets listed,
// Meilisearch's settings and requests, and the documents built from the
// database all follow it.
func TestFieldSpecsDriveEveryList(t *testing.T) {
	settings, req := meiliSettings(), meiliRequest(Query{Limit: 20})
	for _, s := range fieldSpecs {
		checks := []struct {
			what      string
			has, want bool
		}{
			{"Fields", slices.Contains(Fields(), s.field), true},
			{"FacetFields", slices.Contains(FacetFields(), s.field), s.facet},
			{"Meilisearch's filterable attributes", slices.Contains(settings.FilterableAttributes, s.attribute), true},
			{"the facets a Meilisearch search asks for", slices.Contains(req.Facets, s.attribute), s.facet},
			{"the attributes a Meilisearch hit carries", slices.Contains(req.AttributesToRetrieve, s.attribute), true},
		}
		for _, c := range checks {
			if c.has != c.want {
				t.Errorf("%s in %s: %v, want %v", s.field, c.what, c.has, c.want)
			}
		}
		src := store.SearchSource{Slug: "s", Facets: map[string][]string{string(s.field): {"v"}}}
		if got := DocumentOf(src); !slices.Equal(got.Values(s.field), []string{"v"}) {
			t.Errorf("DocumentOf a plugin with %s v: %v", s.field, got.Values(s.field))
		}
		empty := DocumentOf(store.SearchSource{Slug: "s"})
		if got := empty.Values(s.field); got == nil || s.one != nil && got[0] != "" {
			t.Errorf("DocumentOf a plugin without %s: %#v", s.field, got)
		}
		if got := MeiliFilter(map[Field][]string{s.field: {"v"}}); got != s.attribute+` = "v"` {
			t.Errorf("MeiliFilter of %s: %s", s.field, got)
		}
	}
	if n := len(settings.FilterableAttributes); n != len(fieldSpecs) {
		t.Errorf("%d filterable attributes for %d fields", n, len(fieldSpecs))
	}
}

// When the database answers, it filters on every field of the table and
// counts every facet, as the engines do.
func TestDatabaseAnswersEveryField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		f.publish(t, "avec-tout")
		f.publish(t, "autre")
		f.award(t, "avec-tout", "paris-2016")
		svc := NewService(context.Background(), newMemEngine(), st, slog.New(slog.NewTextHandler(io.Discard, nil)))
		all, engine, err := svc.Search(context.Background(), Query{Limit: 20, Sort: ByName})
		if err != nil || engine != "database" || all.Total != 2 {
			t.Fatalf("search answered by %q: %+v, %v", engine, all, err)
		}
		var doc Document
		for _, h := range all.Hits {
			if h.Slug == "avec-tout" {
				doc = h.Document
			}
		}
		for _, s := range fieldSpecs {
			values := s.values(&doc)
			if len(values) == 0 || values[0] == "" {
				t.Fatalf("the plugin shows no %s: the fixture must give it one", s.field)
			}
			filters := map[Field][]string{s.field: values[:1]}
			var want []string
			for _, h := range all.Hits {
				if h.Matches(filters) {
					want = append(want, h.Slug)
				}
			}
			r, _, err := svc.Search(context.Background(), Query{Limit: 20, Sort: ByName, Filters: filters})
			if got := slugsOf(r); err != nil || !slices.Equal(got, want) {
				t.Errorf("%s=%s found %v, want %v (%v)", s.field, values[0], got, want, err)
			}
			if _, counted := all.Facets[s.field]; counted != s.facet || s.facet && all.Facets[s.field][values[0]] != len(want) {
				t.Errorf("facet %s: %v, want %d of %s (a facet: %v)", s.field, all.Facets[s.field], len(want), values[0], s.facet)
			}
		}
	})
}

func slugsOf(r Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Slug)
	}
	return out
}

// award enters a published plugin in a new edition, accepts it with an
// award and publishes the results, which gives the plugin the edition and
// badges.
func (f fixture) award(t *testing.T, slug, edition string) {
	t.Helper()
	ctx := context.Background()
	srcs, err := f.st.SearchSources(ctx, []string{slug})
	if err != nil || len(srcs) != 1 {
		t.Fatalf("plugin %s: %v, %v", slug, srcs, err)
	}
	t0 := time.Date(2016, 1, 23, 9, 0, 0, 0, time.UTC)
	h, err := f.st.InsertHackathon(ctx, store.Hackathon{Slug: edition, Name: edition, StartsAt: t0, EndsAt: t0.Add(24 * time.Hour),
		SubmissionDeadline: t0.Add(24 * time.Hour), JudgingDeadline: t0.Add(48 * time.Hour), Rubric: []byte(`[]`), CreatedBy: f.u.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SaveSubmission(ctx, h.ID, srcs[0].ID, "1.0.0", f.u.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Decide(ctx, h.ID, srcs[0].ID, "accepted", "Prix du public", "", f.u.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.st.InTx(ctx, func(tx *store.Tx) error { return tx.PublishResults(ctx, h, f.u.ID) }); err != nil {
		t.Fatal(err)
	}
}
