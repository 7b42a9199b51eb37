package search

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	neturl "net/url"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/meilisearch/meilisearch-go"
	"golang.org/x/text/unicode/norm"

	"github.com/riposte-civic/riposte/plugins"
)

// Meili is the Meilisearch engine. Its settings are kept here, as code,
// and applied when the index is opened; every call runs under a deadline,
// and every write waits for its task and reports the task's failure.
type Meili struct {
	client meilisearch.ServiceManager
	http   *http.Client
	key    string
	index  string
	// searchURL and multiURL are where searches are posted (see post):
	// one search, or several at once.
	searchURL, multiURL string
	// base is Meilisearch's address, without a trailing slash.
	base string
	// reindexRequest is the most documents a reindex sends in one request
	// (meiliReindexRequest).
	reindexRequest int
	// outdated is set when opening changed the settings of an index that
	// existed: its documents may lack fields the new settings rank or
	// filter on (see TakeOutdated).
	outdated atomic.Bool
}

var _ Engine = (*Meili)(nil)

// Deadlines of Meilisearch calls, applied even when the caller's context
// has none, so that a hanging server never hangs its callers.
const (
	meiliSearchTimeout = 3 * time.Second  // one search
	meiliCallTimeout   = 5 * time.Second  // any other request
	meiliSendTimeout   = 30 * time.Second // sending documents
	meiliTaskTimeout   = 5 * time.Minute  // waiting for a task to finish
	// meiliReindexRequest is the most documents a reindex sends in one
	// request: some 50 MB at 1 KB a document, half Meilisearch's default
	// payload limit (100 MB). A catalogue of up to that many plugins goes
	// in one request, which Meilisearch indexes in one batch.
	meiliReindexRequest = 50_000
	// meiliStreamTimeout bounds a request whose body is written while the
	// plugins are read from the database.
	meiliStreamTimeout = 5 * time.Minute
	meiliDialTimeout   = 2 * time.Second
	meiliPageSize      = 1000 // documents per page when listing revisions
)

// NewMeili opens the Meilisearch index named index at url, creating it if
// missing and updating its settings when they differ from the server's.
// Errors wrap ErrUnavailable when Meilisearch cannot be reached.
func NewMeili(ctx context.Context, url, key, index string) (*Meili, error) {
	hc := &http.Client{Transport: &http.Transport{
		Proxy:       http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{Timeout: meiliDialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		// Meilisearch is close by: compressing its answers costs both
		// sides more CPU than the bytes saved.
		DisableCompression: true,
		// Keep a connection for every search in flight: a busy API would
		// otherwise open and close one per search.
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 512,
		// A page of results with its facets is some 15 KB: read it in one
		// or two system calls rather than four-kilobyte slices.
		ReadBufferSize:        64 << 10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   meiliDialTimeout,
		ExpectContinueTimeout: time.Second,
	}}
	// The client's retries resend POSTs without their body and misreport
	// the outcome: callers retry instead (the relay does).
	client := meilisearch.New(url, meilisearch.WithAPIKey(key), meilisearch.WithCustomClient(hc), meilisearch.DisableRetries())
	m := &Meili{client: client, http: hc, key: key, index: index, base: strings.TrimRight(url, "/"), reindexRequest: meiliReindexRequest,
		searchURL: strings.TrimRight(url, "/") + "/indexes/" + neturl.PathEscape(index) + "/search",
		multiURL:  strings.TrimRight(url, "/") + "/multi-search"}
	created, err := m.ensureIndex(ctx, index)
	if err != nil {
		return nil, err
	}
	changed, err := m.applySettings(ctx, index)
	if err != nil {
		return nil, err
	}
	m.outdated.Store(changed && !created)
	return m, nil
}

// TakeOutdated reports, once, that opening the engine changed the settings
// of an existing index, as an upgrade of Riposte that ranks or filters on
// a new document field does: the index should be rebuilt from the
// database so that documents written before carry the field.
func (m *Meili) TakeOutdated() bool { return m.outdated.CompareAndSwap(true, false) }

// Name is "meilisearch".
func (m *Meili) Name() string { return "meilisearch" }

// ensureIndex creates the index unless it exists, and reports whether it
// created it.
func (m *Meili) ensureIndex(ctx context.Context, uid string) (bool, error) {
	cctx, cancel := context.WithTimeout(ctx, meiliCallTimeout)
	_, err := m.client.GetIndexWithContext(cctx, uid)
	cancel()
	if err == nil {
		return false, nil
	}
	if meiliCode(err) != "index_not_found" {
		return false, meiliError("get index "+uid, err)
	}
	err = m.createIndex(ctx, uid)
	var te *meiliTaskError
	if errors.As(err, &te) && te.code == "index_already_exists" {
		return false, nil // created meanwhile by another process
	}
	return err == nil, err
}

func (m *Meili) createIndex(ctx context.Context, uid string) error {
	cctx, cancel := context.WithTimeout(ctx, meiliCallTimeout)
	info, err := m.client.CreateIndexWithContext(cctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: "slug"})
	cancel()
	return m.wait(ctx, "create index "+uid, info, err)
}

// meiliSettings are the index settings, in full.
func meiliSettings() *meilisearch.Settings {
	var searchable, filterable []string
	for _, f := range textFields {
		searchable = append(searchable, f.name)
	}
	for _, s := range fieldSpecs {
		filterable = append(filterable, s.attribute)
	}
	return &meilisearch.Settings{
		// In ranking order, as the embedded engine weighs them. Meilisearch's
		// own tokenizer folds accents, splits French elisions and the Arabic
		// article, and unifies alef and teh marbuta forms: no normalised
		// copies are needed.
		SearchableAttributes: searchable,
		FilterableAttributes: filterable,
		SortableAttributes:   []string{"name_sort", "updated_ts", "in_category"},
		// "sort" comes right after words and typo: an explicit order, or a
		// query's preferred category, ranks within the documents matching
		// as many words with as few typos, as on the embedded engine. Trust
		// raises a result within its band of relevance (see TrustBoost):
		// after the rules that tell a much better match, before exactness.
		RankingRules: []string{"words", "typo", "sort", "proximity", "attribute", "trust:desc", "exactness"},
		// Sent as a whole: the client sends zero values as they are.
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
		},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: 100,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeAlpha},
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: meiliMaxTotalHits},
		// The same synonym groups and stop words as the embedded engine
		// and the database fallback (synonyms.yaml).
		Synonyms:  meiliSynonyms(theLexicon()),
		StopWords: theLexicon().stopWords,
	}
}

// applySettings updates the index's settings when they differ from
// meiliSettings, and reports whether it did.
func (m *Meili) applySettings(ctx context.Context, uid string) (bool, error) {
	want := meiliSettings()
	cctx, cancel := context.WithTimeout(ctx, meiliCallTimeout)
	have, err := m.client.Index(uid).GetSettingsWithContext(cctx)
	cancel()
	if err != nil {
		return false, meiliError("get settings of "+uid, err)
	}
	if meiliSameSettings(have, want) {
		return false, nil
	}
	cctx, cancel = context.WithTimeout(ctx, meiliCallTimeout)
	info, err := m.client.Index(uid).UpdateSettingsWithContext(cctx, want)
	cancel()
	return true, m.wait(ctx, "update settings of "+uid, info, err)
}

// meiliSameSettings compares the settings meiliSettings sets.
func meiliSameSettings(have, want *meilisearch.Settings) bool {
	set := func(s []string) []string {
		s = slices.Clone(s)
		slices.Sort(s)
		return s
	}
	typos := func(t *meilisearch.TypoTolerance) meilisearch.TypoTolerance {
		if t == nil {
			return meilisearch.TypoTolerance{}
		}
		c := *t
		c.DisableOnWords, c.DisableOnAttributes = set(c.DisableOnWords), set(c.DisableOnAttributes)
		return c
	}
	return slices.Equal(have.SearchableAttributes, want.SearchableAttributes) &&
		slices.Equal(set(have.FilterableAttributes), set(want.FilterableAttributes)) &&
		slices.Equal(set(have.SortableAttributes), set(want.SortableAttributes)) &&
		slices.Equal(have.RankingRules, want.RankingRules) &&
		reflect.DeepEqual(typos(have.TypoTolerance), typos(want.TypoTolerance)) &&
		reflect.DeepEqual(have.Faceting, want.Faceting) &&
		reflect.DeepEqual(have.Pagination, want.Pagination) &&
		slices.Equal(set(meiliStopWords(have.StopWords)), set(meiliStopWords(want.StopWords))) &&
		sameSynonyms(have.Synonyms, want.Synonyms)
}

// meiliStopWords returns stop words as Meilisearch stores them, to compare
// them: it writes the Arabic yeh, alef maksura and kaf in their Persian
// forms, and some letters decomposed.
func meiliStopWords(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = meiliLetters.Replace(norm.NFC.String(w))
	}
	return out
}

var meiliLetters = strings.NewReplacer("ي", "ی", "ى", "ی", "ك", "ک")

// sameSynonyms compares synonyms settings, ignoring the order of each
// term's synonyms.
func sameSynonyms(have, want map[string][]string) bool {
	if len(have) != len(want) {
		return false
	}
	for term, w := range want {
		h, ok := have[term]
		if !ok || len(h) != len(w) {
			return false
		}
		h, w = slices.Clone(h), slices.Clone(w)
		slices.Sort(h)
		slices.Sort(w)
		if !slices.Equal(h, w) {
			return false
		}
	}
	return true
}

// meiliDoc is a document as Meilisearch stores it: the document, cleaned,
// with the keys it sorts by.
type meiliDoc struct {
	Document
	NameSort  string `json:"name_sort"`
	UpdatedTS int64  `json:"updated_ts"`
	// InCategory holds 1 under each of the document's categories, so that
	// a search can sort by one of them (Query.PreferCategory).
	InCategory map[string]int `json:"in_category"`
}

// meiliAttributes are the attributes a hit carries back: what a result
// shows, not the description, the longest text, which hits do not need.
func meiliAttributes() []string {
	out := make([]string, 0, len(fieldSpecs)+6)
	out = append(out, "slug", "name", "summary")
	for _, s := range fieldSpecs {
		out = append(out, s.attribute)
	}
	return append(out, "trust", "updated_at", "revision", "restricted", "publisher")
}

// toMeili returns the Meilisearch document of d, every text cleaned.
func toMeili(d Document) meiliDoc {
	d.Name, d.Summary, d.Description = Clean(d.Name), Clean(d.Summary), Clean(d.Description)
	for i := range fieldSpecs {
		fieldSpecs[i].rewrite(&d, Clean)
	}
	d.UpdatedAt = d.UpdatedAt.UTC()
	in := make(map[string]int, len(d.Categories))
	for _, c := range d.Categories {
		in[c] = 1
	}
	return meiliDoc{Document: d, NameSort: SortKey(d.Name), UpdatedTS: d.UpdatedAt.Unix(), InCategory: in}
}

// meiliAnswer is Meilisearch's answer to one search.
type meiliAnswer struct {
	Hits []struct {
		Document
		Formatted struct {
			Name    string `json:"name"`
			Summary string `json:"summary"`
		} `json:"_formatted"`
	} `json:"hits"`
	TotalHits int                       `json:"totalHits"`
	Facets    map[string]map[string]int `json:"facetDistribution"`
}

// Search runs a query: one search when nothing is filtered; else one
// multi-search holding the search and, for each facet field filtered, a
// search without that field's filter counting its values (see
// meiliMultiSearch).
func (m *Meili) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	req := meiliRequest(q)
	multi, counted := meiliMultiSearch(q, m.index, req)
	cctx, cancel := context.WithTimeout(ctx, meiliSearchTimeout)
	answers, err := m.answers(cctx, req, multi)
	cancel()
	if err != nil {
		return Result{}, err
	}
	main := &answers[0]
	res := Result{Total: main.TotalHits, Facets: map[Field]map[string]int{}, Hits: []Hit{}}
	for s := range facetSpecs {
		from := main
		if i := slices.Index(counted, s); i >= 0 {
			from = &answers[i+1]
		}
		res.Facets[s.field] = from.Facets[s.attribute]
		if res.Facets[s.field] == nil {
			res.Facets[s.field] = map[string]int{}
		}
	}
	skip := q.Offset - (int(req.Page)-1)*int(*req.HitsPerPage)
	for i, h := range main.Hits {
		if i < skip || len(res.Hits) >= q.Limit {
			continue
		}
		res.Hits = append(res.Hits, Hit{Document: h.Document, Highlight: Highlight{
			Name: Highlighted(h.Formatted.Name), Summary: Highlighted(h.Formatted.Summary),
		}})
	}
	res.Took = time.Since(start)
	return res, nil
}

// answers sends req alone when multi is nil, else multi, and returns
// the answers in the order of the searches.
func (m *Meili) answers(ctx context.Context, req *meilisearch.SearchRequest, multi *meilisearch.MultiSearchRequest) ([]meiliAnswer, error) {
	if multi == nil {
		answers := make([]meiliAnswer, 1)
		return answers, m.post(ctx, m.searchURL, req, &answers[0])
	}
	var resp struct {
		Results []meiliAnswer `json:"results"`
	}
	if err := m.post(ctx, m.multiURL, multi, &resp); err != nil {
		return nil, err
	}
	if len(resp.Results) != len(multi.Queries) {
		return nil, fmt.Errorf("meilisearch: multi-search: %d answers to %d searches", len(resp.Results), len(multi.Queries))
	}
	return resp.Results, nil
}

// post sends a search request (one search, or a multi-search) to url and
// decodes the answer into out. It goes through the HTTP client itself:
// the Meilisearch client would parse the answer once to hand it over as
// raw JSON, and the adapter then a second time. The answer is read whole
// and decoded with goccy/go-json, which decodes it in a quarter of the
// time encoding/json takes: under load, decoding was the largest part of
// what Riposte does for a search.
func (m *Meili) post(ctx context.Context, url string, req any, out any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("meilisearch: search: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("meilisearch: search: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	if m.key != "" {
		hreq.Header.Set("Authorization", "Bearer "+m.key)
	}
	res, err := m.http.Do(hreq)
	if err != nil {
		return fmt.Errorf("meilisearch: search: %w: %w", ErrUnavailable, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("meilisearch: search: %w", refusal(res))
	}
	answer, err := readAnswer(res)
	if err != nil {
		return fmt.Errorf("meilisearch: search: %w: %w", ErrUnavailable, err)
	}
	if err := gojson.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("meilisearch: decode search response: %w", err)
	}
	return nil
}

// meiliMaxAnswer bounds a search answer: a page of at most 100 hits
// without descriptions, and facet counts of at most 100 values each.
const meiliMaxAnswer = 16 << 20

// readAnswer reads a whole answer body, in one allocation when its length
// is known.
func readAnswer(res *http.Response) ([]byte, error) {
	if n := res.ContentLength; n >= 0 && n <= meiliMaxAnswer {
		b := make([]byte, n)
		if _, err := io.ReadFull(res.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, meiliMaxAnswer+1))
	if err == nil && len(b) > meiliMaxAnswer {
		err = fmt.Errorf("answer larger than %d bytes", meiliMaxAnswer)
	}
	return b, err
}

// MeiliRequest returns the body of the search request the adapter sends
// Meilisearch for q (for a q filtering facets, the first search of the
// multi-search it sends), so that Meilisearch can be measured on the very
// same request without Riposte in front.
func MeiliRequest(q Query) ([]byte, error) {
	return json.Marshal(meiliRequest(q))
}

// meiliRequest builds the request of a query. It asks for a page (the
// mode in which Meilisearch counts hits exactly) covering the window the
// query's offset and limit select, and for the counts of the facets the
// query does not filter: meiliMultiSearch counts the others.
func meiliRequest(q Query) *meilisearch.SearchRequest {
	size, page := meiliPage(q.Offset, q.Limit)
	facets := make([]string, 0, len(fieldSpecs))
	for s := range facetSpecs {
		if len(q.Filters[s.field]) == 0 {
			facets = append(facets, s.attribute)
		}
	}
	req := &meilisearch.SearchRequest{
		Query:                 Clean(q.Text), // only ever q: never a filter or a query language
		Filter:                MeiliFilter(q.Filters),
		HitsPerPage:           &size,
		Page:                  page,
		Facets:                facets,
		AttributesToRetrieve:  meiliAttributes(),
		AttributesToHighlight: []string{"name", "summary"},
		HighlightPreTag:       MarkStart,
		HighlightPostTag:      MarkEnd,
		MatchingStrategy:      meilisearch.Last,
	}
	switch q.Sort {
	case Newest:
		req.Sort = []string{"updated_ts:desc"}
	case ByName:
		req.Sort = []string{"name_sort:asc"}
	default:
		if slices.Contains(plugins.Categories(), q.PreferCategory) { // a known name, never raw text
			req.Sort = []string{"in_category." + q.PreferCategory + ":desc"}
		}
	}
	return req
}

// meiliMultiSearch returns, when q filters facet fields, the multi-search
// on index that answers q: req, q's own search, then for each facet field
// filtered, in the table's order, a search counting that field's values
// under every filter but its own, without hits. Values of one field are
// OR-ed: the count of a value is what ticking it alone finds. It returns
// nil when q filters no facet field, and the fields counted apart.
func meiliMultiSearch(q Query, index string, req *meilisearch.SearchRequest) (*meilisearch.MultiSearchRequest, []*fieldSpec) {
	var counted []*fieldSpec
	for s := range facetSpecs {
		if len(q.Filters[s.field]) > 0 {
			counted = append(counted, s)
		}
	}
	if len(counted) == 0 {
		return nil, nil
	}
	req.IndexUID = index
	multi := &meilisearch.MultiSearchRequest{Queries: []*meilisearch.SearchRequest{req}}
	none := int64(0)
	for _, s := range counted {
		others := maps.Clone(q.Filters)
		delete(others, s.field)
		multi.Queries = append(multi.Queries, &meilisearch.SearchRequest{
			IndexUID:         index,
			Query:            req.Query,
			Filter:           MeiliFilter(others),
			HitsPerPage:      &none,
			Page:             1,
			Facets:           []string{s.attribute},
			MatchingStrategy: req.MatchingStrategy,
		})
	}
	return multi, counted
}

// meiliPage returns the smallest page size, and the page number, of a page
// holding the hits from offset to offset+limit.
func meiliPage(offset, limit int) (size int64, page int64) {
	offset = max(offset, 0)
	if limit <= 0 {
		return 0, 1
	}
	for s := limit; ; s++ {
		if offset/s == (offset+limit-1)/s {
			return int64(s), int64(offset/s + 1)
		}
	}
}

// Upsert adds or replaces documents and waits until they are searchable.
func (m *Meili) Upsert(ctx context.Context, docs []Document) error {
	if len(docs) == 0 {
		return nil
	}
	return m.add(ctx, m.index, docs)
}

func (m *Meili) add(ctx context.Context, uid string, docs []Document) error {
	info, err := m.send(ctx, uid, docs)
	return m.wait(ctx, fmt.Sprintf("add %d documents to %s", len(docs), uid), info, err)
}

// send enqueues the addition of documents to index uid, without waiting
// for the task.
func (m *Meili) send(ctx context.Context, uid string, docs []Document) (*meilisearch.TaskInfo, error) {
	md := make([]meiliDoc, len(docs))
	for i, d := range docs {
		md[i] = toMeili(d)
	}
	pk := "slug"
	cctx, cancel := context.WithTimeout(ctx, meiliSendTimeout)
	defer cancel()
	return m.client.Index(uid).AddDocumentsWithContext(cctx, md, &meilisearch.DocumentOptions{PrimaryKey: &pk})
}

// Delete removes documents by slug.
func (m *Meili) Delete(ctx context.Context, slugs []string) error {
	if len(slugs) == 0 {
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, meiliCallTimeout)
	info, err := m.client.Index(m.index).DeleteDocumentsWithContext(cctx, slugs, nil)
	cancel()
	return m.wait(ctx, fmt.Sprintf("delete %d documents", len(slugs)), info, err)
}

// Reindex fills a new index with docs, swaps it with the live one, and
// deletes the old one. Searches use the live index throughout.
func (m *Meili) Reindex(ctx context.Context, docs Documents) error {
	suffix := make([]byte, 8)
	rand.Read(suffix)
	next := m.index + "-reindex-" + hex.EncodeToString(suffix)
	if err := m.createIndex(ctx, next); err != nil {
		return err
	}
	err := m.fillAndSwap(ctx, next, docs)
	// After a swap, next holds the old documents; before, the unused new ones.
	cctx, cancel := context.WithTimeout(ctx, meiliCallTimeout)
	info, derr := m.client.DeleteIndexWithContext(cctx, next)
	cancel()
	return errors.Join(err, m.wait(ctx, "delete index "+next, info, derr))
}

// fillAndSwap sends docs to the new index as they are read: each request
// carries up to meiliReindexRequest documents as NDJSON, its body written
// while the next chunks are read and encoded, so that reading, encoding
// and sending overlap; Meilisearch indexes a request while the next is
// written. It then waits for every addition to succeed before swapping:
// the swap happens only with every document indexed.
func (m *Meili) fillAndSwap(ctx context.Context, next string, docs Documents) error {
	if _, err := m.applySettings(ctx, next); err != nil {
		return err
	}
	var (
		tasks []sent
		open  *stream
	)
	end := func() error {
		if open == nil {
			return nil
		}
		s := open
		open = nil
		t, err := s.close()
		if err == nil {
			tasks = append(tasks, t)
		}
		return err
	}
	err := pipeline(ctx, docs, func(chunk []Document) error {
		for _, d := range chunk {
			if open == nil {
				open = m.openStream(ctx, next)
			}
			if err := open.add(d); err != nil {
				return err
			}
			if open.n == m.reindexRequest {
				if err := end(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		if open != nil {
			open.abort(err)
		}
		return err
	}
	if err := end(); err != nil {
		return err
	}
	for i, t := range tasks {
		op := fmt.Sprintf("add %d documents to %s (request %d of %d)", t.n, next, i+1, len(tasks))
		if err := m.wait(ctx, op, t.info, nil); err != nil {
			return err
		}
	}
	cctx, cancel := context.WithTimeout(ctx, meiliCallTimeout)
	info, err := m.client.SwapIndexesWithContext(cctx, []*meilisearch.SwapIndexesParams{{Indexes: []string{m.index, next}}})
	cancel()
	return m.wait(ctx, "swap "+m.index+" with "+next, info, err)
}

// sent is a request of documents Meilisearch accepted, with its task.
type sent struct {
	info *meilisearch.TaskInfo
	n    int
}

// stream is a request adding documents to an index, its body written as
// the documents come.
type stream struct {
	uid    string
	pw     *io.PipeWriter
	buf    *bufio.Writer
	enc    *json.Encoder
	n      int
	done   chan struct{}
	info   *meilisearch.TaskInfo
	err    error
	cancel context.CancelFunc
}

// openStream starts a request adding NDJSON documents to index uid.
func (m *Meili) openStream(ctx context.Context, uid string) *stream {
	pr, pw := io.Pipe()
	s := &stream{uid: uid, pw: pw, done: make(chan struct{})}
	s.buf = bufio.NewWriterSize(pw, 256<<10)
	s.enc = json.NewEncoder(s.buf)
	cctx, cancel := context.WithTimeout(ctx, meiliStreamTimeout)
	s.cancel = cancel
	go func() {
		defer close(s.done)
		s.info, s.err = m.postDocuments(cctx, uid, pr)
		pr.CloseWithError(errors.Join(s.err, errors.New("the request ended"))) // unblocks a writer when the request failed early
	}()
	return s
}

// add writes a document to the request's body.
func (s *stream) add(d Document) error {
	if err := s.enc.Encode(toMeili(d)); err != nil {
		return s.failed(err)
	}
	s.n++
	return nil
}

// close ends the request's body and returns its task.
func (s *stream) close() (sent, error) {
	err := s.buf.Flush()
	if err == nil {
		s.pw.Close()
	} else {
		s.pw.CloseWithError(err)
	}
	<-s.done
	s.cancel()
	if s.err != nil {
		return sent{}, s.err
	}
	if err != nil {
		return sent{}, s.failed(err)
	}
	return sent{s.info, s.n}, nil
}

// abort ends the request with an error: Meilisearch gets a truncated body
// and enqueues nothing.
func (s *stream) abort(err error) {
	s.pw.CloseWithError(err)
	s.cancel()
	<-s.done
}

// failed returns the request's own error when writing its body failed
// because the request had ended.
func (s *stream) failed(err error) error {
	s.pw.CloseWithError(err)
	<-s.done
	s.cancel()
	if s.err != nil {
		return s.err
	}
	return fmt.Errorf("meilisearch: add documents to %s: %w", s.uid, err)
}

// postDocuments sends the NDJSON documents body reads to index uid and
// returns the task Meilisearch enqueued.
func (m *Meili) postDocuments(ctx context.Context, uid string, body io.Reader) (*meilisearch.TaskInfo, error) {
	op := "add documents to " + uid
	url := m.base + "/indexes/" + neturl.PathEscape(uid) + "/documents?primaryKey=slug"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return nil, fmt.Errorf("meilisearch: %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	if m.key != "" {
		req.Header.Set("Authorization", "Bearer "+m.key)
	}
	res, err := m.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("meilisearch: %s: %w: %w", op, ErrUnavailable, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		return nil, fmt.Errorf("meilisearch: %s: %w", op, refusal(res))
	}
	var info meilisearch.TaskInfo
	if err := json.NewDecoder(io.LimitReader(res.Body, 64<<10)).Decode(&info); err != nil {
		return nil, fmt.Errorf("meilisearch: %s: %w: %w", op, ErrUnavailable, err)
	}
	return &info, nil
}

// Revisions lists every indexed slug with its revision.
func (m *Meili) Revisions(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for offset := int64(0); ; offset += meiliPageSize {
		var page meilisearch.DocumentsResult
		cctx, cancel := context.WithTimeout(ctx, meiliCallTimeout)
		err := m.client.Index(m.index).GetDocumentsWithContext(cctx, &meilisearch.DocumentsQuery{
			Fields: []string{"slug", "revision"}, Limit: meiliPageSize, Offset: offset,
		}, &page)
		cancel()
		if err != nil {
			return nil, meiliError("list documents", err)
		}
		for _, h := range page.Results {
			var d struct {
				Slug     string `json:"slug"`
				Revision int64  `json:"revision"`
			}
			if err := h.DecodeInto(&d); err != nil {
				return nil, fmt.Errorf("meilisearch: decode document: %w", err)
			}
			out[d.Slug] = d.Revision
		}
		if len(page.Results) < meiliPageSize || offset+meiliPageSize >= page.Total {
			return out, nil
		}
	}
}

// Ping reports whether Meilisearch answers and is available.
func (m *Meili) Ping(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, meiliCallTimeout)
	defer cancel()
	h, err := m.client.HealthWithContext(cctx)
	if err != nil {
		return meiliError("health", err)
	}
	if h.Status != "available" {
		return fmt.Errorf("meilisearch: %w: health is %q", ErrUnavailable, h.Status)
	}
	return nil
}

// Close releases idle connections.
func (m *Meili) Close() error {
	m.http.CloseIdleConnections()
	return nil
}

// meiliTaskError is a task that did not succeed.
type meiliTaskError struct {
	op, status, code, message string
	uid                       int64
}

func (e *meiliTaskError) Error() string {
	return fmt.Sprintf("meilisearch: %s: task %d %s: %s (%s)", e.op, e.uid, e.status, e.message, e.code)
}

// wait waits for the task a write enqueued (or reports the write's
// error), and returns the task's error when it did not succeed.
func (m *Meili) wait(ctx context.Context, op string, info *meilisearch.TaskInfo, err error) error {
	if err != nil {
		return meiliError(op, err)
	}
	ctx, cancel := context.WithTimeout(ctx, meiliTaskTimeout)
	defer cancel()
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 250*time.Millisecond) {
		cctx, ccancel := context.WithTimeout(ctx, meiliCallTimeout)
		task, err := m.client.GetTaskWithContext(cctx, info.TaskUID)
		ccancel()
		if err != nil {
			return meiliError(op+": get task", err)
		}
		switch task.Status {
		case meilisearch.TaskStatusSucceeded:
			return nil
		case meilisearch.TaskStatusFailed, meilisearch.TaskStatusCanceled:
			return &meiliTaskError{op: op, uid: info.TaskUID, status: string(task.Status), code: task.Error.Code, message: task.Error.Message}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("meilisearch: %s: task %d: %w: %w", op, info.TaskUID, ErrUnavailable, ctx.Err())
		case <-time.After(delay):
		}
	}
}

// meiliCode returns the Meilisearch error code of an error the server
// returned, or "".
func meiliCode(err error) string {
	var me *meilisearch.Error
	if errors.As(err, &me) {
		return me.MeilisearchApiError.Code
	}
	return ""
}

// meiliError wraps an error of the client, with ErrUnavailable when
// Meilisearch could not answer: unreachable, too slow, failing or busy.
func meiliError(op string, err error) error {
	var me *meilisearch.Error
	unavailable := errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
	if errors.As(err, &me) {
		unavailable = unavailable || me.ErrCode == meilisearch.MeilisearchTimeoutError ||
			me.ErrCode == meilisearch.MeilisearchCommunicationError ||
			me.StatusCode >= 500 || me.StatusCode == http.StatusTooManyRequests
	}
	if unavailable {
		return fmt.Errorf("meilisearch: %s: %w: %w", op, ErrUnavailable, err)
	}
	return fmt.Errorf("meilisearch: %s: %w", op, err)
}

// meiliMaxTotalHits bounds the hits Meilisearch counts and pages through:
// totals are exact up to it, so it must exceed any catalogue's size.
const meiliMaxTotalHits = 100_000

// refusal is the error of an answer Meilisearch gave with an unexpected
// status, with its message and code; a server error or a 429 is also
// ErrUnavailable, which the caller may try again later.
func refusal(res *http.Response) error {
	var e struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	}
	_ = json.NewDecoder(io.LimitReader(res.Body, 64<<10)).Decode(&e)
	err := fmt.Errorf("status %d: %s (%s)", res.StatusCode, e.Message, e.Code)
	if res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}
