package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// formData is what account forms show again after a problem.
type formData struct {
	Next   string
	Email  string
	Name   string
	Error  string            // a message for the whole form
	Fields map[string]string // field → message
	Sent   bool              // registration answered "check your inbox"
}

// handleSignInForm shows the sign-in form.
func (h *Handler) handleSignInForm(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "signin", localeFrom(r.Context()).T("signin.title"),
		formData{Next: localPath(r.URL.Query().Get("next"))})
	return nil
}

// handleSignIn checks the credentials and starts a session.
func (h *Handler) handleSignIn(w http.ResponseWriter, r *http.Request) error {
	l := localeFrom(r.Context())
	d := formData{Next: localPath(r.PostFormValue("next")), Email: strings.TrimSpace(r.PostFormValue("email"))}
	g, err := h.deps.Auth.Login(r.Context(), d.Email, r.PostFormValue("password"), clientIP(r))
	var rl *auth.RateLimitError
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		d.Error = l.T("signin.invalid")
	case errors.Is(err, auth.ErrAccountDisabled):
		d.Error = l.T("signin.disabled")
	case errors.As(err, &rl):
		d.Error = l.T("error.ratelimit")
	case err != nil:
		return err
	default:
		h.sessions.start(w, g)
		return seeOther(w, r, landing(d.Next, auth.Role(g.User.Role)), "signedin")
	}
	h.render(w, r, shownAgain(w, err), "signin", l.T("signin.title"), d)
	return nil
}

// entryPoint is where a role starts: organizers (and administrators) at
// the organizer pages, judges at their desk, everyone else at their tools.
func entryPoint(role auth.Role) string {
	switch {
	case role.Includes(auth.RoleOrganizer):
		return "/organize"
	case role == auth.RoleJudge:
		return "/judge"
	}
	return "/my/plugins"
}

// landing is where signing in leads: the page that asked for it, or the
// role's entry point when none did (the catalogue's home and the account
// pages ask for nothing).
func landing(next string, role auth.Role) string {
	switch next = localPath(next); next {
	case "/", "/signin", "/signup":
		return entryPoint(role)
	}
	return next
}

// handleSignUpForm shows the registration form.
func (h *Handler) handleSignUpForm(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "signup", localeFrom(r.Context()).T("signup.title"),
		formData{Next: localPath(r.URL.Query().Get("next"))})
	return nil
}

// handleSignUp opens a participant account and signs it in.
func (h *Handler) handleSignUp(w http.ResponseWriter, r *http.Request) error {
	l := localeFrom(r.Context())
	d := formData{Next: localPath(r.PostFormValue("next")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Name: strings.TrimSpace(r.PostFormValue("name"))}
	password := r.PostFormValue("password")
	_, err := h.deps.Auth.Register(r.Context(), auth.Registration{Email: d.Email, Password: password, Name: d.Name, ClientIP: clientIP(r),
		Language: localeFrom(r.Context()).Code})
	var (
		invalid valid.Errors
		rl      *auth.RateLimitError
	)
	switch {
	case errors.As(err, &invalid):
		d.Fields = fieldMessages(l, invalid)
	case errors.Is(err, store.ErrConflict):
		d.Fields = map[string]string{"email": l.T("signup.taken")}
	case errors.As(err, &rl):
		d.Error = l.T("error.ratelimit")
	case err != nil:
		return err
	case h.deps.Auth.VerifiesAddresses():
		// The same answer for a new address and a taken one: the mailbox
		// tells which.
		h.render(w, r, http.StatusOK, "signup", l.T("signup.title"), formData{Email: d.Email, Sent: true})
		return nil
	default:
		g, err := h.deps.Auth.Login(r.Context(), d.Email, password, clientIP(r))
		if err != nil {
			return err
		}
		h.sessions.start(w, g)
		return seeOther(w, r, landing(d.Next, auth.Role(g.User.Role)), "signedup")
	}
	h.render(w, r, shownAgain(w, err), "signup", l.T("signup.title"), d)
	return nil
}

// handleSignOut ends the session.
func (h *Handler) handleSignOut(w http.ResponseWriter, r *http.Request) error {
	if t := h.sessions.refreshToken(r); t != "" {
		if err := h.deps.Auth.Logout(r.Context(), t); err != nil {
			return err
		}
	}
	h.sessions.end(w)
	return seeOther(w, r, "/", "signedout")
}
