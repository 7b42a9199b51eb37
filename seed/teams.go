package seed

import (
	"context"
	"errors"
	"fmt"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/store"
)

// demoTeam is a team of the demonstration edition; its captain's entry
// becomes the team's.
type demoTeam struct {
	Name        string   `yaml:"name"`
	Captain     string   `yaml:"captain"`
	Members     []string `yaml:"members"`
	Entry       string   `yaml:"entry"`
	Description string   `yaml:"description"`
	Needs       string   `yaml:"needs"`
	Open        bool     `yaml:"open"`
}

// demoProfile is a published "looking for a team" profile.
type demoProfile struct {
	Email     string   `yaml:"email"`
	Skills    []string `yaml:"skills"`
	Languages []string `yaml:"languages"`
	Wants     string   `yaml:"wants"`
}

// demoTeams forms the plan's teams, as their captains would, unless the
// captain is already in one, and publishes the profiles not yet there.
func demoTeams(ctx context.Context, d Deps, plan demo, users map[string]auth.User, r *DemoReport) error {
	for _, t := range plan.Teams {
		if err := demoTeamOf(ctx, d, plan.Edition, t, users, r); err != nil {
			return fmt.Errorf("demo team %s: %w", t.Name, err)
		}
	}
	for _, p := range plan.Profiles {
		u := users[p.Email]
		if _, err := d.Hackathons.Profile(ctx, u, plan.Edition); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		in := hackathons.ProfileInput{Skills: p.Skills, Languages: p.Languages, Wants: p.Wants, Visible: true}
		if _, err := d.Hackathons.SaveProfile(ctx, u, plan.Edition, in); err != nil {
			return fmt.Errorf("demo profile of %s: %w", p.Email, err)
		}
	}
	return nil
}

func demoTeamOf(ctx context.Context, d Deps, edition string, t demoTeam, users map[string]auth.User, r *DemoReport) error {
	captain := users[t.Captain]
	if _, err := d.Hackathons.MyTeam(ctx, captain, edition); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	team, err := d.Hackathons.CreateTeam(ctx, captain, edition,
		hackathons.TeamInput{Name: t.Name, Description: t.Description, Needs: t.Needs, Open: t.Open})
	if errors.Is(err, store.ErrConflict) {
		r.skip("team "+t.Name, "teams can no longer be formed in "+edition)
		return nil
	}
	if err != nil {
		return err
	}
	for _, m := range t.Members {
		_, token, err := d.Hackathons.InviteToTeam(ctx, captain, edition, team.ID, "")
		if err != nil {
			return err
		}
		if _, err := d.Hackathons.AcceptTeamInvitation(ctx, users[m], token); err != nil {
			return err
		}
	}
	r.Teams++
	if t.Entry == "" {
		return nil
	}
	_, _, err = d.Hackathons.Submit(ctx, captain, edition, t.Entry) // the entry now records the team
	return err
}
