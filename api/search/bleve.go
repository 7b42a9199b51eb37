package search

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Bleve is the embedded search engine: a Bleve index in a directory,
// queried like Meilisearch. Bleve analyses the documents, stores and
// persists them, and keeps their term dictionaries and postings; searches
// read those directly, term by term, and score (BM25), rank, count facets
// and highlight here, with the documents also kept in memory. It is safe
// for concurrent use.
//
// The directory holds index directories and a pointer file naming the
// current one; a reindex builds a new directory and swaps the pointer.
type Bleve struct {
	dir      string
	lockWait time.Duration // how long opening waits for another process to let go of the index
	an       *analyzers
	scratch  sync.Pool
	running  chan struct{} // slots for searches running at once (see Search)

	reindexing sync.Mutex   // one reindex at a time
	mu         sync.RWMutex // read by every operation; written to swap or close cur
	cur        *bleveIndex  // nil once closed
}

var _ Engine = (*Bleve)(nil)

// On-disk names under the engine's directory.
const (
	pointerFile = "current"
	indexPrefix = "index-"
	srcField    = "_src" // each document as JSON, stored
	// lengthsField stores the words in each text field of a document, so
	// that opening an index reads them instead of analysing every
	// document again. Indexes written before it are analysed on opening.
	lengthsField = "_len"
	batchSize    = 1000
	// reindexBatch is the batch a reindex writes: larger than the relay's,
	// for fewer segments to merge; each batch's documents are held
	// analysed until written.
	reindexBatch = 5000
)

var errBleveClosed = fmt.Errorf("%w: the embedded index is closed", ErrUnavailable)

// NewBleve opens the index under dir, or creates it, and removes what an
// interrupted reindex left behind.
func NewBleve(dir string) (*Bleve, error) {
	return newBleve(dir, lockWait)
}

// lockWait is how long NewBleve waits for another process to let go of
// the index: one process at a time may have it open.
const lockWait = 5 * time.Second

func newBleve(dir string, lockWait time.Duration) (*Bleve, error) {
	an, err := newAnalyzers()
	if err != nil {
		return nil, err
	}
	b := &Bleve{dir: dir, lockWait: lockWait, an: an, scratch: sync.Pool{New: func() any { return new(scratch) }},
		running: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("embedded search: %w", err)
	}
	if b.cur, err = b.openCurrent(); err != nil {
		return nil, err
	}
	if err := removeLeftovers(dir, b.cur.name); err != nil {
		b.cur.idx.Close()
		return nil, err
	}
	go b.warm()
	return b, nil
}

// warm prepares the view of the index just opened, and its rankings of
// the whole catalogue, in the background: opening does not wait for them,
// and the first searches wait only for what is left of them.
func (b *Bleve) warm() {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.cur == nil {
		return
	}
	v, r, err := b.cur.acquire()
	if err != nil {
		return
	}
	defer r.Close()
	for _, order := range []Sort{Relevance, Newest, ByName} {
		v.browsing(order)
	}
}

// openCurrent opens the index the pointer file names, or creates one when
// there is none.
func (b *Bleve) openCurrent() (*bleveIndex, error) {
	data, err := os.ReadFile(filepath.Join(b.dir, pointerFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("embedded search: %w", err)
	}
	name := strings.TrimSpace(string(data))
	if validIndexName(name) {
		if _, err := os.Stat(filepath.Join(b.dir, name)); err == nil {
			return b.open(name)
		}
	}
	ix, err := b.create()
	if err != nil {
		return nil, err
	}
	if err := writePointer(b.dir, ix.name); err != nil {
		ix.destroy(b.dir)
		return nil, err
	}
	return ix, nil
}

func validIndexName(name string) bool {
	return strings.HasPrefix(name, indexPrefix) && filepath.Base(name) == name
}

// Name is "embedded".
func (b *Bleve) Name() string { return "embedded" }

// Search runs a query on the current index. Errors wrap ErrUnavailable.
//
// Searches only use the CPU, for well under a millisecond each: at most
// half the CPUs (at least one) run them, and the others wait in line.
// Under load, each search then runs in one go, and the other CPUs stay
// free to read requests and write responses, instead of every search
// sharing every CPU with the HTTP work and the slowest requests waiting
// for the scheduler: on two CPUs this cut the 99th percentile of latency
// at 16 clients by three.
func (b *Bleve) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.cur == nil {
		return Result{}, errBleveClosed
	}
	// The view is built, when a write or the opening made a new snapshot,
	// before taking a slot: the searches waiting for it hold none.
	v, r, err := b.cur.acquire()
	if err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer r.Close() // keeps the view's segments open
	select {
	case b.running <- struct{}{}:
		defer func() { <-b.running }()
	case <-ctx.Done():
		return Result{}, fmt.Errorf("%w: %w", ErrUnavailable, ctx.Err())
	}
	res, err := b.search(v, q)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	res.Took = time.Since(start)
	return res, nil
}

// Upsert indexes documents and returns once they are searchable and on
// disk. During a reindex, they go to the index being replaced.
func (b *Bleve) Upsert(ctx context.Context, docs []Document) error {
	ix, err := b.current()
	if err != nil {
		return err
	}
	return ix.upsert(ctx, b.an, docs)
}

// Delete removes documents by slug; unknown slugs are not an error.
func (b *Bleve) Delete(ctx context.Context, slugs []string) error {
	ix, err := b.current()
	if err != nil {
		return err
	}
	return ix.delete(ctx, slugs)
}

// current returns the current index. Writes do not hold b.mu while they
// run, so that a reindex's swap, and the searches behind it, never wait
// for them: a write to an index swapped out meanwhile fails, or is lost
// with it, as Engine allows.
func (b *Bleve) current() (*bleveIndex, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.cur == nil {
		return nil, errBleveClosed
	}
	return b.cur, nil
}

// Reindex builds a new index of docs in a new directory, points the
// directory at it and swaps it in; searches are answered from the old
// index until then.
func (b *Bleve) Reindex(ctx context.Context, docs Documents) error {
	b.reindexing.Lock()
	defer b.reindexing.Unlock()
	ix, err := b.create()
	if err != nil {
		return err
	}
	if err := b.fill(ctx, ix, docs); err != nil {
		ix.destroy(b.dir)
		return err
	}
	b.mu.Lock()
	old := b.cur
	if old == nil {
		err = errBleveClosed
	} else if err = writePointer(b.dir, ix.name); err == nil {
		b.cur = ix
	}
	b.mu.Unlock()
	if err != nil {
		ix.destroy(b.dir)
		return err
	}
	old.destroy(b.dir)
	return nil
}

// fill indexes docs into a new index in batches of up to reindexBatch
// documents (fewer, larger segments to merge than the relay's batches),
// each while the next chunk is read, and prepares its first view, so that
// the first searches after the swap do not wait for it.
func (b *Bleve) fill(ctx context.Context, ix *bleveIndex, docs Documents) error {
	ix.writing.Lock()
	err := pipeline(ctx, docs, func(chunk []Document) error {
		for part := range slices.Chunk(chunk, reindexBatch) {
			if err := ix.write(ctx, b.an, part); err != nil {
				return err
			}
		}
		return nil
	})
	ix.writing.Unlock()
	if err != nil {
		return err
	}
	if err := ix.compact(ctx); err != nil {
		return err
	}
	if err := ix.saveEntries(b.dir); err != nil {
		return err
	}
	_, r, err := ix.acquire()
	if err != nil {
		return fmt.Errorf("embedded search: %w", err)
	}
	return r.Close()
}

// Revisions lists every indexed slug with its document's revision.
func (b *Bleve) Revisions(ctx context.Context) (map[string]int64, error) {
	ix, err := b.current()
	if err != nil {
		return nil, err
	}
	ix.docsMu.RLock()
	defer ix.docsMu.RUnlock()
	out := make(map[string]int64, len(ix.docs))
	for slug, e := range ix.docs {
		out[slug] = e.doc.Revision
	}
	return out, nil
}

// Ping reports whether the index is open.
func (b *Bleve) Ping(ctx context.Context) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.cur == nil {
		return errBleveClosed
	}
	return nil
}

// Close closes the index; later calls fail with ErrUnavailable.
func (b *Bleve) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur == nil {
		return nil
	}
	err := b.cur.saveEntries(b.dir)
	b.cur.releaseView()
	if cerr := b.cur.idx.Close(); err == nil {
		err = cerr
	}
	b.cur = nil
	return err
}

// bleveIndex is one index directory, with its documents in memory.
type bleveIndex struct {
	name     string
	idx      bleve.Index
	writing  sync.Mutex // one write at a time
	building sync.Mutex // one view build at a time
	docsMu   sync.RWMutex
	docs     map[string]*entry
	version  atomic.Uint64 // of docs, bumped by each write
	view     atomic.Pointer[view]
	// viewMu guards swapping the view and taking a reference on the
	// snapshot it holds open (see setView); viewClosed is set once the
	// index lets go of it, before closing.
	viewMu     sync.Mutex
	viewClosed bool
	rebuilding atomic.Bool // a view is being built in the background
	// saved is whether the index holds the stamp of a file of its entries
	// (see saveEntries); under writing.
	saved bool
}

// indexMapping maps nothing by itself: documents are built field by field
// with the engine's analyzers. It records that scores are BM25.
func indexMapping() mapping.IndexMapping {
	m := mapping.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	m.DefaultMapping.Dynamic = false
	m.IndexDynamic, m.StoreDynamic, m.DocValuesDynamic = false, false, false
	return m
}

// create makes an empty index in a new directory.
func (b *Bleve) create() (*bleveIndex, error) {
	var suffix [8]byte
	rand.Read(suffix[:])
	name := indexPrefix + hex.EncodeToString(suffix[:])
	idx, err := bleve.New(filepath.Join(b.dir, name), indexMapping())
	if err != nil {
		return nil, fmt.Errorf("embedded search: create index: %w", err)
	}
	return &bleveIndex{name: name, idx: idx, docs: map[string]*entry{}}, nil
}

// open opens an index directory and loads its documents.
func (b *Bleve) open(name string) (*bleveIndex, error) {
	idx, err := bleve.OpenUsing(filepath.Join(b.dir, name), map[string]any{"bolt_timeout": b.lockWait.String()})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("embedded search: the index in %s is in use by another process (waited %s)", b.dir, b.lockWait)
	}
	if err != nil {
		return nil, fmt.Errorf("embedded search: open index: %w", err)
	}
	ix := &bleveIndex{name: name, idx: idx}
	if ix.docs = loadEntries(b.dir, name, idx, b.an); ix.docs != nil {
		ix.saved = true
		return ix, nil
	}
	if ix.docs, err = loadDocs(idx, b.an); err != nil {
		idx.Close()
		return nil, fmt.Errorf("embedded search: load documents: %w", err)
	}
	return ix, nil
}

// loadDocs reads back every document stored in an index.
func loadDocs(idx bleve.Index, an *analyzers) (map[string]*entry, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	docs := map[string]*entry{}
	err = eachDoc(r, func(_ uint64, slug string) error {
		stored, err := r.Document(slug)
		if err != nil || stored == nil {
			return err
		}
		var (
			d       Document
			lengths *[len(textFields)]int
		)
		stored.VisitFields(func(f index.Field) {
			switch f.Name() {
			case srcField:
				err = json.Unmarshal(f.Value(), &d)
			case lengthsField:
				lengths, _ = decodeLengths(f.Value())
			}
		})
		if err != nil {
			return fmt.Errorf("document %s: %w", slug, err)
		}
		docs[slug] = an.entry(d, lengths)
		return nil
	})
	return docs, err
}

// eachDoc calls fn with the number and slug of every live document.
func eachDoc(r index.IndexReader, fn func(num uint64, slug string) error) error {
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer ids.Close()
	for {
		id, err := ids.Next()
		if err != nil || id == nil {
			return err
		}
		slug, err := r.ExternalID(id)
		if err != nil {
			return err
		}
		if err := fn(id.Value(), slug); err != nil {
			return err
		}
	}
}

// compact merges the index into one segment, which searches read fastest.
func (ix *bleveIndex) compact(ctx context.Context) error {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return fmt.Errorf("embedded search: %w", err)
	}
	if s, ok := adv.(*scorch.Scorch); ok {
		if err := s.ForceMerge(ctx, nil); err != nil {
			return fmt.Errorf("embedded search: merge: %w", err)
		}
	}
	return nil
}

// destroy closes the index and removes its directory.
func (ix *bleveIndex) destroy(dir string) {
	ix.releaseView()
	ix.idx.Close()
	os.RemoveAll(filepath.Join(dir, ix.name))
	os.Remove(entriesPath(dir, ix.name))
}

// upsert indexes documents in batches, each searchable once written.
func (ix *bleveIndex) upsert(ctx context.Context, an *analyzers, docs []Document) error {
	ix.writing.Lock()
	defer ix.writing.Unlock()
	for chunk := range slices.Chunk(docs, batchSize) {
		if err := ix.write(ctx, an, chunk); err != nil {
			return err
		}
	}
	return nil
}

// write indexes documents in one batch; the caller holds ix.writing.
func (ix *bleveIndex) write(ctx context.Context, an *analyzers, docs []Document) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	built, entries, err := an.documents(docs)
	if err != nil {
		return err
	}
	batch := ix.idx.NewBatch()
	if ix.saved {
		batch.DeleteInternal(entriesKey)
	}
	for _, doc := range built {
		if err := batch.IndexAdvanced(doc); err != nil {
			return fmt.Errorf("embedded search: %w", err)
		}
	}
	if err := ix.idx.Batch(batch); err != nil {
		return fmt.Errorf("embedded search: index: %w", err)
	}
	ix.saved = false
	ix.docsMu.Lock()
	for _, e := range entries {
		ix.docs[e.doc.Slug] = e
	}
	ix.version.Add(1)
	ix.docsMu.Unlock()
	return nil
}

// delete removes documents by slug.
func (ix *bleveIndex) delete(ctx context.Context, slugs []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ix.writing.Lock()
	defer ix.writing.Unlock()
	batch := ix.idx.NewBatch()
	if ix.saved {
		batch.DeleteInternal(entriesKey)
	}
	for _, s := range slugs {
		batch.Delete(s)
	}
	if err := ix.idx.Batch(batch); err != nil {
		return fmt.Errorf("embedded search: delete: %w", err)
	}
	ix.saved = false
	ix.docsMu.Lock()
	for _, s := range slugs {
		delete(ix.docs, s)
	}
	ix.version.Add(1)
	ix.docsMu.Unlock()
	return nil
}

// cleaned returns a document whose indexed text has no control
// characters.
func cleaned(d Document) Document {
	d.Name, d.Summary, d.Description = Clean(d.Name), Clean(d.Summary), Clean(d.Description)
	tags := make([]string, len(d.Tags))
	for i, t := range d.Tags {
		tags[i] = Clean(t)
	}
	d.Tags = tags
	return d
}

// entry is an indexed document as searches use it.
type entry struct {
	doc     Document
	sortKey string
	updated int64
	lengths [len(textFields)]int // words in each text field
	// The name's and summary's words for highlighting, analysed the
	// first time the entry is a hit shown: only a page of hits needs them,
	// and opening an index does not analyse every document again.
	an            *analyzers
	once          sync.Once
	name, summary []token
}

// entry returns d as searches use it; lengths, when not nil, are the
// words in each text field as stored with the document (see lengthsField).
func (an *analyzers) entry(d Document, lengths *[len(textFields)]int) *entry {
	e := &entry{doc: d, sortKey: SortKey(d.Name), updated: d.UpdatedAt.UnixNano(), an: an}
	e.doc.Description = "" // matched through the index, never shown: not kept
	if lengths != nil {
		e.lengths = *lengths
		return e
	}
	texts := [len(textFields)]string{d.Name, strings.Join(d.Tags, "\n"), d.Summary, d.Description}
	for i, t := range texts {
		e.lengths[i] = len(an.folded.Analyze([]byte(t)))
	}
	return e
}

// words returns the name's and summary's words, for highlighting.
func (e *entry) words() (name, summary []token) {
	e.once.Do(func() { e.name, e.summary = e.an.tokens(e.doc.Name), e.an.tokens(e.doc.Summary) })
	return e.name, e.summary
}

// encodeLengths and decodeLengths store an entry's field lengths with its
// document: "3 5 12 48".
func encodeLengths(l [len(textFields)]int) []byte {
	var b []byte
	for i, n := range l {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return b
}

func decodeLengths(b []byte) (*[len(textFields)]int, bool) {
	var l [len(textFields)]int
	f := strings.Fields(string(b))
	if len(f) != len(l) {
		return nil, false
	}
	for i, s := range f {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, false
		}
		l[i] = n
	}
	return &l, true
}

// acquire returns the view of the index's current snapshot and a reader of
// that snapshot, which the caller closes. A view is built once per
// snapshot and version of the documents, without waiting for writes: a
// write's snapshot may be seen before its documents are (they are then
// left out, or shown as they were, until the write ends), or after.
//
// A new snapshot of the same documents (the persister writing a segment
// to disk, the merger merging segments, or a write whose documents are
// not in yet) is answered from the current view, on the snapshot it was
// built on, while the new view is built in the background: only a write
// that ended makes a search wait for a view.
func (ix *bleveIndex) acquire() (*view, index.IndexReader, error) {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, err
	}
	version := ix.version.Load()
	if v, vr := ix.held(); v != nil {
		switch {
		case v.fits(r, version):
			vr.Close()
			return v, r, nil
		case v.version == version:
			r.Close()
			ix.rebuildLater()
			return v, vr, nil
		}
		vr.Close()
	}
	r.Close()
	ix.building.Lock()
	defer ix.building.Unlock()
	return ix.build(adv)
}

// held returns the current view with a reader of its own snapshot, which
// the caller closes, or nil (none yet, or the index let go of it).
func (ix *bleveIndex) held() (*view, index.IndexReader) {
	ix.viewMu.Lock()
	defer ix.viewMu.Unlock()
	v := ix.view.Load()
	if v == nil || ix.viewClosed {
		return nil, nil
	}
	v.held.AddRef()
	return v, v.held
}

// build makes the view of the current snapshot, unless the current view
// is already that one, and returns it with a reader of its snapshot; the
// caller holds ix.building.
func (ix *bleveIndex) build(adv index.Index) (*view, index.IndexReader, error) {
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, err
	}
	if v := ix.view.Load(); v.fits(r, ix.version.Load()) {
		return v, r, nil
	}
	ix.docsMu.RLock()
	v, err := newView(r, ix.docs, ix.version.Load())
	ix.docsMu.RUnlock()
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	ix.setView(v)
	return v, r, nil
}

// setView makes v the current view, holding its snapshot open for the
// searches answered from it until the next view replaces it.
func (ix *bleveIndex) setView(v *view) {
	v.held = v.snap.(*scorch.IndexSnapshot)
	ix.viewMu.Lock()
	defer ix.viewMu.Unlock()
	if ix.viewClosed {
		return
	}
	v.held.AddRef()
	if old := ix.view.Swap(v); old != nil {
		old.held.DecRef()
	}
}

// releaseView lets go of the current view's snapshot, before the index
// closes.
func (ix *bleveIndex) releaseView() {
	ix.viewMu.Lock()
	defer ix.viewMu.Unlock()
	if v := ix.view.Load(); v != nil && !ix.viewClosed {
		v.held.DecRef()
	}
	ix.viewClosed = true
}

// rebuildLater builds the view of the current snapshot, and its rankings,
// in the background, once at a time.
func (ix *bleveIndex) rebuildLater() {
	if !ix.rebuilding.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer ix.rebuilding.Store(false)
		adv, err := ix.idx.Advanced()
		if err != nil {
			return
		}
		ix.building.Lock()
		defer ix.building.Unlock()
		v, r, err := ix.build(adv)
		if err != nil {
			return
		}
		defer r.Close()
		for _, order := range []Sort{Relevance, Newest, ByName} {
			v.browsing(order)
		}
	}()
}

// fits reports whether the view is that of a snapshot and documents'
// version.
func (v *view) fits(r index.IndexReader, version uint64) bool {
	return v != nil && v.snap == r && v.version == version
}

// view is what searches need of one snapshot besides Bleve's postings:
// its segments, numbered one after the other; the entry of each document
// number; facet values by number; average field lengths for BM25; and the
// vocabulary that typos and prefixes expand against.
type view struct {
	snap       index.IndexReader     // identity only: never read through
	held       *scorch.IndexSnapshot // snap, held open while the view is current (see setView)
	version    uint64                // of the documents
	segs       []viewSegment
	entries    []*entry // by document number; nil for deleted ones
	order      []uint32 // live document numbers
	facetKeys  []facetKey
	facetStart []uint32 // entry i's values are facetVals[facetStart[i]:facetStart[i+1]]
	facetVals  []int32
	filters    filterIndex
	avgLength  [len(textFields)]float64
	fields     [2 * len(textFields)]string // folded fields, then stemmed ones
	vocab      vocabulary
	readers    sync.Pool // of *termReaders

	mu         sync.Mutex
	expansions map[expansionKey][]candidate

	// The browsing of the whole catalogue in each order (no words, no
	// filter), ranked once per view: the catalogue's first page does not
	// rank and count every document for each request.
	browseOnce    [3]sync.Once
	browsed       [3]browsing
	browseReady   [3]atomic.Bool // browsed[i] is made
	browseStarted [3]atomic.Bool // browsed[i] is being made, or made
}

// browsing is every document of a view in one order, with the facets'
// counts.
type browsing struct {
	res    Result
	sorted []ranked
}

// viewSegment is a segment of the snapshot, its documents numbered from
// offset in the view.
type viewSegment struct {
	seg     segment.Segment
	deleted *roaring.Bitmap
	offset  uint64
}

type facetKey struct {
	field Field
	value string
}

type expansionKey struct {
	term   string
	prefix bool
}

// maxExpansions bounds a view's cache of word expansions.
const maxExpansions = 10_000

func newView(r index.IndexReader, docs map[string]*entry, version uint64) (*view, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("embedded search: unexpected index reader %T", r)
	}
	v := &view{snap: r, version: version, expansions: map[expansionKey][]candidate{}}
	v.readers.New = func() any {
		return &termReaders{postings: make([]segment.PostingsList, len(v.segs)),
			iterators: make([]segment.PostingsIterator, len(v.segs))}
	}
	for i, f := range textFields {
		v.fields[i], v.fields[len(textFields)+i] = f.name, f.stems
	}
	var size uint64
	for _, ss := range snap.Segments() {
		v.segs = append(v.segs, viewSegment{seg: ss.Segment(), deleted: ss.Deleted(), offset: size})
		size += ss.Segment().Count()
	}
	v.entries = make([]*entry, size)
	for i, ss := range snap.Segments() {
		if err := v.number(v.segs[i], ss.DocNumbersLive(), docs); err != nil {
			return nil, err
		}
	}
	v.indexValues()
	v.averageLengths()
	var err error
	if v.vocab, err = newVocabulary(r); err != nil {
		return nil, err
	}
	return v, nil
}

// number gives the live documents of a segment their entries.
func (v *view) number(s viewSegment, live *roaring.Bitmap, docs map[string]*entry) error {
	it := live.Iterator()
	for it.HasNext() {
		local := uint64(it.Next())
		slug, err := s.seg.DocID(local)
		if err != nil {
			return err
		}
		v.entries[s.offset+local] = docs[string(slug)]
		v.order = append(v.order, uint32(s.offset+local))
	}
	return nil
}

// averageLengths computes the average length of each text field, for BM25.
func (v *view) averageLengths() {
	var sums [len(textFields)]int
	for _, d := range v.order {
		if e := v.entries[d]; e != nil {
			for i, n := range e.lengths {
				sums[i] += n
			}
		}
	}
	for i, sum := range sums {
		v.avgLength[i] = max(1, float64(sum)/float64(max(1, len(v.order))))
	}
}

// newVocabulary reads the folded words of every text field into an FST.
func newVocabulary(r index.IndexReader) (vocabulary, error) {
	terms := map[string]*vocabTerm{}
	for i, f := range textFields {
		fd, err := r.FieldDict(f.name)
		if err != nil {
			return vocabulary{}, err
		}
		for e, err := fd.Next(); e != nil || err != nil; e, err = fd.Next() {
			if err != nil {
				fd.Close()
				return vocabulary{}, err
			}
			t := terms[e.Term]
			if t == nil {
				t = &vocabTerm{}
				terms[e.Term] = t
			}
			t.fields |= 1 << i
			t.freq += e.Count
		}
		fd.Close()
	}
	if len(terms) == 0 {
		return vocabulary{}, nil
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range terms {
			if !yield(k) {
				return
			}
		}
	})
	return buildVocabulary(keys, terms)
}

func buildVocabulary(keys []string, terms map[string]*vocabTerm) (vocabulary, error) {
	var buf bytes.Buffer
	fb, err := vellum.New(&buf, nil)
	if err != nil {
		return vocabulary{}, err
	}
	v := vocabulary{terms: make([]vocabTerm, len(keys))}
	for i, k := range keys {
		if err := fb.Insert([]byte(k), uint64(i)); err != nil {
			return vocabulary{}, err
		}
		v.terms[i] = *terms[k]
	}
	if err := fb.Close(); err != nil {
		return vocabulary{}, err
	}
	v.fst, err = vellum.Load(buf.Bytes())
	return v, err
}

// expand returns the candidates of a word, cached for the view's life.
func (v *view) expand(w queryWord) ([]candidate, error) {
	key := expansionKey{w.term, w.prefix}
	v.mu.Lock()
	c, ok := v.expansions[key]
	v.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := v.vocab.expand(w)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	if len(v.expansions) >= maxExpansions {
		clear(v.expansions)
	}
	v.expansions[key] = c
	v.mu.Unlock()
	return c, nil
}

// writePointer makes name the current index, atomically: a temporary file
// renamed over the pointer file.
func writePointer(dir, name string) error {
	f, err := os.CreateTemp(dir, pointerFile+"-*.tmp")
	if err != nil {
		return fmt.Errorf("embedded search: %w", err)
	}
	_, err = f.WriteString(name + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, pointerFile))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("embedded search: write pointer: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the rename durable where the platform allows it
		d.Close()
	}
	return nil
}

// removeLeftovers removes the index directories and pointer files of
// reindexes that did not finish, keeping the current index.
func removeLeftovers(dir, current string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("embedded search: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		stale := strings.HasPrefix(name, indexPrefix) && name != current && name != current+entriesSuffix ||
			strings.HasPrefix(name, pointerFile+"-") && strings.HasSuffix(name, ".tmp")
		if !stale {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("embedded search: remove leftover: %w", err)
		}
	}
	return nil
}
