package seed

import (
	"context"
	"errors"
	"fmt"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
)

// demoChallenge is a challenge of the example edition and the example
// organisation bringing it, whose owner is a demonstration participant.
type demoChallenge struct {
	Owner, OrgName, OrgKind, OrgDescription string
	Title, Description                      string
	Link                                    string
	Prize                                   string
}

// demoChallenges are the example edition's challenges. The organisations
// are fictitious: no real body is made to bring a challenge.
var demoChallenges = []demoChallenge{
	{Owner: "participant1", OrgName: "Secours de quartier (exemple)", OrgKind: "ngo",
		OrgDescription: "Association fictive de la démonstration : des bénévoles qui hébergent et orientent après une crise.",
		Title:          "Mettre à l'abri après une attaque",
		Description:    "Aider les habitants à proposer et trouver un abri près d'un lieu d'incident, sans exposer les personnes hébergées.",
		Link:           "https://example.org/demo/abris.csv", Prize: "Coup de cœur des bénévoles"},
	{Owner: "participant2", OrgName: "Observatoire des rumeurs (exemple)", OrgKind: "ngo",
		OrgDescription: "Association fictive de la démonstration : elle recense les fausses informations qui circulent pendant une crise.",
		Title:          "Répondre vite aux rumeurs",
		Description:    "Repérer une rumeur qui se propage pendant une crise et diffuser une réponse sourcée avant qu'elle ne s'installe.",
		Link:           "https://example.org/demo/rumeurs.json", Prize: "Prix de la réponse rapide"},
	{Owner: "participant3", OrgName: "Collectif des familles (exemple)", OrgKind: "ngo",
		OrgDescription: "Collectif fictif de la démonstration : des familles de personnes parties en zone de guerre.",
		Title:          "Accompagner les familles",
		Description:    "Orienter les familles inquiètes pour un proche vers des interlocuteurs de confiance, dans leur langue.",
		Link:           "https://example.org/demo/contacts.csv", Prize: "Prix des familles"},
}

// demoChallengesLoad gives the example edition its challenges, each
// brought by an example organisation (verified, owned by a participant),
// a pool of the demo judges for the first one, the entries spread over
// the challenges, and a first feedback from the first organisation. An
// edition that has challenges already is left alone.
func demoChallengesLoad(ctx context.Context, d Deps, plan demo, hackathonID int64, org auth.User, users map[string]auth.User) error {
	existing, err := d.Store.Challenges(ctx, hackathonID)
	if err != nil || len(existing) > 0 {
		return err
	}
	var ids []int64
	for _, c := range demoChallenges {
		owner := users[c.Owner+"@"+DemoDomain]
		slug, err := demoOrganization(ctx, d, org, owner, c)
		if err != nil {
			return err
		}
		ch, err := d.Hackathons.CreateChallenge(ctx, org, plan.Edition, hackathons.ChallengeInput{Title: c.Title,
			Description: c.Description, Organization: slug, Links: []store.Link{{Label: "Données (exemple)", URL: c.Link}},
			Prizes: []store.Prize{{Title: c.Prize}}})
		if err != nil {
			return fmt.Errorf("demo challenge %q: %w", c.Title, err)
		}
		ids = append(ids, ch.ID)
	}
	for _, a := range plan.Accounts {
		if auth.Role(a.Role) == auth.RoleJudge {
			if err := d.Hackathons.AddPoolJudge(ctx, org, plan.Edition, ids[0], users[a.Email].ID); err != nil {
				return fmt.Errorf("demo pool: %w", err)
			}
		}
	}
	return demoPicks(ctx, d, plan, hackathonID, ids, users[demoChallenges[0].Owner+"@"+DemoDomain])
}

// demoOrganization returns the slug of a challenge's example
// organisation, applying for it as its owner and verifying it when it
// does not exist.
func demoOrganization(ctx context.Context, d Deps, org, owner auth.User, c demoChallenge) (string, error) {
	slug := plugins.SuggestSlug(c.OrgName)
	if o, err := d.Store.OrganizationBySlug(ctx, slug); err == nil && o.Status == store.OrgVerified {
		return slug, nil
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	o, err := d.Registry.Apply(ctx, owner, registry.OrgApplication{Name: c.OrgName, Kind: c.OrgKind,
		Website: "https://example.org/demo", Description: c.OrgDescription})
	if err != nil {
		return "", fmt.Errorf("demo organisation %q: %w", c.OrgName, err)
	}
	return o.Slug, d.Store.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ReviewOrganization(ctx, o.ID, store.OrgVerified, "example organisation of the demonstration", org.ID)
		return err
	})
}

// demoPicks spreads the edition's entries over the challenges (every
// third entry picks two) and leaves a feedback to the first entry of the
// first challenge.
func demoPicks(ctx context.Context, d Deps, plan demo, hackathonID int64, ids []int64, member auth.User) error {
	subs, err := d.Store.Submissions(ctx, hackathonID)
	if err != nil {
		return err
	}
	first := ""
	for i, sub := range subs {
		picked := []int64{ids[i%len(ids)]}
		if i%3 == 2 {
			picked = append(picked, ids[(i+1)%len(ids)])
		}
		if err := d.Store.SetSubmissionChallenges(ctx, hackathonID, sub.PluginID, picked); err != nil {
			return err
		}
		if first == "" && picked[0] == ids[0] {
			first = sub.Slug
		}
	}
	if first == "" {
		return nil
	}
	return d.Hackathons.LeaveFeedback(ctx, member, plan.Edition, ids[0], first,
		"Nos bénévoles l'essaieraient volontiers : pourrait-il fonctionner hors connexion ?")
}
