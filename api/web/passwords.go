package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/valid"
)

// passwordData is what the password pages show: the reset link's token
// carried by the form, whether the request was sent, and problems.
type passwordData struct {
	formData
	Token string
	Sent  bool
}

// handleForgotForm shows the form that asks for a password-reset link.
func (h *Handler) handleForgotForm(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "forgot", localeFrom(r.Context()).T("forgot.title"), passwordData{})
	return nil
}

// handleForgot asks for a password-reset link. The page says the same
// whether or not the address has an account.
func (h *Handler) handleForgot(w http.ResponseWriter, r *http.Request) error {
	l := localeFrom(r.Context())
	d := passwordData{formData: formData{Email: strings.TrimSpace(r.PostFormValue("email"))}}
	status := http.StatusOK
	var c valid.Checker
	c.Email(auth.CanonicalEmail(d.Email), "email")
	err := c.Err()
	if err == nil {
		err = h.deps.Auth.RequestPasswordReset(r.Context(), d.Email, clientIP(r))
	}
	var (
		invalid valid.Errors
		rl      *auth.RateLimitError
	)
	switch {
	case errors.As(err, &invalid):
		d.Fields, status = fieldMessages(l, invalid), shownAgain(w, err)
	case errors.As(err, &rl):
		d.Error, status = l.T("error.ratelimit"), shownAgain(w, err)
	case err != nil:
		return err
	default:
		d.Sent = true
	}
	h.render(w, r, status, "forgot", l.T("forgot.title"), d)
	return nil
}

// handleResetForm shows the form a reset link opens, to choose a new
// password.
func (h *Handler) handleResetForm(w http.ResponseWriter, r *http.Request) error {
	d := passwordData{Token: r.URL.Query().Get("token")}
	h.render(w, r, http.StatusOK, "reset", localeFrom(r.Context()).T("reset.title"), d)
	return nil
}

// handleReset sets the new password; every session of the account ends,
// so the visitor signs in again with it.
func (h *Handler) handleReset(w http.ResponseWriter, r *http.Request) error {
	l := localeFrom(r.Context())
	d := passwordData{Token: r.PostFormValue("token")}
	err := h.deps.Auth.ConfirmPasswordReset(r.Context(), d.Token, r.PostFormValue("password"))
	var invalid valid.Errors
	switch {
	case errors.As(err, &invalid):
		d.Fields = fieldMessages(l, invalid)
		if _, ok := d.Fields["token"]; ok {
			d.Error = l.T("reset.badlink")
		}
	case err != nil:
		return err
	default:
		h.sessions.end(w)
		return seeOther(w, r, "/signin", "reset")
	}
	h.render(w, r, shownAgain(w, err), "reset", l.T("reset.title"), d)
	return nil
}

// accountData is the account page: who is signed in, and the password
// form with its problems.
type accountData struct {
	Email, Name   string
	Fields        map[string]string
	Error         string
	Notifications []notificationRow
	EmailFields   map[string]string // of the change of address form
	Language      string            // of the e-mail the account receives
}

// handleAccount shows the signed-in visitor's account and the form that
// changes their password.
func (h *Handler) handleAccount(w http.ResponseWriter, r *http.Request) error {
	u, err := mustSignIn(r)
	if err != nil {
		return err
	}
	d := accountData{Email: u.Email, Name: u.Name, Language: u.Language}
	if d.Notifications, err = h.notificationRows(r.Context(), u); err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "account", localeFrom(r.Context()).T("account.title"), d)
	return nil
}

// handlePasswordChange changes the visitor's password; their other
// sessions end, this one goes on.
func (h *Handler) handlePasswordChange(w http.ResponseWriter, r *http.Request) error {
	u, err := mustSignIn(r)
	if err != nil {
		return err
	}
	l := localeFrom(r.Context())
	d := accountData{Email: u.Email, Name: u.Name}
	err = h.deps.Auth.ChangePassword(r.Context(), u, r.PostFormValue("current_password"), r.PostFormValue("password"), clientIP(r))
	var (
		invalid valid.Errors
		rl      *auth.RateLimitError
	)
	switch {
	case errors.As(err, &invalid):
		d.Fields = fieldMessages(l, invalid)
	case errors.As(err, &rl):
		d.Error = l.T("error.ratelimit")
	case err != nil:
		return err
	default:
		return seeOther(w, r, "/account", "password")
	}
	var lerr error
	if d.Notifications, lerr = h.notificationRows(r.Context(), u); lerr != nil {
		return lerr
	}
	h.render(w, r, shownAgain(w, err), "account", l.T("account.title"), d)
	return nil
}

// handleVerifyForm shows the page a verification link opens: one button
// confirms the address, so that mail scanners that open links spend
// nothing.
func (h *Handler) handleVerifyForm(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "verify", localeFrom(r.Context()).T("verify.title"), passwordData{Token: r.URL.Query().Get("token")})
	return nil
}

// handleVerify confirms the address of the account a link was sent to.
func (h *Handler) handleVerify(w http.ResponseWriter, r *http.Request) error {
	l := localeFrom(r.Context())
	d := passwordData{Token: r.PostFormValue("token")}
	err := h.deps.Auth.VerifyEmail(r.Context(), d.Token)
	var invalid valid.Errors
	switch {
	case errors.As(err, &invalid):
		d.Error = l.T("verify.badlink")
	case err != nil:
		return err
	default:
		return seeOther(w, r, "/", "verified")
	}
	h.render(w, r, shownAgain(w, err), "verify", l.T("verify.title"), d)
	return nil
}

// handleVerifyResend sends the signed-in visitor a new link to verify
// their address.
func (h *Handler) handleVerifyResend(w http.ResponseWriter, r *http.Request) error {
	u, err := mustSignIn(r)
	if err != nil {
		return err
	}
	if err := h.deps.Auth.ResendVerification(r.Context(), u); err != nil {
		return err
	}
	return seeOther(w, r, "/account", "verifysent")
}

// handleEmailChange sends a link to the visitor's new address and a
// notice to the current one.
func (h *Handler) handleEmailChange(w http.ResponseWriter, r *http.Request) error {
	u, err := mustSignIn(r)
	if err != nil {
		return err
	}
	l := localeFrom(r.Context())
	err = h.deps.Auth.RequestEmailChange(r.Context(), u, auth.EmailChange{Email: r.PostFormValue("email"),
		Password: r.PostFormValue("email_password"), ClientIP: clientIP(r)})
	var invalid valid.Errors
	if !errors.As(err, &invalid) {
		if err != nil {
			return err
		}
		return seeOther(w, r, "/account", "emailsent")
	}
	d := accountData{Email: u.Email, Name: u.Name, EmailFields: fieldMessages(l, invalid)}
	h.render(w, r, shownAgain(w, err), "account", l.T("account.title"), d)
	return nil
}
