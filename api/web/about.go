package web

import (
	"net/http"
	"strings"
)

// aboutData is the about page: who runs this instance and how to reach
// them, as the configuration says; the rest of the page is prose.
type aboutData struct {
	Operator    string
	Contact     string
	ContactMail bool // Contact is an e-mail address rather than a URL
}

// handleAbout says what Riposte is, who runs this instance and how tools
// are checked, and what is not.
func handleAbout(h *Handler) handlerFunc {
	d := aboutData{Operator: h.deps.Operator, Contact: h.deps.Contact,
		ContactMail: h.deps.Contact != "" && !strings.Contains(h.deps.Contact, "://")}
	return func(w http.ResponseWriter, r *http.Request) error {
		h.render(w, r, http.StatusOK, "about", localeFrom(r.Context()).T("about.title"), d)
		return nil
	}
}
