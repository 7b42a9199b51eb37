package search

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/document"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func indented(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// The settings an index is opened with stay the same from one release to
// the next unless they are meant to change: a change makes Meilisearch
// index every document again.
func TestMeiliSettingsStayTheSame(t *testing.T) {
	golden(t, "meili-settings.json", indented(t, meiliSettings()))
}

// A search asks Meilisearch for the same things from one release to the
// next.
func TestMeiliRequestStaysTheSame(t *testing.T) {
	q := Query{Text: "propagande", Sort: Newest, Limit: 20, Offset: 40, Filters: map[Field][]string{
		Category: {"detection", "research"}, Badge: {"accepted"}, Tag: {"bots"}}}
	golden(t, "meili-request.json", indented(t, meiliRequest(q)))
	multi, _ := meiliMultiSearch(q, "plugins", meiliRequest(q))
	golden(t, "meili-multisearch.json", indented(t, multi))
}

// A document is stored in Meilisearch under the same attributes from one
// release to the next.
func TestMeiliDocumentStaysTheSame(t *testing.T) {
	d := Document{Slug: "s", Name: "Écoles\x00", Summary: "sum", Description: "desc", Tags: []string{"t\x01"},
		Categories: []string{"c"}, Languages: []string{"fr"}, License: "MIT\x02", Runtime: "http",
		Hackathons: []string{"h"}, Badges: []string{"accepted"}, Trust: 1,
		UpdatedAt: time.Date(2016, 1, 23, 9, 0, 0, 0, time.FixedZone("", 3600)), Revision: 7}
	golden(t, "meili-document.json", indented(t, toMeili(d)))
}

// The embedded index holds the same fields, analysed the same way, from
// one release to the next, so that an index built by an earlier release
// keeps answering.
func TestBleveDocumentStaysTheSame(t *testing.T) {
	an, err := newAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	d := Document{Slug: "s", Name: "Les Élections", Summary: "Détecter la propagande", Description: "الدعاية policies",
		Tags: []string{"bots", "désinformation"}, Categories: []string{"detection"}, Languages: []string{"fr"},
		License: "MIT", Runtime: "http", Hackathons: []string{"paris-2016"}, Badges: []string{"accepted"}}
	doc, _, err := an.document(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, f := range doc.Fields {
		fmt.Fprintf(&b, "%s (%v):", f.Name(), f.Options())
		f.Analyze()
		if tf, ok := f.(*document.TextField); ok && f.Name() != srcField && f.Name() != lengthsField {
			var terms []string
			for _, freq := range tf.AnalyzedTokenFrequencies() {
				terms = append(terms, string(freq.Term))
			}
			slices.Sort(terms)
			fmt.Fprintf(&b, " %s", strings.Join(terms, " "))
		} else {
			fmt.Fprintf(&b, " %s", f.Value())
		}
		b.WriteByte('\n')
	}
	golden(t, "bleve-document.txt", b.Bytes())
}
