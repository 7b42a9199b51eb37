package hackathons

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// ChallengeInput is a challenge as organizers or an organisation write it.
// Organization is the slug of a verified organisation bringing it;
// BroughtBy names who brings it when no organisation on the platform does.
// Status is approved (organizers, the default for them) or proposed (the
// only status an organisation's member may give).
type ChallengeInput struct {
	Title        string
	Description  string
	Organization string
	BroughtBy    string
	Links        []store.Link
	Prizes       []store.Prize
	Status       string
}

// ChallengePatch changes the fields it sets.
type ChallengePatch struct {
	Title        *string
	Description  *string
	Organization *string
	BroughtBy    *string
	Links        *[]store.Link
	Prizes       *[]store.Prize
}

// ChallengeView is a challenge with what its reader may see: the pool of
// judges for organizers, and whether the reader may see its entries.
type ChallengeView struct {
	store.Challenge
	Pool        []int64
	CanSeeEntry bool
}

func (in ChallengeInput) check(c *valid.Checker) {
	c.Length(in.Title, 1, 120, "title")
	c.Length(in.Description, 0, 5000, "description")
	c.Length(in.BroughtBy, 0, 120, "brought_by")
	c.Check(in.Organization == "" || in.BroughtBy == "", "brought_by", "give either organization or brought_by, not both")
	c.Check(len(in.Links) <= 20, "links", "at most 20 links")
	for i, l := range in.Links {
		c.Length(l.Label, 1, 120, fmt.Sprintf("links[%d].label", i))
		u, err := url.Parse(l.URL)
		c.Check(err == nil && u.Scheme == "https" && u.Host != "", fmt.Sprintf("links[%d].url", i), "must be an https URL such as https://example.org/data")
	}
	c.Check(len(in.Prizes) <= 20, "prizes", "at most 20 prizes")
	for i, p := range in.Prizes {
		c.Length(p.Title, 1, 120, fmt.Sprintf("prizes[%d].title", i))
		c.Length(p.Description, 0, 1000, fmt.Sprintf("prizes[%d].description", i))
		for _, q := range in.Prizes[:i] {
			c.Check(q.Title != p.Title, fmt.Sprintf("prizes[%d].title", i), "two prizes of a challenge have this title")
		}
	}
}

func (in *ChallengeInput) trim() {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	in.Organization, in.BroughtBy = strings.TrimSpace(in.Organization), strings.TrimSpace(in.BroughtBy)
	for i := range in.Links {
		in.Links[i].Label, in.Links[i].URL = strings.TrimSpace(in.Links[i].Label), strings.TrimSpace(in.Links[i].URL)
	}
	for i := range in.Prizes {
		in.Prizes[i].Title, in.Prizes[i].Description = strings.TrimSpace(in.Prizes[i].Title), strings.TrimSpace(in.Prizes[i].Description)
	}
}

// prepare trims a new challenge, gives it its default status and checks
// it: organizers create approved or proposed challenges, others propose
// them in the name of an organisation.
func (in *ChallengeInput) prepare(isOrganizer bool) error {
	in.trim()
	if in.Status == "" {
		in.Status = store.ChallengeProposed
		if isOrganizer {
			in.Status = store.ChallengeApproved
		}
	}
	var c valid.Checker
	in.check(&c)
	c.Check(in.Status == store.ChallengeApproved || in.Status == store.ChallengeProposed, "status", "must be approved or proposed")
	c.Check(isOrganizer || in.Organization != "", "organization", "give the verified organisation proposing the challenge")
	if err := c.Err(); err != nil {
		return err
	}
	if !isOrganizer && in.Status != store.ChallengeProposed {
		return fmt.Errorf("only organizers approve challenges; propose it instead: %w", auth.ErrForbidden)
	}
	return nil
}

// verifiedOrg returns the id of the verified organisation slug names, or a
// problem with the organization field.
func verifiedOrg(ctx context.Context, tx *store.Tx, slug string) (*int64, error) {
	if slug == "" {
		return nil, nil
	}
	o, err := tx.OrganizationBySlug(ctx, slug)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, valid.Errors{{Field: "organization", Message: "no organisation has this slug"}}
	case err != nil:
		return nil, err
	case o.Status != store.OrgVerified:
		return nil, valid.Errors{{Field: "organization", Message: "this organisation is not verified"}}
	}
	return &o.ID, nil
}

// CreateChallenge adds a challenge to an edition. Organizers create it
// approved (or proposed); a member of a verified organisation proposes it
// in the organisation's name, for the organizers to review. It is in the
// audit log (challenge.create or challenge.propose).
func (s *Service) CreateChallenge(ctx context.Context, u auth.User, slug string, in ChallengeInput) (store.Challenge, error) {
	isOrganizer := u.Is(auth.RoleOrganizer)
	if err := in.prepare(isOrganizer); err != nil {
		return store.Challenge{}, err
	}
	var out store.Challenge
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		org, err := verifiedOrg(ctx, tx, in.Organization)
		if err != nil {
			return err
		}
		if !isOrganizer {
			if err := memberOf(ctx, tx, *org, u); err != nil {
				return err
			}
		}
		out, err = tx.InsertChallenge(ctx, store.Challenge{HackathonID: h.ID, Title: in.Title, Description: in.Description,
			OrganizationID: org, BroughtBy: in.BroughtBy, Links: in.Links, Prizes: in.Prizes, Status: in.Status, CreatedBy: u.ID})
		if err != nil {
			return err
		}
		action := "challenge.create"
		if in.Status == store.ChallengeProposed {
			action = "challenge.propose"
		}
		return audit(ctx, tx, u, action, slug, map[string]any{"challenge_id": out.ID, "title": out.Title, "organization": in.Organization})
	})
	return out, err
}

// memberOf checks that u belongs to the organisation.
func memberOf(ctx context.Context, tx interface {
	OrgRole(context.Context, int64, int64) (string, error)
}, orgID int64, u auth.User) error {
	role, err := tx.OrgRole(ctx, orgID, u.ID)
	if err != nil {
		return err
	}
	if role == "" {
		return fmt.Errorf("only the organisation's members may do this: %w", auth.ErrForbidden)
	}
	return nil
}

// lockedChallenge locks an edition and returns one of its challenges.
func lockedChallenge(ctx context.Context, tx *store.Tx, slug string, id int64) (store.Hackathon, store.Challenge, error) {
	h, err := tx.LockHackathon(ctx, slug)
	if err != nil {
		return h, store.Challenge{}, err
	}
	c, err := tx.Challenge(ctx, h.ID, id)
	return h, c, err
}

// apply returns the challenge c with the patch's fields: setting who
// brings it (organization or brought_by) clears the other.
func (p ChallengePatch) apply(c store.Challenge) ChallengeInput {
	in := ChallengeInput{Title: pick(p.Title, c.Title), Description: pick(p.Description, c.Description),
		Organization: pick(p.Organization, c.OrgSlug), BroughtBy: pick(p.BroughtBy, c.BroughtBy),
		Links: pick(p.Links, c.Links), Prizes: pick(p.Prizes, c.Prizes)}
	if p.Organization != nil && *p.Organization != "" && p.BroughtBy == nil {
		in.BroughtBy = ""
	}
	if p.BroughtBy != nil && *p.BroughtBy != "" && p.Organization == nil {
		in.Organization = ""
	}
	in.trim()
	return in
}

// UpdateChallenge changes a challenge, for organizers. It is in the audit
// log.
func (s *Service) UpdateChallenge(ctx context.Context, u auth.User, slug string, id int64, p ChallengePatch) (store.Challenge, error) {
	if err := organizer(u); err != nil {
		return store.Challenge{}, err
	}
	var out store.Challenge
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		_, c, err := lockedChallenge(ctx, tx, slug, id)
		if err != nil {
			return err
		}
		in := p.apply(c)
		var chk valid.Checker
		if in.check(&chk); chk.Err() != nil {
			return chk.Err()
		}
		if c.OrganizationID, err = verifiedOrg(ctx, tx, in.Organization); err != nil {
			return err
		}
		c.Title, c.Description, c.BroughtBy, c.Links, c.Prizes = in.Title, in.Description, in.BroughtBy, in.Links, in.Prizes
		if err := tx.UpdateChallenge(ctx, c); err != nil {
			return err
		}
		if out, err = tx.Challenge(ctx, c.HackathonID, id); err != nil {
			return err
		}
		return audit(ctx, tx, u, "challenge.update", slug, map[string]any{"challenge_id": id, "title": out.Title})
	})
	return out, err
}

// DeleteChallenge removes a challenge no entry picked, for organizers. It
// is in the audit log.
func (s *Service) DeleteChallenge(ctx context.Context, u auth.User, slug string, id int64) error {
	if err := organizer(u); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		_, c, err := lockedChallenge(ctx, tx, slug, id)
		if err != nil {
			return err
		}
		n, err := tx.ChallengeEntryCount(ctx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: %d entries picked this challenge; it can no longer be deleted", store.ErrConflict, n)
		}
		if err := tx.DeleteChallenge(ctx, id); err != nil {
			return err
		}
		return audit(ctx, tx, u, "challenge.delete", slug, map[string]any{"challenge_id": id, "title": c.Title})
	})
}

// ReviewChallenge approves or refuses a proposed challenge, for
// organizers. It is in the audit log.
func (s *Service) ReviewChallenge(ctx context.Context, u auth.User, slug string, id int64, decision string) (store.Challenge, error) {
	if err := organizer(u); err != nil {
		return store.Challenge{}, err
	}
	status := map[string]string{"approve": store.ChallengeApproved, "refuse": store.ChallengeRefused}[decision]
	if status == "" {
		return store.Challenge{}, valid.Errors{{Field: "decision", Message: "must be approve or refuse"}}
	}
	var out store.Challenge
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		_, c, err := lockedChallenge(ctx, tx, slug, id)
		if err != nil {
			return err
		}
		if c.Status != store.ChallengeProposed {
			return fmt.Errorf("%w: this challenge is %s, not proposed", store.ErrConflict, c.Status)
		}
		c.Status = status
		if err := tx.UpdateChallenge(ctx, c); err != nil {
			return err
		}
		if out, err = tx.Challenge(ctx, c.HackathonID, id); err != nil {
			return err
		}
		return audit(ctx, tx, u, "challenge.review", slug, map[string]any{"challenge_id": id, "decision": decision})
	})
	return out, err
}

// Challenges lists an edition's challenges a caller may see: the approved
// ones for everyone; proposals and refusals too for organizers, and for
// whoever proposed them or belongs to the organisation behind them. Only
// organizers see the pools.
func (s *Service) Challenges(ctx context.Context, u auth.User, slug string) ([]ChallengeView, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	all, err := s.store.Challenges(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	pools := map[int64][]int64{}
	if u.Is(auth.RoleOrganizer) {
		if pools, err = s.store.Pools(ctx, h.ID); err != nil {
			return nil, err
		}
	}
	out := []ChallengeView{}
	for _, c := range all {
		behind, err := s.behind(ctx, u, c)
		if err != nil {
			return nil, err
		}
		if c.Status == store.ChallengeApproved || u.Is(auth.RoleOrganizer) || behind || (u.ID != 0 && c.CreatedBy == u.ID) {
			out = append(out, ChallengeView{Challenge: c, Pool: pools[c.ID], CanSeeEntry: behind || u.Is(auth.RoleOrganizer)})
		}
	}
	return out, nil
}

// behind reports whether u belongs to the organisation bringing c.
func (s *Service) behind(ctx context.Context, u auth.User, c store.Challenge) (bool, error) {
	if u.ID == 0 || c.OrganizationID == nil {
		return false, nil
	}
	role, err := s.store.OrgRole(ctx, *c.OrganizationID, u.ID)
	return role != "", err
}

// checkChallenges returns a problem for each id that is not an approved
// challenge of the edition, named challenges[i]; nil when all are.
func checkChallenges(ctx context.Context, tx *store.Tx, hackathonID int64, ids []int64) error {
	var c valid.Checker
	c.Check(len(ids) <= 10, "challenges", "pick at most 10 challenges")
	for i, id := range ids {
		ch, err := tx.Challenge(ctx, hackathonID, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			c.Addf(fmt.Sprintf("challenges[%d]", i), "no challenge %d in this edition", id)
		case err != nil:
			return err
		case ch.Status != store.ChallengeApproved:
			c.Addf(fmt.Sprintf("challenges[%d]", i), "challenge %d is not open to entries (%s)", id, ch.Status)
		case slices.Contains(ids[:i], id):
			c.Addf(fmt.Sprintf("challenges[%d]", i), "challenge %d is picked twice", id)
		}
	}
	return c.Err()
}

// SetEntryChallenges replaces the challenges an entry picked, before the
// submission deadline, for its owner and collaborators. It is in the audit
// log.
func (s *Service) SetEntryChallenges(ctx context.Context, u auth.User, slug, plugin string, ids []int64) ([]int64, error) {
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		sub, err := tx.SubmissionOf(ctx, h.ID, plugin)
		if err != nil {
			return err
		}
		if err := forEntry(ctx, tx, sub, u); err != nil {
			return err
		}
		if !s.now().Before(h.SubmissionDeadline) {
			return fmt.Errorf("%w: submissions closed at %s; the challenges can no longer change", store.ErrConflict, when(h.SubmissionDeadline))
		}
		return pickChallenges(ctx, tx, u, h, sub.PluginID, plugin, ids)
	})
	return ids, err
}

// pickChallenges checks and stores the challenges of an entry, in the
// audit log (submission.challenges).
func pickChallenges(ctx context.Context, tx *store.Tx, u auth.User, h store.Hackathon, pluginID int64, plugin string, ids []int64) error {
	if err := checkChallenges(ctx, tx, h.ID, ids); err != nil {
		return err
	}
	if err := tx.SetSubmissionChallenges(ctx, h.ID, pluginID, ids); err != nil {
		return err
	}
	return audit(ctx, tx, u, "submission.challenges", h.Slug, map[string]any{"plugin": plugin, "challenges": ids})
}

// forEntry checks that u may act for an entry: the owner of its plugin, a
// member of its team or a collaborator on the plugin; others get
// ErrNotFound.
func forEntry(ctx context.Context, tx *store.Tx, sub store.Submission, u auth.User) error {
	ok, err := onTeam(ctx, tx, sub.HackathonID, sub.PluginID, sub.OwnerID, u)
	if err == nil && !ok {
		ok, err = tx.IsCollaborator(ctx, sub.PluginID, u.ID)
	}
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("submission %q: %w", sub.Slug, store.ErrNotFound)
	}
	return nil
}

// EntryChallenges returns the ids of the challenges an entry picked.
func (s *Service) EntryChallenges(ctx context.Context, slug string, pluginID int64) ([]int64, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	all, err := s.store.EntryChallenges(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	if all[pluginID] == nil {
		return []int64{}, nil
	}
	return all[pluginID], nil
}
