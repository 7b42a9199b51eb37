package hackathons

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
)

// ReminderLead is how long before a deadline its reminder is sent.
const ReminderLead = 24 * time.Hour

// RunReminders queues deadline reminders every interval until ctx ends,
// logging failures; each pass is RemindDeadlines.
func (s *Service) RunReminders(ctx context.Context, every time.Duration, log *slog.Logger) {
	for {
		if _, err := s.RemindDeadlines(ctx); err != nil && ctx.Err() == nil {
			log.Error("deadline reminders", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// RemindDeadlines queues, for each edition whose submission or judging
// deadline is less than ReminderLead away, one reminder to each account
// that still has something to do: participants owning a plugin with no
// entry in the edition, and judges with assigned entries not yet
// reviewed. Each reminder is recorded with its message, in one
// transaction, so that it is queued once whatever the number of replicas
// or restarts. It returns how many reminders it recorded (an account that turned
// reminders off is recorded, not written to).
func (s *Service) RemindDeadlines(ctx context.Context) (int, error) {
	if s.notify == nil {
		return 0, nil
	}
	now := s.now()
	hs, err := s.store.HackathonsClosingBetween(ctx, now, now.Add(ReminderLead))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, h := range hs {
		if h.SubmissionDeadline.After(now) && !h.SubmissionDeadline.After(now.Add(ReminderLead)) {
			users, err := s.store.ParticipantsWithoutEntry(ctx, h.ID)
			if err != nil {
				return sent, err
			}
			n, err := s.remind(ctx, h, "submission", users, h.SubmissionDeadline, s.notify.Composer().Link("/hackathons/"+h.Slug, nil), nil)
			if sent += n; err != nil {
				return sent, err
			}
		}
		if h.JudgingDeadline.After(now) && !h.JudgingDeadline.After(now.Add(ReminderLead)) {
			n, err := s.remindJudges(ctx, h)
			if sent += n; err != nil {
				return sent, err
			}
		}
	}
	return sent, nil
}

// remindJudges reminds the judges of an edition who have standing
// assignments without a review.
func (s *Service) remindJudges(ctx context.Context, h store.Hackathon) (int, error) {
	all, err := assignments(ctx, s.store, h.ID)
	if err != nil {
		return 0, err
	}
	left := map[int64]int{}
	var ids []int64
	for _, a := range all {
		if a.Conflict == nil && !a.Reviewed {
			if left[a.JudgeID] == 0 {
				ids = append(ids, a.JudgeID)
			}
			left[a.JudgeID]++
		}
	}
	users := make([]store.User, 0, len(ids))
	for _, id := range ids {
		u, err := s.store.UserByID(ctx, id)
		if err != nil {
			return 0, err
		}
		users = append(users, u)
	}
	return s.remind(ctx, h, "judging", users, h.JudgingDeadline, s.notify.Composer().Link(DeskPath, nil), left)
}

// remind queues one reminder of a deadline (submission or judging) to
// each user not yet reminded of it; left counts, for judges, the reviews
// still to give.
func (s *Service) remind(ctx context.Context, h store.Hackathon, what string, users []store.User, at time.Time, link string, left map[int64]int) (int, error) {
	sent := 0
	for _, u := range users {
		key := fmt.Sprintf("%s:%d:%d:%d", what, h.ID, at.Unix(), u.ID)
		data := map[string]string{"Edition": h.Name, "Deadline": deadline(at), "Link": link}
		if what == "judging" {
			data["Judging"], data["Left"] = "yes", fmt.Sprint(left[u.ID])
		}
		err := s.store.InTx(ctx, func(tx *store.Tx) error {
			first, err := tx.ClaimReminder(ctx, key)
			if err != nil || !first {
				return err
			}
			sent++
			return s.notify.Notify(ctx, tx, mail.KindDeadlineReminder, u, data)
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}
