package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
)

// APITokenRequest creates a personal API token.
type APITokenRequest struct {
	Name          string   `json:"name" example:"CI publisher"`
	Scopes        []string `json:"scopes" example:"plugins:write"`
	ExpiresInDays int      `json:"expires_in_days" example:"90"`
}

// APITokenResponse describes a personal API token; the secret is never
// shown again after creation.
type APITokenResponse struct {
	ID         int64      `json:"id" example:"3"`
	Name       string     `json:"name" example:"CI publisher"`
	Prefix     string     `json:"prefix" example:"rpt_K3ZQ4M"`
	Scopes     []string   `json:"scopes" example:"plugins:write"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// APITokenCreated is a new token with its secret, shown this once.
type APITokenCreated struct {
	ID        int64     `json:"id" example:"3"`
	Name      string    `json:"name" example:"CI publisher"`
	Token     string    `json:"token" example:"rpt_…"`
	Scopes    []string  `json:"scopes" example:"plugins:write"`
	ExpiresAt time.Time `json:"expires_at"`
}

func apiTokenResponse(t store.APIToken) APITokenResponse {
	return APITokenResponse{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Scopes: t.Scopes,
		CreatedAt: utc(t.CreatedAt), ExpiresAt: utc(t.ExpiresAt), LastUsedAt: utcPtr(t.LastUsedAt)}
}

// handleTokenCreate issues a personal API token for the caller.
//
//	@Summary		Create an API token
//	@Description	Creates a personal API token, usable as a Bearer credential within its scopes (read, plugins:write, plugins:invoke) until it expires (1–366 days, default 90). The token is shown once. Only a signed-in session can create tokens. Recorded in the audit log, without the secret.
//	@Tags			account
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		APITokenRequest	true	"The token to create"
//	@Success		201		{object}	APITokenCreated
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Called with an API token"
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Failure		422		{object}	Problem	"Invalid fields"
//	@Router			/api/v1/me/tokens [post]
func handleTokenCreate(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req APITokenRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		tok, secret, err := svc.CreateAPIToken(c.Request.Context(), caller(c),
			auth.NewAPIToken{Name: req.Name, Scopes: req.Scopes, ExpiresInDays: req.ExpiresInDays})
		if err != nil {
			return err
		}
		c.JSON(http.StatusCreated, APITokenCreated{ID: tok.ID, Name: tok.Name, Token: secret, Scopes: tok.Scopes, ExpiresAt: utc(tok.ExpiresAt)})
		return nil
	}
}

// handleTokenList lists the caller's live API tokens, without their secrets.
//
//	@Summary	List my API tokens
//	@Tags		account
//	@Produce	json
//	@Security	BearerAuth
//	@Param		limit	query		int	false	"Page size (1–100)"	default(20)
//	@Param		offset	query		int	false	"Items to skip"		default(0)
//	@Success	200		{object}	List[APITokenResponse]
//	@Failure	400		{object}	Problem	"Invalid pagination"
//	@Failure	401		{object}	Problem	"Not signed in"
//	@Failure	403		{object}	Problem	"API token without the read scope"
//	@Router		/api/v1/me/tokens [get]
func handleTokenList(st *store.Store) handlerFunc {
	return func(c *gin.Context) error {
		p, err := page(c)
		if err != nil {
			return err
		}
		list, total, err := st.ListAPITokens(c.Request.Context(), caller(c).ID, p)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, mapList(list, total, p, apiTokenResponse))
		return nil
	}
}

// handleTokenRevoke revokes one of the caller's API tokens.
//
//	@Summary		Revoke an API token
//	@Description	Revokes one of the caller's API tokens; it stops working at once. Recorded in the audit log.
//	@Tags			account
//	@Security		BearerAuth
//	@Param			id	path	int	true	"Token id"
//	@Success		204
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Called with an API token"
//	@Failure		404	{object}	Problem	"No such token of yours"
//	@Router			/api/v1/me/tokens/{id} [delete]
func handleTokenRevoke(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		if err := svc.RevokeAPIToken(c.Request.Context(), caller(c), id); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}
