// Package search finds published plugins for people who are not
// developers: typo-tolerant, faceted, in French, English and Arabic.
//
// Two engines implement Engine and behave alike (searchtest holds the one
// suite both pass): Meilisearch for deployments at scale, and an embedded
// Bleve index for a single process. The database is the source of truth;
// the index is derived from it through an outbox drained by the Relay, and
// can be rebuilt at any time.
package search

import (
	"context"
	"errors"
	"time"
)

// Document is what is indexed for one published plugin: the displayed
// metadata of its latest live version, and what hackathons said of it.
type Document struct {
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	Summary     string   `json:"summary"`
	Description string   `json:"description"`
	Tags        []string `json:"tags"`
	Categories  []string `json:"categories"`
	Languages   []string `json:"languages"`
	License     string   `json:"license"`
	Runtime     string   `json:"runtime"`
	Hackathons  []string `json:"hackathons"`
	Badges      []string `json:"badges"`
	Trust       int      `json:"trust"` // 0, or 1 when accepted, 2 when awarded, plus 1 for a verified publisher; higher raises a result within its band of relevance
	// Restricted marks a plugin for vetted readers: its document has no
	// description, so nothing but its name, summary and tags can match.
	Restricted bool       `json:"restricted,omitempty"`
	Publisher  *Publisher `json:"publisher,omitempty"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Revision   int64      `json:"revision"` // the plugin's revision when indexed, for drift checks
}

// Publisher is the organisation a plugin belongs to.
type Publisher struct {
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Verified bool   `json:"verified"`
}

// Sort orders results.
type Sort string

// The orders: by relevance (trust raising a result within its band of
// relevance, see TrustBoost), by most recent change, by name.
const (
	Relevance Sort = "relevance"
	Newest    Sort = "newest"
	ByName    Sort = "name"
)

// Query is a search. Text is what the person typed, never interpreted as a
// query language. Filters keep documents having one of the values listed
// for each field (OR within a field, AND across fields).
type Query struct {
	Text    string
	Filters map[Field][]string
	Sort    Sort
	Limit   int
	Offset  int
	// PreferCategory, when it names a category (plugins.Categories),
	// ranks the documents of that category first among those matching as
	// many of the words with as few typos, when sorting by relevance; with
	// no text, they come first. Crisis mode prefers "emergency".
	PreferCategory string
}

// TrustBoost is how much each level of Document.Trust raises a result
// within its band of relevance. The embedded engine multiplies a
// document's text score by 1 + TrustBoost×Trust (an awarded plugin's by
// 1.5), so that among documents matching the same words with the same
// typos, a more trusted one comes first unless another matches much
// better (in a more important field: name > tags > summary >
// description, each weighing twice the next). Meilisearch reaches the same
// order with trust as a ranking rule after words, typo, proximity and
// attribute, before exactness.
const TrustBoost = 0.25

// Highlight holds a hit's name and summary as HTML: the text escaped, with
// <em>…</em> around the words that matched.
type Highlight struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
}

// Hit is one result.
type Hit struct {
	Document
	Highlight Highlight
}

// Result is a page of hits with the facet counts of every hit, on all
// pages, for FacetFields.
type Result struct {
	Hits   []Hit
	Facets map[Field]map[string]int
	Total  int
	Took   time.Duration
}

// ErrUnavailable is what engines return when they cannot answer: down,
// hanging, or refusing. Callers fall back to the database.
var ErrUnavailable = errors.New("search engine unavailable")

// Engine is a search index of published plugins.
type Engine interface {
	// Name is "meilisearch" or "embedded".
	Name() string
	// Search runs a query. Errors wrap ErrUnavailable when the engine
	// cannot answer.
	Search(ctx context.Context, q Query) (Result, error)
	// Upsert adds or replaces documents by slug and returns once they are
	// searchable.
	Upsert(ctx context.Context, docs []Document) error
	// Delete removes documents by slug; unknown slugs are not an error.
	Delete(ctx context.Context, slugs []string) error
	// Reindex builds a fresh index holding exactly the documents docs
	// yields and swaps it in: searches keep being answered, from the old
	// index, until the swap. It indexes each chunk while docs reads the
	// next where it can.
	Reindex(ctx context.Context, docs Documents) error
	// Revisions lists every indexed slug with its document's revision.
	Revisions(ctx context.Context) (map[string]int64, error)
	// Ping reports whether the engine answers.
	Ping(ctx context.Context) error
	// Close releases the engine's resources.
	Close() error
}

// Documents yields the documents of a reindex in chunks, calling fn with
// each; it stops at fn's first error and returns it. fn may keep a chunk.
type Documents func(ctx context.Context, fn func([]Document) error) error

// DocumentList yields docs in one chunk (none when docs is empty).
func DocumentList(docs []Document) Documents {
	return func(ctx context.Context, fn func([]Document) error) error {
		if len(docs) == 0 {
			return nil
		}
		return fn(docs)
	}
}
