package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/store"
)

// LinkDTO is a labelled https link of a challenge (its data, its docs).
type LinkDTO struct {
	Label string `json:"label" example:"Open data: shelters"`
	URL   string `json:"url" example:"https://data.example.org/shelters"`
}

// PrizeDTO is a prize a challenge awards.
type PrizeDTO struct {
	Title       string `json:"title" example:"Coup de cœur"`
	Description string `json:"description,omitempty" example:"Three months of hosting"`
}

// ChallengeRequest creates a challenge. organization is the slug of a
// verified organisation bringing it; brought_by names who brings it when
// no organisation on the platform does. status is approved (organizers'
// default) or proposed (what a member of a verified organisation sends).
type ChallengeRequest struct {
	Title        string     `json:"title" example:"Shelters near an incident"`
	Description  string     `json:"description" example:"Help residents offer and find shelter."`
	Organization string     `json:"organization" example:"croix-rouge"`
	BroughtBy    string     `json:"brought_by" example:""`
	Links        []LinkDTO  `json:"links"`
	Prizes       []PrizeDTO `json:"prizes"`
	Status       string     `json:"status" example:"approved" enums:"approved,proposed"`
}

// ChallengePatchRequest changes the fields it carries.
type ChallengePatchRequest struct {
	Title        *string     `json:"title"`
	Description  *string     `json:"description"`
	Organization *string     `json:"organization"`
	BroughtBy    *string     `json:"brought_by"`
	Links        *[]LinkDTO  `json:"links"`
	Prizes       *[]PrizeDTO `json:"prizes"`
}

// ChallengeReviewRequest approves or refuses a proposed challenge.
type ChallengeReviewRequest struct {
	Decision string `json:"decision" example:"approve" enums:"approve,refuse"`
}

// OrgRefDTO names a verified organisation.
type OrgRefDTO struct {
	Slug string `json:"slug" example:"croix-rouge"`
	Name string `json:"name" example:"Croix-Rouge française"`
}

// ChallengeResponse is a challenge. judges (its pool) is given to
// organizers only.
type ChallengeResponse struct {
	ID           int64      `json:"id" example:"3"`
	Hackathon    string     `json:"hackathon" example:"paris-2016"`
	Title        string     `json:"title" example:"Shelters near an incident"`
	Description  string     `json:"description"`
	Organization *OrgRefDTO `json:"organization,omitempty"`
	BroughtBy    string     `json:"brought_by,omitempty"`
	Links        []LinkDTO  `json:"links"`
	Prizes       []PrizeDTO `json:"prizes"`
	Status       string     `json:"status" example:"approved" enums:"proposed,approved,refused"`
	Judges       []int64    `json:"judges,omitempty"`
}

// PoolJudgeRequest puts a judge of the edition in a challenge's pool.
type PoolJudgeRequest struct {
	UserID int64 `json:"user_id" example:"12"`
}

// EntryChallengesRequest sets the challenges an entry picks.
type EntryChallengesRequest struct {
	Challenges []int64 `json:"challenges"`
}

// EntryChallengesResponse is the challenges an entry picked.
type EntryChallengesResponse struct {
	Plugin     string  `json:"plugin" example:"portes-ouvertes"`
	Challenges []int64 `json:"challenges"`
}

// ChallengeEntriesResponse is the entries to a challenge, at the versions
// entered.
type ChallengeEntriesResponse struct {
	Challenge ChallengeResponse    `json:"challenge"`
	Entries   []SubmissionResponse `json:"entries"`
}

// FeedbackRequest is a message to an entry from the organisation behind
// a challenge.
type FeedbackRequest struct {
	Message string `json:"message" example:"Our volunteers would use this; could it work offline?"`
}

// FeedbackResponse is a message left to an entry.
type FeedbackResponse struct {
	ChallengeID int64     `json:"challenge_id" example:"3"`
	Author      string    `json:"author" example:"Camille"`
	Message     string    `json:"message"`
	CreatedAt   time.Time `json:"created_at"`
}

func challengeResponse(slug string, c store.Challenge, pool []int64) ChallengeResponse {
	out := ChallengeResponse{ID: c.ID, Hackathon: slug, Title: c.Title, Description: c.Description, BroughtBy: c.BroughtBy,
		Links: make([]LinkDTO, len(c.Links)), Prizes: make([]PrizeDTO, len(c.Prizes)), Status: c.Status, Judges: pool}
	if c.OrgSlug != "" {
		out.Organization = &OrgRefDTO{Slug: c.OrgSlug, Name: c.OrgName}
	}
	for i, l := range c.Links {
		out.Links[i] = LinkDTO(l)
	}
	for i, p := range c.Prizes {
		out.Prizes[i] = PrizeDTO(p)
	}
	return out
}

func storeLinks(in []LinkDTO) []store.Link {
	out := make([]store.Link, len(in))
	for i, l := range in {
		out[i] = store.Link(l)
	}
	return out
}

func storePrizes(in []PrizeDTO) []store.Prize {
	out := make([]store.Prize, len(in))
	for i, p := range in {
		out[i] = store.Prize(p)
	}
	return out
}

// handleChallengeCreate adds a challenge to an edition.
//
//	@Summary		Create or propose a challenge
//	@Description	Organizers create a challenge (approved by default). A member of a verified organisation proposes one in its name (status proposed, organization required) for the organizers to review. Links must be https. Recorded in the audit log (challenge.create or challenge.propose).
//	@Tags			challenges
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string				true	"Edition slug"
//	@Param			body	body		ChallengeRequest	true	"The challenge"
//	@Success		201		{object}	ChallengeResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Neither an organizer nor a member of the organisation"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Failure		422		{object}	Problem	"Invalid fields"
//	@Router			/api/v1/hackathons/{slug}/challenges [post]
func handleChallengeCreate(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req ChallengeRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		ch, err := svc.CreateChallenge(c.Request.Context(), caller(c), c.Param("slug"), hackathons.ChallengeInput{
			Title: req.Title, Description: req.Description, Organization: req.Organization, BroughtBy: req.BroughtBy,
			Links: storeLinks(req.Links), Prizes: storePrizes(req.Prizes), Status: req.Status})
		if err != nil {
			return err
		}
		c.JSON(http.StatusCreated, challengeResponse(c.Param("slug"), ch, nil))
		return nil
	}
}

// handleChallengeList lists an edition's challenges.
//
//	@Summary		List an edition's challenges
//	@Description	Approved challenges for everyone; proposals and refused ones too for organizers, for whoever proposed them and for members of the organisation behind them. Organizers also see each pool of judges.
//	@Tags			challenges
//	@Produce		json
//	@Param			slug	path		string	true	"Edition slug"
//	@Success		200		{array}		ChallengeResponse
//	@Failure		404		{object}	Problem	"No such edition"
//	@Router			/api/v1/hackathons/{slug}/challenges [get]
func handleChallengeList(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		list, err := svc.Challenges(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		out := make([]ChallengeResponse, len(list))
		for i, v := range list {
			out[i] = challengeResponse(c.Param("slug"), v.Challenge, v.Pool)
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}

// handleChallengePatch changes a challenge.
//
//	@Summary		Edit a challenge
//	@Description	Changes the fields given. Setting organization clears brought_by and the reverse. Organizers only. Recorded in the audit log (challenge.update).
//	@Tags			challenges
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string					true	"Edition slug"
//	@Param			id		path		int						true	"Challenge id"
//	@Param			body	body		ChallengePatchRequest	true	"The fields to change"
//	@Success		200		{object}	ChallengeResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Failure		404		{object}	Problem	"No such edition or challenge"
//	@Failure		422		{object}	Problem	"Invalid fields"
//	@Router			/api/v1/hackathons/{slug}/challenges/{id} [patch]
func handleChallengePatch(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var req ChallengePatchRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		p := hackathons.ChallengePatch{Title: req.Title, Description: req.Description, Organization: req.Organization, BroughtBy: req.BroughtBy}
		if req.Links != nil {
			l := storeLinks(*req.Links)
			p.Links = &l
		}
		if req.Prizes != nil {
			z := storePrizes(*req.Prizes)
			p.Prizes = &z
		}
		ch, err := svc.UpdateChallenge(c.Request.Context(), caller(c), c.Param("slug"), id, p)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, challengeResponse(c.Param("slug"), ch, nil))
		return nil
	}
}

// handleChallengeDelete removes a challenge.
//
//	@Summary		Delete a challenge
//	@Description	Removes a challenge with its pool, as long as no entry picked it. Organizers only. Recorded in the audit log (challenge.delete).
//	@Tags			challenges
//	@Security		BearerAuth
//	@Param			slug	path	string	true	"Edition slug"
//	@Param			id		path	int		true	"Challenge id"
//	@Success		204
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Not an organizer"
//	@Failure		404	{object}	Problem	"No such edition or challenge"
//	@Failure		409	{object}	Problem	"Entries picked this challenge"
//	@Router			/api/v1/hackathons/{slug}/challenges/{id} [delete]
func handleChallengeDelete(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		if err := svc.DeleteChallenge(c.Request.Context(), caller(c), c.Param("slug"), id); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// handleChallengeReview approves or refuses a proposed challenge.
//
//	@Summary		Review a proposed challenge
//	@Description	approve opens the challenge to entries; refuse keeps it out. Proposed challenges only. Organizers only. Recorded in the audit log (challenge.review).
//	@Tags			challenges
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string					true	"Edition slug"
//	@Param			id		path		int						true	"Challenge id"
//	@Param			body	body		ChallengeReviewRequest	true	"The decision"
//	@Success		200		{object}	ChallengeResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Failure		404		{object}	Problem	"No such edition or challenge"
//	@Failure		409		{object}	Problem	"Not a proposal"
//	@Failure		422		{object}	Problem	"decision is not approve or refuse"
//	@Router			/api/v1/hackathons/{slug}/challenges/{id}/review [post]
func handleChallengeReview(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var req ChallengeReviewRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		ch, err := svc.ReviewChallenge(c.Request.Context(), caller(c), c.Param("slug"), id, req.Decision)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, challengeResponse(c.Param("slug"), ch, nil))
		return nil
	}
}

// handlePoolAdd puts a judge in a challenge's pool.
//
//	@Summary		Add a judge to a challenge's pool
//	@Description	The judge must already judge the edition. Entries to challenges with pools are assigned judges from their challenges' pools; entries to none, judges in no pool (docs/judging.md). Organizers only. Recorded in the audit log (challenge.pool.add).
//	@Tags			challenges
//	@Accept			json
//	@Security		BearerAuth
//	@Param			slug	path	string				true	"Edition slug"
//	@Param			id		path	int					true	"Challenge id"
//	@Param			body	body	PoolJudgeRequest	true	"The judge"
//	@Success		204
//	@Failure		400	{object}	Problem	"Malformed JSON"
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Not an organizer"
//	@Failure		404	{object}	Problem	"No such edition or challenge"
//	@Failure		409	{object}	Problem	"Already in the pool"
//	@Failure		422	{object}	Problem	"user_id is not a judge of the edition"
//	@Router			/api/v1/hackathons/{slug}/challenges/{id}/judges [post]
func handlePoolAdd(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var req PoolJudgeRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		if err := svc.AddPoolJudge(c.Request.Context(), caller(c), c.Param("slug"), id, req.UserID); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// handlePoolRemove takes a judge out of a challenge's pool.
//
//	@Summary		Remove a judge from a challenge's pool
//	@Description	Assignments already made stay until the next assignment run. Organizers only. Recorded in the audit log (challenge.pool.remove).
//	@Tags			challenges
//	@Security		BearerAuth
//	@Param			slug	path	string	true	"Edition slug"
//	@Param			id		path	int		true	"Challenge id"
//	@Param			user_id	path	int		true	"The judge's account id"
//	@Success		204
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Not an organizer"
//	@Failure		404	{object}	Problem	"No such edition, challenge or pool judge"
//	@Router			/api/v1/hackathons/{slug}/challenges/{id}/judges/{user_id} [delete]
func handlePoolRemove(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		userID, err := pathID(c, "user_id")
		if err != nil {
			return err
		}
		if err := svc.RemovePoolJudge(c.Request.Context(), caller(c), c.Param("slug"), id, userID); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// handleChallengeEntries lists the entries to a challenge.
//
//	@Summary		Entries to a challenge
//	@Description	The entries that picked the challenge, each at the version entered, with its status. Members of the organisation bringing the challenge and organizers.
//	@Tags			challenges
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Edition slug"
//	@Param			id		path		int		true	"Challenge id"
//	@Success		200		{object}	ChallengeEntriesResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not a member of the organisation, nor an organizer"
//	@Failure		404		{object}	Problem	"No such edition or challenge"
//	@Router			/api/v1/hackathons/{slug}/challenges/{id}/entries [get]
func handleChallengeEntries(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		ch, list, err := svc.ChallengeEntries(c.Request.Context(), caller(c), c.Param("slug"), id)
		if err != nil {
			return err
		}
		out := ChallengeEntriesResponse{Challenge: challengeResponse(c.Param("slug"), ch, nil), Entries: make([]SubmissionResponse, len(list))}
		for i, sub := range list {
			out.Entries[i] = submissionResponse(sub)
			out.Entries[i].Award, out.Entries[i].Feedback = "", ""
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}

// handleChallengeFeedback leaves feedback to an entry of a challenge.
//
//	@Summary		Leave feedback to an entry
//	@Description	A message from the organisation bringing the challenge to an entry that picked it, shown to the entry's owner, collaborators and organizers. Members of the organisation only. Recorded in the audit log (challenge.feedback).
//	@Tags			challenges
//	@Accept			json
//	@Security		BearerAuth
//	@Param			slug	path	string			true	"Edition slug"
//	@Param			id		path	int				true	"Challenge id"
//	@Param			plugin	path	string			true	"Plugin slug"
//	@Param			body	body	FeedbackRequest	true	"The message"
//	@Success		204
//	@Failure		400	{object}	Problem	"Malformed JSON"
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Not a member of the organisation"
//	@Failure		404	{object}	Problem	"No such edition, challenge or entry to it"
//	@Failure		422	{object}	Problem	"message empty or too long"
//	@Router			/api/v1/hackathons/{slug}/challenges/{id}/entries/{plugin}/feedback [post]
func handleChallengeFeedback(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var req FeedbackRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		if err := svc.LeaveFeedback(c.Request.Context(), caller(c), c.Param("slug"), id, c.Param("plugin"), req.Message); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// handleEntryFeedback lists the feedback organisations left to an entry.
//
//	@Summary		Feedback to an entry from its challenges' organisations
//	@Description	The entry's owner, collaborators and organizers.
//	@Tags			challenges
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Edition slug"
//	@Param			plugin	path		string	true	"Plugin slug"
//	@Success		200		{array}		FeedbackResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		404		{object}	Problem	"No such edition or entry, or not on its team"
//	@Router			/api/v1/hackathons/{slug}/submissions/{plugin}/feedback [get]
func handleEntryFeedback(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		list, err := svc.EntryFeedback(c.Request.Context(), caller(c), c.Param("slug"), c.Param("plugin"))
		if err != nil {
			return err
		}
		out := make([]FeedbackResponse, len(list))
		for i, f := range list {
			out[i] = FeedbackResponse{ChallengeID: f.ChallengeID, Author: f.AuthorName, Message: f.Message, CreatedAt: utc(f.CreatedAt)}
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}

// handleEntryChallenges changes the challenges an entry picked.
//
//	@Summary		Change the challenges an entry picked
//	@Description	Replaces them (an empty list clears them), before the submission deadline. The entry's owner and collaborators. Unknown or unapproved challenges are named challenges[i] in a 422. Recorded in the audit log (submission.challenges).
//	@Tags			challenges
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string					true	"Edition slug"
//	@Param			plugin	path		string					true	"Plugin slug"
//	@Param			body	body		EntryChallengesRequest	true	"The challenges"
//	@Success		200		{object}	EntryChallengesResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		404		{object}	Problem	"No such edition or entry, or not on its team"
//	@Failure		409		{object}	Problem	"Submissions closed"
//	@Failure		422		{object}	Problem	"Unknown or unapproved challenges"
//	@Router			/api/v1/hackathons/{slug}/submissions/{plugin}/challenges [put]
func handleEntryChallenges(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req EntryChallengesRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		if req.Challenges == nil {
			req.Challenges = []int64{}
		}
		ids, err := svc.SetEntryChallenges(c.Request.Context(), caller(c), c.Param("slug"), c.Param("plugin"), req.Challenges)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, EntryChallengesResponse{Plugin: c.Param("plugin"), Challenges: ids})
		return nil
	}
}

// challengeQuery reads ?challenge= of a leaderboard: 0 when absent.
func challengeQuery(c *gin.Context) (int64, error) {
	v := c.Query("challenge")
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, refuse(httperr.ErrUnprocessable, "invalid query", FieldError{Field: "challenge", Message: "must be a challenge id"})
	}
	return id, nil
}
