package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// ImportPlugin is a plugin to import: registered, its versions stored, the
// last displayed (Latest, with its facets) and, with Published, published.
type ImportPlugin struct {
	Slug      string
	OwnerID   int64
	Versions  []NewPluginVersion
	Latest    Latest
	Published bool
	// NameKeys are the keys under which its names are found (see
	// SetPluginNames); the registry gives its slug's and its name's.
	NameKeys []string
}

// importRows is how many rows one INSERT of an import holds at most, and
// importParams how many parameters (PostgreSQL allows 65,535).
//
// On SQLite a statement costs no round trip, but binding its parameters
// costs time that grows with the square of their number: the driver
// looks up each parameter's value among all the arguments, and SQLite
// each numbered parameter's name among all the names. At 1,000 rows of
// 13 columns that came to 4.4 ms per plugin, seven times the ordinary
// methods. There the statements take anonymous parameters (?), which
// SQLite numbers without a look-up, and at most sqliteImportParams of
// them (SQLite's limit before 3.32), so that the driver's look-up stays
// short: an import costs about the same with 200 to 1,000 of them.
const (
	importRows         = 1000
	importParams       = 30000
	sqliteImportParams = 999
)

// ImportPlugins writes many new plugins at once and returns their ids, in
// the order given. It leaves the same rows as, for each plugin,
// InsertPlugin, InsertVersion for each version, SetLatest, SetPluginNames
// and, when Published, PublishPlugin, in the caller's transaction: the
// plugin with its revision (three when published, two otherwise), its
// versions, facets and name keys, and, with queue, its search-outbox row
// (whose seq counts the changes, as those methods leave it). Without
// queue, nothing is queued for the search index: the caller indexes with
// a full reindex.
//
// It costs a few statements per thousand rows (on SQLite, per thousand
// parameters) instead of several per plugin, which on PostgreSQL are as
// many round trips. The counter of
// plugin changes (plugin_changes) moves with the inserts, once per
// statement on PostgreSQL and once per plugin on SQLite, as it does for
// any insert. A slug already taken is ErrConflict and nothing is written
// (the caller's transaction is to be rolled back).
func (tx *Tx) ImportPlugins(ctx context.Context, list []ImportPlugin, queue bool) ([]int64, error) {
	if len(list) == 0 {
		return nil, nil
	}
	t := now()
	ids := make(map[string]int64, len(list))
	// The plugins, in their final state.
	err := tx.insertRows(ctx, `INSERT INTO plugins (slug, owner_id, status, revision, latest_version, manifest, runtime, name,
		summary, access, published_at, created_at, updated_at) VALUES `, ` RETURNING id, slug`, 13, len(list),
		func(i int, args []any) []any {
			p := list[i]
			status, revision, published := StatusDraft, 2, any(nil)
			if p.Published {
				status, revision, published = StatusPublished, 3, t
			}
			l := p.Latest
			var manifest *string
			if l.Manifest != nil {
				s := string(l.Manifest)
				manifest = &s
			}
			access := l.Access
			if access == "" {
				access = "public"
			}
			return append(args, p.Slug, p.OwnerID, status, revision, l.Version, manifest, l.Runtime, l.Name, l.Summary,
				access, published, t, t)
		},
		func(scan func(...any) error) error {
			var (
				id   int64
				slug string
			)
			if err := scan(&id, &slug); err != nil {
				return err
			}
			ids[slug] = id
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("import plugins: %w", mapError(err))
	}
	out := make([]int64, len(list))
	for i, p := range list {
		id, ok := ids[p.Slug]
		if !ok {
			return nil, fmt.Errorf("import plugins: %q: %w", p.Slug, ErrConflict) // the same slug twice in list
		}
		out[i] = id
	}

	// Versions, facets and name keys: one row each.
	type versionRow struct {
		id int64
		v  NewPluginVersion
	}
	type facetRow struct {
		id           int64
		field, value string
	}
	type nameRow struct {
		id  int64
		key string
	}
	var (
		versions []versionRow
		facets   []facetRow
		names    []nameRow
	)
	for i, p := range list {
		for _, v := range p.Versions {
			versions = append(versions, versionRow{out[i], v})
		}
		seen := map[facetRow]bool{}
		for field, values := range p.Latest.facets() {
			for _, v := range values {
				r := facetRow{out[i], field, v}
				if !seen[r] {
					seen[r] = true
					facets = append(facets, r)
				}
			}
		}
		keys := map[string]bool{}
		for _, k := range p.NameKeys {
			if k != "" && !keys[k] {
				keys[k] = true
				names = append(names, nameRow{out[i], k})
			}
		}
	}
	err = tx.insertRows(ctx, `INSERT INTO plugin_versions (plugin_id, version, version_key, manifest, sha256, created_by, created_at) VALUES `,
		"", 7, len(versions), func(i int, args []any) []any {
			r := versions[i]
			return append(args, r.id, r.v.Version, r.v.Key, string(r.v.Manifest), r.v.SHA256, r.v.CreatedBy, t)
		}, nil)
	if err != nil {
		return nil, fmt.Errorf("import plugins: versions: %w", mapError(err))
	}
	err = tx.insertRows(ctx, `INSERT INTO plugin_facets (plugin_id, field, value) VALUES `, ` ON CONFLICT DO NOTHING`, 3, len(facets),
		func(i int, args []any) []any { return append(args, facets[i].id, facets[i].field, facets[i].value) }, nil)
	if err != nil {
		return nil, fmt.Errorf("import plugins: facets: %w", mapError(err))
	}
	err = tx.insertRows(ctx, `INSERT INTO plugin_names (plugin_id, name_key, key_len, head, tail) VALUES `, ` ON CONFLICT DO NOTHING`, 5,
		len(names), func(i int, args []any) []any {
			n, head, tail := buckets(names[i].key)
			return append(args, names[i].id, names[i].key, n, head, tail)
		}, nil)
	if err != nil {
		return nil, fmt.Errorf("import plugins: names: %w", mapError(err))
	}
	if !queue {
		return out, nil
	}
	// The outbox: SetLatest queued each plugin once, PublishPlugin again.
	err = tx.insertRows(ctx, `INSERT INTO search_outbox (slug, seq, pending_since, changed_at, next_attempt_at) VALUES `,
		` ON CONFLICT (slug) DO UPDATE SET seq = search_outbox.seq + excluded.seq, changed_at = excluded.changed_at,
			next_attempt_at = excluded.next_attempt_at`, 5, len(list), func(i int, args []any) []any {
			seq := 1
			if list[i].Published {
				seq = 2
			}
			return append(args, list[i].Slug, seq, t, t, t)
		}, nil)
	if err != nil {
		return nil, fmt.Errorf("import plugins: queue for indexing: %w", mapError(err))
	}
	for _, p := range list {
		tx.PluginChanged(p.Slug)
	}
	return out, nil
}

// insertRows inserts n rows of cols columns with as few statements as
// the limits allow: head, then "($1, …), (…)" for each row (on SQLite
// "(?, …)"), then tail.
// row appends row i's values to args; scan, when not nil, reads each row
// the statement returns.
func (tx *Tx) insertRows(ctx context.Context, head, tail string, cols, n int,
	row func(i int, args []any) []any, scan func(func(...any) error) error) error {
	per, anonymous := min(importRows, importParams/cols), tx.dialect == SQLite
	if anonymous {
		per = max(1, sqliteImportParams/cols)
	}
	var b strings.Builder
	for from := 0; from < n; from += per {
		to := min(from+per, n)
		b.Reset()
		b.WriteString(head)
		args := make([]any, 0, (to-from)*cols)
		for i := from; i < to; i++ {
			if i > from {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				if anonymous {
					b.WriteByte('?')
					continue
				}
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(len(args) + c + 1))
			}
			b.WriteByte(')')
			args = row(i, args)
		}
		b.WriteString(tail)
		if scan == nil {
			if _, err := tx.w.ExecContext(ctx, b.String(), args...); err != nil {
				return err
			}
			continue
		}
		rows, err := tx.w.QueryContext(ctx, b.String(), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows.Scan); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
