// Package hackathons runs hackathon editions: their dates and rubric,
// submissions frozen at a plugin version, judges and their conflicts of
// interest, assignment, reviews, decisions and results. Who may do what is
// decided here; the arithmetic lives in the judging package.
package hackathons

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
)

// Service runs editions. Its clock decides deadlines.
type Service struct {
	store  *store.Store
	now    func() time.Time
	notify *mail.Notifier // nil sends no notifications
}

// New returns the service; now is its clock (nil means time.Now).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: now}
}

// Edition is a hackathon with its rubric decoded.
type Edition struct {
	store.Hackathon
	Rubric judging.Rubric
}

// Phases of an edition, from its dates.
const (
	PhaseUpcoming = "upcoming" // before it starts
	PhaseOpen     = "open"     // submissions accepted
	PhaseJudging  = "judging"  // submissions closed, reviews accepted
	PhaseClosed   = "closed"   // judging over, results not yet published
	PhaseResults  = "results"  // results published
)

// Phase says where an edition stands at time t.
func (e Edition) Phase(t time.Time) string {
	switch {
	case e.ResultsPublishedAt != nil:
		return PhaseResults
	case t.Before(e.StartsAt):
		return PhaseUpcoming
	case t.Before(e.SubmissionDeadline):
		return PhaseOpen
	case t.Before(e.JudgingDeadline):
		return PhaseJudging
	}
	return PhaseClosed
}

// JudgingStarts is when the edition starts accepting reviews: its
// judging_starts_at, by default its submission deadline.
func (e Edition) JudgingStarts() time.Time {
	if e.JudgingStartsAt != nil {
		return *e.JudgingStartsAt
	}
	return e.SubmissionDeadline
}

// AcceptsReviews returns nil when judges may save reviews at time t, from
// JudgingStarts until the judging deadline while results are unpublished;
// otherwise an error wrapping store.ErrConflict that says why.
func (e Edition) AcceptsReviews(t time.Time) error {
	switch {
	case e.ResultsPublishedAt != nil:
		return fmt.Errorf("%w: results are published; reviews are closed", store.ErrConflict)
	case t.Before(e.JudgingStarts()):
		return fmt.Errorf("%w: judging opens at %s", store.ErrConflict, when(e.JudgingStarts()))
	case !t.Before(e.JudgingDeadline):
		return fmt.Errorf("%w: judging closed at %s", store.ErrConflict, when(e.JudgingDeadline))
	}
	return nil
}

// when writes a deadline in messages.
func when(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }

// Phase says where an edition stands now.
func (s *Service) Phase(e Edition) string { return e.Phase(s.now()) }

func decode(h store.Hackathon) (Edition, error) {
	e := Edition{Hackathon: h}
	if err := json.Unmarshal(h.Rubric, &e.Rubric); err != nil {
		return e, fmt.Errorf("stored rubric of %s: %w", h.Slug, err)
	}
	return e, nil
}

// Input is what an organizer gives to create an edition.
type Input struct {
	Slug, Name, City, Description string
	StartsAt, EndsAt              time.Time
	SubmissionDeadline            time.Time
	JudgingDeadline               time.Time
	JudgingStartsAt               time.Time // zero: the submission deadline
	Rubric                        judging.Rubric
	JudgesPerSubmission           int    // zero: store.DefaultJudgesPerSubmission
	JudgingMode                   string // empty: ModeRubric
}

func (in Input) check(c *valid.Checker) {
	if c.Length(in.Slug, plugins.MinSlugLen, plugins.MaxSlugLen, "slug") {
		c.Check(plugins.ValidSlug(in.Slug), "slug", "must be lowercase words joined by hyphens, such as paris-2016")
	}
	c.Length(in.Name, 1, 120, "name")
	c.Length(in.City, 0, 120, "city")
	c.Length(in.Description, 0, 20000, "description")
	for field, t := range map[string]time.Time{"starts_at": in.StartsAt, "ends_at": in.EndsAt,
		"submission_deadline": in.SubmissionDeadline, "judging_deadline": in.JudgingDeadline} {
		c.Check(!t.IsZero(), field, "is required: a date and time such as 2016-01-23T09:00:00+01:00")
	}
	if !in.StartsAt.IsZero() && !in.EndsAt.IsZero() {
		c.Check(in.EndsAt.After(in.StartsAt), "ends_at", "must come after starts_at")
	}
	if !in.StartsAt.IsZero() && !in.SubmissionDeadline.IsZero() {
		c.Check(in.SubmissionDeadline.After(in.StartsAt), "submission_deadline", "must come after starts_at")
	}
	if !in.SubmissionDeadline.IsZero() && !in.JudgingDeadline.IsZero() {
		c.Check(in.JudgingDeadline.After(in.SubmissionDeadline), "judging_deadline", "must come after submission_deadline")
	}
	if !in.JudgingStartsAt.IsZero() {
		c.Check(!in.StartsAt.IsZero() && !in.JudgingStartsAt.Before(in.StartsAt), "judging_starts_at", "must not come before starts_at")
		c.Check(!in.JudgingDeadline.IsZero() && in.JudgingStartsAt.Before(in.JudgingDeadline), "judging_starts_at", "must come before judging_deadline")
	}
	in.Rubric.Check(c)
	checkMode(c, in.JudgingMode)
	if in.JudgesPerSubmission != 0 {
		checkPerSubmission(c, in.JudgesPerSubmission)
	}
}

// checkPerSubmission checks how many judges each entry is to have.
func checkPerSubmission(c *valid.Checker, k int) {
	c.Check(k >= 1 && k <= MaxJudgesPerSubmission, "judges_per_submission", fmt.Sprintf("must be from 1 to %d", MaxJudgesPerSubmission))
}

func (in Input) hackathon(by int64) (store.Hackathon, error) {
	rubric, err := json.Marshal(in.Rubric)
	h := store.Hackathon{Slug: in.Slug, Name: in.Name, City: in.City, Description: in.Description,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, SubmissionDeadline: in.SubmissionDeadline,
		JudgingDeadline: in.JudgingDeadline, Rubric: rubric, JudgesPerSubmission: in.JudgesPerSubmission, CreatedBy: by,
		JudgingMode: cmp.Or(in.JudgingMode, ModeRubric)}
	if !in.JudgingStartsAt.IsZero() {
		h.JudgingStartsAt = &in.JudgingStartsAt
	}
	return h, err
}

func organizer(u auth.User) error {
	if !u.Is(auth.RoleOrganizer) {
		return fmt.Errorf("this needs the organizer role: %w", auth.ErrForbidden)
	}
	return nil
}

func audit(ctx context.Context, tx *store.Tx, u auth.User, action, slug string, details map[string]any) error {
	return tx.AppendAudit(ctx, store.AuditEntry{ActorID: &u.ID, Action: action, TargetType: "hackathon", TargetID: slug, Details: details})
}

// Create opens an edition.
func (s *Service) Create(ctx context.Context, u auth.User, in Input) (Edition, error) {
	if err := organizer(u); err != nil {
		return Edition{}, err
	}
	in.Rubric = in.Rubric.WithDefaults()
	var c valid.Checker
	in.check(&c)
	if err := c.Err(); err != nil {
		return Edition{}, err
	}
	h, err := in.hackathon(u.ID)
	if err != nil {
		return Edition{}, err
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if h, err = tx.InsertHackathon(ctx, h); errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w: the slug %q is taken", store.ErrConflict, in.Slug)
		} else if err != nil {
			return err
		}
		return audit(ctx, tx, u, "hackathon.create", h.Slug, map[string]any{"name": h.Name})
	})
	if err != nil {
		return Edition{}, err
	}
	return decode(h)
}

// Patch changes an edition; nil fields stay. A zero JudgingStartsAt puts
// the start of judging back at the submission deadline.
type Patch struct {
	Name, City, Description             *string
	StartsAt, EndsAt                    *time.Time
	SubmissionDeadline, JudgingDeadline *time.Time
	JudgingStartsAt                     *time.Time
	Rubric                              *judging.Rubric
	JudgesPerSubmission                 *int
	JudgingMode                         *string
}

// Update changes an edition. Its rubric is frozen once a review exists.
func (s *Service) Update(ctx context.Context, u auth.User, slug string, p Patch) (Edition, error) {
	if err := organizer(u); err != nil {
		return Edition{}, err
	}
	var out store.Hackathon
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		e, err := decode(h)
		if err != nil {
			return err
		}
		in := Input{Slug: h.Slug, Name: pick(p.Name, h.Name), City: pick(p.City, h.City), Description: pick(p.Description, h.Description),
			StartsAt: pick(p.StartsAt, h.StartsAt), EndsAt: pick(p.EndsAt, h.EndsAt),
			SubmissionDeadline: pick(p.SubmissionDeadline, h.SubmissionDeadline), JudgingDeadline: pick(p.JudgingDeadline, h.JudgingDeadline),
			JudgingStartsAt: pick(p.JudgingStartsAt, pick(h.JudgingStartsAt, time.Time{})), Rubric: e.Rubric,
			JudgesPerSubmission: pick(p.JudgesPerSubmission, h.JudgesPerSubmission), JudgingMode: pick(p.JudgingMode, h.JudgingMode)}
		if err := modeChangeable(ctx, tx, h, in.JudgingMode); err != nil {
			return err
		}
		if p.Rubric != nil {
			in.Rubric = p.Rubric.WithDefaults()
			if reviewed, err := tx.HasReviews(ctx, h.ID); err != nil {
				return err
			} else if reviewed && !sameRubric(in.Rubric, e.Rubric) {
				return fmt.Errorf("%w: the rubric is frozen: judges have already scored against it", store.ErrConflict)
			}
		}
		var c valid.Checker
		in.check(&c)
		if p.JudgesPerSubmission != nil && *p.JudgesPerSubmission == 0 {
			checkPerSubmission(&c, 0) // zero means the default only when creating
		}
		if err := c.Err(); err != nil {
			return err
		}
		next, err := in.hackathon(h.CreatedBy)
		if err != nil {
			return err
		}
		next.ID = h.ID
		if out, err = tx.UpdateHackathon(ctx, next); err != nil {
			return err
		}
		return audit(ctx, tx, u, "hackathon.update", slug, nil)
	})
	if err != nil {
		return Edition{}, err
	}
	return decode(out)
}

func pick[T any](p *T, v T) T {
	if p != nil {
		return *p
	}
	return v
}

func sameRubric(a, b judging.Rubric) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// RubricFrozen reports whether an edition's rubric can no longer change:
// a judge has scored against it. Update refuses to change it then.
func (s *Service) RubricFrozen(ctx context.Context, slug string) (bool, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return false, err
	}
	return s.store.HasReviews(ctx, h.ID)
}

// Get returns an edition; editions are public.
func (s *Service) Get(ctx context.Context, slug string) (Edition, error) {
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return Edition{}, err
	}
	return decode(h)
}

// Names returns the names of the editions among slugs, by slug; editions
// are public. Slugs that name no edition are left out.
func (s *Service) Names(ctx context.Context, slugs []string) (map[string]string, error) {
	return s.store.EditionNames(ctx, slugs)
}

// List returns a page of editions, the latest first.
func (s *Service) List(ctx context.Context, p store.Page) ([]Edition, int, error) {
	list, total, err := s.store.ListHackathons(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Edition, len(list))
	for i, h := range list {
		if out[i], err = decode(h); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// AddJudge makes an account a judge of an edition. It must have the
// judge, organizer or admin role.
func (s *Service) AddJudge(ctx context.Context, u auth.User, slug string, userID int64) (store.Judge, error) {
	if err := organizer(u); err != nil {
		return store.Judge{}, err
	}
	var added store.Judge
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		who, err := tx.UserByID(ctx, userID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return valid.Errors{{Field: "user_id", Message: "no account has this id"}}
		case err != nil:
			return err
		case who.Role == string(auth.RoleParticipant) || who.Disabled:
			return valid.Errors{{Field: "user_id", Message: "give this account the judge role first (PATCH /api/v1/users/{id})"}}
		}
		if err := tx.AddJudge(ctx, h.ID, userID); errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w: %s already judges this edition", store.ErrConflict, who.Email)
		} else if err != nil {
			return err
		}
		added = store.Judge{UserID: who.ID, Name: who.Name, Email: who.Email, AddedAt: s.now().UTC()}
		return audit(ctx, tx, u, "judge.add", slug, map[string]any{"user_id": userID})
	})
	return added, err
}

// RemoveJudge takes a judge off an edition; their reviews stay.
func (s *Service) RemoveJudge(ctx context.Context, u auth.User, slug string, userID int64) error {
	if err := organizer(u); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.LockHackathon(ctx, slug)
		if err != nil {
			return err
		}
		if err := tx.RemoveJudge(ctx, h.ID, userID); err != nil {
			return err
		}
		return audit(ctx, tx, u, "judge.remove", slug, map[string]any{"user_id": userID})
	})
}

// Judges lists an edition's judges, for organizers.
func (s *Service) Judges(ctx context.Context, u auth.User, slug string) ([]store.Judge, error) {
	if err := organizer(u); err != nil {
		return nil, err
	}
	h, err := s.store.HackathonBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	return s.store.Judges(ctx, h.ID)
}
