package search_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/search/searchtest"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// downEngine is a search engine that never answers, so that the service
// answers from the database.
type downEngine struct{ search.Engine }

func (downEngine) Name() string { return "down" }
func (downEngine) Search(context.Context, search.Query) (search.Result, error) {
	return search.Result{}, search.ErrUnavailable
}

// fromDatabase searches through svc, whose engine is down, and fails
// unless the database answered.
func fromDatabase(ctx context.Context, svc *search.Service, q search.Query) (search.Result, error) {
	r, by, err := svc.Search(ctx, q)
	if err == nil && by != "database" {
		err = fmt.Errorf("answered by %s, not the database", by)
	}
	return r, err
}

// When the engine is down, the database counts facets as the engines do:
// each count is what ticking the value finds.
func TestDatabaseFacetCountsMatchClicks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		catalogue(t, st, searchtest.Corpus())
		svc := search.NewService(context.Background(), downEngine{}, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
		searchtest.FacetsMatchClicks(t, func(ctx context.Context, q search.Query) (search.Result, error) {
			return fromDatabase(ctx, svc, q)
		}, searchtest.ClickQueries())
	})
}

// catalogue publishes a plugin for each document, with its text and
// classification (every runtime none), and gives the documents' hackathons
// and badges to the plugins through an edition's published results.
func catalogue(t *testing.T, st *store.Store, docs []search.Document) {
	t.Helper()
	ctx := context.Background()
	// The corpus holds the compiled-in plugins' entries too, whose names
	// only the platform may register: an administrator registers it.
	owner, err := st.CreateUser(ctx, store.NewUser{Email: "owner@example.org", Name: "Owner", Role: "admin", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	u := auth.User{ID: owner.ID, Role: auth.RoleAdmin}
	reg := registry.New(st, false)
	for _, d := range docs {
		m, _ := json.Marshal(map[string]any{"slug": d.Slug, "name": d.Name, "version": "1.0.0", "summary": d.Summary,
			"description": d.Description, "categories": d.Categories, "languages": d.Languages, "tags": d.Tags,
			"license": d.License, "repository": "https://example.org/" + d.Slug,
			"maintainers": []map[string]string{{"name": "A", "email": "a@example.org"}}, "runtime": map[string]string{"type": "none"}})
		if _, err := reg.Create(ctx, u, m); err != nil {
			t.Fatalf("create %s: %v", d.Slug, err)
		}
		if _, err := reg.Publish(ctx, u, d.Slug); err != nil {
			t.Fatalf("publish %s: %v", d.Slug, err)
		}
	}
	editions := map[string]store.Hackathon{}
	for _, d := range docs {
		for _, edition := range d.Hackathons {
			h, ok := editions[edition]
			if !ok {
				h = newEdition(t, st, owner.ID, edition)
				editions[edition] = h
			}
			award := ""
			for _, b := range d.Badges {
				if b != "accepted" {
					award = "Prize"
				}
			}
			accept(t, st, owner.ID, h, d.Slug, award)
		}
	}
	for _, h := range editions {
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.PublishResults(ctx, h, owner.ID) }); err != nil {
			t.Fatal(err)
		}
	}
}

func newEdition(t *testing.T, st *store.Store, by int64, slug string) store.Hackathon {
	t.Helper()
	t0 := time.Date(2016, 1, 23, 9, 0, 0, 0, time.UTC)
	h, err := st.InsertHackathon(context.Background(), store.Hackathon{Slug: slug, Name: slug, StartsAt: t0, EndsAt: t0.Add(24 * time.Hour),
		SubmissionDeadline: t0.Add(24 * time.Hour), JudgingDeadline: t0.Add(48 * time.Hour), Rubric: []byte(`[]`), CreatedBy: by})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// accept enters a plugin in an edition and accepts it, with an award or
// none.
func accept(t *testing.T, st *store.Store, by int64, h store.Hackathon, slug, award string) {
	t.Helper()
	ctx := context.Background()
	srcs, err := st.SearchSources(ctx, []string{slug})
	if err != nil || len(srcs) != 1 {
		t.Fatalf("plugin %s: %v, %v", slug, srcs, err)
	}
	if _, err := st.SaveSubmission(ctx, h.ID, srcs[0].ID, "1.0.0", by); err != nil {
		t.Fatal(err)
	}
	if err := st.Decide(ctx, h.ID, srcs[0].ID, "accepted", award, "", by); err != nil {
		t.Fatal(err)
	}
}
