package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/hackathons"
)

// handleProfilePut publishes or changes the caller's profile.
//
//	@Summary		Publish a "looking for a team" profile
//	@Description	Records the caller's skills, languages and what they want to build in an edition. Only a visible profile is listed, with the caller's display name and nothing else about them.
//	@Tags			teams
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string			true	"Edition slug"
//	@Param			body	body		ProfileRequest	true	"The profile"
//	@Success		200		{object}	ProfileResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		404		{object}	Problem	"No such edition"
//	@Failure		422		{object}	Problem	"Invalid fields, each named"
//	@Router			/api/v1/hackathons/{slug}/profiles/me [put]
func handleProfilePut(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req ProfileRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		p, err := svc.SaveProfile(c.Request.Context(), caller(c), c.Param("slug"), hackathons.ProfileInput(req))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, profileResponse(p))
		return nil
	}
}

// handleProfileGet returns the caller's profile.
//
//	@Summary	Get your "looking for a team" profile
//	@Tags		teams
//	@Produce	json
//	@Security	BearerAuth
//	@Param		slug	path		string	true	"Edition slug"
//	@Success	200		{object}	ProfileResponse
//	@Failure	401		{object}	Problem	"Not signed in"
//	@Failure	404		{object}	Problem	"No such edition, or no profile"
//	@Router		/api/v1/hackathons/{slug}/profiles/me [get]
func handleProfileGet(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		p, err := svc.Profile(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, profileResponse(p))
		return nil
	}
}

// handleProfileDelete removes the caller's profile.
//
//	@Summary	Remove your "looking for a team" profile
//	@Tags		teams
//	@Security	BearerAuth
//	@Param		slug	path	string	true	"Edition slug"
//	@Success	204
//	@Failure	401	{object}	Problem	"Not signed in"
//	@Failure	404	{object}	Problem	"No such edition, or no profile"
//	@Router		/api/v1/hackathons/{slug}/profiles/me [delete]
func handleProfileDelete(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		if err := svc.DeleteProfile(c.Request.Context(), caller(c), c.Param("slug")); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// handleLooking lists who is looking for a team and the open teams.
//
//	@Summary		Looking for a team
//	@Description	The profiles participants chose to publish (display name, skills, languages, what they want to build) and the teams open to new members with what they need. skill and language keep the profiles that list them (case aside) and the teams whose needs or description mention them.
//	@Tags			teams
//	@Produce		json
//	@Param			slug		path		string	true	"Edition slug"
//	@Param			skill		query		string	false	"Only this skill"
//	@Param			language	query		string	false	"Only this language"
//	@Success		200			{object}	LookingResponse
//	@Failure		404			{object}	Problem	"No such edition"
//	@Router			/api/v1/hackathons/{slug}/looking [get]
func handleLooking(svc *hackathons.Service) handlerFunc {
	return func(c *gin.Context) error {
		l, err := svc.Looking(c.Request.Context(), c.Param("slug"),
			hackathons.LookingFilter{Skill: c.Query("skill"), Language: c.Query("language")})
		if err != nil {
			return err
		}
		out := LookingResponse{Profiles: []ProfileResponse{}, Teams: []TeamResponse{}}
		for _, p := range l.Profiles {
			out.Profiles = append(out.Profiles, profileResponse(p))
		}
		for _, t := range l.Teams {
			out.Teams = append(out.Teams, teamResponse(t))
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}
