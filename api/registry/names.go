package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
)

// Names a plugin may not take. Besides the reserved names that the plugin
// SDK refuses without a catalogue (plugins.CheckNames: the platform's
// name, official standing, public bodies, the compiled-in plugins), a slug
// or name is refused when it is confusable (plugins.ConfusableKeys) with
// the slug or name of a plugin, not removed, of another owner. The look-up
// goes through the keys the store keeps (store.SimilarNames), a few index
// probes whatever the number of plugins. Administrators, the platform
// account and the seed catalogue's speak for the platform and are not
// checked; an owner may reuse
// the names of their own plugins, and a new version keeps the names its
// plugin already had.

// nameIndex is what the name checks need: a Store or a Tx.
type nameIndex interface {
	SimilarNames(ctx context.Context, ownerID int64, key string, near bool) ([]store.NameMatch, error)
}

// speaksForPlatform reports whether names are left unchecked for u: an
// administrator, the platform account or the seed catalogue's.
func speaksForPlatform(u auth.User) bool {
	return u.Is(auth.RoleAdmin) || u.Email == PlatformEmail || u.Email == CatalogueEmail
}

// checkNames refuses, as a *plugins.ManifestError naming each field, the
// reserved names of m and the names confusable with another owner's
// plugin. ownerID is the owner the plugin has or is to have; prev is its
// current manifest, nil for a new plugin.
func checkNames(ctx context.Context, q nameIndex, u auth.User, ownerID int64, m, prev *plugins.Manifest) error {
	if speaksForPlatform(u) {
		return nil
	}
	var problems []plugins.Problem
	if me := (*plugins.ManifestError)(nil); errors.As(plugins.CheckNames(m, prev), &me) {
		problems = me.Problems
	}
	var before plugins.Manifest
	if prev != nil {
		before = *prev
	}
	for _, f := range []struct{ path, value, before string }{{"slug", m.Slug, before.Slug}, {"name", m.Name, before.Name}} {
		if (prev != nil && f.value == f.before) || slices.ContainsFunc(problems, func(p plugins.Problem) bool { return p.Path == f.path }) {
			continue
		}
		msg, err := confusedWith(ctx, q, ownerID, f.path, f.value)
		if err != nil {
			return err
		}
		if msg != "" {
			problems = append(problems, plugins.Problem{Path: f.path, Message: msg})
		}
	}
	if len(problems) > 0 {
		return &plugins.ManifestError{Problems: problems}
	}
	return nil
}

// confusedWith says which plugin of another owner a slug or name would be
// taken for, or "". A slug identical to another is left to the slug's
// uniqueness (409). A draft is not named, since only its owner sees it.
func confusedWith(ctx context.Context, q nameIndex, ownerID int64, path, value string) (string, error) {
	key := plugins.NameKey(value)
	if key == "" {
		return "", nil
	}
	found, err := q.SimilarNames(ctx, ownerID, key, utf8.RuneCountInString(key) >= plugins.MinFuzzyKey)
	if err != nil {
		return "", err
	}
	for _, f := range found {
		switch {
		case path == "slug" && f.Slug == value, !plugins.ConfusableKeys(key, f.Key):
		case f.Published:
			return fmt.Sprintf("is confusable with %q, a plugin of another owner (look-alike letters, case, separators or one letter apart): %s", f.Slug, plugins.NameAdvice), nil
		default:
			return "is confusable with the name of a plugin of another owner (look-alike letters, case, separators or one letter apart): " + plugins.NameAdvice, nil
		}
	}
	return "", nil
}

// indexNames records the keys under which a plugin's slug and name are
// found; name is empty when every version is yanked.
func indexNames(ctx context.Context, tx *store.Tx, pluginID int64, slug, name string) error {
	return tx.SetPluginNames(ctx, pluginID, []string{plugins.NameKey(slug), plugins.NameKey(name)})
}

// previousManifest is a plugin's current manifest, or nil when it has
// none (every version yanked).
func previousManifest(p store.Plugin) (*plugins.Manifest, error) {
	if len(p.Manifest) == 0 {
		return nil, nil
	}
	var m plugins.Manifest
	if err := json.Unmarshal(p.Manifest, &m); err != nil {
		return nil, fmt.Errorf("stored manifest of %s: %w", p.Slug, err)
	}
	return &m, nil
}

// CheckManifest decodes and checks a manifest as registration does for
// the caller: Validate, then its names (reserved, and confusable with a
// plugin of another owner than the caller).
func (s *Service) CheckManifest(ctx context.Context, u auth.User, data []byte) (*plugins.Manifest, error) {
	m, err := s.Validate(data)
	if err != nil {
		return nil, err
	}
	return m, checkNames(ctx, s.store, u, u.ID, m, nil)
}

// IndexNames records the keys of the names of plugins registered before
// they were kept, a batch at a time, and returns how many it recorded.
// The server calls it at start-up; it is safe to run from several
// processes at once.
func (s *Service) IndexNames(ctx context.Context) (int, error) {
	total := 0
	for {
		batch, err := s.store.PluginsWithoutNames(ctx, 500)
		if err != nil || len(batch) == 0 {
			return total, err
		}
		err = s.store.InTx(ctx, func(tx *store.Tx) error {
			for _, p := range batch {
				if err := indexNames(ctx, tx, p.ID, p.Slug, p.Name); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += len(batch)
	}
}
