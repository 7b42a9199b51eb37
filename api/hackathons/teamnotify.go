package hackathons

import (
	"context"
	"slices"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
)

// Events a team's members are told of (mail.KindTeamActivity).
const (
	teamJoined   = "joined"
	teamLeft     = "left"
	teamRemoved  = "removed"
	teamCaptain  = "captain"
	teamFeedback = "feedback"
)

// notifyTeam queues a team_activity message about an event to each
// account of ids but the one that caused it, in its own language and
// unless it turned the kind off, in the event's transaction. data fills
// the templates along with the event, the team and the edition.
func (s *Service) notifyTeam(ctx context.Context, tx *store.Tx, ids []int64, actor int64, event string, t store.Team, data map[string]string) error {
	if s.notify == nil {
		return nil
	}
	h, err := tx.HackathonByID(ctx, t.HackathonID)
	if err != nil {
		return err
	}
	fields := map[string]string{"Event": event, "Team": t.Name, "Edition": h.Name,
		"Link": s.notify.Composer().Link("/hackathons/"+h.Slug+"/teams", nil)}
	for k, v := range data {
		fields[k] = v
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if id == actor {
			continue
		}
		u, err := tx.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.notify.Notify(ctx, tx, mail.KindTeamActivity, u, fields); err != nil {
			return err
		}
	}
	return nil
}

// memberIDs lists the ids of a team's members.
func memberIDs(t store.Team) []int64 {
	ids := make([]int64, len(t.Members))
	for i, m := range t.Members {
		ids[i] = m.UserID
	}
	return ids
}

// memberName is the display name of a member of a team.
func memberName(t store.Team, id int64) string {
	for _, m := range t.Members {
		if m.UserID == id {
			return m.Name
		}
	}
	return ""
}

// notifyFeedback tells the team of an entry (its members, or its owner
// when it has no team) of feedback from the organisation behind one of
// its challenges, with the message and the page where the entry's
// feedback is kept.
func (s *Service) notifyFeedback(ctx context.Context, tx *store.Tx, u auth.User, c store.Challenge, sub store.Submission, message string) error {
	if s.notify == nil {
		return nil
	}
	t := store.Team{HackathonID: c.HackathonID}
	ids := []int64{sub.OwnerID}
	if sub.TeamID != nil {
		var err error
		if t, err = tx.TeamByID(ctx, *sub.TeamID); err != nil {
			return err
		}
		ids = append(ids, memberIDs(t)...)
	}
	h, err := tx.HackathonByID(ctx, c.HackathonID)
	if err != nil {
		return err
	}
	org := c.OrgName
	if org == "" {
		org = c.BroughtBy
	}
	return s.notifyTeam(ctx, tx, ids, u.ID, teamFeedback, t, map[string]string{"Org": org, "Challenge": c.Title,
		"Plugin": sub.Name, "Message": message,
		"Link": s.notify.Composer().Link("/my/plugins/"+sub.Slug+"/entries/"+h.Slug+"/challenges", nil)})
}
