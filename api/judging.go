package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
)

// SubmitRequest enters a plugin in an edition.
type SubmitRequest struct {
	Plugin string `json:"plugin" example:"portes-ouvertes"`
	// TeamID is the team the entry belongs to: the caller's team in the
	// edition, which is also the default.
	TeamID int64 `json:"team_id,omitempty" example:"4"`
	// Challenges are the ids of the approved challenges the entry picks;
	// absent keeps those picked before, [] clears them.
	Challenges *[]int64 `json:"challenges"`
}

// SubmissionResponse is an entry, frozen at the plugin version submitted.
// The decision (status, award, feedback) is told to the team with the
// results.
type SubmissionResponse struct {
	Plugin      string    `json:"plugin" example:"portes-ouvertes"`
	Name        string    `json:"name" example:"Portes Ouvertes"`
	Version     string    `json:"version" example:"1.2.0"`
	SubmittedAt time.Time `json:"submitted_at"`
	Status      string    `json:"status" example:"submitted" enums:"submitted,accepted,rejected"`
	Award       string    `json:"award,omitempty" example:"Prix du public"`
	Feedback    string    `json:"feedback,omitempty"`
	// ModuleSHA256 is the WebAssembly module the version submitted runs,
	// for a wasm plugin: what judges try is exactly what was submitted.
	ModuleSHA256 string `json:"module_sha256,omitempty" example:"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"`
	TeamID       *int64 `json:"team_id,omitempty" example:"4"` // the team the entry belongs to
}

// ReviewResponse is a review; judge_id is absent when anonymised.
type ReviewResponse struct {
	JudgeID   *int64         `json:"judge_id,omitempty" example:"12"`
	Scores    judging.Scores `json:"scores"`
	Comment   string         `json:"comment"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// SubmissionDetailResponse is an entry with the reviews the caller may see.
type SubmissionDetailResponse struct {
	SubmissionResponse
	Reviews []ReviewResponse `json:"reviews"`
}

func submissionResponse(s store.Submission) SubmissionResponse {
	return SubmissionResponse{Plugin: s.Slug, Name: s.Name, Version: s.Version, SubmittedAt: utc(s.SubmittedAt),
		Status: s.Status, Award: s.Award, Feedback: s.Feedback, ModuleSHA256: s.ModuleSHA256, TeamID: s.TeamID}
}

// handleSubmit enters the caller's plugin in an edition.
//
//	@Summary		Submit a plugin
//	@Description	Enters the caller's published plugin, frozen at its latest version; submitting again before the deadline moves the entry to the newer version (200). Plugin owners (and members of the entry's team) only, before the submission deadline. The entry records the caller's team in the edition, if any (team_id).
//	@Tags			judging
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string				true	"Edition slug"
//	@Param			body	body		SubmitRequest		true	"The plugin"
//	@Success		201		{object}	SubmissionResponse	"Entered"
//	@Success		200		{object}	SubmissionResponse	"Moved to the plugin's latest version"
//	@Failure		400		{object}	Problem				"Malformed JSON"
//	@Failure		401		{object}	Problem				"Not signed in"
//	@Failure		403		{object}	Problem				"Not the plugin's owner"
//	@Failure		404		{object}	Problem				"No such edition or plugin"
//	@Failure		409		{object}	Problem				"Submissions closed, or the plugin is not published"
//	@Failure		422		{object}	Problem				"team_id is not the caller's team, or challenges[i] is unknown or not approved"
//	@Router			/api/v1/hackathons/{slug}/submissions [post]
func handleSubmit(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req SubmitRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		sub, created, err := svc.SubmitTo(c.Request.Context(), caller(c), c.Param("slug"), req.Plugin, req.TeamID, req.Challenges)
		if err != nil {
			return err
		}
		code := http.StatusOK
		if created {
			code = http.StatusCreated
		}
		c.JSON(code, submissionResponse(sub))
		return nil
	}
}

// handleSubmissionList lists the entries the caller may see.
//
//	@Summary		List entries
//	@Description	Organizers see every entry, judges the ones assigned to them, participants their own and their team's.
//	@Tags			judging
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Edition slug"
//	@Success		200		{object}	List[SubmissionResponse]
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Router			/api/v1/hackathons/{slug}/submissions [get]
func handleSubmissionList(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		list, err := svc.Submissions(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, mapList(list, len(list), store.Page{Limit: len(list)}, submissionResponse))
		return nil
	}
}

// handleSubmissionGet returns one entry with the reviews the caller may see.
//
//	@Summary		Get an entry
//	@Description	For its team, its assigned judges and organizers. A judge sees their own review only; organizers see every review with its judge; once results are published, the team sees its decision, feedback and every review without the judges' names.
//	@Tags			judging
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Edition slug"
//	@Param			plugin	path		string	true	"Plugin slug"
//	@Success		200		{object}	SubmissionDetailResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		404		{object}	Problem	"No such entry, or not yours to see"
//	@Router			/api/v1/hackathons/{slug}/submissions/{plugin} [get]
func handleSubmissionGet(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		d, err := svc.Submission(c.Request.Context(), caller(c), c.Param("slug"), c.Param("plugin"))
		if err != nil {
			return err
		}
		out := SubmissionDetailResponse{SubmissionResponse: submissionResponse(d.Submission), Reviews: []ReviewResponse{}}
		for _, r := range d.Reviews {
			rv := ReviewResponse{Comment: r.Comment, UpdatedAt: utc(r.UpdatedAt)}
			json.Unmarshal(r.Scores, &rv.Scores) // stored by the service from valid scores
			if !d.Anonymised {
				id := r.JudgeID
				rv.JudgeID = &id
			}
			out.Reviews = append(out.Reviews, rv)
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}

// handleWithdraw takes the caller's entry out of an edition.
//
//	@Summary		Withdraw an entry
//	@Description	The plugin's owner, before the submission deadline.
//	@Tags			judging
//	@Security		BearerAuth
//	@Param			slug	path	string	true	"Edition slug"
//	@Param			plugin	path	string	true	"Plugin slug"
//	@Success		204
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		404	{object}	Problem	"No such entry of yours"
//	@Failure		409	{object}	Problem	"Submissions closed"
//	@Router			/api/v1/hackathons/{slug}/submissions/{plugin} [delete]
func handleWithdraw(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		if err := svc.Withdraw(c.Request.Context(), caller(c), c.Param("slug"), c.Param("plugin")); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// ConflictRequest declares that a judge must not review an entry. A judge
// recusing themself may leave judge_id out.
type ConflictRequest struct {
	JudgeID int64  `json:"judge_id,omitempty" example:"12"`
	Plugin  string `json:"plugin" example:"portes-ouvertes"`
	Reason  string `json:"reason" example:"Former colleague of the team"`
}

// ConflictResponse is a conflict of interest: declared, with its reason,
// or following from owning or collaborating on the plugin (reason then
// says so), since a given time.
type ConflictResponse struct {
	JudgeID int64     `json:"judge_id" example:"12"`
	Plugin  string    `json:"plugin" example:"portes-ouvertes"`
	Kind    string    `json:"kind" example:"declared" enums:"declared,owner,collaborator"`
	Reason  string    `json:"reason" example:"Former colleague of the team"`
	Since   time.Time `json:"since"`
}

func conflictResponse(c store.Conflict) ConflictResponse {
	reason := c.Reason
	if c.Kind != store.ConflictDeclared {
		reason = hackathons.Why(c)
	}
	return ConflictResponse{JudgeID: c.JudgeID, Plugin: c.Slug, Kind: c.Kind, Reason: reason, Since: utc(c.Since)}
}

// handleConflict records a conflict of interest.
//
//	@Summary		Declare a conflict
//	@Description	An organizer declares a conflict, or a judge recuses themself (judge_id their own, or left out), with a reason. From then on the judge cannot review the entry, their assignment to it is dropped and any review they gave it does not count; organizers see why in the assignments and the leaderboard. Owning or collaborating on a plugin is a conflict without declaring it, whenever the collaboration begins. Not after results are published. Recorded in the audit log.
//	@Tags			judging
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string			true	"Edition slug"
//	@Param			body	body		ConflictRequest	true	"The conflict"
//	@Success		201		{object}	ConflictResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Neither an organizer nor the judge concerned"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Failure		409		{object}	Problem	"Results already published"
//	@Failure		422		{object}	Problem	"No reason, not a judge, or not an entry"
//	@Router			/api/v1/hackathons/{slug}/conflicts [post]
func handleConflict(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req ConflictRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		cf, err := svc.DeclareConflict(c.Request.Context(), caller(c), c.Param("slug"), req.JudgeID, req.Plugin, req.Reason)
		if err != nil {
			return err
		}
		c.JSON(http.StatusCreated, conflictResponse(cf))
		return nil
	}
}

// AssignRequest asks for an assignment.
type AssignRequest struct {
	JudgesPerSubmission int `json:"judges_per_submission" example:"3"`
}

// AssignmentPair is a judge asked to review an entry. An assignment is
// dropped when the judge has a conflict of interest with the entry
// (dropped_reason says which): they can no longer review it, and their
// review, if any, does not count.
type AssignmentPair struct {
	JudgeID       int64  `json:"judge_id" example:"12"`
	Plugin        string `json:"plugin" example:"portes-ouvertes"`
	Reviewed      bool   `json:"reviewed" example:"false"`
	Dropped       bool   `json:"dropped" example:"false"`
	DroppedReason string `json:"dropped_reason,omitempty" example:"collaborator of the plugin since 2026-03-14 10:00 UTC"`
}

func assignmentPair(a hackathons.Assignment) AssignmentPair {
	p := AssignmentPair{JudgeID: a.JudgeID, Plugin: a.Slug, Reviewed: a.Reviewed}
	if a.Conflict != nil {
		p.Dropped, p.DroppedReason = true, hackathons.Why(*a.Conflict)
	}
	return p
}

// Uncovered is an entry that got fewer judges than asked, and how many it
// lacks.
type Uncovered struct {
	Plugin  string `json:"plugin" example:"portes-ouvertes"`
	Missing int    `json:"missing" example:"1"`
}

// AssignResponse is a new assignment.
type AssignResponse struct {
	Assignments []AssignmentPair `json:"assignments"`
	Uncovered   []Uncovered      `json:"uncovered"`
}

// AssignmentsResponse is an edition's assignments, dropped ones included,
// and the conflicts of interest of its judges.
type AssignmentsResponse struct {
	Assignments []AssignmentPair   `json:"assignments"`
	Conflicts   []ConflictResponse `json:"conflicts"`
}

// handleAssign assigns judges to entries.
//
//	@Summary		Assign judges
//	@Description	Gives each entry judges_per_submission distinct judges, never one with a conflict of interest, keeping judges' loads within one of each other where conflicts allow and assignments that already have a review. Deterministic. Entries that could not get enough judges are listed. The edition keeps judges_per_submission as its number of judges per entry. Organizers only. Recorded in the audit log.
//	@Tags			judging
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string			true	"Edition slug"
//	@Param			body	body		AssignRequest	true	"How many judges per entry"
//	@Success		200		{object}	AssignResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Failure		409		{object}	Problem	"Results already published, or the edition is judged pairwise"
//	@Failure		422		{object}	Problem	"judges_per_submission out of range"
//	@Router			/api/v1/hackathons/{slug}/assignments [post]
func handleAssign(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req AssignRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		a, err := svc.Assign(c.Request.Context(), caller(c), c.Param("slug"), req.JudgesPerSubmission)
		if err != nil {
			return err
		}
		out := AssignResponse{Assignments: []AssignmentPair{}, Uncovered: []Uncovered{}}
		for _, p := range a.Assignments {
			out.Assignments = append(out.Assignments, assignmentPair(p))
		}
		for plugin, missing := range a.Uncovered {
			out.Uncovered = append(out.Uncovered, Uncovered{Plugin: plugin, Missing: missing})
		}
		slices.SortFunc(out.Uncovered, func(a, b Uncovered) int { return strings.Compare(a.Plugin, b.Plugin) })
		c.JSON(http.StatusOK, out)
		return nil
	}
}

// handleAssignmentList shows an edition's assignments and conflicts.
//
//	@Summary		List assignments
//	@Description	Every assignment, with whether it has a review; an assignment whose judge has a conflict of interest with the entry is dropped, with the reason. Then the conflicts of interest of the edition's judges: declared ones, and those of judges who own or collaborate on an entry. Organizers only.
//	@Tags			judging
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Edition slug"
//	@Success		200		{object}	AssignmentsResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Router			/api/v1/hackathons/{slug}/assignments [get]
func handleAssignmentList(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		as, cs, err := svc.Assignments(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		out := AssignmentsResponse{Assignments: []AssignmentPair{}, Conflicts: []ConflictResponse{}}
		for _, a := range as {
			out.Assignments = append(out.Assignments, assignmentPair(a))
		}
		for _, cf := range cs {
			out.Conflicts = append(out.Conflicts, conflictResponse(cf))
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}

// QueueItem is an entry a judge is asked to review.
type QueueItem struct {
	Hackathon       string     `json:"hackathon" example:"paris-2026"`
	HackathonName   string     `json:"hackathon_name" example:"Hackathon 2026"`
	JudgingDeadline time.Time  `json:"judging_deadline"`
	Plugin          string     `json:"plugin" example:"portes-ouvertes"`
	Name            string     `json:"name" example:"Portes Ouvertes"`
	Version         string     `json:"version" example:"1.2.0"`
	Reviewed        bool       `json:"reviewed" example:"false"`
	ReviewedAt      *time.Time `json:"reviewed_at"`
	// ModuleSHA256 is the WebAssembly module the version runs, for a wasm
	// plugin.
	ModuleSHA256 string `json:"module_sha256,omitempty" example:"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"`
	TeamID       *int64 `json:"team_id,omitempty" example:"4"` // the team the entry belongs to
}

// handleQueue lists what the caller is asked to review.
//
//	@Summary		My judging queue
//	@Description	The entries the caller is assigned to in editions whose results are not published, those not yet reviewed first, then by judging deadline.
//	@Tags			judging
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	List[QueueItem]
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Router			/api/v1/judging/queue [get]
func handleQueue(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		items, err := svc.Queue(c.Request.Context(), caller(c))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, mapList(items, len(items), store.Page{Limit: len(items)}, func(it store.QueueItem) QueueItem {
			return QueueItem{Hackathon: it.HackathonSlug, HackathonName: it.HackathonName, JudgingDeadline: utc(it.JudgingDeadline),
				Plugin: it.PluginSlug, Name: it.PluginName, Version: it.Version, Reviewed: it.ReviewedAt != nil, ReviewedAt: utcPtr(it.ReviewedAt),
				ModuleSHA256: it.ModuleSHA256}
		}))
		return nil
	}
}

// ReviewRequest scores an entry: every criterion of the rubric, a whole
// number in its range; a criterion missing, null, fractional or unknown is
// refused.
type ReviewRequest struct {
	Scores  judging.RawScores `json:"scores" swaggertype:"object,integer" example:"impact:8,rights:4"`
	Comment string            `json:"comment" example:"Clear, useful, respectful of privacy."`
}

// handleReview records the caller's scores for an entry.
//
//	@Summary		Score an entry
//	@Description	The assigned judge scores every criterion of the rubric with a whole number in its range, and may revise from judging_starts_at (by default the submission deadline) until the judging deadline. A judge with a conflict of interest with the entry (declared, owner or collaborator of the plugin) cannot. Other judges' scores are never shown to judges. Every save is recorded in the audit log with the version reviewed.
//	@Tags			judging
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string			true	"Edition slug"
//	@Param			plugin	path		string			true	"Plugin slug"
//	@Param			body	body		ReviewRequest	true	"Scores and comment"
//	@Success		200		{object}	ReviewResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"A conflict of interest with this entry"
//	@Failure		404		{object}	Problem	"No such entry assigned to you"
//	@Failure		409		{object}	Problem	"Judging not open yet, closed, results published, or the edition is judged pairwise"
//	@Failure		422		{object}	Problem	"A criterion missing, null, not a whole number, out of range or unknown (field scores.<key>)"
//	@Router			/api/v1/hackathons/{slug}/submissions/{plugin}/review [put]
func handleReview(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req ReviewRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		scores, err := svc.Review(c.Request.Context(), caller(c), c.Param("slug"), c.Param("plugin"), req.Scores, req.Comment)
		if err != nil {
			return err
		}
		id := caller(c).ID
		c.JSON(http.StatusOK, ReviewResponse{JudgeID: &id, Scores: scores, Comment: req.Comment, UpdatedAt: time.Now().UTC()})
		return nil
	}
}

// LeaderboardRow is one entry's standing. Entries without reviews have no
// rank or score. Scores keep four decimals.
type LeaderboardRow struct {
	Rank     *int               `json:"rank" example:"1"`
	Plugin   string             `json:"plugin" example:"portes-ouvertes"`
	Name     string             `json:"name" example:"Portes Ouvertes"`
	Score    *float64           `json:"score" example:"78.5"`
	Reviews  int                `json:"reviews" example:"3"`
	Criteria map[string]float64 `json:"criteria"`
	// Sigma (σ, the score's uncertainty) and Comparisons are given in
	// pairwise mode only, where Score is the Crowd-BT mean μ.
	Sigma       *float64 `json:"sigma,omitempty" example:"0.4123"`
	Comparisons *int     `json:"comparisons,omitempty" example:"12"`
}

// LeaderboardResponse is an edition's ranking. Organizers also get the
// reviews that do not count, because their judge has a conflict of
// interest with the entry, and why.
type LeaderboardResponse struct {
	Hackathon       string           `json:"hackathon" example:"paris-2016"`
	Normalize       string           `json:"normalize" example:"none" enums:"none,zscore"`
	Rows            []LeaderboardRow `json:"rows"`
	ExcludedReviews []ExcludedReview `json:"excluded_reviews,omitempty"`
}

// ExcludedReview is a review left out of the leaderboard, and why.
type ExcludedReview struct {
	JudgeID int64  `json:"judge_id" example:"12"`
	Plugin  string `json:"plugin" example:"portes-ouvertes"`
	Kind    string `json:"kind" example:"collaborator" enums:"declared,owner,collaborator"`
	Reason  string `json:"reason" example:"collaborator of the plugin since 2026-03-14 10:00 UTC"`
}

func normalization(c *gin.Context) (judging.Normalization, error) {
	switch n := judging.Normalization(c.DefaultQuery("normalize", string(judging.Raw))); n {
	case judging.Raw, judging.ZScore:
		return n, nil
	}
	return "", refuse(httperr.ErrMalformed, "invalid normalization", FieldError{Field: "normalize", Message: "must be none or zscore"})
}

// handleLeaderboard ranks an edition's entries.
//
//	@Summary		Leaderboard
//	@Description	Entries by score, then number of reviews, then name; entries without reviews last. In an edition judged pairwise, entries are ranked by the Crowd-BT mean μ (score), with its uncertainty σ (sigma) and their number of comparisons; entries never compared come last without a rank; normalize has no effect. A review's score is 100 × Σ wᵢ·(sᵢ−minᵢ)/(maxᵢ−minᵢ) / Σ wᵢ. normalize=none: an entry's score is the mean of its review scores. normalize=zscore: each review score becomes a z-score among its judge's reviews (0 when the judge has one review or no spread), and an entry's score is the mean of its z. Scores are rounded to four decimals, and ranks follow the rounded scores. Reviews by a judge with a conflict of interest with the entry do not count; organizers see them in excluded_reviews, with the reason. Organizers at any time; everyone once results are published.
//	@Tags			judging
//	@Produce		json
//	@Param			slug		path		string	true	"Edition slug"
//	@Param			normalize	query		string	false	"Normalisation"	Enums(none, zscore)	default(none)
//	@Param			challenge	query		int		false	"Only the entries to this challenge"
//	@Success		200			{object}	LeaderboardResponse
//	@Failure		400			{object}	Problem	"Unknown normalisation"
//	@Failure		401			{object}	Problem	"Invalid credentials"
//	@Failure		403			{object}	Problem	"Results not published and not an organizer"
//	@Failure		404			{object}	Problem	"No such edition or challenge"
//	@Failure		422			{object}	Problem	"challenge is not an id"
//	@Router			/api/v1/hackathons/{slug}/leaderboard [get]
func handleLeaderboard(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		n, err := normalization(c)
		if err != nil {
			return err
		}
		ch, err := challengeQuery(c)
		if err != nil {
			return err
		}
		b, err := svc.ChallengeLeaderboard(c.Request.Context(), caller(c), c.Param("slug"), n, ch)
		if err != nil {
			return err
		}
		out := LeaderboardResponse{Hackathon: b.Edition.Slug, Normalize: string(n), Rows: make([]LeaderboardRow, len(b.Rows))}
		for i, r := range b.Rows {
			out.Rows[i] = LeaderboardRow{Rank: r.Rank, Plugin: r.Plugin, Name: r.Name, Score: r.Score, Reviews: r.Reviews, Criteria: r.Criteria}
			if b.Edition.Pairwise() {
				out.Rows[i].Sigma, out.Rows[i].Comparisons = r.Sigma, &r.Comparisons
			}
		}
		for _, x := range b.Excluded {
			out.ExcludedReviews = append(out.ExcludedReviews, ExcludedReview{JudgeID: x.JudgeID, Plugin: x.Plugin, Kind: x.Conflict.Kind, Reason: hackathons.Why(x.Conflict)})
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}

// handleLeaderboardCSV is the leaderboard as a spreadsheet.
//
//	@Summary		Leaderboard as CSV
//	@Description	One row per entry: rank, plugin, name, score (four decimals), reviews, then the mean raw score of each criterion. In an edition judged pairwise: rank, plugin, name, score (μ), sigma (σ), comparisons. Reviews by a judge with a conflict of interest with the entry do not count. UTF-8. Text cells that a spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return) are prefixed with an apostrophe. Same access as the JSON leaderboard.
//	@Tags			judging
//	@Produce		text/csv
//	@Param			slug		path		string	true	"Edition slug"
//	@Param			normalize	query		string	false	"Normalisation"	Enums(none, zscore)	default(none)
//	@Param			challenge	query		int		false	"Only the entries to this challenge"
//	@Success		200			{string}	string	"CSV"
//	@Failure		400			{object}	Problem	"Unknown normalisation"
//	@Failure		401			{object}	Problem	"Invalid credentials"
//	@Failure		403			{object}	Problem	"Results not published and not an organizer"
//	@Failure		404			{object}	Problem	"No such edition or challenge"
//	@Failure		422			{object}	Problem	"challenge is not an id"
//	@Router			/api/v1/hackathons/{slug}/leaderboard.csv [get]
func handleLeaderboardCSV(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		n, err := normalization(c)
		if err != nil {
			return err
		}
		ch, err := challengeQuery(c)
		if err != nil {
			return err
		}
		board, err := svc.ChallengeLeaderboard(c.Request.Context(), caller(c), c.Param("slug"), n, ch)
		if err != nil {
			return err
		}
		c.Header("Content-Disposition", `attachment; filename="`+judging.CSVName(board.Edition.Slug, n)+`"`)
		body := judging.LeaderboardCSV(board.Edition.Rubric, board.Rows)
		if board.Edition.Pairwise() {
			body = judging.PairwiseCSV(board.Rows)
		}
		c.Data(http.StatusOK, "text/csv; charset=utf-8", body)
		return nil
	}
}

// DecisionRequest decides on an entry.
type DecisionRequest struct {
	Status   string `json:"status" example:"accepted" enums:"accepted,rejected"`
	Award    string `json:"award" example:"Prix du public"`
	Feedback string `json:"feedback" example:"Strong impact; consider accessibility for screen readers."`
	// Prize is a prize of one of the entry's challenges; it becomes the
	// award ("<title> — <challenge>") and names the "awarded" badge.
	Prize *PrizePickDTO `json:"prize"`
}

// PrizePickDTO names a prize of a challenge.
type PrizePickDTO struct {
	ChallengeID int64  `json:"challenge_id" example:"3"`
	Title       string `json:"title" example:"Coup de cœur"`
}

// handleDecision accepts or rejects an entry.
//
//	@Summary		Decide on an entry
//	@Description	Accepts or rejects an entry, with an optional award (accepted entries only) and written feedback for the team, told to them with the results. Organizers only, until results are published. Recorded in the audit log.
//	@Tags			judging
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string			true	"Edition slug"
//	@Param			plugin	path		string			true	"Plugin slug"
//	@Param			body	body		DecisionRequest	true	"The decision"
//	@Success		200		{object}	SubmissionResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Failure		404		{object}	Problem	"No such entry"
//	@Failure		409		{object}	Problem	"Results already published"
//	@Failure		422		{object}	Problem	"Invalid fields, or a prize not of the entry's challenges"
//	@Router			/api/v1/hackathons/{slug}/submissions/{plugin}/decision [post]
func handleDecision(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req DecisionRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		var prize *hackathons.PrizePick
		if req.Prize != nil {
			prize = &hackathons.PrizePick{ChallengeID: req.Prize.ChallengeID, Title: req.Prize.Title}
		}
		sub, err := svc.DecideWithPrize(c.Request.Context(), caller(c), c.Param("slug"), c.Param("plugin"), req.Status, req.Award, req.Feedback, prize)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, submissionResponse(sub))
		return nil
	}
}

// handlePublishResults makes an edition's results public.
//
//	@Summary		Publish results
//	@Description	Makes the leaderboard public, tells each team its decision, feedback and anonymised scores, and gives accepted and awarded plugins their badges in search. Once, after the judging deadline. Organizers only. Recorded in the audit log.
//	@Tags			judging
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Edition slug"
//	@Success		200		{object}	HackathonResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Failure		409		{object}	Problem	"Already published, or judging still open"
//	@Router			/api/v1/hackathons/{slug}/publish-results [post]
func handlePublishResults(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		e, err := svc.PublishResults(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, hackathonResponse(svc, e))
		return nil
	}
}
