package hackathons

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// Judging modes of an edition.
const (
	ModeRubric   = "rubric"   // judges score assigned entries against the rubric
	ModePairwise = "pairwise" // judges compare entries two at a time (Crowd-BT)
)

// Modes lists the judging modes, the default first.
var Modes = []string{ModeRubric, ModePairwise}

// Reasons a judge may give for skipping an entry in pairwise mode.
const (
	SkipAbsent   = "absent"   // the team is not at its table
	SkipConflict = "conflict" // the judge knows the team too well
	SkipOther    = "other"
)

// SkipReasons lists the reasons for skipping an entry.
var SkipReasons = []string{SkipAbsent, SkipConflict, SkipOther}

func checkMode(c *valid.Checker, mode string) {
	c.Check(mode == "" || slices.Contains(Modes, mode), "judging_mode", "must be rubric or pairwise")
}

// ErrModeFrozen refuses to change the judging mode of an edition in which
// judges have reviewed or voted.
var ErrModeFrozen = fmt.Errorf("%w: the judging mode is frozen: judges have already reviewed or voted", store.ErrConflict)

// modeChangeable refuses to change an edition's judging mode once a judge
// has reviewed or voted in it.
func modeChangeable(ctx context.Context, tx *store.Tx, h store.Hackathon, mode string) error {
	if cmp.Or(mode, ModeRubric) == cmp.Or(h.JudgingMode, ModeRubric) {
		return nil
	}
	reviewed, err := tx.HasReviews(ctx, h.ID)
	if err != nil {
		return err
	}
	voted, err := tx.HasPairwiseVotes(ctx, h.ID)
	if err != nil {
		return err
	}
	if reviewed || voted {
		return ErrModeFrozen
	}
	return nil
}

// Pairwise reports whether an edition is judged pairwise.
func (e Edition) Pairwise() bool { return e.JudgingMode == ModePairwise }

// PairEntry is an entry as a judge sees it in pairwise mode, at the version
// judged.
type PairEntry struct {
	Slug, Name, Summary, Version string
}

// Pair is what a judge has in front of them in pairwise mode: the entry
// seen last (nil before the first vote), and the current one (nil when no
// entry is left to show them).
type Pair struct {
	Edition           Edition
	Previous, Current *PairEntry
}

// pairState is a judge's pairwise judging of an edition, read in the
// transaction of one step.
type pairState struct {
	e       Edition
	judge   store.PairwiseJudge
	entries []store.PairwiseEntry
	byID    map[int64]store.PairwiseEntry
	blocked map[int64]bool // conflicted or skipped
	seen    []int64
}

// eligible reports whether an entry may be in front of the judge.
func (st *pairState) eligible(id int64) bool {
	_, ok := st.byID[id]
	return ok && !st.blocked[id]
}

// PairwiseNext returns the judge's pair, choosing the current entry when
// none is in front of them.
func (s *Service) PairwiseNext(ctx context.Context, u auth.User, slug string) (Pair, error) {
	return s.pairwiseStep(ctx, u, slug, func(context.Context, *store.Tx, *pairState) error { return nil })
}

// PairwiseVote records the judge's answer to "is the current entry better
// than the previous one?" and moves them on: the current entry becomes
// the previous one. On the first entry there is nothing to compare, and
// the answer (which may be nil) is not needed.
func (s *Service) PairwiseVote(ctx context.Context, u auth.User, slug string, currentBetter *bool) (Pair, error) {
	return s.pairwiseStep(ctx, u, slug, func(ctx context.Context, tx *store.Tx, st *pairState) error {
		if err := st.needCurrent(); err != nil {
			return err
		}
		if st.eligible(st.judge.Previous) {
			if currentBetter == nil {
				return valid.Errors{{Field: "current_better", Message: "is required: true when the current entry is better than the previous one"}}
			}
			w, l := st.byID[st.judge.Previous], st.byID[st.judge.Current]
			if *currentBetter {
				w, l = l, w
			}
			if err := s.applyVote(ctx, tx, st, w, l); err != nil {
				return err
			}
		}
		st.judge.Previous, st.judge.Current = st.judge.Current, 0
		return nil
	})
}

// PairwiseSkip sets the current entry aside for the judge, for a reason
// among SkipReasons; the previous entry stays the one to compare with.
func (s *Service) PairwiseSkip(ctx context.Context, u auth.User, slug, reason string) (Pair, error) {
	if !slices.Contains(SkipReasons, reason) {
		return Pair{}, valid.Errors{{Field: "reason", Message: "must be absent, conflict or other"}}
	}
	return s.pairwiseStep(ctx, u, slug, func(ctx context.Context, tx *store.Tx, st *pairState) error {
		if err := st.needCurrent(); err != nil {
			return err
		}
		if err := tx.AddPairwiseSkip(ctx, st.e.ID, u.ID, st.judge.Current, reason); err != nil {
			return err
		}
		st.blocked[st.judge.Current], st.judge.Current = true, 0
		return nil
	})
}

// needCurrent refuses a vote or a skip when no entry is in front of the
// judge.
func (st *pairState) needCurrent() error {
	if st.judge.Current == 0 {
		return fmt.Errorf("%w: no entry is in front of you: every entry has been shown to you", store.ErrConflict)
	}
	return nil
}

// applyVote updates the model after the judge voted w over l, and records
// the vote with the versions compared.
func (s *Service) applyVote(ctx context.Context, tx *store.Tx, st *pairState, w, l store.PairwiseEntry) error {
	cw, cl := contender(w), contender(l)
	nw, nl, nj := judging.Update(cw, cl, judging.Judge{Alpha: st.judge.Alpha, Beta: st.judge.Beta})
	if err := tx.SavePairwiseScore(ctx, st.e.ID, w.PluginID, nw.Mu, nw.Sigma2); err != nil {
		return err
	}
	if err := tx.SavePairwiseScore(ctx, st.e.ID, l.PluginID, nl.Mu, nl.Sigma2); err != nil {
		return err
	}
	st.judge.Alpha, st.judge.Beta = nj.Alpha, nj.Beta
	return tx.InsertPairwiseVote(ctx, store.PairwiseVote{HackathonID: st.e.ID, JudgeID: st.judge.JudgeID,
		WinnerID: w.PluginID, WinnerVersion: w.Version, LoserID: l.PluginID, LoserVersion: l.Version})
}

// contender is an entry's score, the prior before its first comparison.
func contender(e store.PairwiseEntry) judging.Contender {
	c := judging.NewContender(e.Slug)
	if e.Mu != nil && e.Sigma2 != nil {
		c.Mu, c.Sigma2 = *e.Mu, *e.Sigma2
	}
	return c
}

// pairwiseStep runs one step of a judge's pairwise judging in one
// transaction, the edition locked so that concurrent votes apply one after
// the other: it checks that the caller may judge now, reads their state,
// runs step, puts an entry in front of them if none is, and saves.
func (s *Service) pairwiseStep(ctx context.Context, u auth.User, slug string, step func(context.Context, *store.Tx, *pairState) error) (Pair, error) {
	if err := u.CheckVerified(); err != nil {
		return Pair{}, err
	}
	var pair Pair
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		st, err := s.pairState(ctx, tx, u, slug)
		if err != nil {
			return err
		}
		if err := step(ctx, tx, st); err != nil {
			return err
		}
		if err := st.ensureCurrent(ctx, tx); err != nil {
			return err
		}
		if err := tx.SavePairwiseJudge(ctx, st.judge); err != nil {
			return err
		}
		pair = Pair{Edition: st.e, Previous: st.entry(st.judge.Previous), Current: st.entry(st.judge.Current)}
		return nil
	})
	return pair, err
}

// entry is a plugin id as a judge sees it, nil for none.
func (st *pairState) entry(id int64) *PairEntry {
	e, ok := st.byID[id]
	if !ok {
		return nil
	}
	return &PairEntry{Slug: e.Slug, Name: e.Name, Summary: e.Summary, Version: e.Version}
}

// pairState reads a judge's pairwise state, after checking that the
// edition is judged pairwise, that the caller judges it and that judging
// is open.
func (s *Service) pairState(ctx context.Context, tx *store.Tx, u auth.User, slug string) (*pairState, error) {
	h, err := tx.LockHackathon(ctx, slug)
	if err != nil {
		return nil, err
	}
	e, err := decode(h)
	if err != nil {
		return nil, err
	}
	if ok, err := tx.IsJudge(ctx, h.ID, u.ID); err != nil {
		return nil, err
	} else if !ok {
		return nil, fmt.Errorf("only the judges of this edition judge it: %w", auth.ErrForbidden)
	}
	if !e.Pairwise() {
		return nil, fmt.Errorf("%w: this edition is judged with the rubric, not pairwise", store.ErrConflict)
	}
	if err := e.AcceptsReviews(s.now()); err != nil {
		return nil, err
	}
	st := &pairState{e: e, byID: map[int64]store.PairwiseEntry{}, blocked: map[int64]bool{}}
	if st.judge, err = tx.PairwiseJudgeOf(ctx, h.ID, u.ID); errors.Is(err, store.ErrNotFound) {
		st.judge = store.PairwiseJudge{HackathonID: h.ID, JudgeID: u.ID, Alpha: judging.PriorAlpha, Beta: judging.PriorBeta}
	} else if err != nil {
		return nil, err
	}
	return st, st.load(ctx, tx, u.ID)
}

// load reads the entries, and the judge's conflicts, views and skips.
func (st *pairState) load(ctx context.Context, tx *store.Tx, judgeID int64) error {
	var err error
	if st.entries, err = tx.PairwiseEntries(ctx, st.e.ID); err != nil {
		return err
	}
	for _, en := range st.entries {
		st.byID[en.PluginID] = en
	}
	conflicts, err := tx.Conflicts(ctx, st.e.ID)
	if err != nil {
		return err
	}
	for _, c := range conflicts {
		if c.JudgeID == judgeID {
			st.blocked[c.PluginID] = true
		}
	}
	seen, skipped, err := tx.PairwiseMarks(ctx, st.e.ID, judgeID)
	for _, id := range skipped {
		st.blocked[id] = true
	}
	st.seen = seen
	return err
}

// ensureCurrent puts an entry in front of the judge when none is, or when
// the current one may no longer be (withdrawn, or a conflict declared
// since), choosing it with judging.NextEntry; a previous entry that may no
// longer be compared is forgotten.
func (st *pairState) ensureCurrent(ctx context.Context, tx *store.Tx) error {
	if !st.eligible(st.judge.Previous) {
		st.judge.Previous = 0
	}
	if st.judge.Current != 0 && st.eligible(st.judge.Current) {
		return nil
	}
	in := judging.NextInput{Judge: judging.Judge{Alpha: st.judge.Alpha, Beta: st.judge.Beta}, Views: map[string]int{}}
	for _, en := range st.entries {
		in.Entries = append(in.Entries, contender(en))
		in.Views[en.Slug] = en.Views
		if st.blocked[en.PluginID] {
			in.Skipped = append(in.Skipped, en.Slug)
		}
		if slices.Contains(st.seen, en.PluginID) {
			in.Seen = append(in.Seen, en.Slug)
		}
	}
	if prev, ok := st.byID[st.judge.Previous]; ok {
		in.Previous = prev.Slug
	}
	st.judge.Current = 0
	next, ok := judging.NextEntry(in)
	if !ok {
		return nil
	}
	i := slices.IndexFunc(st.entries, func(en store.PairwiseEntry) bool { return en.Slug == next.ID })
	st.judge.Current = st.entries[i].PluginID
	return tx.AddPairwiseView(ctx, st.e.ID, st.judge.JudgeID, st.judge.Current, st.entries[i].Version)
}

// Progress is how pairwise judging of an edition stands, for organizers:
// what each judge did, and the entries, fewest comparisons first.
type Progress struct {
	Edition Edition
	Judges  []store.PairwiseJudgeProgress
	Entries []store.PairwiseEntry
	Votes   int
}

// PairwiseProgress says how pairwise judging of an edition stands.
func (s *Service) PairwiseProgress(ctx context.Context, u auth.User, slug string) (Progress, error) {
	if err := organizer(u); err != nil {
		return Progress{}, err
	}
	e, err := s.Get(ctx, slug)
	if err != nil {
		return Progress{}, err
	}
	p := Progress{Edition: e}
	if p.Judges, err = s.store.PairwiseProgress(ctx, e.ID); err != nil {
		return p, err
	}
	if p.Entries, err = s.store.PairwiseEntries(ctx, e.ID); err != nil {
		return p, err
	}
	slices.SortStableFunc(p.Entries, func(a, b store.PairwiseEntry) int { return cmp.Compare(a.Comparisons, b.Comparisons) })
	for _, j := range p.Judges {
		p.Votes += j.Votes
	}
	return p, nil
}

// pairwiseRows is the pairwise leaderboard of an edition's entries that
// keep holds (all of them for nil).
func (s *Service) pairwiseRows(ctx context.Context, e Edition, keep func(store.Submission) bool) ([]judging.Row, error) {
	list, err := s.store.PairwiseEntries(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	subs, err := s.store.Submissions(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	kept := map[string]bool{}
	for _, sub := range subs {
		kept[sub.Slug] = keep == nil || keep(sub)
	}
	var in []judging.PairwiseEntry
	for _, en := range list {
		if kept[en.Slug] {
			in = append(in, judging.PairwiseEntry{Contender: contender(en), Name: en.Name, Comparisons: en.Comparisons})
		}
	}
	return judging.PairwiseLeaderboard(in), nil
}

// PairwiseEditions lists the editions judged pairwise that u judges.
func (s *Service) PairwiseEditions(ctx context.Context, u auth.User) ([]Edition, error) {
	list, err := s.store.PairwiseEditionsOf(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Edition, len(list))
	for i, h := range list {
		if out[i], err = decode(h); err != nil {
			return nil, err
		}
	}
	return out, nil
}
