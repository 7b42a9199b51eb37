package registry

import (
	"context"
	"fmt"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
)

// Access is what a caller may know of a plugin.
type Access int

// The levels of access, from none to all.
const (
	// NoAccess: the plugin does not exist for the caller.
	NoAccess Access = iota
	// ListingAccess: a restricted plugin, of which the caller may know the
	// name, summary and publisher, and nothing else.
	ListingAccess
	// FullAccess: the manifest, versions, OpenAPI document and invocation.
	FullAccess
)

// readers is what access needs: a Store or a Tx.
type readers interface {
	collaborators
	IsVetted(ctx context.Context, userID int64) (bool, error)
	IsAssignedToPlugin(ctx context.Context, judgeID, pluginID int64) (bool, error)
}

// access decides what a caller may read of a plugin; every read path
// (the API's plugin, versions, OpenAPI document, collaborators and
// invocation, and the pages) goes through it.
//
// Drafts and removed plugins exist only for their owner, collaborators
// and organizers. A restricted plugin (manifest access: vetted) is read in
// full by vetted accounts (members of a verified organisation), its owner,
// collaborators and organisation's members, organizers, and the judges
// assigned to it; anyone else glimpses it.
func access(ctx context.Context, q readers, p store.Plugin, u auth.User) (Access, error) {
	restricted := p.Access == plugins.AccessVetted
	if p.Status == store.StatusPublished && !restricted {
		return FullAccess, nil // the common case costs no query
	}
	rel, err := relationTo(ctx, q, p, u)
	switch {
	case err != nil:
		return NoAccess, err
	case !visible(p, rel, u):
		return NoAccess, nil
	case !restricted || rel >= collaborator || u.Is(auth.RoleOrganizer):
		return FullAccess, nil
	case u.ID == 0:
		return ListingAccess, nil
	}
	if ok, err := q.IsVetted(ctx, u.ID); ok || err != nil {
		return FullAccess, err
	}
	if ok, err := q.IsAssignedToPlugin(ctx, u.ID, p.ID); ok || err != nil {
		return FullAccess, err
	}
	return ListingAccess, nil
}

// Glimpse returns a plugin as far as the caller may know it, and how far
// that is: a plugin with ListingAccess comes without its manifest. A
// plugin the caller may not know of is store.ErrNotFound.
func (s *Service) Glimpse(ctx context.Context, u auth.User, slug string) (store.Plugin, Access, error) {
	p, err := s.store.PluginBySlug(ctx, slug)
	if err != nil {
		return store.Plugin{}, NoAccess, err
	}
	p, level, err := s.glimpsed(ctx, u, p)
	if err == nil && level == NoAccess {
		err = fmt.Errorf("plugin %q: %w", slug, store.ErrNotFound)
	}
	return p, level, err
}

// glimpsed applies access to a loaded plugin, dropping its manifest below
// FullAccess.
func (s *Service) glimpsed(ctx context.Context, u auth.User, p store.Plugin) (store.Plugin, Access, error) {
	level, err := access(ctx, s.store, p, u)
	if err != nil {
		return store.Plugin{}, NoAccess, err
	}
	if level != FullAccess {
		p.Manifest = nil
	}
	return p, level, nil
}
