package web

import (
	"html/template"
	"net/http"

	"github.com/riposte-civic/riposte/api/store"
)

// devMailShown is how many messages the development mail page lists.
const devMailShown = 50

// devMailData is the development mail page: the last messages queued,
// newest first, with their text and its links clickable.
type devMailData struct {
	Messages []devMessage
}

type devMessage struct {
	store.QueuedMail
	Body template.HTML // the text part, escaped, with its URLs as links
}

// handleDevMail lists the messages Riposte would have sent, so that
// flows that go through e-mail can be tried without a mail server. It
// exists only in development when no SMTP server is configured.
func handleDevMail(h *Handler, mails *store.Store) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		list, err := mails.RecentMail(r.Context(), devMailShown)
		if err != nil {
			return err
		}
		d := devMailData{Messages: make([]devMessage, len(list))}
		for i, m := range list {
			d.Messages[i] = devMessage{QueuedMail: m, Body: template.HTML(linkify(m.Text))}
		}
		h.render(w, r, http.StatusOK, "devmail", localeFrom(r.Context()).T("devmail.title"), d)
		return nil
	}
}
