package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/moderation"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// reportFormData is the report form of a plugin, as filled in so far.
type reportFormData struct {
	Slug, Name               string
	Reasons                  []string
	Reason, Details, Contact string
	Errors                   map[string]string
	MaxDetails               int
	MaxContact               int
}

// handleReportForm shows the form that reports a plugin, to anyone.
func handleReportForm(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := reportForm(r, reg)
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "report", localeFrom(r.Context()).T("report.title", d.Name), d)
		return nil
	}
}

// reportForm loads the plugin a report form is about.
func reportForm(r *http.Request, reg *registry.Service) (*reportFormData, error) {
	u, _ := caller(r)
	p, err := reg.Get(r.Context(), u, r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	name := p.Name
	if name == "" {
		name = p.Slug
	}
	return &reportFormData{Slug: p.Slug, Name: name, Reasons: moderation.Reasons(),
		MaxDetails: moderation.MaxDetails, MaxContact: moderation.MaxContact}, nil
}

// handleReport files a report from the form, within the client's
// allowance (the API's), and shows when a moderator is due to decide.
func handleReport(h *Handler, reg *registry.Service, m *moderation.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := reportForm(r, reg)
		if err != nil {
			return err
		}
		if ok, wait := h.deps.ReportLimit.Allow(clientIP(r)); !ok {
			return errPage(&auth.RateLimitError{RetryAfter: max(wait, time.Second)}, "error.reportrate")
		}
		d.Reason, d.Details, d.Contact = r.PostFormValue("reason"), r.PostFormValue("details"), r.PostFormValue("contact")
		u, _ := caller(r)
		rep, err := m.Report(r.Context(), u, d.Slug, moderation.Input{Reason: d.Reason, Details: d.Details, Contact: d.Contact})
		var invalid valid.Errors
		if errors.As(err, &invalid) {
			d.Errors = fieldMessages(localeFrom(r.Context()), invalid)
			h.render(w, r, shownAgain(w, err), "report", localeFrom(r.Context()).T("report.title", d.Name), d)
			return nil
		}
		if err != nil {
			return err
		}
		q := url.Values{"id": {strconv.FormatInt(rep.ID, 10)}, "due": {rep.DueAt.UTC().Format(time.RFC3339)}}
		return seeOther(w, r, "/plugins/"+d.Slug+"/reported?"+q.Encode(), "")
	}
}

// reportedData is the confirmation of a report.
type reportedData struct {
	Slug, Name string
	ID         string
	Due        time.Time
}

// handleReported confirms a report and says when it is due, as the
// report's receipt gave it.
func handleReported(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := reportForm(r, reg)
		if err != nil {
			return err
		}
		due, err := time.Parse(time.RFC3339, r.URL.Query().Get("due"))
		if err != nil {
			return errPage(store.ErrNotFound, "error.notfound")
		}
		v := reportedData{Slug: d.Slug, Name: d.Name, ID: r.URL.Query().Get("id"), Due: due}
		h.render(w, r, http.StatusOK, "reported", localeFrom(r.Context()).T("reported.title"), v)
		return nil
	}
}

// queueItem is a report on the moderation page, with its clock in words.
type queueItem struct {
	store.Report
	Clock   string
	Overdue bool
}

// moderationData is the moderation page: the reports of one status (""
// for those awaiting a decision).
type moderationData struct {
	Status   string
	Statuses []string
	Items    []queueItem
	Total    int
}

// handleModeration shows moderators the queue, soonest due first, with
// the time left on each report's clock and a form to decide it.
func handleModeration(h *Handler, m *moderation.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleModerator)
		if err != nil {
			return err
		}
		status := r.URL.Query().Get("status")
		list, total, err := m.Queue(r.Context(), u, status, store.Page{Limit: 100})
		if err != nil {
			return err
		}
		l, now := localeFrom(r.Context()), m.Now()
		d := moderationData{Status: status, Statuses: []string{"", store.ReportOpen, store.ReportAppealed, store.ReportResolved}, Total: total}
		for _, rep := range list {
			it := queueItem{Report: rep}
			if rep.Status != store.ReportResolved {
				it.Overdue = now.After(rep.DueAt)
				if it.Overdue {
					it.Clock = l.T("moderation.overdue", span(l, now.Sub(rep.DueAt)))
				} else {
					it.Clock = l.T("moderation.left", span(l, rep.DueAt.Sub(now)))
				}
			}
			d.Items = append(d.Items, it)
		}
		h.render(w, r, http.StatusOK, "moderation", l.T("moderation.title"), d)
		return nil
	}
}

// span writes a duration in hours and minutes: "1 h 05 min".
func span(l *locale, d time.Duration) string {
	d = d.Round(time.Minute)
	hours, minutes := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if hours == 0 {
		return l.T("span.min", minutes)
	}
	return l.T("span.hmin", l.Int(hours), fmt.Sprintf("%02d", minutes))
}

// handleResolve decides a report from the moderation page.
func handleResolve(m *moderation.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleModerator)
		if err != nil {
			return err
		}
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return store.ErrNotFound
		}
		_, err = m.Resolve(r.Context(), u, id, moderation.Decision{Action: r.PostFormValue("action"), Note: r.PostFormValue("note")})
		if err != nil {
			return err
		}
		return seeOther(w, r, "/moderation", "resolved")
	}
}

// handleAppeal appeals, from the owner's space, the takedown of their
// plugin.
func handleAppeal(m *moderation.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		id, err := strconv.ParseInt(r.PostFormValue("report"), 10, 64)
		if err != nil {
			return store.ErrNotFound
		}
		if _, err := m.Appeal(r.Context(), u, id, r.PostFormValue("message")); err != nil {
			return err
		}
		return seeOther(w, r, "/my/plugins/"+r.PathValue("slug"), "appealed")
	}
}

// appealView is, in the owner's space, the report that took their plugin
// down and whether they may still appeal it.
type appealView struct {
	Report    store.Report
	CanAppeal bool
}

// loadAppeal finds the report that took the caller's plugin down.
func loadAppeal(r *http.Request, m *moderation.Service, p store.Plugin) (*appealView, error) {
	u, _ := caller(r)
	if m == nil || p.Status != store.StatusRemoved {
		return nil, nil
	}
	rep, ok, err := m.Removal(r.Context(), u, p)
	if err != nil || !ok {
		return nil, err
	}
	return &appealView{Report: rep, CanAppeal: rep.AppealedAt == nil}, nil
}

// transparencyData is the transparency page.
type transparencyData struct {
	moderation.Transparency
	SLA      time.Duration
	OtherSLA time.Duration
}

// handleTransparency publishes the transparency report to everyone.
func handleTransparency(h *Handler, m *moderation.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		t, err := m.Transparency(r.Context())
		if err != nil {
			return err
		}
		d := transparencyData{Transparency: t, SLA: m.SLA("terrorist_content"), OtherSLA: moderation.OtherSLA}
		h.render(w, r, http.StatusOK, "transparency", localeFrom(r.Context()).T("transparency.title"), d)
		return nil
	}
}

// Span writes a duration for the pages.
func (l *locale) Span(d time.Duration) string { return span(l, d) }

// Percent writes a share as a whole percentage: "82 %".
func (l *locale) Percent(f float64) string {
	return strings.TrimSpace(l.T("percent", l.Int(int(math.Round(f*100)))))
}
