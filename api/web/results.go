package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// resultsData is an edition's results page for organizers: the
// leaderboard, decisions and publication.
type resultsData struct {
	editionView
	Normalize string
	Rows      []judging.Row
	Excluded  []excludedView                      // reviews that do not count
	Entries   map[string]store.Submission         // by plugin slug, for decisions
	Plugin    string                              // the entry a decision problem is about
	Prizes    map[string][]hackathons.PrizeOption // by plugin slug: the prizes of its challenges
	Fields    map[string]string
	Values    map[string]string
	Error     string
	Notice    string
}

// pageNotice is the notice the page words itself, from what the form did.
func (d *resultsData) pageNotice() string { return d.Notice }

// decidedNotice says which decision was saved for which entry.
func (d *resultsData) decidedNotice(l *locale, plugin string) string {
	e, ok := d.Entries[plugin]
	if !ok || e.Status == "submitted" {
		return ""
	}
	text := l.T("decided.done", e.Name, l.Label("decision", e.Status))
	if e.Award != "" {
		text += l.T("decided.award", e.Award)
	}
	return text + "."
}

func loadResults(r *http.Request, svc *hackathons.Service) (*resultsData, error) {
	u, err := mustBe(r, auth.RoleOrganizer)
	if err != nil {
		return nil, err
	}
	slug := r.PathValue("slug")
	n := normalization(r)
	b, err := svc.Leaderboard(r.Context(), u, slug, n)
	if err != nil {
		return nil, err
	}
	subs, err := svc.Submissions(r.Context(), u, slug)
	if err != nil {
		return nil, err
	}
	judges, err := svc.Judges(r.Context(), u, slug)
	if err != nil {
		return nil, err
	}
	names := judgeNames(judges)
	d := &resultsData{editionView: editionView{Edition: b.Edition, Phase: svc.Phase(b.Edition)}, Normalize: string(n), Rows: b.Rows,
		Entries: map[string]store.Submission{}, Values: map[string]string{}}
	for _, s := range subs {
		d.Entries[s.Slug] = s
	}
	if d.Prizes, err = svc.EntryPrizes(r.Context(), u, slug); err != nil {
		return nil, err
	}
	if q := r.URL.Query(); q.Get("done") == "decided" {
		d.Notice = d.decidedNotice(localeFrom(r.Context()), q.Get("plugin"))
	}
	for _, x := range b.Excluded {
		d.Excluded = append(d.Excluded, excludedView{Judge: cmpName(names, x.JudgeID), Name: d.Entries[x.Plugin].Name,
			Why: conflictText(localeFrom(r.Context()), x.Conflict)})
	}
	return d, nil
}

// excludedView is a review left out of the leaderboard, and why.
type excludedView struct{ Judge, Name, Why string }

// handleResults renders the organizer's results page.
func handleResults(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := loadResults(r, svc)
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "edition-results", d.Name, d)
		return nil
	}
}

// handleDecide records a decision on an entry.
func handleDecide(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleOrganizer)
		if err != nil {
			return err
		}
		slug, plugin := r.PathValue("slug"), r.PathValue("plugin")
		_, err = svc.DecideWithPrize(r.Context(), u, slug, plugin, r.PostFormValue("status"), r.PostFormValue("award"),
			r.PostFormValue("feedback"), hackathons.ParsePrizePick(r.PostFormValue("prize")))
		if err == nil {
			return seeOther(w, r, "/organize/"+slug+"/results?done=decided&plugin="+url.QueryEscape(plugin)+"#entry-"+plugin, "")
		}
		return h.resultsProblem(w, r, svc, plugin, err)
	}
}

// publishData is the check page before publishing an edition's results.
type publishData struct {
	editionView
	Undecided []store.Submission
	Unscored  []unscoredView
	Short     []hackathons.Shortfall
	Ready     bool
	Refusal   string // why publishing would be refused now, worded
}

// unscoredView is a score not given yet: who should give it, for what.
type unscoredView struct{ Judge, Entry string }

// loadPublish gathers what publishing would leave undone.
func loadPublish(r *http.Request, svc *hackathons.Service) (*publishData, error) {
	u, err := mustBe(r, auth.RoleOrganizer)
	if err != nil {
		return nil, err
	}
	slug := r.PathValue("slug")
	c, err := svc.CheckPublication(r.Context(), u, slug)
	if err != nil {
		return nil, err
	}
	judges, err := svc.Judges(r.Context(), u, slug)
	if err != nil {
		return nil, err
	}
	d := &publishData{editionView: editionView{Edition: c.Edition, Phase: svc.Phase(c.Edition)},
		Undecided: c.Undecided, Short: c.Short, Ready: c.Ready()}
	names, entries := judgeNames(judges), map[string]string{}
	for _, s := range c.Short {
		entries[s.Entry.Slug] = s.Entry.Name
	}
	subs, err := svc.Submissions(r.Context(), u, slug)
	if err != nil {
		return nil, err
	}
	for _, s := range subs {
		entries[s.Slug] = s.Name
	}
	for _, a := range c.Unscored {
		d.Unscored = append(d.Unscored, unscoredView{Judge: cmpName(names, a.JudgeID), Entry: entries[a.Slug]})
	}
	if c.Refusal != nil {
		d.Refusal = message(localeFrom(r.Context()), c.Refusal)
	}
	return d, nil
}

// handlePublishCheck shows what publishing an edition's results would
// leave undone, and the form that confirms it.
func handlePublishCheck(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := loadPublish(r, svc)
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "publish", d.Name, d)
		return nil
	}
}

// handlePublish publishes an edition's results once the check page has
// been confirmed; an unconfirmed form leads to the check.
func handlePublish(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleOrganizer)
		if err != nil {
			return err
		}
		slug := r.PathValue("slug")
		if r.PostFormValue("confirm") != "yes" {
			return seeOther(w, r, "/organize/"+slug+"/publish", "")
		}
		_, err = svc.PublishResults(r.Context(), u, slug)
		if err == nil {
			return seeOther(w, r, "/hackathons/"+slug, "results")
		}
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		d, lerr := loadPublish(r, svc)
		if lerr != nil {
			return lerr
		}
		d.Refusal = message(localeFrom(r.Context()), err)
		h.render(w, r, shownAgain(w, err), "publish", d.Name, d)
		return nil
	}
}

// resultsProblem shows the results page again with what went wrong.
func (h *Handler) resultsProblem(w http.ResponseWriter, r *http.Request, svc *hackathons.Service, plugin string, err error) error {
	var invalid valid.Errors
	if !errors.As(err, &invalid) && !errors.Is(err, store.ErrConflict) {
		return err
	}
	d, lerr := loadResults(r, svc)
	if lerr != nil {
		return lerr
	}
	d.Plugin, d.Fields = plugin, fieldMessages(localeFrom(r.Context()), invalid)
	if invalid == nil {
		d.Error = message(localeFrom(r.Context()), err)
	}
	for k := range r.PostForm {
		d.Values[k] = r.PostFormValue(k)
	}
	h.render(w, r, shownAgain(w, err), "edition-results", d.Name, d)
	return nil
}
