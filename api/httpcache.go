package api

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/watch"
	"github.com/riposte-civic/riposte/plugins"
)

// Conditional requests and the process's cache of public representations.
//
// Every cacheable GET sends a strong ETag, the hash of the body it sends,
// and answers If-None-Match with 304 when it matches. A representation
// that is the same for every caller (cachePolicy public) says
// Cache-Control: public, max-age=10 and is kept encoded in this process,
// by plugin, so that reads and revalidations of published plugins touch
// neither the database nor the JSON encoder. A commit that changes a
// plugin — every change that feeds the search outbox, and yanks — drops
// the plugin's entries at once in the process that made it (see
// store.OnPluginsChanged). Every DocRefresh, each process checks the
// revisions of the plugins it keeps against the database (WatchCache) and
// drops those that changed elsewhere; it serves nothing checked more than
// DefaultDocTTL ago. A representation that depends on the caller says
// Cache-Control: private, no-store and is never kept.
const (
	// DefaultDocTTL is how long after its plugin's revision was last
	// checked a process serves a kept representation without reading the
	// database: the delay within which a change made on another replica,
	// such as a takedown, shows on this one.
	DefaultDocTTL = 2 * time.Second
	// DocRefresh is how often WatchCache should check.
	DocRefresh = time.Second
	// publicMaxAge is how long clients and shared caches may keep a public
	// representation without asking again (Cache-Control max-age).
	publicMaxAge = "10"
	// maxDocBytes bounds the bodies kept; beyond it, the cache starts
	// again empty.
	maxDocBytes = 64 << 20
)

// cachePolicy says who may keep a representation.
type cachePolicy int

const (
	// privatePolicy: the representation depends on the caller; no cache
	// may keep it (Cache-Control: private, no-store).
	privatePolicy cachePolicy = iota
	// publicPolicy: every caller gets the same representation; shared
	// caches and this process may keep it for a short while.
	publicPolicy
)

var (
	publicCacheControl  = []string{"public, max-age=" + publicMaxAge}
	privateCacheControl = []string{"private, no-store"}
)

// pluginPolicy decides whether a representation of plugin p is the same
// for every caller. It is the one place that decides it for the plugin
// routes: personal is true when the representation shows the caller
// something others do not see (such as runtime_status). Only published
// plugins are public, and a plugin for vetted readers is never: what it
// shows depends on who asks, so its responses stay out of every cache.
func pluginPolicy(p store.Plugin, personal bool) cachePolicy {
	if p.Status != store.StatusPublished || personal || p.Access == plugins.AccessVetted {
		return privatePolicy
	}
	return publicPolicy
}

// doc is an encoded representation with its validators.
type doc struct {
	body         []byte
	contentType  string
	etag         []string
	lastModified []string // empty when not meaningful
	policy       cachePolicy
	cacheControl []string
	storedAt     time.Time // when the database was read for it
}

// newDoc makes a representation of body, with a strong ETag over it and,
// when modified is not zero, a Last-Modified date.
func newDoc(body []byte, contentType string, modified time.Time, policy cachePolicy) *doc {
	d := &doc{body: body, contentType: contentType, etag: []string{strongETag(body)}, policy: policy, cacheControl: privateCacheControl}
	if policy == publicPolicy {
		d.cacheControl = publicCacheControl
	}
	if !modified.IsZero() {
		d.lastModified = []string{modified.UTC().Format(http.TimeFormat)}
	}
	return d
}

// strongETag identifies a body: 96 bits of its SHA-256.
func strongETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}

// write answers with the representation, or with 304 Not Modified when
// the request's If-None-Match names it. If-Modified-Since is not
// evaluated: a date has a second's precision, the tag none.
func (d *doc) write(c *gin.Context) {
	h := c.Writer.Header()
	h["Etag"] = d.etag
	if d.lastModified != nil {
		h["Last-Modified"] = d.lastModified
	}
	h["Cache-Control"] = d.cacheControl
	if inm := c.Request.Header["If-None-Match"]; len(inm) > 0 && etagMatches(strings.Join(inm, ","), d.etag[0]) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, d.contentType, d.body)
}

// etagMatches applies If-None-Match: a list of tags, or *. The comparison
// is weak, as RFC 9110 wants for If-None-Match.
func etagMatches(header, tag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == tag {
			return true
		}
	}
	return false
}

// docCache keeps public representations of plugins, by plugin slug and
// then by what is represented (the plugin, a page of its versions...),
// with the plugin's revision they show.
type docCache struct {
	store  *store.Store
	maxAge time.Duration
	now    func() time.Time

	mu     sync.RWMutex
	bySlug map[string]*pluginDocs
	bytes  int
	gen    uint64 // counts invalidations; a read that spans one is not kept
	// sum is the sum of every plugin's revision as the last refresh read
	// it, at sumAt (zero before any): while it stays the same, nothing
	// changed, and one query confirms everything kept since sumAt.
	sum   int64
	sumAt time.Time
}

// pluginDocs are the kept representations of one plugin, all showing its
// revision as the database had it at checkedAt.
type pluginDocs struct {
	id, revision int64
	checkedAt    time.Time
	docs         map[string]*doc
	lastUsed     atomic.Int64 // unix nanoseconds, by the cache's clock
}

func newDocCache(st *store.Store, maxAge time.Duration, now func() time.Time) *docCache {
	return &docCache{store: st, maxAge: maxAge, now: now, bySlug: map[string]*pluginDocs{}}
}

// get returns a kept representation whose plugin's revision was checked
// less than maxAge ago, or nil.
func (dc *docCache) get(slug, key string) *doc {
	dc.mu.RLock()
	pd := dc.bySlug[slug]
	var (
		d       *doc
		checked time.Time
	)
	if pd != nil {
		d, checked = pd.docs[key], pd.checkedAt
	}
	dc.mu.RUnlock()
	if d == nil {
		return nil
	}
	t := dc.now()
	if age := t.Sub(checked); age < 0 || age > dc.maxAge {
		return nil
	}
	pd.lastUsed.Store(t.UnixNano())
	return d
}

// generation is taken before reading the database for a representation,
// and given back to put.
func (dc *docCache) generation() (uint64, time.Time) {
	dc.mu.RLock()
	defer dc.mu.RUnlock()
	return dc.gen, dc.now()
}

// put keeps a public representation of plugin p read at readAt, unless a
// plugin changed in this process since gen.
func (dc *docCache) put(p store.Plugin, key string, d *doc, gen uint64, readAt time.Time) {
	if d.policy != publicPolicy || dc.maxAge <= 0 {
		return
	}
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if dc.gen != gen {
		return
	}
	if dc.bytes+len(d.body) > maxDocBytes {
		clear(dc.bySlug)
		dc.bytes = 0
	}
	pd := dc.bySlug[p.Slug]
	switch {
	case pd == nil || pd.id != p.ID || pd.revision < p.Revision:
		dc.drop(p.Slug)
		pd = &pluginDocs{id: p.ID, revision: p.Revision, checkedAt: readAt, docs: map[string]*doc{}}
		dc.bySlug[p.Slug] = pd
	case pd.revision > p.Revision:
		return // read before a change another read already brought
	}
	if readAt.After(pd.checkedAt) {
		pd.checkedAt = readAt
	}
	pd.lastUsed.Store(readAt.UnixNano())
	if old := pd.docs[key]; old != nil {
		dc.bytes -= len(old.body)
	}
	pd.docs[key] = d
	dc.bytes += len(d.body)
}

// drop forgets a plugin's representations; the caller holds the lock.
func (dc *docCache) drop(slug string) {
	if pd := dc.bySlug[slug]; pd != nil {
		for _, d := range pd.docs {
			dc.bytes -= len(d.body)
		}
		delete(dc.bySlug, slug)
	}
}

// invalidate drops what is kept of plugins that changed; the store calls
// it after each commit that changes plugins.
func (dc *docCache) invalidate(slugs []string) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	dc.gen++
	for _, slug := range slugs {
		dc.drop(slug)
	}
}

// docIdle is how long a plugin's representations stay kept unused.
const docIdle = time.Minute

// refresh checks what is kept against the database. When the sum of
// every plugin's revision is what the last refresh read, nothing changed
// since: what was kept or checked since then is confirmed by that one
// query. Otherwise, or for what is older, it reads the revisions of the
// plugins kept (a query per 64): what still shows the current revision
// may be served for maxAge more; what changed is dropped. What was not
// used for docIdle is dropped too.
func (dc *docCache) refresh(ctx context.Context) error {
	t := dc.now()
	sum, err := dc.store.RevisionSum(ctx)
	if err != nil {
		return err // what is kept ages, and requests read the database
	}
	dc.mu.RLock()
	unchanged := !dc.sumAt.IsZero() && sum == dc.sum
	since := dc.sumAt
	check := make(map[string]*pluginDocs, len(dc.bySlug))
	ids := make([]int64, 0, len(dc.bySlug))
	for slug, pd := range dc.bySlug {
		if !unchanged || pd.checkedAt.Before(since) {
			check[slug] = pd
			ids = append(ids, pd.id)
		}
	}
	dc.mu.RUnlock()
	revisions, err := dc.store.PluginRevisions(ctx, ids)
	if err != nil {
		return err
	}
	dc.mu.Lock()
	defer dc.mu.Unlock()
	for slug, pd := range dc.bySlug {
		rev, checked := revisions[pd.id]
		switch {
		case t.Sub(time.Unix(0, pd.lastUsed.Load())) > docIdle:
			dc.drop(slug)
		case check[slug] == pd && (!checked || rev != pd.revision):
			dc.drop(slug)
		case check[slug] == pd || (unchanged && !pd.checkedAt.Before(since)):
			if t.After(pd.checkedAt) {
				pd.checkedAt = t
			}
		}
	}
	dc.sum, dc.sumAt = sum, t
	return nil
}

// RefreshCache checks what the server keeps of published plugins against
// the database at once (see DefaultDocTTL).
func (s *Server) RefreshCache(ctx context.Context) error { return s.docs.refresh(ctx) }

// WatchCache checks what the server keeps against the database every
// interval until ctx ends; while checking fails, kept representations age
// out and requests read the database.
func (s *Server) WatchCache(ctx context.Context, interval time.Duration) {
	watch.Every(ctx, interval, s.RefreshCache, s.log, "checking kept plugin representations", "requests read the database meanwhile")
}
