package api

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/store"
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
// store.OnPluginsChanged); other replicas serve an entry for at most
// DefaultDocTTL after reading it. A representation that depends on the
// caller says Cache-Control: private, no-store and is never kept.
const (
	// DefaultDocTTL is how long a process serves a kept representation
	// without reading the database: the delay within which a change made
	// on another replica, such as a takedown, shows on this one.
	DefaultDocTTL = 5 * time.Second
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
// plugins are public; a rule that makes a plugin's visibility depend on
// the caller belongs here too, and keeps its responses out of every cache.
func pluginPolicy(p store.Plugin, personal bool) cachePolicy {
	if p.Status != store.StatusPublished || personal {
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
// then by what is represented (the plugin, a page of its versions...).
type docCache struct {
	ttl time.Duration
	now func() time.Time

	mu     sync.RWMutex
	bySlug map[string]map[string]*doc
	bytes  int
	gen    uint64 // counts invalidations; a read that spans one is not kept
}

func newDocCache(ttl time.Duration, now func() time.Time) *docCache {
	return &docCache{ttl: ttl, now: now, bySlug: map[string]map[string]*doc{}}
}

// get returns a kept representation read less than the cache's ttl ago,
// or nil.
func (dc *docCache) get(slug, key string) *doc {
	dc.mu.RLock()
	d := dc.bySlug[slug][key]
	dc.mu.RUnlock()
	if d == nil {
		return nil
	}
	if age := dc.now().Sub(d.storedAt); age < 0 || age >= dc.ttl {
		return nil
	}
	return d
}

// generation is taken before reading the database for a representation,
// and given back to put.
func (dc *docCache) generation() (uint64, time.Time) {
	dc.mu.RLock()
	defer dc.mu.RUnlock()
	return dc.gen, dc.now()
}

// put keeps a public representation read at readAt, unless a plugin
// changed in this process since gen.
func (dc *docCache) put(slug, key string, d *doc, gen uint64, readAt time.Time) {
	if d.policy != publicPolicy || dc.ttl <= 0 {
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
	d.storedAt = readAt
	docs := dc.bySlug[slug]
	if docs == nil {
		docs = map[string]*doc{}
		dc.bySlug[slug] = docs
	}
	if old := docs[key]; old != nil {
		dc.bytes -= len(old.body)
	}
	docs[key] = d
	dc.bytes += len(d.body)
}

// invalidate drops what is kept of plugins that changed; the store calls
// it after each commit that changes plugins.
func (dc *docCache) invalidate(slugs []string) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	dc.gen++
	for _, slug := range slugs {
		for _, d := range dc.bySlug[slug] {
			dc.bytes -= len(d.body)
		}
		delete(dc.bySlug, slug)
	}
}
