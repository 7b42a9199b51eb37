package hackathons

import (
	"context"
	"slices"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// ProfileInput is what a participant chooses to publish on the "looking
// for a team" page; nothing is shown unless Visible.
type ProfileInput struct {
	Skills    []string
	Languages []string
	Wants     string
	Visible   bool
}

// cleanList trims, drops empty and repeated items, and checks each.
func cleanList(c *valid.Checker, in []string, field string) []string {
	out := []string{}
	for _, s := range in {
		s = strings.Join(strings.Fields(s), " ")
		if s == "" || slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }) {
			continue
		}
		c.Length(s, 1, 40, field)
		out = append(out, s)
	}
	c.Check(len(out) <= 20, field, "at most 20 items")
	return out
}

// SaveProfile records the caller's "looking for a team" profile in an
// edition.
func (s *Service) SaveProfile(ctx context.Context, u auth.User, slug string, in ProfileInput) (store.TeamProfile, error) {
	var c valid.Checker
	p := store.TeamProfile{UserID: u.ID, Skills: cleanList(&c, in.Skills, "skills"), Languages: cleanList(&c, in.Languages, "languages"),
		Wants: strings.TrimSpace(in.Wants), Visible: in.Visible}
	c.Length(p.Wants, 0, 500, "wants")
	if err := c.Err(); err != nil {
		return store.TeamProfile{}, err
	}
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return store.TeamProfile{}, err
	}
	p.HackathonID = h.ID
	if err := s.store.SaveTeamProfile(ctx, p); err != nil {
		return store.TeamProfile{}, err
	}
	return s.store.TeamProfileOf(ctx, h.ID, u.ID)
}

// Profile returns the caller's profile in an edition, or store.ErrNotFound.
func (s *Service) Profile(ctx context.Context, u auth.User, slug string) (store.TeamProfile, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return store.TeamProfile{}, err
	}
	return s.store.TeamProfileOf(ctx, h.ID, u.ID)
}

// DeleteProfile removes the caller's profile from an edition.
func (s *Service) DeleteProfile(ctx context.Context, u auth.User, slug string) error {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return err
	}
	return s.store.DeleteTeamProfile(ctx, h.ID, u.ID)
}

// LookingFilter narrows the "looking for a team" page: a profile matches
// a skill or language it lists (case aside); a team matches when its
// needs or description mention it.
type LookingFilter struct {
	Skill, Language string
}

// Looking is the "looking for a team" page of an edition: the profiles
// participants chose to publish and the teams open to new members.
type Looking struct {
	Profiles []store.TeamProfile
	Teams    []store.Team
}

// Looking lists the visible profiles and open teams of an edition that
// match a filter.
func (s *Service) Looking(ctx context.Context, slug string, f LookingFilter) (Looking, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return Looking{}, err
	}
	profiles, err := s.store.VisibleTeamProfiles(ctx, h.ID)
	if err != nil {
		return Looking{}, err
	}
	teams, err := s.store.Teams(ctx, h.ID)
	if err != nil {
		return Looking{}, err
	}
	out := Looking{Profiles: []store.TeamProfile{}, Teams: []store.Team{}}
	for _, p := range profiles {
		if lists(p.Skills, f.Skill) && lists(p.Languages, f.Language) {
			out.Profiles = append(out.Profiles, p)
		}
	}
	for _, t := range teams {
		text := t.Needs + "\n" + t.Description
		if t.Open && mentions(text, f.Skill) && mentions(text, f.Language) {
			out.Teams = append(out.Teams, t)
		}
	}
	return out, nil
}

func lists(items []string, want string) bool {
	want = strings.TrimSpace(want)
	return want == "" || slices.ContainsFunc(items, func(s string) bool { return strings.EqualFold(s, want) })
}

func mentions(text, want string) bool {
	want = strings.TrimSpace(want)
	return want == "" || strings.Contains(strings.ToLower(text), strings.ToLower(want))
}
