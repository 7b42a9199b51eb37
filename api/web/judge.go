package web

import (
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
)

// queueGroup is one edition of a judge's queue.
type queueGroup struct {
	Slug, Name string
	Deadline   store.QueueItem // for its JudgingDeadline
	Items      []store.QueueItem
	Scored     int
}

// queueData is the judging desk.
type queueData struct {
	Pairwise []hackathons.Edition // the editions judged pairwise that the judge judges
	Groups   []queueGroup
	Scored   int
	Total    int
}

// handleQueue shows what the judge is asked to review, with progress.
func handleQueue(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		items, err := svc.Queue(r.Context(), u)
		if err != nil {
			return err
		}
		var d queueData
		if d.Pairwise, err = svc.PairwiseEditions(r.Context(), u); err != nil {
			return err
		}
		index := map[string]int{}
		for _, it := range items {
			i, ok := index[it.HackathonSlug]
			if !ok {
				i = len(d.Groups)
				index[it.HackathonSlug] = i
				d.Groups = append(d.Groups, queueGroup{Slug: it.HackathonSlug, Name: it.HackathonName, Deadline: it})
			}
			d.Groups[i].Items = append(d.Groups[i].Items, it)
			d.Total++
			if it.ReviewedAt != nil {
				d.Groups[i].Scored++
				d.Scored++
			}
		}
		h.render(w, r, http.StatusOK, "judge", localeFrom(r.Context()).T("judge.title"), d)
		return nil
	}
}

// reviewData is the scoring form of one entry.
type reviewData struct {
	Edition     hackathons.Edition
	Item        store.QueueItem
	Manifest    *plugins.Manifest // the frozen version
	Description template.HTML
	Scores      map[string]string // criterion key → value typed
	Comment     string
	Reviewed    bool
	Open        bool   // scores may be saved now
	Closed      string // why not, when judging has not started or is over
	Fields      map[string]string
	Problems    []problemLink // every field's problem, for the summary above the form
	Error       string
}

// problemLink is one problem of a form in its summary, linking to the
// field at fault.
type problemLink struct{ ID, Label, Text string }

// problems lists the scoring form's problems in the form's order.
func (d *reviewData) problems(l *locale) []problemLink {
	var out []problemLink
	for _, c := range d.Edition.Rubric {
		if text, ok := d.Fields["scores."+c.Key]; ok {
			out = append(out, problemLink{ID: "score-" + c.Key, Label: c.Label, Text: text})
		}
	}
	if text, ok := d.Fields["comment"]; ok {
		out = append(out, problemLink{ID: "comment", Label: l.T("review.comment"), Text: text})
	}
	return out
}

// handleReviewForm shows the scoring form of an entry in the judge's queue.
func handleReviewForm(h *Handler, svc *hackathons.Service, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := h.loadReview(r, svc, reg)
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "review", d.title(), d)
		return nil
	}
}

func (d *reviewData) title() string { return d.Item.PluginName + " · " + d.Edition.Name }

// loadReview gathers an entry of the caller's queue, its frozen version
// and the caller's review so far.
func (h *Handler) loadReview(r *http.Request, svc *hackathons.Service, reg *registry.Service) (*reviewData, error) {
	u, err := mustSignIn(r)
	if err != nil {
		return nil, err
	}
	slug, plugin := r.PathValue("hackathon"), r.PathValue("plugin")
	items, err := svc.Queue(r.Context(), u)
	if err != nil {
		return nil, err
	}
	d := &reviewData{Scores: map[string]string{}}
	found := false
	for _, it := range items {
		if it.HackathonSlug == slug && it.PluginSlug == plugin {
			d.Item, found = it, true
		}
	}
	if !found {
		return nil, store.ErrNotFound // not in this judge's queue
	}
	if d.Edition, err = svc.Get(r.Context(), slug); err != nil {
		return nil, err
	}
	d.setWindow(localeFrom(r.Context()), h.deps.Now())
	v, err := reg.Version(r.Context(), u, plugin, d.Item.Version)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if err == nil {
		var m plugins.Manifest
		if json.Unmarshal(v.Manifest, &m) == nil {
			d.Manifest, d.Description = &m, markdown(m.Description)
		}
	}
	detail, err := svc.Submission(r.Context(), u, slug, plugin)
	if err != nil {
		return nil, err
	}
	for _, rv := range detail.Reviews {
		if rv.JudgeID != u.ID {
			continue
		}
		var s judging.Scores
		json.Unmarshal(rv.Scores, &s)
		for k, n := range s {
			d.Scores[k] = strconv.Itoa(n)
		}
		d.Comment, d.Reviewed = rv.Comment, true
	}
	return d, nil
}

// setWindow says whether scores may be saved at t, and why not.
func (d *reviewData) setWindow(l *locale, t time.Time) {
	d.Open, d.Closed = d.Edition.AcceptsReviews(t) == nil, ""
	switch {
	case d.Open:
	case t.Before(d.Edition.JudgingStarts()) && d.Edition.ResultsPublishedAt == nil:
		d.Closed = l.T("review.notyet", l.DateTime(d.Edition.JudgingStarts()))
	default:
		d.Closed = l.T("review.closed")
	}
}

// handleReview saves the judge's scores; they may revise them from the
// start of judging until its deadline. The service checks every field,
// and every problem is shown at once, at its field.
func handleReview(h *Handler, svc *hackathons.Service, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := h.loadReview(r, svc, reg)
		if err != nil {
			return err
		}
		u, _ := caller(r)
		l := localeFrom(r.Context())
		raw := judging.RawScores{}
		for _, cr := range d.Edition.Rubric {
			typed := strings.TrimSpace(r.PostFormValue("score." + cr.Key))
			d.Scores[cr.Key] = typed
			if typed != "" {
				raw[cr.Key] = scoreJSON(typed)
			}
		}
		d.Comment = r.PostFormValue("comment")
		_, err = svc.Review(r.Context(), u, d.Edition.Slug, d.Item.PluginSlug, raw, d.Comment)
		var invalid valid.Errors
		switch {
		case errors.As(err, &invalid):
			d.Fields = fieldMessages(l, invalid)
			d.Problems = d.problems(l)
		case errors.Is(err, store.ErrConflict):
			d.Error, d.Open = message(l, err), false
		case err != nil:
			return err
		default:
			return seeOther(w, r, "/judge", "saved")
		}
		h.render(w, r, shownAgain(w, err), "review", d.title(), d)
		return nil
	}
}

// scoreJSON is a typed score as the service reads it: a number as one,
// anything else as text, which the service says is not a number.
func scoreJSON(typed string) json.RawMessage {
	if _, err := strconv.ParseFloat(typed, 64); err == nil && json.Valid([]byte(typed)) {
		return json.RawMessage(typed)
	}
	b, _ := json.Marshal(typed)
	return b
}

// handleRecuse lets a judge step aside from an entry, as
// POST /api/v1/hackathons/{slug}/conflicts does for a judge about themself.
func handleRecuse(h *Handler, svc *hackathons.Service, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := h.loadReview(r, svc, reg)
		if err != nil {
			return err
		}
		u, _ := caller(r)
		_, err = svc.DeclareConflict(r.Context(), u, d.Edition.Slug, u.ID, d.Item.PluginSlug, r.PostFormValue("reason"))
		var invalid valid.Errors
		switch {
		case errors.As(err, &invalid):
			d.Fields = fieldMessages(localeFrom(r.Context()), invalid)
		case errors.Is(err, store.ErrConflict):
			d.Error = message(localeFrom(r.Context()), err)
		case err != nil:
			return err
		default:
			return seeOther(w, r, "/judge", "recused")
		}
		h.render(w, r, shownAgain(w, err), "review", d.title(), d)
		return nil
	}
}
