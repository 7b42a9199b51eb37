package hackathons

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// SubmitTo is SubmitForTeam with the challenges the entry picks: nil
// leaves those of an entry moved to a newer version as they were (a new
// entry has none), an empty list clears them. Unknown or unapproved
// challenges are refused before anything is entered.
func (s *Service) SubmitTo(ctx context.Context, u auth.User, slug, plugin string, teamID int64, challenges *[]int64) (store.Submission, bool, error) {
	if challenges != nil {
		err := s.store.InTx(ctx, func(tx *store.Tx) error {
			h, err := tx.HackathonBySlug(ctx, slug)
			if err != nil {
				return err
			}
			return checkChallenges(ctx, tx, h.ID, *challenges)
		})
		if err != nil {
			return store.Submission{}, false, err
		}
	}
	sub, created, err := s.SubmitForTeam(ctx, u, slug, plugin, teamID)
	if err != nil || (challenges == nil && !created) {
		return sub, created, err
	}
	if challenges == nil { // a new entry: nothing is left of an entry withdrawn before
		return sub, created, s.store.SetSubmissionChallenges(ctx, sub.HackathonID, sub.PluginID, nil)
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		return pickChallenges(ctx, tx, u, h, sub.PluginID, plugin, *challenges)
	})
	return sub, created, err
}

// PrizePick names a prize of one of an entry's challenges.
type PrizePick struct {
	ChallengeID int64
	Title       string
}

// prizeAward is the award, and so the badge, a prize gives: "<prize> —
// <challenge>", in the words the organizers wrote them, shortened to the
// award's 120 characters.
func prizeAward(prize, challenge string) string {
	s := prize + " — " + challenge
	if utf8.RuneCountInString(s) > 120 {
		s = string([]rune(s)[:119]) + "…"
	}
	return s
}

// DecideWithPrize is Decide with an optional prize of one of the entry's
// challenges, which becomes the entry's award (and its badge once results
// are published). It is in the audit log with the decision.
func (s *Service) DecideWithPrize(ctx context.Context, u auth.User, slug, plugin, status, award, feedback string, p *PrizePick) (store.Submission, error) {
	if p == nil {
		return s.Decide(ctx, u, slug, plugin, status, award, feedback)
	}
	if err := organizer(u); err != nil {
		return store.Submission{}, err
	}
	var c valid.Checker
	c.Check(strings.TrimSpace(award) == "", "award", "give either award or prize, not both")
	c.Check(status == Accepted, "prize", "only accepted entries can receive a prize")
	if err := c.Err(); err != nil {
		return store.Submission{}, err
	}
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return store.Submission{}, err
	}
	sub, err := s.store.SubmissionOf(ctx, h.ID, plugin)
	if err != nil {
		return store.Submission{}, err
	}
	picked, err := s.store.EntryChallenges(ctx, h.ID)
	if err != nil {
		return store.Submission{}, err
	}
	if !slices.Contains(picked[sub.PluginID], p.ChallengeID) {
		return store.Submission{}, valid.Errors{{Field: "prize.challenge_id", Message: "the entry did not pick this challenge"}}
	}
	ch, err := s.store.Challenge(ctx, h.ID, p.ChallengeID)
	if err != nil {
		return store.Submission{}, err
	}
	if !slices.ContainsFunc(ch.Prizes, func(z store.Prize) bool { return z.Title == strings.TrimSpace(p.Title) }) {
		return store.Submission{}, valid.Errors{{Field: "prize.title", Message: "this challenge has no prize with this title"}}
	}
	return s.Decide(ctx, u, slug, plugin, status, prizeAward(strings.TrimSpace(p.Title), ch.Title), feedback)
}

// ChallengeEntries lists the entries to a challenge, for the members of
// the organisation bringing it and for organizers.
func (s *Service) ChallengeEntries(ctx context.Context, u auth.User, slug string, id int64) (store.Challenge, []store.Submission, error) {
	c, err := s.followable(ctx, u, slug, id)
	if err != nil {
		return c, nil, err
	}
	list, err := s.store.ChallengeEntries(ctx, id)
	if err != nil || u.Is(auth.RoleOrganizer) {
		return c, list, err
	}
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err == nil && h.ResultsPublishedAt == nil {
		for i := range list { // decisions are told with the results
			list[i].Status, list[i].Award, list[i].Feedback = "submitted", "", ""
		}
	}
	return c, list, err
}

// followable returns a challenge whose entries u may follow: organizers,
// and members of the organisation bringing it; others get ErrForbidden.
func (s *Service) followable(ctx context.Context, u auth.User, slug string, id int64) (store.Challenge, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return store.Challenge{}, err
	}
	c, err := s.store.Challenge(ctx, h.ID, id)
	if err != nil {
		return c, err
	}
	behind, err := s.behind(ctx, u, c)
	if err != nil || behind || u.Is(auth.RoleOrganizer) {
		return c, err
	}
	return c, fmt.Errorf("only the organisation bringing this challenge and organizers see its entries: %w", auth.ErrForbidden)
}

// LeaveFeedback records a message from the organisation bringing a
// challenge to an entry that picked it, for the entry's team and the
// organizers. It is in the audit log (challenge.feedback).
func (s *Service) LeaveFeedback(ctx context.Context, u auth.User, slug string, id int64, plugin, message string) error {
	message = strings.TrimSpace(message)
	var chk valid.Checker
	if chk.Length(message, 1, 5000, "message"); chk.Err() != nil {
		return chk.Err()
	}
	c, err := s.followable(ctx, u, slug, id)
	if err != nil {
		return err
	}
	if behind, err := s.behind(ctx, u, c); err != nil || !behind {
		return errors.Join(err, fmt.Errorf("only the organisation bringing this challenge leaves feedback: %w", auth.ErrForbidden))
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		sub, err := tx.SubmissionOf(ctx, c.HackathonID, plugin)
		if err != nil {
			return err
		}
		picked, err := tx.EntryChallenges(ctx, c.HackathonID)
		if err != nil {
			return err
		}
		if !slices.Contains(picked[sub.PluginID], id) {
			return fmt.Errorf("entry %q to challenge %d: %w", plugin, id, store.ErrNotFound)
		}
		if err := tx.InsertChallengeFeedback(ctx, store.ChallengeFeedback{ChallengeID: id, PluginID: sub.PluginID, AuthorID: u.ID, Message: message}); err != nil {
			return err
		}
		if err := s.notifyFeedback(ctx, tx, u, c, sub, message); err != nil {
			return err
		}
		return audit(ctx, tx, u, "challenge.feedback", slug, map[string]any{"challenge_id": id, "plugin": plugin})
	})
}

// EntryFeedback lists the feedback organisations left to an entry, for
// its owner, its collaborators and organizers.
func (s *Service) EntryFeedback(ctx context.Context, u auth.User, slug, plugin string) ([]store.ChallengeFeedback, error) {
	var out []store.ChallengeFeedback
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.HackathonBySlug(ctx, slug)
		if err != nil {
			return err
		}
		sub, err := tx.SubmissionOf(ctx, h.ID, plugin)
		if err != nil {
			return err
		}
		if !u.Is(auth.RoleOrganizer) {
			if err := forEntry(ctx, tx, sub, u); err != nil {
				return err
			}
		}
		out, err = tx.EntryFeedback(ctx, h.ID, sub.PluginID)
		return err
	})
	return out, err
}

// AddPoolJudge puts a judge of the edition in a challenge's pool, for
// organizers. It is in the audit log (challenge.pool.add).
func (s *Service) AddPoolJudge(ctx context.Context, u auth.User, slug string, id, userID int64) error {
	if err := organizer(u); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		h, _, err := lockedChallenge(ctx, tx, slug, id)
		if err != nil {
			return err
		}
		judges, err := tx.Judges(ctx, h.ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(judges, func(j store.Judge) bool { return j.UserID == userID }) {
			return valid.Errors{{Field: "user_id", Message: "add this account as a judge of the edition first"}}
		}
		if err := tx.AddPoolJudge(ctx, id, userID); err != nil {
			return err
		}
		return audit(ctx, tx, u, "challenge.pool.add", slug, map[string]any{"challenge_id": id, "user_id": userID})
	})
}

// RemovePoolJudge takes a judge out of a challenge's pool, for
// organizers. It is in the audit log (challenge.pool.remove).
func (s *Service) RemovePoolJudge(ctx context.Context, u auth.User, slug string, id, userID int64) error {
	if err := organizer(u); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, _, err := lockedChallenge(ctx, tx, slug, id); err != nil {
			return err
		}
		if err := tx.RemovePoolJudge(ctx, id, userID); err != nil {
			return err
		}
		return audit(ctx, tx, u, "challenge.pool.remove", slug, map[string]any{"challenge_id": id, "user_id": userID})
	})
}

// poolsInput restricts an assignment to the challenges' pools: an entry
// to challenges with pools gets judges from the union of its challenges'
// pools; an entry to no challenge with a pool gets judges in no pool, or
// any judge when every judge is in a pool. Without pools, nothing changes.
func poolsInput(ctx context.Context, tx *store.Tx, hackathonID int64, in *judging.AssignInput, ids map[string]int64) error {
	pools, err := tx.Pools(ctx, hackathonID)
	if err != nil || len(pools) == 0 {
		return err
	}
	picked, err := tx.EntryChallenges(ctx, hackathonID)
	if err != nil {
		return err
	}
	pooled := map[int64]bool{}
	for _, judges := range pools {
		for _, j := range judges {
			pooled[j] = true
		}
	}
	outside := slices.DeleteFunc(slices.Clone(in.Judges), func(j int64) bool { return pooled[j] })
	if len(outside) == 0 {
		outside = in.Judges
	}
	in.Allowed = map[string][]int64{}
	for _, slug := range in.Submissions {
		var allowed []int64
		for _, c := range picked[ids[slug]] {
			allowed = append(allowed, pools[c]...)
		}
		if len(allowed) == 0 {
			allowed = outside
		}
		in.Allowed[slug] = allowed
	}
	return nil
}

// challengeFilter returns, for a leaderboard per challenge, whether an
// entry picked the challenge; nil for the overall leaderboard.
func (s *Service) challengeFilter(ctx context.Context, hackathonID, challengeID int64) (func(store.Submission) bool, error) {
	if challengeID == 0 {
		return nil, nil
	}
	if _, err := s.store.Challenge(ctx, hackathonID, challengeID); err != nil {
		return nil, err
	}
	picked, err := s.store.EntryChallenges(ctx, hackathonID)
	if err != nil {
		return nil, err
	}
	return func(sub store.Submission) bool { return slices.Contains(picked[sub.PluginID], challengeID) }, nil
}

// OrgEntries lists the entries to the challenges an organisation brings,
// each at the version entered, for its page: what it can follow and use
// after the event.
func (s *Service) OrgEntries(ctx context.Context, orgID int64) ([]store.OrgEntry, error) {
	return s.store.OrgEntries(ctx, orgID)
}

// PrizeOption is a prize an entry may receive: a prize of one of the
// challenges it picked.
type PrizeOption struct {
	ChallengeID int64
	Challenge   string
	Title       string
}

// EntryPrizes lists, by plugin slug, the prizes each entry of an edition
// may receive, for organizers deciding.
func (s *Service) EntryPrizes(ctx context.Context, u auth.User, slug string) (map[string][]PrizeOption, error) {
	if err := organizer(u); err != nil {
		return nil, err
	}
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	all, err := s.store.Challenges(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	picked, err := s.store.EntryChallenges(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	subs, err := s.store.Submissions(ctx, h.ID)
	out := map[string][]PrizeOption{}
	for _, sub := range subs {
		for _, c := range all {
			if !slices.Contains(picked[sub.PluginID], c.ID) {
				continue
			}
			for _, p := range c.Prizes {
				out[sub.Slug] = append(out[sub.Slug], PrizeOption{ChallengeID: c.ID, Challenge: c.Title, Title: p.Title})
			}
		}
	}
	return out, err
}

// ParsePrizePick reads a prize chosen in a form, "challenge id|title"; nil
// for none.
func ParsePrizePick(v string) *PrizePick {
	id, title, ok := strings.Cut(v, "|")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil {
		return nil
	}
	return &PrizePick{ChallengeID: n, Title: title}
}
