package hackathons

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
)

// DeskPath is the judging desk, where a judge finds what to review.
const DeskPath = "/judge"

// SetNotifier gives the service what queues its notifications; without
// one it sends none.
func (s *Service) SetNotifier(n *mail.Notifier) { s.notify = n }

// deadline writes a deadline in messages: in UTC, to the minute.
func deadline(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// notifyAssigned queues, for each judge given entries they did not have
// before a run, one message listing them, in the run's transaction.
func (s *Service) notifyAssigned(ctx context.Context, tx *store.Tx, h store.Hackathon, before, after []store.Assignment) error {
	if s.notify == nil {
		return nil
	}
	had := map[[2]int64]bool{}
	for _, a := range before {
		had[[2]int64{a.JudgeID, a.PluginID}] = true
	}
	subs, err := tx.Submissions(ctx, h.ID)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, sub := range subs {
		names[sub.PluginID] = sub.Name
	}
	fresh := map[int64][]string{}
	for _, a := range after {
		if !had[[2]int64{a.JudgeID, a.PluginID}] {
			fresh[a.JudgeID] = append(fresh[a.JudgeID], names[a.PluginID]+" ("+a.Slug+")")
		}
	}
	judges := make([]int64, 0, len(fresh))
	for id := range fresh {
		judges = append(judges, id)
	}
	slices.Sort(judges)
	link := s.notify.Composer().Link(DeskPath, nil)
	for _, id := range judges {
		u, err := tx.UserByID(ctx, id)
		if err != nil {
			return err
		}
		err = s.notify.Notify(ctx, tx, mail.KindJudgeAssigned, u, map[string]string{
			"Edition": h.Name, "Deadline": deadline(h.JudgingDeadline), "Link": link, "Entries": strings.Join(fresh[id], "\n")})
		if err != nil {
			return err
		}
	}
	return nil
}

// notifyResults tells the team of each entry (its owner, collaborators
// and the members of its team) its decision and award, and that an edition's results are published, with the page
// of their entry's decision and feedback, in the publishing transaction.
func (s *Service) notifyResults(ctx context.Context, tx *store.Tx, h store.Hackathon) error {
	if s.notify == nil {
		return nil
	}
	subs, err := tx.Submissions(ctx, h.ID)
	if err != nil {
		return err
	}
	c := s.notify.Composer()
	for _, sub := range subs {
		team, err := tx.Collaborators(ctx, sub.PluginID)
		if err != nil {
			return err
		}
		ids := []int64{sub.OwnerID}
		for _, m := range team {
			ids = append(ids, m.UserID)
		}
		if sub.TeamID != nil { // the members of the entry's team too, each once
			t, err := tx.TeamByID(ctx, *sub.TeamID)
			if err != nil {
				return err
			}
			ids = append(ids, memberIDs(t)...)
		}
		slices.Sort(ids)
		data := map[string]string{"Edition": h.Name, "Plugin": sub.Name, "Slug": sub.Slug, "Status": sub.Status, "Award": sub.Award,
			"Link": c.Link("/my/plugins/"+sub.Slug, nil), "Results": c.Link("/hackathons/"+h.Slug, nil)}
		for _, id := range slices.Compact(ids) {
			u, err := tx.UserByID(ctx, id)
			if err != nil {
				return err
			}
			if err := s.notify.Notify(ctx, tx, mail.KindResultsPublished, u, data); err != nil {
				return err
			}
		}
	}
	return nil
}
