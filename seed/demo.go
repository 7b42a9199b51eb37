package seed

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
)

// DemoDomain is the domain of the demonstration accounts' addresses.
const DemoDomain = "demo.riposte.localhost"

// demo is the demonstration's plan, from demo.yaml.
type demo struct {
	Edition             string        `yaml:"edition"`
	JudgesPerSubmission int           `yaml:"judges_per_submission"`
	Accounts            []demoAccount `yaml:"accounts"`
	Entries             []struct {
		Owner    string    `yaml:"owner"`
		State    string    `yaml:"state"` // draft, published or submitted
		Manifest yaml.Node `yaml:"manifest"`
	} `yaml:"entries"`
	Conflicts []struct {
		Judge  string `yaml:"judge"`
		Plugin string `yaml:"plugin"`
		Reason string `yaml:"reason"`
	} `yaml:"conflicts"`
	Comments []string      `yaml:"comments"`
	Teams    []demoTeam    `yaml:"teams"`
	Profiles []demoProfile `yaml:"profiles"`
}

// demoAccount is an account to try a role with. Judges review some of
// their assignments ("all" or "half"), marking ScoreBias points above or
// below what an entry deserves, as lenient and harsh judges do.
type demoAccount struct {
	Email     string `yaml:"email"`
	Name      string `yaml:"name"`
	Role      string `yaml:"role"`
	Reviews   string `yaml:"reviews"`
	ScoreBias int    `yaml:"score_bias"`
}

// Account is a demonstration account created by LoadDemo, with the
// password it was given. The password is shown once and never stored in
// clear.
type Account struct {
	Email    string
	Name     string
	Role     auth.Role
	Password string
}

// DemoReport says what LoadDemo did.
type DemoReport struct {
	Edition     string
	Created     []Account // accounts created now, with their passwords
	Existing    []string  // accounts already there, left alone
	Plugins     Tally     // the participants' plugins
	Submissions Tally
	JudgesAdded int
	Conflicts   int
	Assignments int // assignments made now; 0 when the edition had some
	Reviews     int // reviews recorded now
	Skipped     []Skip
	// PairwiseEdition is the edition judged pairwise, and PairwiseVotes
	// the votes cast in it now.
	PairwiseEdition string
	PairwiseVotes   int
	Teams           int // teams formed now
}

func (r *DemoReport) skip(what, reason string) { r.Skipped = append(r.Skipped, Skip{what, reason}) }

func parseDemo() (demo, error) {
	var d demo
	data, err := files.ReadFile("demo.yaml")
	if err != nil {
		return d, err
	}
	if err := strictYAML(data, &d); err != nil {
		return d, fmt.Errorf("seed demo.yaml: %w", err)
	}
	return d, nil
}

// LoadDemo makes every screen and role of the platform worth trying on top
// of the seed catalogue (load it first): it creates an organizer, judges
// and participants with random passwords (returned once), gives the
// participants plugins, adds the judges to the example edition, runs the
// assignment and records some reviews. Accounts already there are left
// alone and their passwords are not returned; like Load, running it twice
// changes nothing.
func LoadDemo(ctx context.Context, d Deps) (DemoReport, error) {
	r := DemoReport{}
	plan, err := parseDemo()
	if err != nil {
		return r, err
	}
	r.Edition = plan.Edition
	users := map[string]auth.User{}
	for _, a := range plan.Accounts {
		u, err := demoUser(ctx, d, a, &r)
		if err != nil {
			return r, err
		}
		users[a.Email] = u
	}
	if err := demoEntries(ctx, d, plan, users, &r); err != nil {
		return r, err
	}
	if err := demoTeams(ctx, d, plan, users, &r); err != nil {
		return r, err
	}
	h, err := d.Hackathons.Get(ctx, plan.Edition)
	if err != nil {
		return r, fmt.Errorf("demo edition %s (load the seed catalogue first): %w", plan.Edition, err)
	}
	org := firstWithRole(plan, users, auth.RoleOrganizer)
	if err := demoJudges(ctx, d, plan, h.ID, org, users, &r); err != nil {
		return r, err
	}
	if err := demoChallengesLoad(ctx, d, plan, h.ID, org, users); err != nil {
		return r, err
	}
	if err := demoAssign(ctx, d, plan, h.ID, org, &r); err != nil {
		return r, err
	}
	if err := demoPairwise(ctx, d, plan, org, users, &r); err != nil {
		return r, err
	}
	if !d.now().Before(h.JudgingDeadline) {
		r.skip("reviews in "+plan.Edition, "judging is closed")
		return r, nil
	}
	return r, demoReviews(ctx, d, plan, h.ID, users, &r)
}

// demoUser returns a demonstration account, creating it with a random
// password when it does not exist.
func demoUser(ctx context.Context, d Deps, a demoAccount, r *DemoReport) (auth.User, error) {
	u, err := d.Store.UserByEmail(ctx, a.Email)
	if errors.Is(err, store.ErrNotFound) {
		password := rand.Text()
		u, err = d.Auth.CreateUser(ctx, a.Email, a.Name, auth.Role(a.Role), password)
		if err == nil {
			r.Created = append(r.Created, Account{Email: u.Email, Name: u.Name, Role: auth.Role(u.Role), Password: password})
		}
	} else if err == nil {
		r.Existing = append(r.Existing, u.Email)
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("demo account %s: %w", a.Email, err)
	}
	return auth.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: auth.Role(u.Role)}, nil
}

func firstWithRole(plan demo, users map[string]auth.User, role auth.Role) auth.User {
	for _, a := range plan.Accounts {
		if auth.Role(a.Role) == role {
			return users[a.Email]
		}
	}
	return auth.User{}
}

// demoEntries gives the participants their plugins, in the state the plan
// says, and enters the submitted ones in the edition.
func demoEntries(ctx context.Context, d Deps, plan demo, users map[string]auth.User, r *DemoReport) error {
	var rep Report
	for i := range plan.Entries {
		pe := &plan.Entries[i]
		e, err := parseEntry(&pe.Manifest)
		if err != nil {
			return fmt.Errorf("seed demo.yaml, entry at line %d: %w", pe.Manifest.Line, err)
		}
		owner, ok := users[pe.Owner]
		if !ok {
			return fmt.Errorf("seed demo.yaml: %s owns %s but is not a demo account", pe.Owner, e.slug)
		}
		var (
			o   outcome
			why string
		)
		if pe.State == "draft" {
			o, why, err = syncDraft(ctx, d, owner, e)
		} else {
			o, why, err = syncEntry(ctx, d.Registry, owner, e)
		}
		if err != nil {
			return err
		}
		r.Plugins.count(o, "plugin "+e.slug, why, &r.Skipped)
		if pe.State == "submitted" {
			if err := submitEntries(ctx, d, edition{Slug: plan.Edition, Submissions: []string{e.slug}}, owner, auth.User{}, &rep); err != nil {
				return err
			}
		}
	}
	r.Submissions = rep.Submissions
	r.Skipped = append(r.Skipped, rep.Skipped...)
	return nil
}

// syncDraft creates a plugin and leaves it a draft, for its owner to
// publish.
func syncDraft(ctx context.Context, d Deps, owner auth.User, e entry) (outcome, string, error) {
	p, err := d.Registry.Get(ctx, owner, e.slug)
	switch {
	case err == nil && p.OwnerID != owner.ID:
		return skipped, "the slug belongs to another account", nil
	case err == nil:
		return existing, "", nil
	case !errors.Is(err, store.ErrNotFound):
		return 0, "", fmt.Errorf("plugin %s: %w", e.slug, err)
	}
	if _, err := d.Registry.Create(ctx, owner, e.versions[len(e.versions)-1].Canonical()); err != nil {
		return 0, "", fmt.Errorf("plugin %s: %w", e.slug, err)
	}
	return created, "", nil
}

// demoJudges adds the judges to the edition and records the declared
// conflicts, as the organizer and the judges would.
func demoJudges(ctx context.Context, d Deps, plan demo, hackathonID int64, org auth.User, users map[string]auth.User, r *DemoReport) error {
	for _, a := range plan.Accounts {
		if auth.Role(a.Role) != auth.RoleJudge {
			continue
		}
		ok, err := d.Store.IsJudge(ctx, hackathonID, users[a.Email].ID)
		if err != nil {
			return err
		}
		if ok {
			continue
		}
		if _, err := d.Hackathons.AddJudge(ctx, org, plan.Edition, users[a.Email].ID); err != nil {
			return fmt.Errorf("demo judge %s: %w", a.Email, err)
		}
		r.JudgesAdded++
	}
	declared, err := d.Store.Conflicts(ctx, hackathonID)
	if err != nil {
		return err
	}
	for _, c := range plan.Conflicts {
		judge := users[c.Judge]
		if slices.ContainsFunc(declared, func(x store.Conflict) bool { return x.JudgeID == judge.ID && x.Slug == c.Plugin }) {
			continue
		}
		if _, err := d.Hackathons.DeclareConflict(ctx, judge, plan.Edition, judge.ID, c.Plugin, c.Reason); err != nil {
			return fmt.Errorf("demo conflict of %s with %s: %w", c.Judge, c.Plugin, err)
		}
		r.Conflicts++
	}
	return nil
}

// demoAssign runs the assignment unless the edition already has one.
func demoAssign(ctx context.Context, d Deps, plan demo, hackathonID int64, org auth.User, r *DemoReport) error {
	current, err := d.Store.Assignments(ctx, hackathonID)
	if err != nil || len(current) > 0 {
		return err
	}
	out, err := d.Hackathons.Assign(ctx, org, plan.Edition, plan.JudgesPerSubmission)
	if err != nil {
		return fmt.Errorf("demo assignment: %w", err)
	}
	r.Assignments = len(out.Assignments)
	return nil
}

// demoReviews has each judge score their share of their assignments, with
// marks that follow from the entry, the judge and the criterion, so that
// every load gives the same leaderboard.
func demoReviews(ctx context.Context, d Deps, plan demo, hackathonID int64, users map[string]auth.User, r *DemoReport) error {
	e, err := d.Hackathons.Get(ctx, plan.Edition)
	if err != nil {
		return err
	}
	assigned, err := d.Store.Assignments(ctx, hackathonID)
	if err != nil {
		return err
	}
	slices.SortFunc(assigned, func(a, b store.Assignment) int { return cmp.Compare(a.Slug, b.Slug) })
	for _, a := range plan.Accounts {
		if a.Reviews == "" {
			continue
		}
		judge := users[a.Email]
		n := 0
		for _, as := range assigned {
			if as.JudgeID != judge.ID {
				continue
			}
			n++
			if as.Reviewed || (a.Reviews == "half" && n%2 == 0) {
				continue
			}
			scores := demoScores(e.Rubric, as.Slug, a)
			comment := plan.Comments[hash(as.Slug, a.Email)%uint32(len(plan.Comments))]
			if _, err := d.Hackathons.Review(ctx, judge, plan.Edition, as.Slug, scores.Raw(), comment); err != nil {
				return fmt.Errorf("demo review of %s by %s: %w", as.Slug, a.Email, err)
			}
			r.Reviews++
		}
	}
	return nil
}

// demoScores marks an entry: what it "deserves" on each criterion follows
// from its slug, then the judge's bias and a little noise are added.
func demoScores(rubric judging.Rubric, slug string, a demoAccount) judging.Scores {
	s := judging.Scores{}
	for _, c := range rubric {
		span := c.Max - c.Min
		deserved := c.Min + span*3/10 + int(hash(slug, c.Key)%uint32(span/2+1))
		noise := int(hash(slug, c.Key, a.Email)%3) - 1
		s[c.Key] = min(c.Max, max(c.Min, deserved+a.ScoreBias+noise))
	}
	return s
}

func hash(parts ...string) uint32 {
	h := fnv.New32a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum32()
}
