package hackathons

import (
	"context"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
)

// RosterMember is a member of a team as organizers see it, with the
// address to reach them.
type RosterMember struct {
	store.TeamMember
	Email string
}

// RosterEntry is an entry of a team with the challenges it picked.
type RosterEntry struct {
	store.Submission
	Challenges []store.Challenge
}

// RosterTeam is a team of an edition as organizers see it: its members
// (with their addresses), its captain, its entries and their challenges.
type RosterTeam struct {
	store.Team
	Members []RosterMember
	Entries []RosterEntry
}

// Roster lists an edition's teams for its organizers, by name. Others get
// auth.ErrForbidden.
func (s *Service) Roster(ctx context.Context, u auth.User, slug string) ([]RosterTeam, error) {
	if err := organizer(u); err != nil {
		return nil, err
	}
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	teams, err := s.store.Teams(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	subs, err := s.store.Submissions(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	picked, err := s.store.EntryChallenges(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	all, err := s.store.Challenges(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]store.Challenge{}
	for _, c := range all {
		byID[c.ID] = c
	}
	out := make([]RosterTeam, len(teams))
	for i, t := range teams {
		out[i] = RosterTeam{Team: t, Members: []RosterMember{}, Entries: []RosterEntry{}}
		for _, m := range t.Members {
			acct, err := s.store.UserByID(ctx, m.UserID)
			if err != nil {
				return nil, err
			}
			out[i].Members = append(out[i].Members, RosterMember{TeamMember: m, Email: acct.Email})
		}
		for _, sub := range subs {
			if sub.TeamID == nil || *sub.TeamID != t.ID {
				continue
			}
			e := RosterEntry{Submission: sub, Challenges: []store.Challenge{}}
			for _, id := range picked[sub.PluginID] {
				e.Challenges = append(e.Challenges, byID[id])
			}
			out[i].Entries = append(out[i].Entries, e)
		}
	}
	return out, nil
}
