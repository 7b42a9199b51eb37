package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// AddCollaborator lets the account with that e-mail address publish
// versions of the caller's plugin, and records it in the audit log.
func (s *Service) AddCollaborator(ctx context.Context, u auth.User, slug, email string) (store.Collaborator, error) {
	var added store.Collaborator
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPlugin(ctx, slug)
		if err != nil {
			return err
		}
		if _, err := check(ctx, tx, p, u, owner, "add collaborators"); err != nil {
			return err
		}
		who, err := tx.UserByEmail(ctx, auth.CanonicalEmail(email))
		switch {
		case errors.Is(err, store.ErrNotFound):
			return valid.Errors{{Field: "email", Message: "no account has this e-mail address; ask them to register first"}}
		case err != nil:
			return err
		case who.ID == p.OwnerID:
			return valid.Errors{{Field: "email", Message: "this is the plugin's owner"}}
		}
		if err := tx.AddCollaborator(ctx, p.ID, who.ID); errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w: %s already collaborates on this plugin", store.ErrConflict, who.Email)
		} else if err != nil {
			return err
		}
		list, err := tx.Collaborators(ctx, p.ID)
		for _, c := range list {
			if c.UserID == who.ID {
				added = c
			}
		}
		if err != nil {
			return err
		}
		if err := s.notifyCollaborator(ctx, tx, u, p, who); err != nil {
			return err
		}
		return audit(ctx, tx, u, "collaborator.add", p.Slug, map[string]any{"user_id": who.ID})
	})
	return added, err
}

// RemoveCollaborator takes a collaborator off the caller's plugin, and
// records it in the audit log.
func (s *Service) RemoveCollaborator(ctx context.Context, u auth.User, slug string, userID int64) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPlugin(ctx, slug)
		if err != nil {
			return err
		}
		if _, err := check(ctx, tx, p, u, owner, "remove collaborators"); err != nil {
			return err
		}
		if err := tx.RemoveCollaborator(ctx, p.ID, userID); err != nil {
			return err
		}
		return audit(ctx, tx, u, "collaborator.remove", p.Slug, map[string]any{"user_id": userID})
	})
}

// Collaborators lists a plugin's collaborators, for its owner, its
// collaborators and organizers.
func (s *Service) Collaborators(ctx context.Context, u auth.User, slug string) ([]store.Collaborator, error) {
	p, err := s.Get(ctx, u, slug)
	if err != nil {
		return nil, err
	}
	rel, err := relationTo(ctx, s.store, p, u)
	if err != nil {
		return nil, err
	}
	if rel < collaborator && !u.Is(auth.RoleOrganizer) {
		return nil, fmt.Errorf("only the plugin's owner, collaborators and organizers can see its collaborators: %w", auth.ErrForbidden)
	}
	return s.store.Collaborators(ctx, p.ID)
}

// Edits reports whether u may edit a plugin: its owner, a collaborator,
// a member of the team of one of its entries, or a member of the
// organisation it belongs to.
func (s *Service) Edits(ctx context.Context, u auth.User, p store.Plugin) (bool, error) {
	rel, err := relationTo(ctx, s.store, p, u)
	return rel >= collaborator, err
}

// Awards lists the awards a plugin received in editions whose results
// are published: what its "awarded" badge stands for.
func (s *Service) Awards(ctx context.Context, p store.Plugin) ([]store.PluginAward, error) {
	return s.store.PluginAwards(ctx, p.ID)
}
