package seed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
)

// DemoPairwiseEdition is the demonstration's edition judged pairwise.
const DemoPairwiseEdition = "demo-comparaison"

// demoPairwise opens an edition judged pairwise, open for judging, with
// the entries of the example edition and the demo judges, who each cast
// a few votes: an entry wins when it comes first in an order that follows
// from its slug, so every load gives the same ranking. An edition that
// already has votes is left alone.
func demoPairwise(ctx context.Context, d Deps, plan demo, org auth.User, users map[string]auth.User, r *DemoReport) error {
	h, err := demoPairwiseEdition(ctx, d, org)
	if err != nil {
		return err
	}
	r.PairwiseEdition = h.Slug
	if voted, err := d.Store.HasPairwiseVotes(ctx, h.ID); err != nil || voted {
		return err
	}
	if err := demoPairwiseEntries(ctx, d, plan.Edition, h); err != nil {
		return err
	}
	for _, a := range plan.Accounts {
		if auth.Role(a.Role) != auth.RoleJudge {
			continue
		}
		if ok, err := d.Store.IsJudge(ctx, h.ID, users[a.Email].ID); err != nil {
			return err
		} else if !ok {
			if _, err := d.Hackathons.AddJudge(ctx, org, h.Slug, users[a.Email].ID); err != nil {
				return fmt.Errorf("demo pairwise judge %s: %w", a.Email, err)
			}
		}
		n, err := demoVotes(ctx, d, h.Slug, users[a.Email], 6)
		if err != nil {
			return err
		}
		r.PairwiseVotes += n
	}
	return nil
}

// demoPairwiseEdition returns the demonstration's pairwise edition,
// opening it when it does not exist: under way, judging open since an
// hour ago.
func demoPairwiseEdition(ctx context.Context, d Deps, org auth.User) (hackathons.Edition, error) {
	e, err := d.Hackathons.Get(ctx, DemoPairwiseEdition)
	if !errors.Is(err, store.ErrNotFound) {
		return e, err
	}
	now := d.now().UTC().Truncate(time.Minute)
	e, err = d.Hackathons.Create(ctx, org, hackathons.Input{Slug: DemoPairwiseEdition, Name: "Démo : jugement par comparaison",
		City: "Paris", Description: "Édition de démonstration jugée par comparaison (Crowd-BT) : les jurés comparent les projets deux à deux.",
		StartsAt: now.Add(-24 * time.Hour), EndsAt: now.Add(24 * time.Hour), SubmissionDeadline: now.Add(12 * time.Hour),
		JudgingStartsAt: now.Add(-time.Hour), JudgingDeadline: now.Add(48 * time.Hour), JudgingMode: hackathons.ModePairwise,
		Rubric: judging.Rubric{{Key: "impact", Label: "Impact", Weight: 1, Max: 10}}})
	if err != nil {
		return e, fmt.Errorf("demo pairwise edition: %w", err)
	}
	return e, nil
}

// demoPairwiseEntries enters, as their owners, the entries of the example
// edition that the pairwise edition lacks.
func demoPairwiseEntries(ctx context.Context, d Deps, from string, h hackathons.Edition) error {
	src, err := d.Hackathons.Get(ctx, from)
	if err != nil {
		return err
	}
	subs, err := d.Store.Submissions(ctx, src.ID)
	if err != nil {
		return err
	}
	have, err := d.Store.Submissions(ctx, h.ID)
	if err != nil {
		return err
	}
	for _, s := range subs {
		if slices.ContainsFunc(have, func(x store.Submission) bool { return x.PluginID == s.PluginID }) {
			continue
		}
		u, err := d.Store.UserByID(ctx, s.OwnerID)
		if err != nil {
			return err
		}
		owner := auth.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: auth.Role(u.Role)}
		if _, _, err := d.Hackathons.Submit(ctx, owner, h.Slug, s.Slug); err != nil {
			return fmt.Errorf("demo pairwise entry %s: %w", s.Slug, err)
		}
	}
	return nil
}

// demoVotes has a judge look at their first entry and vote n times, and
// returns how many votes were cast.
func demoVotes(ctx context.Context, d Deps, slug string, judge auth.User, n int) (int, error) {
	p, err := d.Hackathons.PairwiseNext(ctx, judge, slug)
	if err != nil || p.Current == nil {
		return 0, err
	}
	if p, err = d.Hackathons.PairwiseVote(ctx, judge, slug, nil); err != nil {
		return 0, err
	}
	votes := 0
	for ; votes < n && p.Current != nil; votes++ {
		better := hash(p.Current.Slug) < hash(p.Previous.Slug)
		if p, err = d.Hackathons.PairwiseVote(ctx, judge, slug, &better); err != nil {
			return votes, fmt.Errorf("demo pairwise vote by %s: %w", judge.Email, err)
		}
	}
	return votes, nil
}
