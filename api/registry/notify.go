package registry

import (
	"context"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
)

// SetNotifier gives the registry what queues its notifications; without
// one it sends none.
func (s *Service) SetNotifier(n *mail.Notifier) { s.notify = n }

// teamPath is the page where a plugin's owner and collaborators manage it.
func teamPath(slug string) string { return "/my/plugins/" + slug }

// notifyCollaborator tells an account it was added to a plugin, in the
// transaction that adds it.
func (s *Service) notifyCollaborator(ctx context.Context, tx *store.Tx, by auth.User, p store.Plugin, who store.User) error {
	if s.notify == nil {
		return nil
	}
	return s.notify.Notify(ctx, tx, mail.KindCollaboratorAdded, who, map[string]string{
		"Plugin": p.Name, "Slug": p.Slug, "By": by.Name, "Link": s.notify.Composer().Link(teamPath(p.Slug), nil)})
}

// notifyVersion tells the owner and the collaborators of a plugin, but
// not the one who published it, that a version was published, in the
// transaction that publishes it.
func (s *Service) notifyVersion(ctx context.Context, tx *store.Tx, by auth.User, slug string, v store.PluginVersion) error {
	if s.notify == nil {
		return nil
	}
	p, err := tx.LockPlugin(ctx, slug)
	if err != nil {
		return err
	}
	team, err := tx.Collaborators(ctx, p.ID)
	if err != nil {
		return err
	}
	ids := []int64{p.OwnerID}
	for _, c := range team {
		ids = append(ids, c.UserID)
	}
	data := map[string]string{"Plugin": p.Name, "Slug": p.Slug, "Version": v.Version, "By": by.Name,
		"Link": s.notify.Composer().Link(teamPath(p.Slug), nil)}
	for _, id := range ids {
		if id == by.ID {
			continue
		}
		u, err := tx.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.notify.Notify(ctx, tx, mail.KindVersionPublished, u, data); err != nil {
			return err
		}
	}
	return nil
}
