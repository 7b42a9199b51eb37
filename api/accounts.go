package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
)

// RegisterRequest opens an account. Accounts always start as participants.
type RegisterRequest struct {
	Email    string `json:"email" example:"ada@example.org"`
	Password string `json:"password" example:"correct horse battery staple"`
	Name     string `json:"name" example:"Ada Lovelace"`
	Language string `json:"language,omitempty" example:"en" enums:"fr,en"` // of the e-mail the account receives; fr when empty
}

// LoginRequest signs in.
type LoginRequest struct {
	Email    string `json:"email" example:"ada@example.org"`
	Password string `json:"password" example:"correct horse battery staple"`
}

// RefreshRequest carries a refresh token, to exchange or to revoke.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token" example:"rpr_…"`
}

// UserResponse is an account as its owner and other users see it.
type UserResponse struct {
	ID        int64     `json:"id" example:"7"`
	Email     string    `json:"email" example:"ada@example.org"`
	Name      string    `json:"name" example:"Ada Lovelace"`
	Role      string    `json:"role" example:"participant" enums:"participant,judge,organizer,moderator,admin"`
	Language  string    `json:"language" example:"fr" enums:"fr,en"` // of the e-mail the account receives
	CreatedAt time.Time `json:"created_at"`
}

// TokenResponse is a successful sign-in or refresh.
type TokenResponse struct {
	AccessToken  string       `json:"access_token"`
	TokenType    string       `json:"token_type" example:"Bearer"`
	ExpiresIn    int          `json:"expires_in" example:"900"`
	RefreshToken string       `json:"refresh_token"`
	User         UserResponse `json:"user"`
}

func userResponse(u store.User) UserResponse {
	return UserResponse{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Language: u.Language, CreatedAt: utc(u.CreatedAt)}
}

func tokenResponse(g auth.Grant) TokenResponse {
	return TokenResponse{
		AccessToken: g.AccessToken, TokenType: "Bearer", ExpiresIn: int(g.ExpiresIn / time.Second),
		RefreshToken: g.RefreshToken, User: userResponse(g.User),
	}
}

// handleRegister opens a participant account.
//
//	@Summary		Open an account
//	@Description	Opens a participant account. Any other field (such as a role) is ignored. Rate limited per client address. When the platform sends e-mail (RIPOSTE_SMTP_URL), the answer is 202 for every well-formed request, new or taken address alike: a new address receives a link to verify it (POST /api/v1/auth/verify), a taken one a notice; without e-mail, 201 with the account, or 409 for a taken address.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		RegisterRequest	true	"The new account"
//	@Success		201		{object}	UserResponse
//	@Success		202		{object}	AcceptedResponse	"E-mail sent: check the inbox (with RIPOSTE_SMTP_URL)"
//	@Failure		400		{object}	Problem				"Malformed JSON"
//	@Failure		409		{object}	Problem				"E-mail address already registered (without RIPOSTE_SMTP_URL)"
//	@Failure		413		{object}	Problem				"Body over 1 MiB"
//	@Failure		422		{object}	Problem				"Invalid fields"
//	@Failure		429		{object}	Problem				"Too many attempts; see Retry-After"
//	@Router			/api/v1/auth/register [post]
func handleRegister(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req RegisterRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		u, err := svc.Register(c.Request.Context(), auth.Registration{
			Email: req.Email, Password: req.Password, Name: req.Name, ClientIP: c.ClientIP(), Language: req.Language,
		})
		if err != nil {
			return err
		}
		if svc.VerifiesAddresses() {
			c.JSON(http.StatusAccepted, AcceptedResponse{Message: "Check your inbox: a message to this address says what comes next."})
			return nil
		}
		c.JSON(http.StatusCreated, userResponse(u))
		return nil
	}
}

// handleLogin signs in with an e-mail address and a password.
//
//	@Summary		Sign in
//	@Description	Returns a 15-minute access token and a refresh token. An unknown address and a wrong password get the same answer. Failed attempts are limited per client address, per account and client address, and per account; an account under attack stays open to addresses that have not been failing on it. A correct password is never counted.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		LoginRequest	true	"Credentials"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Wrong e-mail address or password"
//	@Failure		403		{object}	Problem	"Account disabled"
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Failure		429		{object}	Problem	"Too many attempts; see Retry-After"
//	@Failure		503		{object}	Problem	"Too many sign-ins in progress; see Retry-After"
//	@Router			/api/v1/auth/login [post]
func handleLogin(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req LoginRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		g, err := svc.Login(c.Request.Context(), req.Email, req.Password, c.ClientIP())
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, tokenResponse(g))
		return nil
	}
}

// handleRefresh exchanges a refresh token for new tokens.
//
//	@Summary		Refresh tokens
//	@Description	Exchanges a refresh token for a new access token and a new refresh token. Each refresh token works once: presenting a spent one signs the whole session out.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		RefreshRequest	true	"The refresh token"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Unknown, spent, expired or revoked refresh token"
//	@Failure		403		{object}	Problem	"Account disabled"
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Router			/api/v1/auth/refresh [post]
func handleRefresh(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req RefreshRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		g, err := svc.Refresh(c.Request.Context(), req.RefreshToken)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, tokenResponse(g))
		return nil
	}
}

// handleLogout ends the session of a refresh token.
//
//	@Summary		Sign out
//	@Description	Ends the session the refresh token belongs to: its refresh tokens and access tokens stop working. Signing out twice is not an error.
//	@Tags			auth
//	@Accept			json
//	@Param			body	body	RefreshRequest	true	"The refresh token"
//	@Success		204
//	@Failure		400	{object}	Problem	"Malformed JSON"
//	@Failure		413	{object}	Problem	"Body over 1 MiB"
//	@Router			/api/v1/auth/logout [post]
func handleLogout(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req RefreshRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		if err := svc.Logout(c.Request.Context(), req.RefreshToken); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// handleMe returns the caller's account.
//
//	@Summary	Who am I
//	@Tags		account
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	UserResponse
//	@Failure	401	{object}	Problem	"Not signed in"
//	@Failure	403	{object}	Problem	"API token without the read scope, or account disabled"
//	@Router		/api/v1/me [get]
func handleMe(c *gin.Context) error {
	u := caller(c)
	c.JSON(http.StatusOK, UserResponse{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Language: u.Language, CreatedAt: utc(u.CreatedAt)})
	return nil
}

// LanguageRequest chooses the language of the e-mail an account receives.
type LanguageRequest struct {
	Language string `json:"language" example:"en" enums:"fr,en"`
}

// handleLanguage sets the language of the caller's e-mail.
//
//	@Summary		Choose the language of my e-mail
//	@Description	Riposte writes every message to the account (password resets, notices, notifications) in this language, fr or en, whatever the language of the pages. A signed-in session only.
//	@Tags			account
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		LanguageRequest	true	"The language"
//	@Success		200		{object}	UserResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"An API token, or account disabled"
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Failure		422		{object}	Problem	"Not fr or en (field language)"
//	@Router			/api/v1/me/language [put]
func handleLanguage(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req LanguageRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		u, err := svc.SetLanguage(c.Request.Context(), caller(c), req.Language)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, userResponse(u))
		return nil
	}
}
