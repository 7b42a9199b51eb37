package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/auth"
)

// PasswordResetRequest asks for a link to choose a new password.
type PasswordResetRequest struct {
	Email string `json:"email" example:"ada@example.org"`
}

// PasswordResetConfirmRequest sets a new password with the token of a
// reset link.
type PasswordResetConfirmRequest struct {
	Token    string `json:"token" example:"rps_…"`
	Password string `json:"password" example:"correct horse battery staple"`
}

// PasswordChangeRequest changes the caller's password.
type PasswordChangeRequest struct {
	CurrentPassword string `json:"current_password" example:"correct horse battery staple"`
	Password        string `json:"password" example:"another horse battery staple"`
}

// AcceptedResponse says that a request was taken and what follows.
type AcceptedResponse struct {
	Message string `json:"message" example:"If an account has this address, a link to choose a new password is on its way."`
}

// handlePasswordReset sends a password-reset link to an address, if it
// has an account.
//
//	@Summary		Ask for a password-reset link
//	@Description	Answers 202 whether or not the address has an account, after the same time either way. An account that has one receives an e-mail with a link that works once, for 30 minutes. Rate limited per client address and per e-mail address.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		PasswordResetRequest	true	"The account's e-mail address"
//	@Success		202		{object}	AcceptedResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Failure		429		{object}	Problem	"Too many requests; see Retry-After"
//	@Router			/api/v1/auth/password-reset [post]
func handlePasswordReset(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req PasswordResetRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		if err := svc.RequestPasswordReset(c.Request.Context(), req.Email, c.ClientIP()); err != nil {
			return err
		}
		c.JSON(http.StatusAccepted, AcceptedResponse{Message: "If an account has this address, a link to choose a new password is on its way."})
		return nil
	}
}

// handlePasswordResetConfirm sets a new password with a reset link's
// token.
//
//	@Summary		Choose a new password with a reset link
//	@Description	Sets the password of the account the link was sent to and signs every session of the account out (its refresh tokens stop working, and its access tokens at once), and revokes every API token of the account. The link then stops working, as do the account's other reset links. Audited.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body	PasswordResetConfirmRequest	true	"The link's token and the new password"
//	@Success		204
//	@Failure		400	{object}	Problem	"Malformed JSON"
//	@Failure		413	{object}	Problem	"Body over 1 MiB"
//	@Failure		422	{object}	Problem	"Token unknown, used or expired (field token), or password not 8 to 256 characters (field password)"
//	@Router			/api/v1/auth/password-reset/confirm [post]
func handlePasswordResetConfirm(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req PasswordResetConfirmRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		if err := svc.ConfirmPasswordReset(c.Request.Context(), req.Token, req.Password); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// handlePasswordChange changes the signed-in caller's password.
//
//	@Summary		Change my password
//	@Description	Needs the current password. Every other session of the account is signed out; the one making the change stays signed in, and the account's API tokens keep working (a reset revokes them). The account receives a security e-mail. Audited. Not open to API tokens. Wrong current passwords count as failed sign-ins.
//	@Tags			account
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body	PasswordChangeRequest	true	"The current and the new password"
//	@Success		204
//	@Failure		400	{object}	Problem	"Malformed JSON"
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"An API token, or account disabled"
//	@Failure		413	{object}	Problem	"Body over 1 MiB"
//	@Failure		422	{object}	Problem	"Wrong current password (field current_password), or new password not 8 to 256 characters (field password)"
//	@Failure		429	{object}	Problem	"Too many wrong passwords; see Retry-After"
//	@Router			/api/v1/me/password [post]
func handlePasswordChange(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req PasswordChangeRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		if err := svc.ChangePassword(c.Request.Context(), caller(c), req.CurrentPassword, req.Password, c.ClientIP()); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// VerifyRequest carries the token of an address-verification link.
type VerifyRequest struct {
	Token string `json:"token" example:"rpv_…"`
}

// handleVerify records that an account receives mail at its address.
//
//	@Summary		Verify an e-mail address
//	@Description	Spends the token of the link sent at registration (valid 24 hours, once) and marks the account's address as verified. Audited.
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body	VerifyRequest	true	"The link's token"
//	@Success		204
//	@Failure		400	{object}	Problem	"Malformed JSON"
//	@Failure		413	{object}	Problem	"Body over 1 MiB"
//	@Failure		422	{object}	Problem	"Token unknown, used or expired (field token)"
//	@Router			/api/v1/auth/verify [post]
func handleVerify(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req VerifyRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		if err := svc.VerifyEmail(c.Request.Context(), req.Token); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// handleVerifyResend sends the caller a new address-verification link.
//
//	@Summary		Send a new verification link
//	@Description	Sends the signed-in caller a new link to verify its address (valid 24 hours, once). Until verified, an account cannot publish, enter an edition or review. At most 3 per address every 10 minutes, shared with registration.
//	@Tags			auth
//	@Produce		json
//	@Security		BearerAuth
//	@Success		202
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Used with an API token"
//	@Failure		409	{object}	Problem	"The address needs no verification (already verified, or addresses are not verified)"
//	@Failure		429	{object}	Problem	"Too many links asked for; see Retry-After"
//	@Router			/api/v1/auth/verify/resend [post]
func handleVerifyResend(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		if err := svc.ResendVerification(c.Request.Context(), caller(c)); err != nil {
			return err
		}
		c.Status(http.StatusAccepted)
		return nil
	}
}

// EmailChangeRequest asks to move the signed-in account to another
// address.
type EmailChangeRequest struct {
	Password string `json:"password" example:"correct horse battery"`
	Email    string `json:"email" example:"ada@new.example.org"`
}

// handleEmailChange sends a link to the new address of the signed-in
// caller, and a notice to the current one.
//
//	@Summary		Change my e-mail address
//	@Description	Needs the current password. Sends a link (valid 24 hours, once) to the new address and a notice to the current one; the address changes only when the link is confirmed with POST /api/v1/auth/verify, and is then verified. Audited (auth.email_change_request, auth.email_change). Not open to API tokens. Wrong passwords count as failed sign-ins. With e-mail sent (RIPOSTE_SMTP_URL), a taken address gets the same 202 but no link, so that the answer does not tell whether an address has an account; without, it is 422 on email, as registration's 409 already tells.
//	@Tags			account
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body	EmailChangeRequest	true	"The current password and the new address"
//	@Success		202
//	@Failure		400	{object}	Problem	"Malformed JSON"
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"An API token, or account disabled"
//	@Failure		413	{object}	Problem	"Body over 1 MiB"
//	@Failure		422	{object}	Problem	"Wrong password (field password); invalid, current or (without e-mail) taken address (field email)"
//	@Failure		429	{object}	Problem	"Too many wrong passwords, or links to this address or from this account (3 every 10 minutes); see Retry-After"
//	@Router			/api/v1/me/email [post]
func handleEmailChange(svc *auth.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req EmailChangeRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		ch := auth.EmailChange{Password: req.Password, Email: req.Email, ClientIP: c.ClientIP()}
		if err := svc.RequestEmailChange(c.Request.Context(), caller(c), ch); err != nil {
			return err
		}
		c.Status(http.StatusAccepted)
		return nil
	}
}
