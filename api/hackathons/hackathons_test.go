package hackathons_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/platform/platformtest"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// The dates of the editions of these tests: they start at t0, take entries
// for a day and are judged the next.
var (
	t0                 = time.Date(2026, 6, 13, 9, 0, 0, 0, time.UTC)
	submissionDeadline = t0.Add(24 * time.Hour)
	judgingDeadline    = t0.Add(48 * time.Hour)
)

// edition is an edition on a platform of its own, with its organizer and
// a team, seen through the hackathon service.
type edition struct {
	*platformtest.Env
	t    testing.TB
	hk   *hackathons.Service
	slug string
	org  auth.User
	team auth.User
}

// newEdition creates an edition, as change would have it, on e and sets
// the clock an hour after its start: it takes entries.
func newEdition(t testing.TB, e *platformtest.Env, change func(*hackathons.Input)) *edition {
	t.Helper()
	ed := &edition{Env: e, t: t, hk: e.Hackathons, slug: "paris-2026",
		org: e.As(auth.RoleOrganizer).User(), team: e.As(auth.RoleParticipant).User()}
	in := input(ed.slug)
	if change != nil {
		change(&in)
	}
	if _, err := ed.hk.Create(t.Context(), ed.org, in); err != nil {
		t.Fatal(err)
	}
	ed.Clock.Set(t0.Add(time.Hour))
	return ed
}

// input describes an edition with the dates of these tests and a
// one-criterion rubric.
func input(slug string) hackathons.Input {
	return hackathons.Input{Slug: slug, Name: "Paris 2026", City: "Paris",
		StartsAt: t0, EndsAt: judgingDeadline, SubmissionDeadline: submissionDeadline, JudgingDeadline: judgingDeadline,
		Rubric: judging.Rubric{{Key: "impact", Label: "Impact", Weight: 1, Max: 10}}}
}

// get returns the edition as stored.
func (ed *edition) get() hackathons.Edition {
	ed.t.Helper()
	e, err := ed.hk.Get(ed.t.Context(), ed.slug)
	if err != nil {
		ed.t.Fatal(err)
	}
	return e
}

// manifest describes a plugin that runs nowhere.
func manifest(slug, version string) []byte {
	return []byte(`{"slug":"` + slug + `","name":"Tool ` + slug + `","version":"` + version + `","summary":"A tool",
		"categories":["detection"],"languages":["fr"],"license":"MIT","repository":"https://example.org/` + slug + `",
		"maintainers":[{"name":"T","email":"t@example.org"}],"runtime":{"type":"none"}}`)
}

// plugin registers a plugin owned by owner, published unless draft.
func (ed *edition) plugin(owner auth.User, slug string, draft bool) {
	ed.t.Helper()
	if _, err := ed.Registry.Create(ed.t.Context(), owner, manifest(slug, "1.0.0")); err != nil {
		ed.t.Fatal(err)
	}
	if draft {
		return
	}
	if _, err := ed.Registry.Publish(ed.t.Context(), owner, slug); err != nil {
		ed.t.Fatal(err)
	}
}

// entry publishes a plugin owned by owner and enters it.
func (ed *edition) entry(owner auth.User, slug string) {
	ed.t.Helper()
	ed.plugin(owner, slug, false)
	if _, _, err := ed.hk.Submit(ed.t.Context(), owner, ed.slug, slug); err != nil {
		ed.t.Fatal(err)
	}
}

// judge creates an account with the judge role and adds it to the
// edition's judges.
func (ed *edition) judge(email string) auth.User {
	ed.t.Helper()
	u := platformtest.UserOf(ed.Account(email, auth.RoleJudge))
	if _, err := ed.hk.AddJudge(ed.t.Context(), ed.org, ed.slug, u.ID); err != nil {
		ed.t.Fatal(err)
	}
	return u
}

// assign gives each entry k judges and returns the assignments.
func (ed *edition) assign(k int) hackathons.AssignResult {
	ed.t.Helper()
	r, err := ed.hk.Assign(ed.t.Context(), ed.org, ed.slug, k)
	if err != nil {
		ed.t.Fatal(err)
	}
	return r
}

// review saves a judge's mark for an entry.
func (ed *edition) review(judge auth.User, plugin string, impact int) error {
	_, err := ed.hk.Review(ed.t.Context(), judge, ed.slug, plugin, judging.Scores{"impact": impact}.Raw(), "")
	return err
}

// wantIs fails unless err wraps target.
func wantIs(t testing.TB, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: %v, want %v", what, err, target)
	}
}

// wantFields fails unless err lists problems with exactly these fields.
func wantFields(t testing.TB, what string, err error, fields ...string) {
	t.Helper()
	var ve valid.Errors
	if !errors.As(err, &ve) {
		t.Fatalf("%s: %v, want problems with %v", what, err, fields)
	}
	var got []string
	for _, p := range ve {
		got = append(got, p.Field)
	}
	if !slices.Equal(got, fields) {
		t.Fatalf("%s: problems with %v, want %v", what, got, fields)
	}
}

func TestPhaseFollowsTheDates(t *testing.T) {
	platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
		ed := newEdition(t, e, nil)
		for _, step := range []struct {
			at   time.Time
			want string
		}{
			{t0.Add(-time.Second), hackathons.PhaseUpcoming},
			{t0, hackathons.PhaseOpen},
			{submissionDeadline.Add(-time.Nanosecond), hackathons.PhaseOpen},
			{submissionDeadline, hackathons.PhaseJudging},
			{judgingDeadline.Add(-time.Nanosecond), hackathons.PhaseJudging},
			{judgingDeadline, hackathons.PhaseClosed},
		} {
			ed.Clock.Set(step.at)
			if got := ed.hk.Phase(ed.get()); got != step.want {
				t.Errorf("at %s: phase %s, want %s", step.at, got, step.want)
			}
		}
		if _, err := ed.hk.PublishResults(t.Context(), ed.org, ed.slug); err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{t0.Add(-time.Hour), t0, judgingDeadline.Add(time.Hour)} {
			ed.Clock.Set(at)
			if got := ed.hk.Phase(ed.get()); got != hackathons.PhaseResults {
				t.Errorf("published, at %s: phase %s, want results", at, got)
			}
		}
	})
}

// Dates out of order are refused, each named, and nothing is stored.
func TestEditionDatesMustComeInOrder(t *testing.T) {
	platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
		org := e.As(auth.RoleOrganizer).User()
		for _, tc := range []struct {
			name   string
			change func(*hackathons.Input)
			fields []string
		}{
			{"no end", func(in *hackathons.Input) { in.EndsAt = time.Time{} }, []string{"ends_at"}},
			{"entries closing before the start", func(in *hackathons.Input) { in.SubmissionDeadline = t0.Add(-time.Hour) },
				[]string{"submission_deadline"}},
			{"judging ending with the entries", func(in *hackathons.Input) { in.JudgingDeadline = submissionDeadline },
				[]string{"judging_deadline"}},
			{"judging starting before the edition", func(in *hackathons.Input) { in.JudgingStartsAt = t0.Add(-time.Second) },
				[]string{"judging_starts_at"}},
			{"judging starting at its deadline", func(in *hackathons.Input) { in.JudgingStartsAt = judgingDeadline },
				[]string{"judging_starts_at"}},
		} {
			in := input("dates-out-of-order")
			tc.change(&in)
			_, err := e.Hackathons.Create(t.Context(), org, in)
			wantFields(t, tc.name, err, tc.fields...)
			if _, err := e.Hackathons.Get(t.Context(), in.Slug); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s: the edition was stored (%v)", tc.name, err)
			}
		}
	})
}

// Entries are taken until the submission deadline, the instant itself
// excluded, from their owners only; entering again moves the entry to the
// plugin's latest version.
func TestEntriesCloseAtTheSubmissionDeadline(t *testing.T) {
	platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
		ed := newEdition(t, e, nil)
		ctx := t.Context()
		other := platformtest.UserOf(e.Account("other@example.org", auth.RoleParticipant))
		ed.plugin(ed.team, "veille", false)
		ed.plugin(ed.team, "brouillon", true)
		ed.plugin(other, "autre", true)

		sub, created, err := ed.hk.Submit(ctx, ed.team, ed.slug, "veille")
		if err != nil || !created || sub.Version != "1.0.0" {
			t.Fatalf("first entry: %+v, created %v, %v", sub, created, err)
		}
		if _, err := e.Registry.AddVersion(ctx, ed.team, "veille", manifest("veille", "1.1.0")); err != nil {
			t.Fatal(err)
		}
		ed.Clock.Set(submissionDeadline.Add(-time.Nanosecond))
		if sub, created, err = ed.hk.Submit(ctx, ed.team, ed.slug, "veille"); err != nil || created || sub.Version != "1.1.0" {
			t.Fatalf("entering again: %+v, created %v, %v", sub, created, err)
		}
		_, _, err = ed.hk.Submit(ctx, other, ed.slug, "veille")
		wantIs(t, "someone else's published plugin", err, auth.ErrForbidden)
		_, _, err = ed.hk.Submit(ctx, ed.team, ed.slug, "autre")
		wantIs(t, "someone else's draft", err, store.ErrNotFound)
		_, _, err = ed.hk.Submit(ctx, ed.team, ed.slug, "brouillon")
		wantIs(t, "a draft", err, store.ErrConflict)
		wantIs(t, "withdrawing someone else's entry", ed.hk.Withdraw(ctx, other, ed.slug, "veille"), store.ErrNotFound)

		ed.Clock.Set(submissionDeadline)
		_, _, err = ed.hk.Submit(ctx, ed.team, ed.slug, "veille")
		wantIs(t, "entering at the deadline", err, store.ErrConflict)
		wantIs(t, "withdrawing at the deadline", ed.hk.Withdraw(ctx, ed.team, ed.slug, "veille"), store.ErrConflict)

		ed.Clock.Set(submissionDeadline.Add(-time.Nanosecond))
		if err := ed.hk.Withdraw(ctx, ed.team, ed.slug, "veille"); err != nil {
			t.Fatal(err)
		}
		if subs, err := ed.hk.Submissions(ctx, ed.org, ed.slug); err != nil || len(subs) != 0 {
			t.Fatalf("after withdrawing: %+v, %v", subs, err)
		}
	})
}

// An edition says how many judges should read each entry: 2 unless set,
// from 1 to 10, changed with the edition or by running the assignment.
func TestEditionKeepsItsJudgesPerEntry(t *testing.T) {
	platformtest.Each(t, func(t *testing.T, e *platformtest.Env) {
		ed := newEdition(t, e, nil)
		ctx := t.Context()
		if k := ed.get().JudgesPerSubmission; k != store.DefaultJudgesPerSubmission {
			t.Fatalf("by default %d judges per entry, want %d", k, store.DefaultJudgesPerSubmission)
		}
		in := input("lyon-2026")
		in.JudgesPerSubmission = 11
		_, err := ed.hk.Create(ctx, ed.org, in)
		wantFields(t, "eleven judges per entry", err, "judges_per_submission")
		in.JudgesPerSubmission = 3
		if got, err := ed.hk.Create(ctx, ed.org, in); err != nil || got.JudgesPerSubmission != 3 {
			t.Fatalf("created with 3 judges per entry: %d, %v", got.JudgesPerSubmission, err)
		}
		zero := 0
		_, err = ed.hk.Update(ctx, ed.org, ed.slug, hackathons.Patch{JudgesPerSubmission: &zero})
		wantFields(t, "no judge per entry", err, "judges_per_submission")
		four := 4
		if got, err := ed.hk.Update(ctx, ed.org, ed.slug, hackathons.Patch{JudgesPerSubmission: &four}); err != nil || got.JudgesPerSubmission != 4 {
			t.Fatalf("changed to 4: %d, %v", got.JudgesPerSubmission, err)
		}
		ed.assign(1)
		if k := ed.get().JudgesPerSubmission; k != 1 {
			t.Fatalf("after assigning one judge per entry, the edition asks for %d", k)
		}
	})
}
