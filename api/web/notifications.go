package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
)

// notificationRow is one kind of notification on the account page.
type notificationRow struct {
	Kind string
	On   bool
}

// notificationRows returns the account's notification settings, in the
// order mail.Notifications gives.
func (h *Handler) notificationRows(ctx context.Context, u auth.User) ([]notificationRow, error) {
	if h.deps.Notifier == nil {
		return nil, nil
	}
	prefs, err := h.deps.Notifier.Preferences(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	rows := make([]notificationRow, len(mail.Notifications))
	for i, k := range mail.Notifications {
		rows[i] = notificationRow{Kind: k, On: prefs[k]}
	}
	return rows, nil
}

// handleNotifications saves the account page's notification form: a box
// ticked keeps its kind on, a box left empty turns it off.
func (h *Handler) handleNotifications(w http.ResponseWriter, r *http.Request) error {
	u, err := mustSignIn(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	prefs := map[string]bool{}
	for _, k := range mail.Notifications {
		prefs[k] = r.PostForm.Has(k)
	}
	if err := h.deps.Notifier.SetPreferences(r.Context(), u.ID, prefs); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=notifications#notifications", http.StatusSeeOther)
	return nil
}

// unsubscribeData is the unsubscribe page: the link's token, the kind it
// turns off, and whether it is done.
type unsubscribeData struct {
	Token, Kind     string
	Done, Bad, None bool // None: opened without a link's token
}

// handleUnsubscribeForm shows the page a List-Unsubscribe link opens: a
// button, so that a mail scanner following links turns nothing off.
func (h *Handler) handleUnsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	l := localeFrom(r.Context())
	d := unsubscribeData{Token: r.URL.Query().Get("token")}
	status := http.StatusOK
	if d.None = d.Token == ""; !d.None {
		_, kind, err := h.deps.Notifier.ParseUnsubscribe(d.Token)
		if d.Kind, d.Bad = kind, err != nil; d.Bad {
			status = shownAgain(w, err)
		}
	}
	h.render(w, r, status, "unsubscribe", l.T("unsubscribe.title"), d)
	return nil
}

// handleUnsubscribe turns the link's kind of notification off: the
// page's button, and RFC 8058 one-click POSTs from mail clients, which
// carry the token in the URL.
func (h *Handler) handleUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	l := localeFrom(r.Context())
	d := unsubscribeData{Token: r.URL.Query().Get("token")}
	if d.Token == "" {
		d.Token = r.PostFormValue("token")
	}
	kind, err := h.deps.Notifier.Unsubscribe(r.Context(), d.Token)
	status := http.StatusOK
	switch {
	case errors.Is(err, mail.ErrBadUnsubscribe):
		d.Bad, status = true, shownAgain(w, err)
	case err != nil:
		return err
	default:
		d.Kind, d.Done = kind, true
	}
	h.render(w, r, status, "unsubscribe", l.T("unsubscribe.title"), d)
	return nil
}

// handleMailLanguage sets the language of the e-mail the visitor receives.
func (h *Handler) handleMailLanguage(w http.ResponseWriter, r *http.Request) error {
	u, err := mustSignIn(r)
	if err != nil {
		return err
	}
	if _, err := h.deps.Auth.SetLanguage(r.Context(), u, r.PostFormValue("language")); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=language#language", http.StatusSeeOther)
	return nil
}
