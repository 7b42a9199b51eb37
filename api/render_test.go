package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// tricky are strings whose encodings differ between careless JSON
// encoders: markup, separators JavaScript reads as line ends, invalid
// UTF-8, control characters, quotes and backslashes, other scripts.
var tricky = []string{
	"", "plain", `<em>Portes</em> & "Ouvertes"`, "a\u2028b\u2029c", "bad \xff\xfe utf-8", "ctl \x00\x01\x1f\x7f",
	`back\slash "quote" 'single'`, "الدعاية المضادة", "émoji 🕊️ ", "</script><script>alert(1)</script>", "\t\n\r",
}

func FuzzWriteJSONMatchesEncodingJSON(f *testing.F) {
	for i, s := range tricky {
		f.Add(s, tricky[(i+1)%len(tricky)], i)
	}
	f.Fuzz(func(t *testing.T, name, summary string, n int) {
		// Facet values are valid UTF-8 (they are validated, or decoded from
		// JSON): two invalid keys would both be written as U+FFFD.
		facet := map[string]int{"z": 0, "a": 1}
		for i, k := range []string{name, summary} {
			if utf8.ValidString(k) {
				facet[k] = n * (1 - 2*i)
			}
		}
		v := SearchResponse{
			Hits: []SearchHit{{Slug: "s-1", Name: name, Summary: summary, Categories: []string{summary, name}, Languages: nil,
				Tags: []string{}, UpdatedAt: time.Date(2016, 1, 23, 9, 0, 0, 123456789, time.UTC),
				Highlight: SearchHighlight{Name: "<em>" + name + "</em>", Summary: summary}}},
			Facets: map[string]map[string]int{"category": facet, "language": {}},
			Total:  n, Limit: 20, Offset: 0, ProcessingTimeMS: int64(n) << 20, Engine: "meilisearch",
		}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		gin.SetMode(gin.TestMode)
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		if err := writeJSON(c, http.StatusOK, v); err != nil {
			t.Fatal(err)
		}
		// The same document as encoding/json's, as safe to embed in HTML;
		// the bytes may differ: goccy escapes \f as \u000c and sorts object
		// keys as written, quotes included ("0 " before "0").
		got := w.Body.Bytes()
		if !sameJSON(t, got, want) {
			t.Fatalf("writeJSON wrote\n%s\nencoding/json writes\n%s", got, want)
		}
		for _, unsafe := range []string{"<", ">", "&", "\u2028", "\u2029"} {
			if bytes.Contains(got, []byte(unsafe)) {
				t.Fatalf("writeJSON wrote %q unescaped:\n%s", unsafe, got)
			}
		}
		if got := w.Header().Get("Content-Length"); got != strconv.Itoa(w.Body.Len()) {
			t.Errorf("Content-Length %q for %d bytes", got, w.Body.Len())
		}
		if got := w.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
			t.Errorf("Content-Type %q", got)
		}
	})
}

func sameJSON(t *testing.T, a, b []byte) bool {
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("invalid JSON %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(va, vb)
}
