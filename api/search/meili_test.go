package search_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/search/searchtest"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// meiliServer returns the URL and key of the test Meilisearch, skipping
// the test when there is none.
func meiliServer(t *testing.T) (string, string) {
	t.Helper()
	u := storetest.SkipUnlessSet(t, "RIPOSTE_TEST_MEILI_URL", "http://127.0.0.1:7700")
	return u, os.Getenv("RIPOSTE_TEST_MEILI_KEY")
}

// uniqueIndex returns a new index name, deleted with its reindex leftovers
// when the test ends.
func uniqueIndex(t *testing.T, u, key string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "test-" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		meilisearch.New(u, meilisearch.WithAPIKey(key)).DeleteIndexWithContext(ctx, name)
	})
	return name
}

func openMeili(t *testing.T, u, key, index string) *search.Meili {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := search.NewMeili(ctx, u, key, index)
	if err != nil {
		t.Fatalf("open meilisearch: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestMeiliBehaviour(t *testing.T) {
	u, key := meiliServer(t)
	searchtest.Run(t, func(t *testing.T) search.Engine {
		return openMeili(t, u, key, uniqueIndex(t, u, key))
	})
}

// settingsTasks counts the settings updates Meilisearch received for an
// index.
func settingsTasks(t *testing.T, u, key, index string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := meilisearch.New(u, meilisearch.WithAPIKey(key)).GetTasksWithContext(ctx, &meilisearch.TasksQuery{
		IndexUIDS: []string{index}, Types: []meilisearch.TaskType{meilisearch.TaskTypeSettingsUpdate}, Limit: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r.Total
}

func TestMeiliAppliesSettingsOnce(t *testing.T) {
	u, key := meiliServer(t)
	index := uniqueIndex(t, u, key)
	openMeili(t, u, key, index)
	if n := settingsTasks(t, u, key, index); n != 1 {
		t.Fatalf("a new index got %d settings updates, want 1", n)
	}
	openMeili(t, u, key, index)
	if n := settingsTasks(t, u, key, index); n != 1 {
		t.Errorf("opening an index with the right settings updated them again: %d settings updates", n)
	}
}

// Opening an existing index whose settings differ from Riposte's (as after
// an upgrade that ranks on a new field) reports it outdated, once; a new
// index, or one with the right settings, is not.
func TestMeiliReportsAnIndexBuiltUnderOtherSettings(t *testing.T) {
	u, key := meiliServer(t)
	index := uniqueIndex(t, u, key)
	if openMeili(t, u, key, index).TakeOutdated() {
		t.Fatal("a new index is reported outdated")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := meilisearch.New(u, meilisearch.WithAPIKey(key))
	task, err := client.Index(index).UpdateSortableAttributesWithContext(ctx, &[]string{"name_sort"})
	if err == nil {
		_, err = client.WaitForTaskWithContext(ctx, task.TaskUID, 50*time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	m := openMeili(t, u, key, index)
	if !m.TakeOutdated() {
		t.Fatal("an index built under other settings is not reported outdated")
	}
	if m.TakeOutdated() {
		t.Error("the outdated index is reported twice")
	}
	if openMeili(t, u, key, index).TakeOutdated() {
		t.Error("an index with the right settings is reported outdated")
	}
}

func TestMeiliReportsFailedTasks(t *testing.T) {
	u, key := meiliServer(t)
	m := openMeili(t, u, key, uniqueIndex(t, u, key))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := m.Upsert(ctx, []search.Document{{Slug: "not a valid id!", Name: "Broken"}})
	if err == nil {
		t.Fatal("upserting a document Meilisearch rejects succeeded")
	}
	if !strings.Contains(err.Error(), "invalid_document_id") {
		t.Errorf("the error does not say why the task failed: %v", err)
	}
	if errors.Is(err, search.ErrUnavailable) {
		t.Errorf("a rejected document is not an outage: %v", err)
	}
}

// within fails the test unless fn returns within a bound no deadline of
// the engine should reach.
func within[T any](t *testing.T, fn func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- fn() }()
	select {
	case v := <-done:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("the call hung")
	}
	var zero T
	return zero
}

func wantUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, search.ErrUnavailable) {
		t.Errorf("%s: got %v, want an error wrapping ErrUnavailable", what, err)
	}
}

func TestMeiliUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String()
	l.Close() // nothing listens there any more
	err = within(t, func() error {
		_, err := search.NewMeili(context.Background(), refused, "key", "plugins")
		return err
	})
	wantUnavailable(t, "connection refused", err)
}

func TestMeiliHangingServer(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn // accepted, never answered
	)
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	err = within(t, func() error {
		_, err := search.NewMeili(context.Background(), "http://"+l.Addr().String(), "key", "plugins")
		return err
	})
	wantUnavailable(t, "hanging server", err)
}

// TestMeiliOutage opens an engine through a proxy that answers searches
// in chunks, then cuts an answer short, then hangs or fails, as a
// Meilisearch in trouble would.
func TestMeiliOutage(t *testing.T) {
	u, key := meiliServer(t)
	target, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	var mode atomic.Value
	mode.Store("up")
	proxy := httputil.NewSingleHostReverseProxy(target)
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode.Load() {
		case "hang":
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-stop:
			}
		case "fail":
			http.Error(w, `{"message":"internal","code":"internal","type":"internal"}`, http.StatusInternalServerError)
		case "chunked", "truncated":
			// The answer without its length (sent in chunks), or cut
			// short of the length it announces.
			rec := httptest.NewRecorder()
			proxy.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			w.Header().Set("Content-Type", "application/json")
			if mode.Load() == "truncated" {
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
				body = body[:len(body)/2]
			}
			w.WriteHeader(rec.Code)
			for len(body) > 0 {
				n := min(len(body), 1000)
				w.Write(body[:n])
				w.(http.Flusher).Flush()
				body = body[n:]
			}
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) }) // runs first: hanging handlers return
	m := openMeili(t, srv.URL, key, uniqueIndex(t, u, key))
	ctx := context.Background()
	doc := search.Document{Slug: "veille", Name: "Veille propagande", Summary: "Repère la propagande",
		Tags: []string{}, Categories: []string{"detection"}, Languages: []string{"fr"}, Hackathons: []string{}, Badges: []string{},
		License: "MIT", Runtime: "none", UpdatedAt: time.Now()}
	if err := m.Upsert(ctx, []search.Document{doc}); err != nil {
		t.Fatal(err)
	}
	query := search.Query{Text: "propagande", Limit: 10, Sort: search.Relevance}
	mode.Store("chunked")
	if res, err := m.Search(ctx, query); err != nil || res.Total != 1 || res.Hits[0].Slug != "veille" ||
		res.Hits[0].Highlight.Summary != "Repère la <em>propagande</em>" {
		t.Fatalf("search answered in chunks: %+v, %v", res, err)
	}
	mode.Store("truncated")
	wantUnavailable(t, "truncated answer: search", within(t, func() error {
		_, err := m.Search(ctx, query)
		return err
	}))
	for _, md := range []string{"hang", "fail"} {
		mode.Store(md)
		// ctx has no deadline: the engine's own apply.
		wantUnavailable(t, md+": search", within(t, func() error {
			_, err := m.Search(ctx, query)
			return err
		}))
		wantUnavailable(t, md+": ping", within(t, func() error { return m.Ping(ctx) }))
		wantUnavailable(t, md+": revisions", within(t, func() error {
			_, err := m.Revisions(ctx)
			return err
		}))
		wantUnavailable(t, md+": delete", within(t, func() error { return m.Delete(ctx, []string{"x"}) }))
	}
}

// A reindex larger than one request sends several, each written while the
// plugins are read, and swaps only once Meilisearch indexed them all.
func TestMeiliReindexSendsSeveralRequests(t *testing.T) {
	u, key := meiliServer(t)
	m := openMeili(t, u, key, uniqueIndex(t, u, key))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.Upsert(ctx, searchtest.Corpus()[:1]); err != nil {
		t.Fatal(err)
	}
	m.SetReindexRequest(3)
	corpus := searchtest.Corpus()
	chunks := func(ctx context.Context, fn func([]search.Document) error) error {
		for chunk := range slices.Chunk(corpus, 2) {
			if err := fn(chunk); err != nil {
				return err
			}
		}
		return nil
	}
	if err := m.Reindex(ctx, chunks); err != nil {
		t.Fatal(err)
	}
	revs, err := m.Revisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != len(corpus) || len(corpus) < 7 {
		t.Fatalf("%d documents indexed, want the corpus's %d (more than two requests)", len(revs), len(corpus))
	}
	for _, d := range corpus {
		if _, ok := revs[d.Slug]; !ok {
			t.Errorf("%s missing after the reindex", d.Slug)
		}
	}
	r, err := m.Search(ctx, search.Query{Text: "propagande", Limit: 5, Sort: search.Relevance})
	if err != nil || r.Total == 0 {
		t.Errorf("search after the reindex: %d hits, %v", r.Total, err)
	}
}
