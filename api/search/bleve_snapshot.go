package search

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// The entries of an index, as searches use them, are also written to one
// file next to the index directory (its name and entriesSuffix) when the
// engine closes and when a reindex has built the index, so that opening
// reads that file instead of every stored document: one read and one pass
// over a compact binary form, where reading the stored documents back
// costs a lookup, a decompression and a JSON decoding per document. The
// file holds a random stamp that the index also records (entriesKey, in
// Bleve's internal storage, written after the file); every write to the
// index removes the index's copy in the same batch, so a file whose stamp
// is not the index's own describes another state of it and is ignored, and
// the documents are read back as before.
const (
	entriesSuffix = ".entries"
	entriesMagic  = "riposte-entries-1\n"
)

var entriesKey = []byte("riposte.entries")

// entriesPath is where the entries of index name are kept.
func entriesPath(dir, name string) string {
	return filepath.Join(dir, name+entriesSuffix)
}

// saveEntries writes the index's entries and records their stamp in the
// index, unless the index already holds the stamp of a file describing it.
// Writes wait meanwhile.
func (ix *bleveIndex) saveEntries(dir string) error {
	ix.writing.Lock()
	defer ix.writing.Unlock()
	if ix.saved {
		return nil
	}
	var stamp [16]byte
	rand.Read(stamp[:])
	ix.docsMu.RLock()
	data := encodeEntries(stamp[:], ix.docs)
	ix.docsMu.RUnlock()
	if err := writeFileAtomically(entriesPath(dir, ix.name), data); err != nil {
		return fmt.Errorf("embedded search: save entries: %w", err)
	}
	if err := ix.idx.SetInternal(entriesKey, stamp[:]); err != nil {
		return fmt.Errorf("embedded search: save entries: %w", err)
	}
	ix.saved = true
	return nil
}

// loadEntries returns the entries kept for an index, or nil when there is
// no file, or one that does not describe the index as it is.
func loadEntries(dir, name string, idx bleve.Index, an *analyzers) map[string]*entry {
	stamp, err := idx.GetInternal(entriesKey)
	if err != nil || len(stamp) == 0 {
		return nil
	}
	data, err := os.ReadFile(entriesPath(dir, name))
	if err != nil {
		return nil
	}
	docs, ok := decodeEntries(data, stamp, an)
	if !ok {
		return nil
	}
	if n, err := idx.DocCount(); err != nil || n != uint64(len(docs)) {
		return nil
	}
	return docs
}

func writeFileAtomically(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+"-*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// encodeEntries writes the magic, the stamp, the number of entries, then
// each entry: its document without its description (entries do not keep
// it), its sort key and its field lengths. Strings are a length and bytes,
// lists their length plus one (0 for nil) and strings, numbers varints.
func encodeEntries(stamp []byte, docs map[string]*entry) []byte {
	w := entryWriter{b: make([]byte, 0, 64+300*len(docs))}
	w.b = append(w.b, entriesMagic...)
	w.str(string(stamp))
	w.uint(uint64(len(docs)))
	for _, e := range docs {
		d := &e.doc
		w.str(d.Slug)
		w.str(d.Name)
		w.str(d.Summary)
		for _, l := range [...][]string{d.Tags, d.Categories, d.Languages, d.Hackathons, d.Badges} {
			if l == nil {
				w.uint(0)
				continue
			}
			w.uint(uint64(len(l)) + 1)
			for _, s := range l {
				w.str(s)
			}
		}
		w.str(d.License)
		w.str(d.Runtime)
		w.int(int64(d.Trust))
		var flags uint64
		if d.Restricted {
			flags |= 1
		}
		if d.Publisher != nil {
			flags |= 2
			if d.Publisher.Verified {
				flags |= 4
			}
		}
		if d.UpdatedAt.IsZero() {
			flags |= 8
		}
		w.uint(flags)
		if d.Publisher != nil {
			w.str(d.Publisher.Slug)
			w.str(d.Publisher.Name)
		}
		w.int(e.updated)
		w.int(d.Revision)
		w.str(e.sortKey)
		for _, n := range e.lengths {
			w.uint(uint64(n))
		}
	}
	return w.b
}

type entryWriter struct{ b []byte }

func (w *entryWriter) uint(n uint64) { w.b = binary.AppendUvarint(w.b, n) }
func (w *entryWriter) int(n int64)   { w.b = binary.AppendVarint(w.b, n) }
func (w *entryWriter) str(s string) {
	w.uint(uint64(len(s)))
	w.b = append(w.b, s...)
}

var errEntries = errors.New("malformed entries")

// entryReader reads what entryWriter wrote. Its strings share one copy of
// the file, and the entries, their lists and publishers are allocated in
// a few large arrays: opening makes few objects for the collector to scan.
type entryReader struct {
	s    string
	err  error
	strs []string // the lists' storage
}

// uint reads what binary.AppendUvarint wrote.
func (r *entryReader) uint() uint64 {
	var n uint64
	for i := 0; i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		c := r.s[i]
		n |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			r.s = r.s[i+1:]
			return n
		}
	}
	r.err, r.s = errEntries, ""
	return 0
}

// int reads what binary.AppendVarint wrote.
func (r *entryReader) int() int64 {
	u := r.uint()
	n := int64(u >> 1)
	if u&1 != 0 {
		n = ^n
	}
	return n
}

func (r *entryReader) str() string {
	n := r.uint()
	if n > uint64(len(r.s)) {
		r.err, r.s = errEntries, ""
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

// list reads a list into the reader's storage: its length plus one, 0
// for nil, then its strings.
func (r *entryReader) list() []string {
	n := r.uint()
	switch {
	case n == 0:
		return nil
	case n-1 > uint64(len(r.s)):
		r.err, r.s = errEntries, ""
		return nil
	case n == 1:
		return []string{}
	}
	n--
	if len(r.strs) < int(n) {
		r.strs = make([]string, max(int(n), 4096))
	}
	out := r.strs[:n:n]
	r.strs = r.strs[n:]
	for i := range out {
		out[i] = r.str()
	}
	return out
}

func decodeEntries(data, stamp []byte, an *analyzers) (map[string]*entry, bool) {
	if !bytes.HasPrefix(data, []byte(entriesMagic)) {
		return nil, false
	}
	r := entryReader{s: string(data[len(entriesMagic):])}
	if r.str() != string(stamp) {
		return nil, false
	}
	n := r.uint()
	if r.err != nil || n > uint64(len(r.s)) {
		return nil, false
	}
	entries := make([]entry, n)
	var pubs []Publisher
	docs := make(map[string]*entry, n)
	for i := range entries {
		e := &entries[i]
		e.an = an
		d := &e.doc
		d.Slug, d.Name, d.Summary = r.str(), r.str(), r.str()
		d.Tags, d.Categories, d.Languages, d.Hackathons, d.Badges = r.list(), r.list(), r.list(), r.list(), r.list()
		d.License, d.Runtime = r.str(), r.str()
		d.Trust = int(r.int())
		flags := r.uint()
		d.Restricted = flags&1 != 0
		if flags&2 != 0 {
			if len(pubs) == 0 {
				pubs = make([]Publisher, 1024)
			}
			d.Publisher = &pubs[0]
			pubs = pubs[1:]
			d.Publisher.Slug, d.Publisher.Name, d.Publisher.Verified = r.str(), r.str(), flags&4 != 0
		}
		e.updated = r.int()
		if flags&8 == 0 {
			d.UpdatedAt = time.Unix(0, e.updated).UTC()
		}
		d.Revision = r.int()
		e.sortKey = r.str()
		for j := range e.lengths {
			e.lengths[j] = int(r.uint())
		}
		if r.err != nil {
			return nil, false
		}
		docs[d.Slug] = e
	}
	if r.err != nil || r.s != "" || len(docs) != len(entries) {
		return nil, false
	}
	return docs, true
}
