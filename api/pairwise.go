package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/store"
)

// PairEntryResponse is an entry as a judge sees it in pairwise mode, at
// the version judged: the version its submission points at.
type PairEntryResponse struct {
	Plugin  string `json:"plugin" example:"portes-ouvertes"`
	Name    string `json:"name" example:"Portes Ouvertes"`
	Summary string `json:"summary" example:"Shelters offered by residents near an incident"`
	Version string `json:"version" example:"1.2.0"`
}

// PairResponse is what a judge has in front of them in pairwise mode:
// previous, the entry seen last (null before the first vote), and current,
// the entry to judge now (null once every entry has been shown to them:
// done is then true).
type PairResponse struct {
	Hackathon string             `json:"hackathon" example:"paris-2016"`
	Previous  *PairEntryResponse `json:"previous"`
	Current   *PairEntryResponse `json:"current"`
	Done      bool               `json:"done" example:"false"`
}

// PairwiseVoteRequest answers "is the current entry better than the
// previous one?". It is required once there is a previous entry; on the
// first entry it may be omitted and only moves the judge on.
type PairwiseVoteRequest struct {
	CurrentBetter *bool `json:"current_better" example:"true"`
}

// PairwiseSkipRequest sets the current entry aside for the judge: absent
// (the team is not there), conflict (the judge knows the team) or other.
type PairwiseSkipRequest struct {
	Reason string `json:"reason" example:"absent" enums:"absent,conflict,other"`
}

func pairEntry(e *hackathons.PairEntry) *PairEntryResponse {
	if e == nil {
		return nil
	}
	return &PairEntryResponse{Plugin: e.Slug, Name: e.Name, Summary: e.Summary, Version: e.Version}
}

func pairResponse(p hackathons.Pair) PairResponse {
	return PairResponse{Hackathon: p.Edition.Slug, Previous: pairEntry(p.Previous), Current: pairEntry(p.Current), Done: p.Current == nil}
}

// handlePairwiseNext shows a judge their pair.
//
//	@Summary		Pairwise judging: the entries in front of the judge
//	@Description	The judge's current entry and the previous one. The first call gives only current, chosen among the entries the judge has not seen, skipped or a conflict of interest with: the least shown to judges. Later entries are chosen by expected information gain (Crowd-BT, docs/judging.md). Calling it again gives the same pair until the judge votes or skips. Judges of the edition only, while judging is open and results unpublished.
//	@Tags			judging
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Edition slug"
//	@Success		200		{object}	PairResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not a judge of this edition, or e-mail not verified"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Failure		409		{object}	Problem	"Not judged pairwise, judging not open, or results published"
//	@Router			/api/v1/hackathons/{slug}/pairwise/next [get]
func handlePairwiseNext(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		p, err := svc.PairwiseNext(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, pairResponse(p))
		return nil
	}
}

// handlePairwiseVote records a judge's comparison.
//
//	@Summary		Pairwise judging: vote
//	@Description	current_better true says the current entry is better than the previous one, false that it is not. The vote updates the entries' scores and the judge's reliability in one transaction, is recorded with the versions of both entries, and the current entry becomes the previous one; the answer is the next pair. On the first entry there is nothing to compare: current_better may be omitted and the judge moves on. Judges of the edition only, while judging is open and results unpublished.
//	@Tags			judging
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string				true	"Edition slug"
//	@Param			body	body		PairwiseVoteRequest	true	"The answer"
//	@Success		200		{object}	PairResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not a judge of this edition, or e-mail not verified"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Failure		409		{object}	Problem	"Not judged pairwise, judging not open, results published, or no entry left"
//	@Failure		422		{object}	Problem	"current_better missing"
//	@Router			/api/v1/hackathons/{slug}/pairwise/vote [post]
func handlePairwiseVote(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req PairwiseVoteRequest
		if err := bindStrictJSON(c, &req); err != nil {
			return err
		}
		p, err := svc.PairwiseVote(c.Request.Context(), caller(c), c.Param("slug"), req.CurrentBetter)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, pairResponse(p))
		return nil
	}
}

// handlePairwiseSkip sets a judge's current entry aside.
//
//	@Summary		Pairwise judging: skip the current entry
//	@Description	The current entry is not shown to this judge again (for other judges it stays; reason absent is counted in the organizers' progress, so a team reported absent by several judges stands out). The previous entry stays the one to compare with; the answer is the next pair. Judges of the edition only, while judging is open and results unpublished.
//	@Tags			judging
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string				true	"Edition slug"
//	@Param			body	body		PairwiseSkipRequest	true	"Why"
//	@Success		200		{object}	PairResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not a judge of this edition, or e-mail not verified"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Failure		409		{object}	Problem	"Not judged pairwise, judging not open, results published, or no entry left"
//	@Failure		422		{object}	Problem	"Unknown reason"
//	@Router			/api/v1/hackathons/{slug}/pairwise/skip [post]
func handlePairwiseSkip(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req PairwiseSkipRequest
		if err := bindStrictJSON(c, &req); err != nil {
			return err
		}
		p, err := svc.PairwiseSkip(c.Request.Context(), caller(c), c.Param("slug"), req.Reason)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, pairResponse(p))
		return nil
	}
}

// PairwiseJudgeProgress is what a judge did in pairwise mode.
type PairwiseJudgeProgress struct {
	UserID  int64  `json:"user_id" example:"12"`
	Name    string `json:"name" example:"Camille"`
	Votes   int    `json:"votes" example:"14"`
	Seen    int    `json:"seen" example:"16"`
	Skipped int    `json:"skipped" example:"1"`
}

// PairwiseEntryProgress is an entry in pairwise mode: its comparisons, how
// many judges were shown it, and how many reported its team absent.
type PairwiseEntryProgress struct {
	Plugin      string `json:"plugin" example:"portes-ouvertes"`
	Name        string `json:"name" example:"Portes Ouvertes"`
	Comparisons int    `json:"comparisons" example:"6"`
	Views       int    `json:"views" example:"4"`
	Absent      int    `json:"absent" example:"0"`
}

// PairwiseProgressResponse is how pairwise judging stands: votes in all,
// per judge, and the entries, fewest comparisons first.
type PairwiseProgressResponse struct {
	Hackathon   string                  `json:"hackathon" example:"paris-2016"`
	JudgingMode string                  `json:"judging_mode" example:"pairwise" enums:"rubric,pairwise"`
	Votes       int                     `json:"votes" example:"120"`
	Judges      []PairwiseJudgeProgress `json:"judges"`
	Entries     []PairwiseEntryProgress `json:"entries"`
}

// handlePairwiseProgress says how pairwise judging stands.
//
//	@Summary		Pairwise judging: progress
//	@Description	Votes per judge, entries each judge was shown and skipped, and the entries with their number of comparisons, fewest first, and how many judges reported their team absent. Organizers only.
//	@Tags			judging
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Edition slug"
//	@Success		200		{object}	PairwiseProgressResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Router			/api/v1/hackathons/{slug}/pairwise/progress [get]
func handlePairwiseProgress(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		p, err := svc.PairwiseProgress(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		out := PairwiseProgressResponse{Hackathon: p.Edition.Slug, JudgingMode: p.Edition.JudgingMode, Votes: p.Votes,
			Judges: make([]PairwiseJudgeProgress, len(p.Judges)), Entries: make([]PairwiseEntryProgress, len(p.Entries))}
		for i, j := range p.Judges {
			out.Judges[i] = PairwiseJudgeProgress{UserID: j.UserID, Name: j.Name, Votes: j.Votes, Seen: j.Seen, Skipped: j.Skipped}
		}
		for i, e := range p.Entries {
			out.Entries[i] = entryProgress(e)
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}

func entryProgress(e store.PairwiseEntry) PairwiseEntryProgress {
	return PairwiseEntryProgress{Plugin: e.Slug, Name: e.Name, Comparisons: e.Comparisons, Views: e.Views, Absent: e.Absent}
}
