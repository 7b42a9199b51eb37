package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
)

// handleCollaboratorAdd lets another account publish versions.
//
//	@Summary		Add a collaborator
//	@Description	Lets the account with this e-mail address publish versions of the plugin. Owner only. Recorded in the audit log (collaborator.add).
//	@Tags			plugins
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string				true	"Plugin slug"
//	@Param			body	body		CollaboratorRequest	true	"Who"
//	@Success		201		{object}	CollaboratorResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not the owner"
//	@Failure		404		{object}	Problem	"No such plugin, or not visible to you"
//	@Failure		409		{object}	Problem	"Already a collaborator"
//	@Failure		422		{object}	Problem	"No account with this e-mail address, or the owner's"
//	@Router			/api/v1/plugins/{slug}/collaborators [post]
func handleCollaboratorAdd(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req CollaboratorRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		added, err := svc.AddCollaborator(c.Request.Context(), caller(c), c.Param("slug"), req.Email)
		if err != nil {
			return err
		}
		c.JSON(http.StatusCreated, collaboratorResponse(added))
		return nil
	}
}

// handleCollaboratorList lists who may publish versions besides the owner.
//
//	@Summary		List collaborators
//	@Description	For the owner, collaborators and organizers.
//	@Tags			plugins
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Plugin slug"
//	@Success		200		{object}	List[CollaboratorResponse]
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not the owner, a collaborator or an organizer"
//	@Failure		404		{object}	Problem	"No such plugin, or not visible to you"
//	@Router			/api/v1/plugins/{slug}/collaborators [get]
func handleCollaboratorList(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		list, err := svc.Collaborators(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		all := store.Page{Limit: len(list)}
		c.JSON(http.StatusOK, mapList(list, len(list), all, collaboratorResponse))
		return nil
	}
}

// handleCollaboratorRemove takes a collaborator off a plugin.
//
//	@Summary		Remove a collaborator
//	@Description	Owner only. Recorded in the audit log (collaborator.remove).
//	@Tags			plugins
//	@Security		BearerAuth
//	@Param			slug	path	string	true	"Plugin slug"
//	@Param			user_id	path	int		true	"The collaborator's account id"
//	@Success		204
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Not the owner"
//	@Failure		404	{object}	Problem	"No such plugin or collaborator"
//	@Router			/api/v1/plugins/{slug}/collaborators/{user_id} [delete]
func handleCollaboratorRemove(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "user_id")
		if err != nil {
			return err
		}
		if err := svc.RemoveCollaborator(c.Request.Context(), caller(c), c.Param("slug"), id); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}
