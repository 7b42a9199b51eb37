package store

import (
	"context"
	"fmt"
)

// Plugin names, as keys, for the look-up of names a new one would be
// confused with. The registry computes the keys (plugins.NameKey) and
// decides what is confusable; the store keeps them so that the look-up
// costs a few index probes among any number of plugins.
//
// A key one edit away from another of at least 5 characters has a length
// within one of it and shares with it its first two or its last two
// characters (an edit, a swap of two neighbours included, cannot reach
// both ends of a key that long), so the neighbours of a key are found
// through the indexes on (key_len, head) and (key_len, tail), and checked
// one by one by the caller.

// bucketLen is how many characters head and tail hold.
const bucketLen = 2

// NameMatch is a plugin found by SimilarNames.
type NameMatch struct {
	Slug      string
	Key       string // the key of the plugin that matched
	Published bool
}

// buckets returns a key's length in characters, head and tail.
func buckets(key string) (n int, head, tail string) {
	r := []rune(key)
	n = len(r)
	return n, string(r[:min(bucketLen, n)]), string(r[max(0, n-bucketLen):])
}

// SetPluginNames replaces the keys under which a plugin's names are found.
func (q queries) SetPluginNames(ctx context.Context, pluginID int64, keys []string) error {
	if _, err := q.w.ExecContext(ctx, `DELETE FROM plugin_names WHERE plugin_id = $1`, pluginID); err != nil {
		return fmt.Errorf("plugin names: %w", err)
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		n, head, tail := buckets(k)
		if _, err := q.w.ExecContext(ctx, `INSERT INTO plugin_names (plugin_id, name_key, key_len, head, tail) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`,
			pluginID, k, n, head, tail); err != nil {
			return fmt.Errorf("plugin names: %w", err)
		}
	}
	return nil
}

// SimilarNames returns the plugins, not removed and not owned by ownerID,
// with a name whose key is key or, with near, may be one edit from it:
// the caller checks each.
func (q queries) SimilarNames(ctx context.Context, ownerID int64, key string, near bool) ([]NameMatch, error) {
	n, head, tail := buckets(key)
	if !near {
		n = -2 // no key has a length within one of it
	}
	// One branch an index: a planner may not combine them through an OR.
	rows, err := q.r.QueryContext(ctx, `SELECT p.slug, p.status, k.name_key FROM (
			SELECT plugin_id, name_key FROM plugin_names WHERE name_key = $2
			UNION SELECT plugin_id, name_key FROM plugin_names WHERE key_len IN ($3, $4, $5) AND head = $6
			UNION SELECT plugin_id, name_key FROM plugin_names WHERE key_len IN ($3, $4, $5) AND tail = $7
		) k JOIN plugins p ON p.id = k.plugin_id
		WHERE p.owner_id <> $1 AND p.status <> 'removed'
		ORDER BY p.slug, k.name_key`, ownerID, key, n-1, n, n+1, head, tail)
	if err != nil {
		return nil, fmt.Errorf("similar names: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (NameMatch, error) {
		var (
			m      NameMatch
			status string
		)
		err := r.Scan(&m.Slug, &status, &m.Key)
		m.Published = status == StatusPublished
		return m, err
	})
}

// UnnamedPlugin is a plugin whose names have no keys yet.
type UnnamedPlugin struct {
	ID   int64
	Slug string
	Name string
}

// PluginsWithoutNames returns up to limit plugins, removed ones included,
// whose names have no keys: those registered before keys were kept.
func (q queries) PluginsWithoutNames(ctx context.Context, limit int) ([]UnnamedPlugin, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT p.id, p.slug, p.name FROM plugins p
		WHERE NOT EXISTS (SELECT 1 FROM plugin_names k WHERE k.plugin_id = p.id) ORDER BY p.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("plugins without names: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (UnnamedPlugin, error) {
		var u UnnamedPlugin
		return u, r.Scan(&u.ID, &u.Slug, &u.Name)
	})
}
