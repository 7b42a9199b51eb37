package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/riposte-civic/riposte/api/store"
)

// Service answers searches: from the engine when it is available, from the
// database otherwise, with the same result shape. It watches the engine and
// runs reindexes.
type Service struct {
	engine  Engine
	store   *store.Store
	log     *slog.Logger
	timeout time.Duration

	downUntil  atomic.Int64 // unix nanoseconds until which the engine is not asked
	reindexing atomic.Bool
	background context.Context
}

// Service timings.
const (
	searchTimeout = 2 * time.Second
	pauseAfterErr = 5 * time.Second
	watchEvery    = 2 * time.Second
)

// ErrReindexRunning means a reindex is already under way.
var ErrReindexRunning = errors.New("a reindex is already running")

// NewService returns the search service. background is the context of
// work that outlives requests (reindexes); it ends at shutdown.
func NewService(background context.Context, e Engine, st *store.Store, log *slog.Logger) *Service {
	return &Service{engine: e, store: st, log: log, timeout: searchTimeout, background: background}
}

// Engine returns the engine behind the service.
func (s *Service) Engine() Engine { return s.engine }

func (s *Service) available() bool { return time.Now().UnixNano() >= s.downUntil.Load() }

func (s *Service) pause() { s.downUntil.Store(time.Now().Add(pauseAfterErr).UnixNano()) }

// Search runs a query and names who answered: the engine's Name, or
// "database".
func (s *Service) Search(ctx context.Context, q Query) (Result, string, error) {
	q.Text = Clean(q.Text)
	if s.available() {
		ectx, cancel := context.WithTimeout(ctx, s.timeout)
		r, err := s.engine.Search(ectx, q)
		cancel()
		if err == nil {
			return r, s.engine.Name(), nil
		}
		if ctx.Err() != nil {
			return Result{}, "", ctx.Err()
		}
		s.log.Warn("search engine failed; answering from the database", "engine", s.engine.Name(), "error", err)
		s.pause()
	}
	r, err := s.plain(ctx, q)
	return r, "database", err
}

// Watch pings the engine until ctx ends, so that searches stop waiting for
// an engine that is down and come back to it once it answers.
func (s *Service) Watch(ctx context.Context) {
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		err := s.engine.Ping(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.pause()
		} else {
			s.downUntil.Store(0)
			s.rebuildIfOutdated()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// outdater is an engine that can tell, once, that its index was built
// under other settings and should be rebuilt from the database.
type outdater interface{ TakeOutdated() bool }

// rebuildIfOutdated starts a reindex when the engine reports its index
// outdated, so that an upgrade brings every document to the format the
// engine now ranks and filters on without an operator's action.
func (s *Service) rebuildIfOutdated() {
	o, ok := s.engine.(outdater)
	if !ok || !o.TakeOutdated() {
		return
	}
	s.log.Info("the search index was built under other settings: rebuilding it from the database", "engine", s.engine.Name())
	if err := s.StartReindex(); err != nil && !errors.Is(err, ErrReindexRunning) {
		s.log.Error("rebuilding the search index failed to start", "error", err)
	}
}

// Status is the health of search, for /readyz.
type Status struct {
	Engine    string
	Available bool
	Pending   int           // plugins waiting for the index
	Lag       time.Duration // age of the oldest waiting change
	LastError string
}

// Status reports whether the engine answers and how far the index lags.
func (s *Service) Status(ctx context.Context) (Status, error) {
	lag, err := s.store.IndexLag(ctx)
	st := Status{Engine: s.engine.Name(), Available: s.available(), Pending: lag.Pending, LastError: lag.LastError}
	if !lag.Oldest.IsZero() {
		st.Lag = time.Since(lag.Oldest)
	}
	return st, err
}

// maxWords bounds the words a plain search uses, like the engines.
const maxWords = 10

// plain answers from the database: every word but stop words, or one of
// its synonyms, in the name, summary or a tag, ignoring case.
func (s *Service) plain(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	words, synonyms := PlainWords(q.Text)
	filters := map[string][]string{}
	for f, values := range q.Filters {
		filters[string(f)] = values
	}
	facets := make([]string, 0, len(fieldSpecs))
	for s := range facetSpecs {
		facets = append(facets, string(s.field))
	}
	sort := string(q.Sort)
	if sort == "" {
		sort = string(Relevance)
	}
	pr, err := s.store.SearchPlain(ctx, store.PlainSearch{Words: words, Synonyms: synonyms, Filters: filters, Sort: sort,
		Limit: q.Limit, Offset: q.Offset, Facets: facets, PreferCategory: q.PreferCategory})
	if err != nil {
		return Result{}, fmt.Errorf("search the database: %w", err)
	}
	res := Result{Total: pr.Total, Facets: map[Field]map[string]int{}}
	for _, f := range facets {
		res.Facets[Field(f)] = pr.Facets[f]
	}
	for _, src := range pr.Sources {
		d := DocumentOf(src)
		res.Hits = append(res.Hits, Hit{Document: d, Highlight: Highlight{
			Name: Highlighted(MarkWords(d.Name, words)), Summary: Highlighted(MarkWords(d.Summary, words)),
		}})
	}
	res.Took = time.Since(start)
	return res, nil
}

// MarkWords marks every occurrence of the words in text, ignoring case.
func MarkWords(text string, words []string) string {
	lower := strings.ToLower(text)
	if len(lower) != len(text) {
		return text // lower-casing moved bytes around: no safe offsets to mark
	}
	marked := make([]bool, len(text))
	for _, w := range words {
		w = strings.ToLower(w)
		if w == "" {
			continue
		}
		for i := 0; ; {
			j := strings.Index(lower[i:], w)
			if j < 0 {
				break
			}
			for k := i + j; k < i+j+len(w) && k < len(marked); k++ {
				marked[k] = true
			}
			i += j + len(w)
		}
	}
	var b strings.Builder
	in := false
	for i := 0; i < len(text); i++ {
		if marked[i] != in {
			if marked[i] {
				b.WriteString(MarkStart)
			} else {
				b.WriteString(MarkEnd)
			}
			in = marked[i]
		}
		b.WriteByte(text[i])
	}
	if in {
		b.WriteString(MarkEnd)
	}
	return b.String()
}
