package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/store"
)

// UserAdminResponse is an account as organizers and administrators see it.
type UserAdminResponse struct {
	UserResponse
	Disabled bool `json:"disabled" example:"false"`
}

// UserPatchRequest changes an account's role or disables it. Omitted fields
// stay as they are.
type UserPatchRequest struct {
	Role     *string `json:"role" example:"judge" enums:"participant,judge,organizer,moderator,admin"`
	Disabled *bool   `json:"disabled" example:"false"`
}

func userAdminResponse(u store.User) UserAdminResponse {
	return UserAdminResponse{UserResponse: userResponse(u), Disabled: u.Disabled}
}

// handleUserList lists accounts, for organizers choosing judges.
//
//	@Summary		List accounts
//	@Description	Lists accounts, oldest first. Organizers and administrators only.
//	@Tags			users
//	@Produce		json
//	@Security		BearerAuth
//	@Param			role	query		string	false	"Only this role"	Enums(participant, judge, organizer, moderator, admin)
//	@Param			q		query		string	false	"E-mail address or name starting with this, ignoring case"
//	@Param			limit	query		int		false	"Page size (1–100)"	default(20)
//	@Param			offset	query		int		false	"Items to skip"		default(0)
//	@Success		200		{object}	List[UserAdminResponse]
//	@Failure		400		{object}	Problem	"Invalid pagination or role"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an organizer"
//	@Router			/api/v1/users [get]
func handleUserList(st *store.Store) handlerFunc {
	return func(c *gin.Context) error {
		p, err := page(c)
		if err != nil {
			return err
		}
		f := store.UserFilter{Role: c.Query("role"), Query: c.Query("q")}
		if f.Role != "" && !auth.Role(f.Role).Valid() {
			return refuse(httperr.ErrMalformed, "invalid filter",
				FieldError{Field: "role", Message: "must be one of participant, judge, organizer, moderator, admin"})
		}
		users, total, err := st.ListUsers(c.Request.Context(), f, p)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, mapList(users, total, p, userAdminResponse))
		return nil
	}
}

// handleUserPatch changes an account's role or disables it.
//
//	@Summary		Change an account
//	@Description	Changes an account's role or disables it; this takes effect on the account's next request. Administrators only; they cannot change their own account. Recorded in the audit log.
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int					true	"Account id"
//	@Param			body	body		UserPatchRequest	true	"The change"
//	@Success		200		{object}	UserAdminResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an administrator"
//	@Failure		404		{object}	Problem	"No such account"
//	@Failure		409		{object}	Problem	"Administrators cannot change their own account"
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Failure		422		{object}	Problem	"Invalid fields"
//	@Router			/api/v1/users/{id} [patch]
func handleUserPatch(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var req UserPatchRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		u, err := svc.UpdateUser(c.Request.Context(), caller(c), id, auth.UserChange{Role: (*auth.Role)(req.Role), Disabled: req.Disabled})
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, userAdminResponse(u))
		return nil
	}
}
