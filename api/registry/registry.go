// Package registry is the plugin registry: who may see and change which
// plugin, immutable versions and the "latest" they designate, publication,
// withdrawal and takedown, each recorded in the audit log.
package registry

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/remote"
	"github.com/riposte-civic/riposte/plugins/wasm"
)

// Service is the registry.
type Service struct {
	store         *store.Store
	opts          plugins.Options
	createPerHour int
	inv           *invoker
	wasm          *wasm.Host     // nil until SetWASM
	notify        *mail.Notifier // nil sends no notifications
}

// New returns the registry, with the runtimes every server has: builtin
// (the compiled-in plugins) and http. allowPrivate accepts http:// plugin
// endpoints and endpoints at loopback, private and local addresses, and
// lets invocations reach them (development and tests only).
func New(st *store.Store, allowPrivate bool) *Service {
	s := &Service{store: st, opts: plugins.Options{AllowInsecureEndpoints: allowPrivate}}
	client := remote.New(remote.Options{AllowPrivate: allowPrivate, UserAgent: "Riposte"})
	s.inv = newInvoker(map[string]plugins.Loader{
		plugins.RuntimeBuiltin: plugins.Builtins{},
		plugins.RuntimeHTTP:    remote.NewRuntime(client, s.secret),
	})
	return s
}

// RegistrationOptions tune plugin registration.
type RegistrationOptions struct {
	// CreatePerHour is how many plugins one account may register in any
	// hour, counted in the database (so across replicas) on the plugins it
	// did register; 0 for no limit. Organizers and administrators, and so
	// the seed catalogue, are not limited.
	CreatePerHour int
	// Development makes endpoint problems say how to allow local endpoints
	// (see plugins.DevelopmentEndpointHint).
	Development bool
}

// SetRegistrationOptions configures registration. Call it once, before
// serving.
func (s *Service) SetRegistrationOptions(o RegistrationOptions) {
	s.createPerHour = o.CreatePerHour
	s.opts.Development = o.Development
}

// Validate decodes and checks a manifest as plugin creation does.
func (s *Service) Validate(data []byte) (*plugins.Manifest, error) {
	return plugins.Check(data, s.opts)
}

// relation is what a caller is to a plugin.
type relation int

const (
	stranger relation = iota
	collaborator
	owner
)

// collaborators is what relationTo needs: a Store or a Tx.
type collaborators interface {
	IsCollaborator(ctx context.Context, pluginID, userID int64) (bool, error)
	IsOrgMemberOfPlugin(ctx context.Context, pluginID, userID int64) (bool, error)
	IsTeamMemberOfPlugin(ctx context.Context, pluginID, userID int64) (bool, error)
}

func relationTo(ctx context.Context, q collaborators, p store.Plugin, u auth.User) (relation, error) {
	switch {
	case u.ID == 0:
		return stranger, nil
	case p.OwnerID == u.ID:
		return owner, nil
	}
	ok, err := q.IsCollaborator(ctx, p.ID, u.ID)
	if ok || err != nil {
		return collaborator, err
	}
	// The members of the team of an entry of the plugin edit it too.
	if ok, err = q.IsTeamMemberOfPlugin(ctx, p.ID, u.ID); ok || err != nil {
		return collaborator, err
	}
	if p.Publisher == nil {
		return stranger, nil
	}
	// The members of the organisation a plugin belongs to edit it as its
	// collaborators do.
	if ok, err = q.IsOrgMemberOfPlugin(ctx, p.ID, u.ID); ok {
		return collaborator, err
	}
	return stranger, err
}

// visible reports whether a caller may know that a plugin exists: drafts
// and removed plugins are seen only by their owner, collaborators and
// organizers.
func visible(p store.Plugin, rel relation, u auth.User) bool {
	return p.Status == store.StatusPublished || rel >= collaborator || u.Is(auth.RoleOrganizer)
}

// check loads a plugin's relation to the caller and refuses with
// ErrNotFound when the caller may not see it, or with ErrForbidden when
// they may see it but their relation is below need.
func check(ctx context.Context, q collaborators, p store.Plugin, u auth.User, need relation, action string) (relation, error) {
	rel, err := relationTo(ctx, q, p, u)
	switch {
	case err != nil:
		return rel, err
	case !visible(p, rel, u):
		return rel, fmt.Errorf("plugin %q: %w", p.Slug, store.ErrNotFound)
	case rel < need && need == owner:
		return rel, fmt.Errorf("only the plugin's owner can %s: %w", action, auth.ErrForbidden)
	case rel < need:
		return rel, fmt.Errorf("only the plugin's owner and collaborators can %s: %w", action, auth.ErrForbidden)
	}
	return rel, nil
}

// Get returns a plugin the caller may read in full; a restricted plugin
// the caller may only glimpse is store.ErrNotFound, as a plugin that does
// not exist.
func (s *Service) Get(ctx context.Context, u auth.User, slug string) (store.Plugin, error) {
	p, level, err := s.Glimpse(ctx, u, slug)
	if err == nil && level != FullAccess {
		return store.Plugin{}, fmt.Errorf("plugin %q: %w", slug, store.ErrNotFound)
	}
	return p, err
}

// ListFilter narrows List.
type ListFilter struct {
	Mine     bool
	Status   string
	Category string
	After    *store.PluginCursor // the page starts after this plugin
}

// List returns a page of the plugins the caller may list.
func (s *Service) List(ctx context.Context, u auth.User, f ListFilter, pg store.Page) ([]store.Plugin, int, error) {
	var c valid.Checker
	c.Check(f.Status == "" || slices.Contains([]string{store.StatusDraft, store.StatusPublished, store.StatusRemoved}, f.Status),
		"status", "must be draft, published or removed")
	c.Check(f.Category == "" || slices.Contains(plugins.Categories(), f.Category),
		"category", "must be one of "+strings.Join(plugins.Categories(), ", "))
	c.Check(!f.Mine || u.ID != 0, "owner", "sign in to list your own plugins")
	if err := c.Err(); err != nil {
		return nil, 0, err
	}
	list, total, err := s.store.ListPlugins(ctx, store.PluginFilter{
		ViewerID: u.ID, Organizer: u.Is(auth.RoleOrganizer), Mine: f.Mine, Status: f.Status, Category: f.Category, After: f.After,
	}, pg)
	if err != nil {
		return nil, 0, err
	}
	for i := range list {
		if list[i], _, err = s.glimpsed(ctx, u, list[i]); err != nil {
			return nil, 0, err
		}
	}
	return list, total, nil
}

// newVersion prepares a manifest for storage: canonical JSON and its hash.
func newVersion(m *plugins.Manifest, by int64) store.NewPluginVersion {
	canon := m.Canonical()
	sum := sha256.Sum256(canon)
	v, _ := plugins.ParseVersion(m.Version) // validated
	return store.NewPluginVersion{Version: m.Version, Key: v.Key(), Manifest: canon, SHA256: hex.EncodeToString(sum[:]), CreatedBy: by}
}

func latestOf(m *plugins.Manifest, manifest []byte) store.Latest {
	return store.Latest{Version: &m.Version, Manifest: manifest, Runtime: m.Runtime.Type, Name: m.Name,
		Summary: m.Summary, Categories: m.Categories, Languages: m.Languages, Tags: m.Tags, License: m.License, Access: m.Access}
}

// Create registers a plugin from its manifest, as a draft owned by the
// caller, with the manifest as its first version. Errors:
// *plugins.ManifestError; valid.Errors when runtime.module names a module
// the caller did not upload, or memory_mb is below the module's own
// minimum; store.ErrConflict when the slug is taken;
// *auth.RateLimitError when the caller registered too many plugins in the
// last hour; auth.ErrUnverified for an account whose address is still
// to be verified (so too AddVersion and Publish).
func (s *Service) Create(ctx context.Context, u auth.User, data []byte) (store.Plugin, error) {
	p, _, err := s.CreateWithKey(ctx, u, "", data)
	return p, err
}

// CreateWithKey is Create with the client's idempotency key (none when
// empty): a request repeating a key the caller used for a registration in
// the last IdempotencyTTL, with the same manifest bytes, registers nothing
// and gets the plugin that request registered, as it is now, with replayed
// true. The same key with other bytes is valid.Errors naming
// Idempotency-Key. Concurrent requests with one key register one plugin.
func (s *Service) CreateWithKey(ctx context.Context, u auth.User, key string, data []byte) (p store.Plugin, replayed bool, err error) {
	if err := u.CheckVerified(); err != nil {
		return store.Plugin{}, false, err
	}
	k := newKey(u, "plugins", key, data)
	if slug, found, err := previous(ctx, s.store, k); err != nil || found {
		return replayPlugin(ctx, s.store, slug, err)
	}
	m, err := s.Validate(data)
	if err != nil {
		return store.Plugin{}, false, err
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		slug, found, err := claim(ctx, tx, k)
		if err != nil || found {
			p, replayed, err = replayPlugin(ctx, tx, slug, err)
			return err
		}
		if err := s.checkCreateRate(ctx, tx, u); err != nil {
			return err
		}
		if p, err = createPlugin(ctx, tx, u, m); err != nil {
			return err
		}
		return complete(ctx, tx, k, p.Slug)
	})
	return p, replayed, err
}

func createPlugin(ctx context.Context, tx *store.Tx, u auth.User, m *plugins.Manifest) (store.Plugin, error) {
	id, err := tx.InsertPlugin(ctx, m.Slug, u.ID)
	if errors.Is(err, store.ErrConflict) {
		return store.Plugin{}, fmt.Errorf("%w: the slug %q is taken; choose another", store.ErrConflict, m.Slug)
	}
	if err != nil {
		return store.Plugin{}, err
	}
	if err := checkNames(ctx, tx, u, u.ID, m, nil); err != nil { // after the slug's uniqueness, which is a 409
		return store.Plugin{}, err
	}
	v, err := tx.InsertVersion(ctx, id, newVersion(m, u.ID))
	if err != nil {
		return store.Plugin{}, err
	}
	if err := pinModule(ctx, tx, u, m, &v); err != nil {
		return store.Plugin{}, err
	}
	if err := tx.SetLatest(ctx, id, latestOf(m, v.Manifest)); err != nil {
		return store.Plugin{}, err
	}
	if err := indexNames(ctx, tx, id, m.Slug, m.Name); err != nil {
		return store.Plugin{}, err
	}
	return tx.PluginBySlug(ctx, m.Slug)
}

// checkCreateRate refuses a registration beyond the caller's allowance:
// CreatePerHour plugins in any hour.
func (s *Service) checkCreateRate(ctx context.Context, tx *store.Tx, u auth.User) error {
	if s.createPerHour <= 0 || u.Is(auth.RoleOrganizer) {
		return nil
	}
	at, over, err := tx.RecentPlugin(ctx, u.ID, time.Now().Add(-time.Hour), s.createPerHour)
	if err != nil || !over {
		return err
	}
	return &auth.RateLimitError{RetryAfter: max(time.Until(at.Add(time.Hour)), time.Second)}
}

// AddVersion publishes a new version of a plugin, for its owner and
// collaborators. A version is never reused, even after a yank, and a wasm
// version runs the module it names for good. A manifest refused is
// refused with Create's errors.
func (s *Service) AddVersion(ctx context.Context, u auth.User, slug string, data []byte) (store.PluginVersion, error) {
	v, _, err := s.AddVersionWithKey(ctx, u, slug, "", data)
	return v, err
}

// AddVersionWithKey is AddVersion with the client's idempotency key, as
// CreateWithKey: a repeated request gets the version the first one
// published, as it is now.
func (s *Service) AddVersionWithKey(ctx context.Context, u auth.User, slug, key string, data []byte) (v store.PluginVersion, replayed bool, err error) {
	if err := u.CheckVerified(); err != nil {
		return store.PluginVersion{}, false, err
	}
	defer s.inv.forget(slug)
	k := newKey(u, "plugins/"+slug+"/versions", key, data)
	if version, found, err := previous(ctx, s.store, k); err != nil || found {
		return replayVersion(ctx, s.store, slug, version, err)
	}
	m, err := s.Validate(data)
	if err != nil {
		return store.PluginVersion{}, false, err
	}
	if m.Slug != slug {
		return store.PluginVersion{}, false, valid.Errors{{Field: "slug", Message: fmt.Sprintf("must be %q, the plugin's slug", slug)}}
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		version, found, err := claim(ctx, tx, k)
		if err != nil || found {
			v, replayed, err = replayVersion(ctx, tx, slug, version, err)
			return err
		}
		if v, err = addVersion(ctx, tx, u, slug, m); err != nil {
			return err
		}
		if err := s.notifyVersion(ctx, tx, u, slug, v); err != nil {
			return err
		}
		return complete(ctx, tx, k, v.Version)
	})
	return v, replayed, err
}

func addVersion(ctx context.Context, tx *store.Tx, u auth.User, slug string, m *plugins.Manifest) (store.PluginVersion, error) {
	p, err := tx.LockPlugin(ctx, slug)
	if err != nil {
		return store.PluginVersion{}, err
	}
	if _, err := check(ctx, tx, p, u, collaborator, "publish versions"); err != nil {
		return store.PluginVersion{}, err
	}
	if p.Status == store.StatusRemoved {
		return store.PluginVersion{}, fmt.Errorf("%w: the plugin was removed; it takes no new versions", store.ErrConflict)
	}
	prev, err := previousManifest(p)
	if err != nil {
		return store.PluginVersion{}, err
	}
	if err := checkNames(ctx, tx, u, p.OwnerID, m, prev); err != nil {
		return store.PluginVersion{}, err
	}
	v, err := tx.InsertVersion(ctx, p.ID, newVersion(m, u.ID))
	if errors.Is(err, store.ErrConflict) {
		return store.PluginVersion{}, fmt.Errorf("%w: version %s already exists (versions are never reused, even after a yank): publish a higher one", store.ErrConflict, m.Version)
	}
	if err != nil {
		return store.PluginVersion{}, err
	}
	if err := pinModule(ctx, tx, u, m, &v); err != nil {
		return store.PluginVersion{}, err
	}
	if p.LatestVersion == nil || plugins.Latest([]string{*p.LatestVersion, m.Version}) == m.Version {
		if err := tx.SetLatest(ctx, p.ID, latestOf(m, v.Manifest)); err != nil {
			return store.PluginVersion{}, err
		}
		if err := indexNames(ctx, tx, p.ID, m.Slug, m.Name); err != nil {
			return store.PluginVersion{}, err
		}
	}
	details := map[string]any{"version": v.Version, "sha256": v.SHA256}
	if v.ModuleSHA256 != "" {
		details["module_sha256"] = v.ModuleSHA256
	}
	return v, audit(ctx, tx, u, "version.publish", p.Slug, details)
}

func audit(ctx context.Context, tx *store.Tx, u auth.User, action, slug string, details map[string]any) error {
	return tx.AppendAudit(ctx, store.AuditEntry{ActorID: &u.ID, Action: action, TargetType: "plugin", TargetID: slug, Details: details})
}

// Versions returns a page of a plugin's versions, highest first by semver
// precedence, yanked ones included.
func (s *Service) Versions(ctx context.Context, u auth.User, slug string, pg store.Page) ([]store.PluginVersion, int, error) {
	p, err := s.Get(ctx, u, slug)
	if err != nil {
		return nil, 0, err
	}
	return s.VersionsOf(ctx, p, pg)
}

// VersionsOf is Versions for a plugin the caller was found to see.
func (s *Service) VersionsOf(ctx context.Context, p store.Plugin, pg store.Page) ([]store.PluginVersion, int, error) {
	list, err := s.store.Versions(ctx, p.ID)
	if err != nil {
		return nil, 0, err
	}
	slices.SortStableFunc(list, func(a, b store.PluginVersion) int {
		va, _ := plugins.ParseVersion(a.Version)
		vb, _ := plugins.ParseVersion(b.Version)
		return cmp.Or(vb.Compare(va), cmp.Compare(b.ID, a.ID))
	})
	total := len(list)
	lo, hi := min(pg.Offset, total), min(pg.Offset+pg.Limit, total)
	return list[lo:hi], total, nil
}

// Version returns one version of a plugin, yanked or not.
func (s *Service) Version(ctx context.Context, u auth.User, slug, version string) (store.PluginVersion, error) {
	p, err := s.Get(ctx, u, slug)
	if err != nil {
		return store.PluginVersion{}, err
	}
	return s.VersionOf(ctx, p, version)
}

// VersionOf is Version for a plugin the caller was found to see.
func (s *Service) VersionOf(ctx context.Context, p store.Plugin, version string) (store.PluginVersion, error) {
	return s.store.Version(ctx, p.ID, version)
}

// Yank withdraws a version from "latest" and from search. It stays
// readable by its exact version, and its number is never reused.
func (s *Service) Yank(ctx context.Context, u auth.User, slug, version string) (store.PluginVersion, error) {
	defer s.inv.forget(slug)
	var v store.PluginVersion
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPlugin(ctx, slug)
		if err != nil {
			return err
		}
		if _, err := check(ctx, tx, p, u, owner, "yank versions"); err != nil {
			return err
		}
		found, err := tx.Version(ctx, p.ID, version)
		if err != nil {
			return err
		}
		if found.Yanked {
			return fmt.Errorf("%w: version %s is already yanked", store.ErrConflict, found.Version)
		}
		if v, err = tx.YankVersion(ctx, found.ID); err != nil {
			return err
		}
		tx.PluginChanged(p.Slug) // its versions show the yank
		if p.LatestVersion != nil && *p.LatestVersion == v.Version {
			if err := relatest(ctx, tx, p.ID); err != nil {
				return err
			}
		}
		return audit(ctx, tx, u, "version.yank", p.Slug, map[string]any{"version": v.Version})
	})
	return v, err
}

// relatest recomputes what a plugin displays from its live versions.
func relatest(ctx context.Context, tx *store.Tx, pluginID int64) error {
	all, err := tx.Versions(ctx, pluginID)
	if err != nil {
		return err
	}
	var live []string
	byVersion := map[string]store.PluginVersion{}
	for _, v := range all {
		if !v.Yanked {
			live = append(live, v.Version)
			byVersion[v.Version] = v
		}
	}
	latest := plugins.Latest(live)
	if latest == "" {
		return tx.SetLatest(ctx, pluginID, store.Latest{Runtime: plugins.RuntimeNone})
	}
	v := byVersion[latest]
	var m plugins.Manifest
	if err := json.Unmarshal(v.Manifest, &m); err != nil {
		return fmt.Errorf("stored manifest of %s: %w", latest, err)
	}
	if err := tx.SetLatest(ctx, pluginID, latestOf(&m, v.Manifest)); err != nil {
		return err
	}
	return indexNames(ctx, tx, pluginID, m.Slug, m.Name)
}

// Publish makes a draft public.
func (s *Service) Publish(ctx context.Context, u auth.User, slug string) (store.Plugin, error) {
	if err := u.CheckVerified(); err != nil {
		return store.Plugin{}, err
	}
	defer s.inv.forget(slug)
	var p store.Plugin
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = tx.LockPlugin(ctx, slug); err != nil {
			return err
		}
		if _, err := check(ctx, tx, p, u, owner, "publish it"); err != nil {
			return err
		}
		switch {
		case p.Status != store.StatusDraft:
			return fmt.Errorf("%w: only drafts can be published, and this plugin is %s", store.ErrConflict, p.Status)
		case p.LatestVersion == nil:
			return fmt.Errorf("%w: every version is yanked; publish a new version first", store.ErrConflict)
		}
		if err := tx.PublishPlugin(ctx, p.ID); err != nil {
			return err
		}
		if err := audit(ctx, tx, u, "plugin.publish", p.Slug, map[string]any{"version": *p.LatestVersion}); err != nil {
			return err
		}
		p, err = tx.PluginBySlug(ctx, slug)
		return err
	})
	return p, err
}

// Remove withdraws a plugin (its owner) or takes it down (an organizer,
// who must give a reason). A removed plugin is hidden everywhere, and its
// slug is never given to anyone else.
func (s *Service) Remove(ctx context.Context, u auth.User, slug, reason string) error {
	defer s.inv.forget(slug)
	reason = strings.TrimSpace(reason)
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPlugin(ctx, slug)
		if err != nil {
			return err
		}
		rel, err := relationTo(ctx, tx, p, u)
		if err != nil {
			return err
		}
		action := "plugin.withdraw"
		switch {
		case !visible(p, rel, u):
			return fmt.Errorf("plugin %q: %w", p.Slug, store.ErrNotFound)
		case rel == owner:
		case u.Is(auth.RoleOrganizer):
			action = "plugin.takedown"
			var c valid.Checker
			c.Length(reason, 1, 1000, "reason")
			if err := c.Err(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("only the plugin's owner or an organizer can remove it: %w", auth.ErrForbidden)
		}
		if p.Status == store.StatusRemoved {
			return fmt.Errorf("%w: the plugin is already removed", store.ErrConflict)
		}
		if err := tx.RemovePlugin(ctx, p.ID, u.ID, reason); err != nil {
			return err
		}
		return audit(ctx, tx, u, action, p.Slug, map[string]any{"reason": reason, "previous_status": p.Status})
	})
}
