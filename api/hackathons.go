package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// HackathonRequest creates an edition. Dates are RFC 3339. Criteria
// without min and max score from 0 to 10. Judges may score from
// judging_starts_at (by default the submission deadline) until the judging
// deadline. judges_per_submission, from 1 to 10, is how many judges should
// read each entry (omitted or 0: 2). judging_mode is rubric (omitted) or
// pairwise (docs/judging.md). A field not listed here is refused.
type HackathonRequest struct {
	Slug                string              `json:"slug" example:"paris-2016"`
	Name                string              `json:"name" example:"Hackathon contre la propagande terroriste"`
	City                string              `json:"city" example:"Paris"`
	Description         string              `json:"description"`
	StartsAt            string              `json:"starts_at" example:"2016-01-23T09:00:00+01:00"`
	EndsAt              string              `json:"ends_at" example:"2016-01-24T18:00:00+01:00"`
	SubmissionDeadline  string              `json:"submission_deadline" example:"2016-01-24T12:00:00+01:00"`
	JudgingDeadline     string              `json:"judging_deadline" example:"2016-01-24T17:00:00+01:00"`
	JudgingStartsAt     string              `json:"judging_starts_at,omitempty" example:"2016-01-24T12:00:00+01:00"`
	Rubric              []judging.Criterion `json:"rubric"`
	JudgesPerSubmission int                 `json:"judges_per_submission,omitempty" example:"3"`
	JudgingMode         string              `json:"judging_mode,omitempty" example:"rubric" enums:"rubric,pairwise"`
}

// HackathonPatchRequest changes an edition; omitted fields stay. The rubric
// cannot change once a judge has scored against it, nor judging_mode once
// a judge has scored or voted. judging_starts_at ""
// puts the start of judging back at the submission deadline. A field not
// listed here is refused.
type HackathonPatchRequest struct {
	Name                *string              `json:"name"`
	City                *string              `json:"city"`
	Description         *string              `json:"description"`
	StartsAt            *string              `json:"starts_at"`
	EndsAt              *string              `json:"ends_at"`
	SubmissionDeadline  *string              `json:"submission_deadline"`
	JudgingDeadline     *string              `json:"judging_deadline"`
	JudgingStartsAt     *string              `json:"judging_starts_at"`
	Rubric              *[]judging.Criterion `json:"rubric"`
	JudgesPerSubmission *int                 `json:"judges_per_submission" example:"3"`
	JudgingMode         *string              `json:"judging_mode" example:"pairwise" enums:"rubric,pairwise"`
}

// HackathonResponse is an edition; phase follows from its dates. Reviews
// are accepted from judging_starts_at (the submission deadline unless the
// edition sets another) until judging_deadline. judges_per_submission is
// how many judges should read each entry: as set with the edition, or by
// its last assignment.
type HackathonResponse struct {
	Slug                string              `json:"slug" example:"paris-2016"`
	Name                string              `json:"name" example:"Hackathon contre la propagande terroriste"`
	City                string              `json:"city" example:"Paris"`
	Description         string              `json:"description"`
	StartsAt            time.Time           `json:"starts_at"`
	EndsAt              time.Time           `json:"ends_at"`
	SubmissionDeadline  time.Time           `json:"submission_deadline"`
	JudgingDeadline     time.Time           `json:"judging_deadline"`
	JudgingStartsAt     time.Time           `json:"judging_starts_at"`
	Rubric              []judging.Criterion `json:"rubric"`
	JudgesPerSubmission int                 `json:"judges_per_submission" example:"3"`
	ResultsPublished    bool                `json:"results_published" example:"false"`
	Phase               string              `json:"phase" example:"open" enums:"upcoming,open,judging,closed,results"`
	JudgingMode         string              `json:"judging_mode" example:"rubric" enums:"rubric,pairwise"`
}

// parseDates reads RFC 3339 dates, naming each field that is not one.
func parseDates(fields map[string]*string) (map[string]*time.Time, error) {
	out := map[string]*time.Time{}
	var bad valid.Errors
	for name, v := range fields {
		if v == nil {
			continue
		}
		t, err := time.Parse(time.RFC3339, *v)
		if err != nil {
			bad = append(bad, valid.Problem{Field: name, Message: "must be a date in RFC 3339, such as 2016-01-23T09:00:00+01:00"})
			continue
		}
		out[name] = &t
	}
	if len(bad) > 0 {
		return nil, bad
	}
	return out, nil
}

func orZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func hackathonResponse(svc *hackathons.Service, e hackathons.Edition) HackathonResponse {
	return HackathonResponse{Slug: e.Slug, Name: e.Name, City: e.City, Description: e.Description,
		StartsAt: utc(e.StartsAt), EndsAt: utc(e.EndsAt), SubmissionDeadline: utc(e.SubmissionDeadline),
		JudgingDeadline: utc(e.JudgingDeadline), JudgingStartsAt: utc(e.JudgingStarts()), Rubric: e.Rubric, JudgesPerSubmission: e.JudgesPerSubmission,
		ResultsPublished: e.ResultsPublishedAt != nil, Phase: svc.Phase(e), JudgingMode: e.JudgingMode}
}

// handleHackathonCreate opens an edition.
//
//	@Summary		Create an edition
//	@Description	Opens a hackathon edition with its dates and weighted rubric. Judges score from judging_starts_at (by default the submission deadline) until the judging deadline. Unknown fields are refused (422, each named). Organizers only. Recorded in the audit log.
//	@Tags			hackathons
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		HackathonRequest	true	"The edition"
//	@Success		201		{object}	HackathonResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Failure		409		{object}	Problem	"Slug taken"
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Failure		422		{object}	Problem	"Invalid or unknown fields"
//	@Router			/api/v1/hackathons [post]
func handleHackathonCreate(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req HackathonRequest
		if err := bindStrictJSON(c, &req); err != nil {
			return err
		}
		d, err := parseDates(map[string]*string{"starts_at": nonEmpty(req.StartsAt), "ends_at": nonEmpty(req.EndsAt),
			"submission_deadline": nonEmpty(req.SubmissionDeadline), "judging_deadline": nonEmpty(req.JudgingDeadline),
			"judging_starts_at": nonEmpty(req.JudgingStartsAt)})
		if err != nil {
			return err
		}
		e, err := svc.Create(c.Request.Context(), caller(c), hackathons.Input{Slug: req.Slug, Name: req.Name, City: req.City,
			Description: req.Description, StartsAt: orZero(d["starts_at"]), EndsAt: orZero(d["ends_at"]),
			SubmissionDeadline: orZero(d["submission_deadline"]), JudgingDeadline: orZero(d["judging_deadline"]),
			JudgingStartsAt: orZero(d["judging_starts_at"]), Rubric: req.Rubric, JudgesPerSubmission: req.JudgesPerSubmission,
			JudgingMode: req.JudgingMode})
		if err != nil {
			return err
		}
		c.Header("Location", "/api/v1/hackathons/"+e.Slug)
		c.JSON(http.StatusCreated, hackathonResponse(svc, e))
		return nil
	}
}

// handleHackathonPatch changes an edition.
//
//	@Summary		Change an edition
//	@Description	Changes an edition's fields; omitted ones stay. judging_starts_at "" puts the start of judging back at the submission deadline. The rubric is frozen once a judge has scored; the judging_mode (rubric or pairwise) once a judge has scored or voted (409). Unknown fields are refused (422, each named). Organizers only. Recorded in the audit log.
//	@Tags			hackathons
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string					true	"Edition slug"
//	@Param			body	body		HackathonPatchRequest	true	"The changes"
//	@Success		200		{object}	HackathonResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Failure		409		{object}	Problem	"Rubric or judging mode frozen"
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Failure		422		{object}	Problem	"Invalid or unknown fields"
//	@Router			/api/v1/hackathons/{slug} [patch]
func handleHackathonPatch(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req HackathonPatchRequest
		if err := bindStrictJSON(c, &req); err != nil {
			return err
		}
		reset := req.JudgingStartsAt != nil && *req.JudgingStartsAt == ""
		if reset {
			req.JudgingStartsAt = nil
		}
		d, err := parseDates(map[string]*string{"starts_at": req.StartsAt, "ends_at": req.EndsAt,
			"submission_deadline": req.SubmissionDeadline, "judging_deadline": req.JudgingDeadline, "judging_starts_at": req.JudgingStartsAt})
		if err != nil {
			return err
		}
		if reset {
			d["judging_starts_at"] = &time.Time{} // the submission deadline
		}
		p := hackathons.Patch{Name: req.Name, City: req.City, Description: req.Description, StartsAt: d["starts_at"],
			EndsAt: d["ends_at"], SubmissionDeadline: d["submission_deadline"], JudgingDeadline: d["judging_deadline"],
			JudgingStartsAt: d["judging_starts_at"], JudgesPerSubmission: req.JudgesPerSubmission, JudgingMode: req.JudgingMode}
		if req.Rubric != nil {
			r := judging.Rubric(*req.Rubric)
			p.Rubric = &r
		}
		e, err := svc.Update(c.Request.Context(), caller(c), c.Param("slug"), p)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, hackathonResponse(svc, e))
		return nil
	}
}

// handleHackathonList lists editions.
//
//	@Summary	List editions
//	@Tags		hackathons
//	@Produce	json
//	@Param		limit	query		int						false	"Page size (1–100)"	default(20)
//	@Param		offset	query		int						false	"Items to skip"		default(0)
//	@Success	200		{object}	List[HackathonResponse]	"The latest first"
//	@Failure	400		{object}	Problem					"Invalid pagination"
//	@Router		/api/v1/hackathons [get]
func handleHackathonList(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		p, err := page(c)
		if err != nil {
			return err
		}
		list, total, err := svc.List(c.Request.Context(), p)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, mapList(list, total, p, func(e hackathons.Edition) HackathonResponse { return hackathonResponse(svc, e) }))
		return nil
	}
}

// handleHackathonGet returns an edition.
//
//	@Summary		Get an edition
//	@Description	The same for every caller: public, max-age=10, with a strong ETag; If-None-Match answers 304 when it is current.
//	@Tags			hackathons
//	@Produce		json
//	@Param			slug			path		string	true	"Edition slug"
//	@Param			If-None-Match	header		string	false	"ETag of a copy you hold: 304 when it is current"
//	@Success		200				{object}	HackathonResponse
//	@Success		304				"Not modified"
//	@Header			200				{string}	ETag	"Version of this representation"
//	@Failure		404				{object}	Problem	"No such edition"
//	@Router			/api/v1/hackathons/{slug} [get]
func handleHackathonGet(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		e, err := svc.Get(c.Request.Context(), c.Param("slug"))
		if err != nil {
			return err
		}
		b, err := json.Marshal(hackathonResponse(svc, e))
		if err != nil {
			return err
		}
		newDoc(b, jsonContentType, time.Time{}, publicPolicy).write(c)
		return nil
	}
}

// JudgeRequest names the account to make a judge.
type JudgeRequest struct {
	UserID int64 `json:"user_id" example:"12"`
}

// JudgeResponse is a judge of an edition.
type JudgeResponse struct {
	UserID  int64     `json:"user_id" example:"12"`
	Name    string    `json:"name" example:"Camille"`
	Email   string    `json:"email" example:"camille@example.org"`
	AddedAt time.Time `json:"added_at"`
}

func judgeResponse(j store.Judge) JudgeResponse {
	return JudgeResponse{UserID: j.UserID, Name: j.Name, Email: j.Email, AddedAt: utc(j.AddedAt)}
}

// handleJudgeAdd makes an account a judge of an edition.
//
//	@Summary		Add a judge
//	@Description	The account must have the judge (or organizer) role. Organizers only. Recorded in the audit log.
//	@Tags			hackathons
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string			true	"Edition slug"
//	@Param			body	body		JudgeRequest	true	"Who"
//	@Success		201		{object}	JudgeResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Failure		409		{object}	Problem	"Already a judge"
//	@Failure		422		{object}	Problem	"No such account, or not a judge"
//	@Router			/api/v1/hackathons/{slug}/judges [post]
func handleJudgeAdd(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req JudgeRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		j, err := svc.AddJudge(c.Request.Context(), caller(c), c.Param("slug"), req.UserID)
		if err != nil {
			return err
		}
		c.JSON(http.StatusCreated, judgeResponse(j))
		return nil
	}
}

// handleJudgeList lists an edition's judges.
//
//	@Summary	List judges
//	@Tags		hackathons
//	@Produce	json
//	@Security	BearerAuth
//	@Param		slug	path		string	true	"Edition slug"
//	@Success	200		{object}	List[JudgeResponse]
//	@Failure	401		{object}	Problem	"Not signed in"
//	@Failure	403		{object}	Problem	"Not an organizer"
//	@Failure	404		{object}	Problem	"No such edition"
//	@Router		/api/v1/hackathons/{slug}/judges [get]
func handleJudgeList(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		list, err := svc.Judges(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, mapList(list, len(list), store.Page{Limit: len(list)}, judgeResponse))
		return nil
	}
}

// handleJudgeRemove takes a judge off an edition.
//
//	@Summary		Remove a judge
//	@Description	Their unreviewed assignments go; their reviews stay. Organizers only. Recorded in the audit log.
//	@Tags			hackathons
//	@Security		BearerAuth
//	@Param			slug	path	string	true	"Edition slug"
//	@Param			user_id	path	int		true	"The judge's account id"
//	@Success		204
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Not an organizer"
//	@Failure		404	{object}	Problem	"No such edition or judge"
//	@Router			/api/v1/hackathons/{slug}/judges/{user_id} [delete]
func handleJudgeRemove(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "user_id")
		if err != nil {
			return err
		}
		if err := svc.RemoveJudge(c.Request.Context(), caller(c), c.Param("slug"), id); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}
