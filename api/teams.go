package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/store"
)

// TeamRequest forms a team in an edition.
type TeamRequest struct {
	Name        string `json:"name" example:"Les Veilleurs"`
	Description string `json:"description,omitempty" example:"We map hateful networks on small platforms"`
	Needs       string `json:"needs,omitempty" example:"A designer and someone who reads Arabic"`
	Open        bool   `json:"open,omitempty" example:"true"`
}

// TeamPatchRequest changes a team; absent fields stay. captain_id hands
// the captaincy to another member.
type TeamPatchRequest struct {
	Description *string `json:"description,omitempty"`
	Needs       *string `json:"needs,omitempty" example:"A designer"`
	Open        *bool   `json:"open,omitempty" example:"true"`
	CaptainID   *int64  `json:"captain_id,omitempty" example:"12"`
}

// TeamMemberResponse is a member of a team, by display name only.
type TeamMemberResponse struct {
	UserID   int64     `json:"user_id" example:"12"`
	Name     string    `json:"name" example:"Alice"`
	Captain  bool      `json:"captain" example:"true"`
	JoinedAt time.Time `json:"joined_at"`
}

// TeamResponse is a team of an edition with its members. open says it
// is listed on the "looking for a team" page with its needs.
type TeamResponse struct {
	ID          int64                `json:"id" example:"4"`
	Name        string               `json:"name" example:"Les Veilleurs"`
	Description string               `json:"description"`
	Needs       string               `json:"needs"`
	Open        bool                 `json:"open" example:"true"`
	CaptainID   int64                `json:"captain_id" example:"12"`
	Members     []TeamMemberResponse `json:"members"`
	CreatedAt   time.Time            `json:"created_at"`
}

// TeamInvitationRequest invites into a team; the body is optional. With
// an email, the link is also sent to that address, and only the account
// with it may accept.
type TeamInvitationRequest struct {
	Email string `json:"email,omitempty" example:"ana@example.org"`
}

// TeamInvitationResponse is an invitation link to a team; token and
// accept_path are given once, when it is created.
type TeamInvitationResponse struct {
	ID         int64     `json:"id" example:"3"`
	ExpiresAt  time.Time `json:"expires_at"`
	Token      string    `json:"token" example:"q7Zs…"`
	AcceptPath string    `json:"accept_path" example:"/teams/invitations/q7Zs…"`
	Email      string    `json:"email,omitempty" example:"ana@example.org"` // set when a message was queued to it
}

// ProfileRequest is what a participant publishes on the "looking for a
// team" page; nothing is shown unless visible.
type ProfileRequest struct {
	Skills    []string `json:"skills" example:"go,design"`
	Languages []string `json:"languages" example:"fr,ar"`
	Wants     string   `json:"wants" example:"A tool that helps moderators triage reports"`
	Visible   bool     `json:"visible" example:"true"`
}

// ProfileResponse is a participant's profile, by display name only.
type ProfileResponse struct {
	UserID    int64     `json:"user_id" example:"12"`
	Name      string    `json:"name" example:"Alice"`
	Skills    []string  `json:"skills"`
	Languages []string  `json:"languages"`
	Wants     string    `json:"wants"`
	Visible   bool      `json:"visible" example:"true"`
	UpdatedAt time.Time `json:"updated_at"`
}

// LookingResponse lists the visible profiles and the open teams of an
// edition.
type LookingResponse struct {
	Profiles []ProfileResponse `json:"profiles"`
	Teams    []TeamResponse    `json:"teams"`
}

func teamResponse(t store.Team) TeamResponse {
	r := TeamResponse{ID: t.ID, Name: t.Name, Description: t.Description, Needs: t.Needs, Open: t.Open, CaptainID: t.CaptainID,
		Members: []TeamMemberResponse{}, CreatedAt: utc(t.CreatedAt)}
	for _, m := range t.Members {
		r.Members = append(r.Members, TeamMemberResponse{UserID: m.UserID, Name: m.Name, Captain: m.UserID == t.CaptainID,
			JoinedAt: utc(m.JoinedAt)})
	}
	return r
}

func profileResponse(p store.TeamProfile) ProfileResponse {
	return ProfileResponse{UserID: p.UserID, Name: p.Name, Skills: p.Skills, Languages: p.Languages, Wants: p.Wants,
		Visible: p.Visible, UpdatedAt: utc(p.UpdatedAt)}
}

// teamEdition lets a team's routes under /api/v1/teams/{id} answer as
// those under its edition do: it finds the edition's slug from the team
// and hands it to the handler as the slug parameter.
func teamEdition(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		slug, err := svc.TeamEdition(c.Request.Context(), id)
		if err != nil {
			return err
		}
		c.Params = append(c.Params, gin.Param{Key: "slug", Value: slug})
		return nil
	}
}

// handleTeamCreate forms a team with the caller as captain.
//
//	@Summary		Form a team
//	@Description	Forms a team in an edition with the caller as its captain and first member, before submissions close. A participant is in at most one team per edition. Recorded in the audit log (team.create).
//	@Tags			teams
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string		true	"Edition slug"
//	@Param			body	body		TeamRequest	true	"The team"
//	@Success		201		{object}	TeamResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Failure		409		{object}	Problem	"Already in a team of this edition, name taken, or submissions closed"
//	@Failure		422		{object}	Problem	"Invalid fields, each named"
//	@Router			/api/v1/hackathons/{slug}/teams [post]
func handleTeamCreate(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req TeamRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		t, err := svc.CreateTeam(c.Request.Context(), caller(c), c.Param("slug"), hackathons.TeamInput(req))
		if err != nil {
			return err
		}
		c.Header("Location", "/api/v1/hackathons/"+c.Param("slug")+"/teams/"+strconv.FormatInt(t.ID, 10))
		c.JSON(http.StatusCreated, teamResponse(t))
		return nil
	}
}

// handleTeamList lists an edition's teams.
//
//	@Summary		List teams
//	@Description	An edition's teams by name, with their members' display names (never their e-mail addresses).
//	@Tags			teams
//	@Produce		json
//	@Param			slug	path		string	true	"Edition slug"
//	@Success		200		{object}	List[TeamResponse]
//	@Failure		404		{object}	Problem	"No such edition"
//	@Router			/api/v1/hackathons/{slug}/teams [get]
func handleTeamList(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		list, err := svc.Teams(c.Request.Context(), c.Param("slug"))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, mapList(list, len(list), store.Page{Limit: len(list)}, teamResponse))
		return nil
	}
}

// handleTeamGet returns one team.
//
//	@Summary		Get a team
//	@Description	A team of an edition with its members' display names.
//	@Tags			teams
//	@Produce		json
//	@Param			slug	path		string	true	"Edition slug"
//	@Param			id		path		int		true	"Team id"
//	@Success		200		{object}	TeamResponse
//	@Failure		404		{object}	Problem	"No such edition or team"
//	@Router			/api/v1/hackathons/{slug}/teams/{id} [get]
//	@Router			/api/v1/teams/{id} [get]
func handleTeamGet(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		t, err := svc.Team(c.Request.Context(), c.Param("slug"), id)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, teamResponse(t))
		return nil
	}
}

// handleTeamPatch changes a team or hands its captaincy over.
//
//	@Summary		Change a team
//	@Description	The captain changes the description, what the team needs and whether it is open (listed on the "looking for a team" page), or hands the captaincy to another member with captain_id (recorded in the audit log: team.captain).
//	@Tags			teams
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string				true	"Edition slug"
//	@Param			id		path		int					true	"Team id"
//	@Param			body	body		TeamPatchRequest	true	"The changes"
//	@Success		200		{object}	TeamResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not the captain"
//	@Failure		404		{object}	Problem	"No such edition or team"
//	@Failure		422		{object}	Problem	"Invalid fields, each named (captain_id not a member)"
//	@Router			/api/v1/hackathons/{slug}/teams/{id} [patch]
//	@Router			/api/v1/teams/{id} [patch]
func handleTeamPatch(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var req TeamPatchRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		t, err := svc.UpdateTeam(c.Request.Context(), caller(c), c.Param("slug"), id, hackathons.TeamPatch(req))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, teamResponse(t))
		return nil
	}
}

// handleTeamInvite creates an invitation link to a team, and sends it by
// e-mail when given an address.
//
//	@Summary		Invite to a team
//	@Description	The captain creates an invitation link, valid 7 days and used once; its token is shown this once and stored hashed. With an optional email, a message with the link is queued to that address (in the language of its account if there is one, else the captain's) and only the account with that address may accept; the link is returned either way. A team has at most 20 pending invitations. Recorded in the audit log (team.invite).
//	@Tags			teams
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string					true	"Edition slug"
//	@Param			id		path		int						true	"Team id"
//	@Param			body	body		TeamInvitationRequest	false	"Optional address to send the invitation to"
//	@Success		201		{object}	TeamInvitationResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not the captain"
//	@Failure		404		{object}	Problem	"No such edition or team"
//	@Failure		409		{object}	Problem	"Submissions closed, or 20 invitations already pending"
//	@Failure		422		{object}	Problem	"Not an e-mail address (field email)"
//	@Router			/api/v1/hackathons/{slug}/teams/{id}/invitations [post]
//	@Router			/api/v1/teams/{id}/invitations [post]
func handleTeamInvite(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var req TeamInvitationRequest
		if err := bindJSON(c, &req); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		inv, token, err := svc.InviteToTeam(c.Request.Context(), caller(c), c.Param("slug"), id, req.Email)
		if err != nil {
			return err
		}
		c.JSON(http.StatusCreated, TeamInvitationResponse{ID: inv.ID, ExpiresAt: utc(inv.ExpiresAt), Token: token,
			AcceptPath: "/teams/invitations/" + token, Email: inv.Email})
		return nil
	}
}

// handleTeamAccept accepts an invitation to a team.
//
//	@Summary		Join a team
//	@Description	Puts the caller in the team an invitation link is for. Recorded in the audit log (team.join).
//	@Tags			teams
//	@Produce		json
//	@Security		BearerAuth
//	@Param			token	path		string	true	"Invitation token"
//	@Success		200		{object}	TeamResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Invitation sent by e-mail to another address"
//	@Failure		404		{object}	Problem	"Unknown or expired invitation"
//	@Failure		409		{object}	Problem	"Invitation already used, already in a team of this edition, or submissions closed"
//	@Router			/api/v1/teams/invitations/{token}/accept [post]
func handleTeamAccept(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		t, err := svc.AcceptTeamInvitation(c.Request.Context(), caller(c), c.Param("token"))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, teamResponse(t))
		return nil
	}
}

// handleTeamMemberRemove lets a member leave, or the captain remove one.
//
//	@Summary		Leave a team or remove a member
//	@Description	user_id "me" (or the caller's id) leaves; the captain removes others. The captain hands the captaincy over before leaving; the last member leaving dissolves the team, unless it has an entry. Recorded in the audit log (team.leave).
//	@Tags			teams
//	@Security		BearerAuth
//	@Param			slug	path	string	true	"Edition slug"
//	@Param			id		path	int		true	"Team id"
//	@Param			user_id	path	string	true	"The member's account id, or me"
//	@Success		204
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Not the captain, removing someone else"
//	@Failure		404	{object}	Problem	"No such edition, team or member"
//	@Failure		409	{object}	Problem	"The captain must hand over first, or the last member leaves a team with an entry"
//	@Router			/api/v1/hackathons/{slug}/teams/{id}/members/{user_id} [delete]
//	@Router			/api/v1/teams/{id}/members/{user_id} [delete]
func handleTeamMemberRemove(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		u := caller(c)
		userID := u.ID
		if c.Param("user_id") != "me" {
			if userID, err = pathID(c, "user_id"); err != nil {
				return err
			}
		}
		if _, err := svc.RemoveTeamMember(c.Request.Context(), u, c.Param("slug"), id, userID); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// TeamPendingInvitationResponse is a pending invitation to a team,
// without its token (shown only when it was created).
type TeamPendingInvitationResponse struct {
	ID        int64     `json:"id" example:"3"`
	Email     string    `json:"email" example:"ana@example.org"` // empty for a link anyone holding it may use
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// handleTeamInvitationList lists a team's pending invitations.
//
//	@Summary		List a team's pending invitations
//	@Description	The captain sees the team's invitations neither used nor expired, newest first, with the address each was sent to (empty for a plain link). Tokens are never shown again.
//	@Tags			teams
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Edition slug"
//	@Param			id		path		int		true	"Team id"
//	@Success		200		{object}	List[TeamPendingInvitationResponse]
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not the captain"
//	@Failure		404		{object}	Problem	"No such edition or team"
//	@Router			/api/v1/hackathons/{slug}/teams/{id}/invitations [get]
//	@Router			/api/v1/teams/{id}/invitations [get]
func handleTeamInvitationList(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		list, err := svc.TeamInvitations(c.Request.Context(), caller(c), c.Param("slug"), id)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, mapList(list, len(list), store.Page{Limit: len(list)}, func(i store.TeamInvitation) TeamPendingInvitationResponse {
			return TeamPendingInvitationResponse{ID: i.ID, Email: i.Email, CreatedAt: utc(i.CreatedAt), ExpiresAt: utc(i.ExpiresAt)}
		}))
		return nil
	}
}

// handleTeamInvitationRevoke revokes a pending invitation.
//
//	@Summary		Revoke a team invitation
//	@Description	The captain withdraws an invitation not used yet: its link stops working at once (404). Recorded in the audit log (team.invitation.revoke).
//	@Tags			teams
//	@Security		BearerAuth
//	@Param			slug			path	string	true	"Edition slug"
//	@Param			id				path	int		true	"Team id"
//	@Param			invitation_id	path	int		true	"Invitation id"
//	@Success		204
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Not the captain"
//	@Failure		404	{object}	Problem	"No such edition, team, or pending invitation of this team"
//	@Router			/api/v1/hackathons/{slug}/teams/{id}/invitations/{invitation_id} [delete]
//	@Router			/api/v1/teams/{id}/invitations/{invitation_id} [delete]
func handleTeamInvitationRevoke(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		inv, err := pathID(c, "invitation_id")
		if err != nil {
			return err
		}
		if err := svc.RevokeTeamInvitation(c.Request.Context(), caller(c), c.Param("slug"), id, inv); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// RosterMemberResponse is a member of a team as organizers see it.
type RosterMemberResponse struct {
	UserID  int64  `json:"user_id" example:"12"`
	Name    string `json:"name" example:"Alice"`
	Email   string `json:"email" example:"alice@example.org"`
	Captain bool   `json:"captain" example:"true"`
}

// RosterChallengeResponse names a challenge an entry picked.
type RosterChallengeResponse struct {
	ID    int64  `json:"id" example:"3"`
	Title string `json:"title" example:"Rumeurs en temps de crise"`
}

// RosterEntryResponse is an entry of a team with its decision and the
// challenges it picked.
type RosterEntryResponse struct {
	Plugin     string                    `json:"plugin" example:"veille"`
	Name       string                    `json:"name" example:"Veille"`
	Version    string                    `json:"version" example:"1.0.0"`
	Status     string                    `json:"status" example:"submitted"`
	Award      string                    `json:"award"`
	Challenges []RosterChallengeResponse `json:"challenges"`
}

// RosterTeamResponse is a team of an edition as organizers see it.
type RosterTeamResponse struct {
	ID        int64                  `json:"id" example:"4"`
	Name      string                 `json:"name" example:"Les Veilleurs"`
	CaptainID int64                  `json:"captain_id" example:"12"`
	Open      bool                   `json:"open"`
	Members   []RosterMemberResponse `json:"members"`
	Entries   []RosterEntryResponse  `json:"entries"`
	CreatedAt time.Time              `json:"created_at"`
}

func rosterResponse(t hackathons.RosterTeam) RosterTeamResponse {
	r := RosterTeamResponse{ID: t.ID, Name: t.Name, CaptainID: t.CaptainID, Open: t.Open, CreatedAt: utc(t.CreatedAt),
		Members: []RosterMemberResponse{}, Entries: []RosterEntryResponse{}}
	for _, m := range t.Members {
		r.Members = append(r.Members, RosterMemberResponse{UserID: m.UserID, Name: m.Name, Email: m.Email, Captain: m.UserID == t.CaptainID})
	}
	for _, e := range t.Entries {
		er := RosterEntryResponse{Plugin: e.Slug, Name: e.Name, Version: e.Version, Status: e.Status, Award: e.Award,
			Challenges: []RosterChallengeResponse{}}
		for _, c := range e.Challenges {
			er.Challenges = append(er.Challenges, RosterChallengeResponse{ID: c.ID, Title: c.Title})
		}
		r.Entries = append(r.Entries, er)
	}
	return r
}

// handleRoster lists an edition's teams for its organizers.
//
//	@Summary		Teams of an edition, for organizers
//	@Description	Every team of the edition by name, with its members (and their e-mail addresses), its captain, its entries with their decision and the challenges they picked. Organizers only.
//	@Tags			teams
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Edition slug"
//	@Success		200		{object}	List[RosterTeamResponse]
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Router			/api/v1/hackathons/{slug}/roster [get]
func handleRoster(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		list, err := svc.Roster(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, mapList(list, len(list), store.Page{Limit: len(list)}, rosterResponse))
		return nil
	}
}
