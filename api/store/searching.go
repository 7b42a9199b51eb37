package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"modernc.org/sqlite"
)

// SearchSource is what the search index needs of one plugin.
type SearchSource struct {
	ID       int64
	Slug     string
	Listed   bool // published with a live version: it belongs in the index
	Name     string
	Summary  string
	Manifest []byte
	// Trust ranks the plugin after relevance, higher first: 1 when it was
	// accepted in an edition, 2 when awarded, plus 1 when its publisher is
	// a verified organisation.
	Trust     int
	Revision  int64
	UpdatedAt time.Time
	Facets    map[string][]string // field → values, the runtime among them
	// Restricted is a plugin whose manifest asks for vetted access: the
	// index gets its name and summary, never its description.
	Restricted bool
	Publisher  *Publisher // the organisation it belongs to, if any
}

// trustSQL is a plugin's trust (see SearchSource.Trust), over the plugin
// p and its organisation o.
const trustSQL = `(p.trust + CASE WHEN o.status = 'verified' THEN 1 ELSE 0 END)`

const sourceColumns = `p.id, p.slug, (p.status = 'published' AND p.latest_version IS NOT NULL), p.name, p.summary,
	p.manifest, ` + trustSQL + `, p.revision, p.updated_at, p.access = 'vetted', o.id, o.slug, o.name, o.status`

const sourceFrom = ` FROM plugins p LEFT JOIN plugin_organizations po ON po.plugin_id = p.id
	LEFT JOIN organizations o ON o.id = po.organization_id `

func scanSource(r interface{ Scan(...any) error }) (SearchSource, error) {
	var (
		s        SearchSource
		manifest *string
		org      publisherColumns
	)
	err := r.Scan(&s.ID, &s.Slug, &s.Listed, &s.Name, &s.Summary, &manifest, &s.Trust, &s.Revision, &s.UpdatedAt,
		&s.Restricted, &org.id, &org.slug, &org.name, &org.status)
	if manifest != nil {
		s.Manifest = []byte(*manifest)
	}
	s.Publisher = org.publisher()
	return s, err
}

// SearchSources returns the plugins with these slugs, with their facets.
// Slugs of plugins that do not exist are left out.
func (s *Store) SearchSources(ctx context.Context, slugs []string) ([]SearchSource, error) {
	if len(slugs) == 0 {
		return nil, nil
	}
	args := make([]any, len(slugs))
	for i, slug := range slugs {
		args[i] = slug
	}
	return s.sources(ctx, `WHERE p.slug IN (`+placeholders(1, len(slugs))+`) ORDER BY p.id`, args...)
}

// ListedSources returns every plugin that belongs in the search index.
func (s *Store) ListedSources(ctx context.Context) ([]SearchSource, error) {
	return s.sources(ctx, `WHERE p.status = 'published' AND p.latest_version IS NOT NULL ORDER BY p.id`)
}

// EachListedSource reads the plugins that belong in the search index in
// order of id, with their facets, and calls fn with each chunk: the
// listed plugins among the next n plugins by id, so at most n, and never
// none. A reindex holds one chunk at a time rather than the catalogue.
// Each chunk is its own query (after the last id seen), so no read stays
// open while fn works; a plugin changed meanwhile may be read before or
// after its change, which the caller must catch up with. It stops at fn's
// first error and returns it.
func (s *Store) EachListedSource(ctx context.Context, n int, fn func([]SearchSource) error) error {
	if n <= 0 {
		return fmt.Errorf("search sources: chunk size %d", n)
	}
	for after := int64(0); ; {
		// The chunk is bounded by ids first, then filtered: a planner that
		// expects few listed plugins after an id (PostgreSQL without
		// statistics, or misled by the filter) would otherwise read and
		// sort every plugin after it to keep n of them, for each chunk.
		var last *int64
		if err := s.r.QueryRowContext(ctx, listedChunkEnd, after, n).Scan(&last); err != nil {
			return fmt.Errorf("search sources: %w", err)
		}
		if last == nil {
			return nil
		}
		list, err := s.sources(ctx, listedChunk, after, *last)
		if err != nil {
			return err
		}
		if len(list) > 0 {
			if err := fn(list); err != nil {
				return err
			}
		}
		after = *last
	}
}

// listedChunkEnd is the id of the n-th plugin after an id ($1, $2), NULL
// when none is left: a scan of the primary key that stops at n.
const listedChunkEnd = `SELECT MAX(id) FROM (SELECT id FROM plugins WHERE id > $1 ORDER BY id LIMIT $2) c`

// listedChunk selects the listed plugins in ($1, $2]. Concatenating
// p.status with the empty string keeps SQLite from reading every
// published plugin through the index on (status, updated_at): the
// primary key gives the range in order.
const listedChunk = `WHERE p.status || '' = 'published' AND p.latest_version IS NOT NULL AND p.id > $1 AND p.id <= $2
	ORDER BY p.id`

// sources returns the plugins that tail (WHERE … ORDER BY …) selects.
func (s *Store) sources(ctx context.Context, tail string, args ...any) ([]SearchSource, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+sourceColumns+sourceFrom+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("search sources: %w", err)
	}
	list, err := collect(rows, scanSource)
	if err != nil {
		return nil, fmt.Errorf("search sources: %w", err)
	}
	return list, s.attachFacets(ctx, list)
}

// attachFacets loads the facets of the listed plugins.
func (s *Store) attachFacets(ctx context.Context, list []SearchSource) error {
	byID := make(map[int64]*SearchSource, len(list))
	for i := range list {
		list[i].Facets = map[string][]string{}
		byID[list[i].ID] = &list[i]
	}
	// In chunks, to stay under the databases' limits on parameters.
	for start := 0; start < len(list); start += 500 {
		chunk := list[start:min(start+500, len(list))]
		args := make([]any, len(chunk))
		for i, src := range chunk {
			args[i] = src.ID
		}
		rows, err := s.r.QueryContext(ctx, `SELECT plugin_id, field, value FROM plugin_facets
			WHERE plugin_id IN (`+placeholders(1, len(chunk))+`) ORDER BY plugin_id, field, value`, args...)
		if err != nil {
			return fmt.Errorf("facets: %w", err)
		}
		for rows.Next() {
			var (
				id           int64
				field, value string
			)
			if err := rows.Scan(&id, &field, &value); err != nil {
				rows.Close()
				return fmt.Errorf("facets: %w", err)
			}
			src := byID[id]
			src.Facets[field] = append(src.Facets[field], value)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("facets: %w", err)
		}
	}
	return nil
}

// placeholders returns "$from, $from+1, …" for n parameters.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// PlainSearch is a search the database answers when the search engine
// cannot: every word must appear in the name, the summary or a tag, and
// every filter must hold. Words match ignoring case and accents, anywhere
// in a word (so a word's beginning finds it); on PostgreSQL a word of
// typoMinLetters letters or more also matches a word close to it in
// spelling (trigram similarity). A word with synonyms is also found by any
// of them.
type PlainSearch struct {
	Words   []string
	Filters map[string][]string // facet field → accepted values
	Sort    string              // "relevance", "newest" or "name"
	Limit   int
	Offset  int
	Facets  []string // facet fields to count
	// PreferCategory, when set and sorting by relevance, lists the
	// plugins of that category first.
	PreferCategory string

	// Synonyms holds, for words that have some, the other terms that
	// match in their place.
	Synonyms map[string][]string
}

// PlainResult is a page of matching plugins, their number, and facet
// counts over all of them — except that values of one field are OR-ed, so
// a field the search filters has its values counted over the plugins
// passing every filter but its own: a value's count is what filtering on
// it alone, instead, finds.
type PlainResult struct {
	Sources []SearchSource
	Total   int
	Facets  map[string]map[string]int
}

// SearchPlain runs a PlainSearch over listed plugins.
func (s *Store) SearchPlain(ctx context.Context, q PlainSearch) (PlainResult, error) {
	where, args := plainWhere(q, s.dialect == Postgres)
	var res PlainResult
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM plugins p `+where, args...).Scan(&res.Total); err != nil {
		return res, fmt.Errorf("plain search: %w", err)
	}
	order := map[string]string{
		"newest": `p.updated_at DESC, p.id DESC`,
		"name":   `LOWER(p.name), p.id`,
	}[q.Sort]
	listArgs := slices.Clip(args)
	if order == "" {
		order = trustSQL + ` DESC, p.updated_at DESC, p.id DESC`
		if q.PreferCategory != "" {
			listArgs = append(listArgs, q.PreferCategory)
			order = fmt.Sprintf(`CASE WHEN EXISTS (SELECT 1 FROM plugin_facets f WHERE f.plugin_id = p.id
				AND f.field = 'category' AND f.value = $%d) THEN 0 ELSE 1 END, `, len(listArgs)) + order
		}
	}
	n := len(listArgs)
	list, err := s.sources(ctx, where+` ORDER BY `+order+fmt.Sprintf(` LIMIT $%d OFFSET $%d`, n+1, n+2), append(listArgs, q.Limit, q.Offset)...)
	if err != nil {
		return res, err
	}
	res.Sources = list
	res.Facets, err = s.plainFacets(ctx, q, where, args)
	return res, err
}

// Typos the PostgreSQL fallback tolerates: words shorter than
// typoMinLetters must match exactly (as the search engines allow no typo
// in words of four letters or fewer); longer ones also match a word whose
// strict word similarity (pg_trgm) reaches typoSimilarity, which accepts
// "rummeur" for "rumeurs" (0.45) and refuses "crise" for "prise" (0.33).
const (
	typoMinLetters = 5
	typoSimilarity = 0.4
)

// plainWhere builds the WHERE clause of a PlainSearch; fuzzy adds typo
// tolerance, which needs PostgreSQL's riposte_similarity.
func plainWhere(q PlainSearch, fuzzy bool) (string, []any) {
	var (
		conds = []string{`p.status = 'published'`, `p.latest_version IS NOT NULL`}
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	for _, w := range q.Words {
		conds = append(conds, wordCondition(w, q.Synonyms[w], arg, fuzzy))
	}
	for _, field := range slices.Sorted(maps.Keys(q.Filters)) {
		values := q.Filters[field]
		if len(values) == 0 {
			continue
		}
		fa := arg(field)
		in := make([]string, len(values))
		for i, v := range values {
			in[i] = arg(v)
		}
		conds = append(conds, `EXISTS (SELECT 1 FROM plugin_facets f WHERE f.plugin_id = p.id AND f.field = `+fa+
			` AND f.value IN (`+strings.Join(in, ", ")+`))`)
	}
	return `WHERE ` + strings.Join(conds, " AND "), args
}

// wordCondition holds when word, or one of its synonyms, appears in a
// plugin's name, summary or a tag; arg adds a query parameter and returns
// its placeholder. Only the word itself tolerates typos.
func wordCondition(word string, synonyms []string, arg func(any) string, fuzzy bool) string {
	patterns := make([]string, 0, 1+len(synonyms))
	for _, w := range append([]string{word}, synonyms...) {
		patterns = append(patterns, arg(escapeLike(w)))
	}
	match := func(col string) string {
		alts := make([]string, len(patterns))
		for i, pa := range patterns {
			alts[i] = `riposte_fold(` + col + `) LIKE '%' || riposte_fold(` + pa + `) || '%' ESCAPE '\'`
		}
		if len(alts) == 1 {
			return alts[0]
		}
		return `(` + strings.Join(alts, ` OR `) + `)`
	}
	if fuzzy && utf8.RuneCountInString(word) >= typoMinLetters {
		wa, ta := arg(word), arg(typoSimilarity)
		exact := match
		match = func(col string) string {
			return `(` + exact(col) + ` OR riposte_similarity(` + wa + `, ` + col + `) >= ` + ta + `)`
		}
	}
	return `(` + match(`p.name`) + ` OR ` + match(`p.summary`) + `
		OR EXISTS (SELECT 1 FROM plugin_facets t WHERE t.plugin_id = p.id AND t.field = 'tag' AND ` + match(`t.value`) + `))`
}

// fold returns s in lower case without accents (marks of decomposed
// letters) and with the ligatures œ, æ and ß spelt out, as PostgreSQL's
// lower(unaccent(…)) does, so that "Désinformation" and "desinformation"
// compare equal.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return ligatures.Replace(strings.ToLower(out))
}

var ligatures = strings.NewReplacer("œ", "oe", "æ", "ae", "ß", "ss")

// sqliteFold is riposte_fold(text) for SQLite: fold, with NULL for NULL.
func sqliteFold(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	switch v := args[0].(type) {
	case nil:
		return nil, nil
	case string:
		return fold(v), nil
	case []byte:
		return fold(string(v)), nil
	default:
		return fold(fmt.Sprint(v)), nil
	}
}

// The fallback search calls riposte_fold on SQLite as on PostgreSQL, where
// a migration defines it. Like a database/sql driver, it is registered once
// for the process.
func init() { sqlite.MustRegisterDeterministicScalarFunction("riposte_fold", 1, sqliteFold) }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// plainFacets counts the values of q.Facets over the plugins where
// selects, those of a field q filters over the plugins passing every other
// filter (see PlainResult): one query for the fields q does not filter,
// one for each field it does.
func (s *Store) plainFacets(ctx context.Context, q PlainSearch, where string, args []any) (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	var unfiltered []string
	for _, f := range q.Facets {
		out[f] = map[string]int{}
		if len(q.Filters[f]) == 0 {
			unfiltered = append(unfiltered, f)
			continue
		}
		others := q
		others.Filters = maps.Clone(q.Filters)
		delete(others.Filters, f)
		w, a := plainWhere(others, s.dialect == Postgres)
		if err := s.countFacets(ctx, out, []string{f}, w, a); err != nil {
			return nil, err
		}
	}
	if len(unfiltered) == 0 {
		return out, nil
	}
	return out, s.countFacets(ctx, out, unfiltered, where, args)
}

// countFacets adds to out the counts of the fields' values over the
// plugins where selects.
func (s *Store) countFacets(ctx context.Context, out map[string]map[string]int, fields []string, where string, args []any) error {
	fargs := append([]any{}, args...)
	in := make([]string, len(fields))
	for i, f := range fields {
		fargs = append(fargs, f)
		in[i] = fmt.Sprintf("$%d", len(fargs))
	}
	rows, err := s.r.QueryContext(ctx, `SELECT field, value, COUNT(*) FROM plugin_facets
		WHERE field IN (`+strings.Join(in, ", ")+`) AND plugin_id IN (SELECT p.id FROM plugins p `+where+`)
		GROUP BY field, value`, fargs...)
	if err != nil {
		return fmt.Errorf("plain facets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			field, value string
			n            int
		)
		if err := rows.Scan(&field, &value, &n); err != nil {
			return fmt.Errorf("plain facets: %w", err)
		}
		out[field][value] = n
	}
	return rows.Err()
}
