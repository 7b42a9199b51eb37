package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
)

// PlatformEmail is the address of the account that owns the compiled-in
// plugins. The account is disabled: nobody signs in as the platform.
const PlatformEmail = "platform@riposte.invalid"

// CatalogueEmail is the address of the account that owns the seed
// catalogue's entries (see package seed). Like the platform account it is
// disabled, and it speaks for the platform: names reserved to the platform
// are open to it.
const CatalogueEmail = "exemples@riposte.invalid"

// BuiltinSync says what SyncBuiltins did to one compiled-in plugin.
type BuiltinSync struct {
	Slug    string
	Version string
	Action  string // "registered", "updated" (a new version), "unchanged" or "skipped"
	Reason  string // why it was skipped
}

// SyncBuiltins registers the compiled-in plugins as published plugins
// owned by the platform account: a plugin seen for the first time is
// created and published, and one whose compiled manifest has a version the
// registry lacks gets that version. A plugin an organizer took down stays
// down, and a slug held by someone else is left alone; both are reported
// as skipped. It is safe to run from several processes at once.
func (s *Service) SyncBuiltins(ctx context.Context, ps []plugins.Plugin) ([]BuiltinSync, error) {
	platform, err := s.platformAccount(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]BuiltinSync, 0, len(ps))
	for _, p := range ps {
		m := p.Manifest()
		if err := plugins.Validate(m, plugins.Options{AllowBuiltin: true}); err != nil {
			return out, fmt.Errorf("compiled-in plugin %q: %w", m.Slug, err)
		}
		r, err := s.syncBuiltin(ctx, platform, m)
		if errors.Is(err, store.ErrConflict) { // another process registered it first
			r, err = s.syncBuiltin(ctx, platform, m)
		}
		if err != nil {
			return out, fmt.Errorf("compiled-in plugin %q: %w", m.Slug, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *Service) syncBuiltin(ctx context.Context, platform auth.User, m *plugins.Manifest) (BuiltinSync, error) {
	defer s.inv.forget(m.Slug)
	r := BuiltinSync{Slug: m.Slug, Version: m.Version, Action: "unchanged"}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPlugin(ctx, m.Slug)
		switch {
		case errors.Is(err, store.ErrNotFound):
			r.Action = "registered"
			return registerBuiltin(ctx, tx, platform, m)
		case err != nil:
			return err
		case p.OwnerID != platform.ID:
			r.Action, r.Reason = "skipped", "the slug belongs to another account"
			return nil
		case p.Status == store.StatusRemoved:
			r.Action, r.Reason = "skipped", "it was taken down"
			return nil
		}
		if _, err := tx.Version(ctx, p.ID, m.Version); err == nil || !errors.Is(err, store.ErrNotFound) {
			return err // nil when the version is known: nothing to do
		}
		r.Action = "updated"
		v, err := tx.InsertVersion(ctx, p.ID, newVersion(m, platform.ID))
		if err != nil {
			return err
		}
		if p.LatestVersion == nil || plugins.Latest([]string{*p.LatestVersion, m.Version}) == m.Version {
			if err := tx.SetLatest(ctx, p.ID, latestOf(m, v.Manifest)); err != nil {
				return err
			}
			if err := indexNames(ctx, tx, p.ID, m.Slug, m.Name); err != nil {
				return err
			}
		}
		return audit(ctx, tx, platform, "version.publish", p.Slug, map[string]any{"version": v.Version, "sha256": v.SHA256})
	})
	return r, err
}

func registerBuiltin(ctx context.Context, tx *store.Tx, platform auth.User, m *plugins.Manifest) error {
	id, err := tx.InsertPlugin(ctx, m.Slug, platform.ID)
	if err != nil {
		return err
	}
	v, err := tx.InsertVersion(ctx, id, newVersion(m, platform.ID))
	if err != nil {
		return err
	}
	if err := tx.SetLatest(ctx, id, latestOf(m, v.Manifest)); err != nil {
		return err
	}
	if err := indexNames(ctx, tx, id, m.Slug, m.Name); err != nil {
		return err
	}
	if err := tx.PublishPlugin(ctx, id); err != nil {
		return err
	}
	return audit(ctx, tx, platform, "plugin.publish", m.Slug, map[string]any{"version": m.Version, "builtin": true})
}

// platformAccount returns the account owning compiled-in plugins, creating
// it, disabled and without a password, the first time.
func (s *Service) platformAccount(ctx context.Context) (auth.User, error) {
	u, err := s.store.UserByEmail(ctx, PlatformEmail)
	if errors.Is(err, store.ErrNotFound) {
		u, err = s.store.CreateUser(ctx, store.NewUser{Email: PlatformEmail, Name: "Riposte", Role: string(auth.RoleParticipant), Verified: true})
		if errors.Is(err, store.ErrConflict) { // created meanwhile by another process
			u, err = s.store.UserByEmail(ctx, PlatformEmail)
		} else if err == nil {
			disabled := true
			u, err = s.store.UpdateUser(ctx, u.ID, store.UserPatch{Disabled: &disabled})
		}
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("platform account: %w", err)
	}
	return auth.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: auth.Role(u.Role)}, nil
}
