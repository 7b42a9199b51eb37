package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// handleOrganize lists the editions an organizer runs.
func handleOrganize(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := mustBe(r, auth.RoleOrganizer); err != nil {
			return err
		}
		list, _, err := svc.List(r.Context(), store.Page{Limit: 100})
		if err != nil {
			return err
		}
		views := make([]editionView, len(list))
		for i, e := range list {
			views[i] = editionView{Edition: e, Phase: svc.Phase(e)}
		}
		h.render(w, r, http.StatusOK, "organize", localeFrom(r.Context()).T("organize.title"), views)
		return nil
	}
}

// entryView is an entry with its judges, for the assignment table.
type entryView struct {
	store.Submission
	Judges  []assignedJudge
	Dropped []assignedJudge // assignments dropped for a conflict of interest
	Lacking int             // judges missing after the last assignment run
}

type assignedJudge struct {
	Name     string
	Reviewed bool
	Why      string // why the assignment is dropped
}

// adminData is an edition's organizer page: judges, conflicts and
// assignment.
type adminData struct {
	editionView
	Judges    []store.Judge
	Entries   []entryView
	Conflicts []conflictView
	PerEntry  int // judges per entry asked of the assignment
	Notice    string
	Form      string // which form the messages are about
	Fields    map[string]string
	Error     string
	Values    map[string]string
	Confirm   string // what a form will do, asked to be confirmed
	Pools     []poolView
}

type conflictView struct {
	store.Conflict
	Judge, Why string
}

// conflictText says in the visitor's language why a judge may not review
// an entry.
func conflictText(l *locale, c store.Conflict) string {
	switch c.Kind {
	case store.ConflictOwner:
		return l.T("conflict.owner")
	case store.ConflictCollaborator:
		return l.T("conflict.collaborator", l.DateTime(c.Since))
	}
	return l.T("conflict.declared", c.Reason)
}

// judgeNames maps judges' ids to their names.
func judgeNames(judges []store.Judge) map[int64]string {
	names := map[int64]string{}
	for _, j := range judges {
		names[j.UserID] = j.Name
	}
	return names
}

// loadAdmin gathers an edition's organizer page.
func loadAdmin(r *http.Request, svc *hackathons.Service) (*adminData, error) {
	u, err := mustBe(r, auth.RoleOrganizer)
	if err != nil {
		return nil, err
	}
	slug := r.PathValue("slug")
	e, err := svc.Get(r.Context(), slug)
	if err != nil {
		return nil, err
	}
	d := &adminData{editionView: editionView{Edition: e, Phase: svc.Phase(e)}, PerEntry: e.JudgesPerSubmission, Values: map[string]string{}}
	if d.Judges, err = svc.Judges(r.Context(), u, slug); err != nil {
		return nil, err
	}
	names := judgeNames(d.Judges)
	subs, err := svc.Submissions(r.Context(), u, slug)
	if err != nil {
		return nil, err
	}
	assignments, conflicts, err := svc.Assignments(r.Context(), u, slug)
	if err != nil {
		return nil, err
	}
	l := localeFrom(r.Context())
	for _, s := range subs {
		d.Entries = append(d.Entries, entryOf(l, s, assignments, names, d))
	}
	if d.Pools, err = loadPools(r, svc, u, slug, subs, assignments, names); err != nil {
		return nil, err
	}
	for _, c := range conflicts {
		d.Conflicts = append(d.Conflicts, conflictView{Conflict: c, Judge: cmpName(names, c.JudgeID), Why: conflictText(l, c)})
	}
	switch q := r.URL.Query(); q.Get("done") {
	case "assigned":
		d.Notice = d.assignedNotice(l)
	case "conflict":
		d.Notice = d.conflictNotice(l, q.Get("judge"), q.Get("plugin"))
	case "judge":
		if id, err := strconv.ParseInt(q.Get("judge"), 10, 64); err == nil && names[id] != "" {
			d.Notice = l.T("judge.added", names[id])
		}
	}
	return d, nil
}

// conflictNotice says what declaring a conflict did: the judge no longer
// judges the entry, and their score for it, if any, no longer counts.
func (d *adminData) conflictNotice(l *locale, judge, plugin string) string {
	id, _ := strconv.ParseInt(judge, 10, 64)
	for _, e := range d.Entries {
		if e.Slug != plugin {
			continue
		}
		name := cmpName(judgeNames(d.Judges), id)
		text := l.T("conflict.done", name, e.Name)
		if slices.ContainsFunc(e.Dropped, func(a assignedJudge) bool { return a.Name == name && a.Reviewed }) {
			text += l.T("conflict.done.scored")
		}
		return text + "."
	}
	return ""
}

// assignedNotice says what the assignment gave: how many entries have how
// many judges, most first, and why some have fewer than asked.
func (d *adminData) assignedNotice(l *locale) string {
	if len(d.Entries) == 0 {
		return l.T("assigned.noentries")
	}
	byCount := map[int]int{}
	var counts []int // judges per entry, most first
	short := false
	for _, e := range d.Entries {
		if byCount[len(e.Judges)]++; byCount[len(e.Judges)] == 1 {
			counts = append(counts, len(e.Judges))
		}
		short = short || len(e.Judges) < d.PerEntry
	}
	slices.SortFunc(counts, func(a, b int) int { return b - a })
	groups := make([]string, len(counts))
	for i, k := range counts {
		n := byCount[k]
		if k == 0 {
			groups[i] = l.T("assigned.none."+l.plural(n), l.Int(n))
		} else {
			groups[i] = l.T("assigned.group."+l.plural(n), l.Int(n), l.N("assigned.judges", k))
		}
	}
	text := l.T("assigned.done", strings.Join(groups, ", "))
	switch {
	case !short:
	case len(d.Judges) == 0:
		text += " " + l.T("assigned.nojudges")
	case len(d.Judges) < d.PerEntry:
		text += " " + l.T("assigned.fewjudges", l.Int(len(d.Judges)), l.Int(d.PerEntry))
	default:
		text += " " + l.T("assigned.conflicts")
	}
	return text
}

// entryOf is an entry's line of the assignment table: its judges, those
// dropped for a conflict of interest, and how many it lacks.
func entryOf(l *locale, s store.Submission, assignments []hackathons.Assignment, names map[int64]string, d *adminData) entryView {
	ev := entryView{Submission: s}
	for _, a := range assignments {
		switch {
		case a.PluginID != s.PluginID:
		case a.Conflict != nil:
			ev.Dropped = append(ev.Dropped, assignedJudge{Name: cmpName(names, a.JudgeID), Reviewed: a.Reviewed, Why: conflictText(l, *a.Conflict)})
		default:
			ev.Judges = append(ev.Judges, assignedJudge{Name: cmpName(names, a.JudgeID), Reviewed: a.Reviewed})
		}
	}
	ev.Lacking = max(0, d.PerEntry-len(ev.Judges))
	return ev
}

func cmpName(names map[int64]string, id int64) string {
	if n, ok := names[id]; ok {
		return n
	}
	return "#" + strconv.FormatInt(id, 10)
}

// handleAdmin renders an edition's organizer page.
func handleAdmin(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := loadAdmin(r, svc)
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "edition-admin", d.Name, d)
		return nil
	}
}

// adminAction is one organizer form: it does its work and returns the
// redirect on success, or an error; validation problems and conflicts are
// shown on the page, next to the form.
type adminAction func(r *http.Request, u auth.User, slug string) (string, error)

// handleAdminAction runs an organizer form of the edition page.
func handleAdminAction(h *Handler, svc *hackathons.Service, form string, act adminAction) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleOrganizer)
		if err != nil {
			return err
		}
		slug := r.PathValue("slug")
		next, err := act(r, u, slug)
		if err == nil {
			return seeOther(w, r, next, "")
		}
		var (
			invalid valid.Errors
			confirm *confirmation
		)
		asked := errors.As(err, &confirm)
		if !asked && !errors.As(err, &invalid) && !errors.Is(err, store.ErrConflict) {
			return err
		}
		d, lerr := loadAdmin(r, svc)
		if lerr != nil {
			return lerr
		}
		l := localeFrom(r.Context())
		d.Form, d.Fields = form, fieldMessages(l, invalid)
		status := http.StatusOK // a question before going on, not a refusal
		if asked {
			d.Confirm = confirm.text
		} else {
			status = shownAgain(w, err)
			if invalid == nil {
				d.Error = message(l, err)
			}
		}
		for k := range r.PostForm {
			d.Values[k] = r.PostFormValue(k)
		}
		h.render(w, r, status, "edition-admin", d.Name, d)
		return nil
	}
}

// addJudge makes the account with the e-mail address given a judge.
func addJudge(svc *hackathons.Service, users *store.Store) adminAction {
	return func(r *http.Request, u auth.User, slug string) (string, error) {
		email := auth.CanonicalEmail(r.PostFormValue("email"))
		who, err := users.UserByEmail(r.Context(), email)
		if errors.Is(err, store.ErrNotFound) {
			return "", valid.Errors{{Field: "email", Message: "no account has this id"}} // worded as the service would
		} else if err != nil {
			return "", err
		}
		if _, err := svc.AddJudge(r.Context(), u, slug, who.ID); err != nil {
			return "", renameField(err, "user_id", "email")
		}
		return "/organize/" + slug + "?done=judge&judge=" + strconv.FormatInt(who.ID, 10), nil
	}
}

// removeJudge takes a judge off the edition.
func removeJudge(svc *hackathons.Service) adminAction {
	return func(r *http.Request, u auth.User, slug string) (string, error) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return "", store.ErrNotFound
		}
		return "/organize/" + slug + "?done=unjudge", svc.RemoveJudge(r.Context(), u, slug, id)
	}
}

// confirmation is the answer of a form that must be confirmed before it
// is done: what it will do, said to the organizer.
type confirmation struct{ text string }

func (c *confirmation) Error() string { return c.text }

// declareConflict keeps a judge away from an entry. When the judge has
// already scored the entry, that score will stop counting: the organizer
// is told so, and the form is done only once confirmed.
func declareConflict(svc *hackathons.Service) adminAction {
	return func(r *http.Request, u auth.User, slug string) (string, error) {
		id, _ := strconv.ParseInt(r.PostFormValue("judge_id"), 10, 64)
		plugin := r.PostFormValue("plugin")
		if r.PostFormValue("confirm") != "yes" {
			if text, err := setsAside(r, svc, u, slug, id, plugin); err != nil || text != "" {
				return "", cmp.Or(err, error(&confirmation{text: text}))
			}
		}
		if _, err := svc.DeclareConflict(r.Context(), u, slug, id, plugin, r.PostFormValue("reason")); err != nil {
			return "", err
		}
		return "/organize/" + slug + "?done=conflict&judge=" + strconv.FormatInt(id, 10) + "&plugin=" + url.QueryEscape(plugin), nil
	}
}

// setsAside says what declaring a conflict of judge id with plugin would
// set aside: the score the judge gave it, which would stop counting. It
// is "" when there is none, or when the form names no such judge or
// entry or the results are published: the declaration itself says so.
func setsAside(r *http.Request, svc *hackathons.Service, u auth.User, slug string, id int64, plugin string) (string, error) {
	if e, err := svc.Get(r.Context(), slug); err != nil || e.ResultsPublishedAt != nil {
		return "", err // published results take no conflict: the declaration says so
	}
	d, err := svc.Submission(r.Context(), u, slug, plugin)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	if _, excluded := d.Excluded[id]; excluded || !slices.ContainsFunc(d.Reviews, func(rv store.Review) bool { return rv.JudgeID == id }) {
		return "", nil
	}
	judges, err := svc.Judges(r.Context(), u, slug)
	if err != nil {
		return "", err
	}
	return localeFrom(r.Context()).T("conflict.confirm", cmpName(judgeNames(judges), id), d.Name), nil
}

// runAssignment gives each entry its judges.
func runAssignment(svc *hackathons.Service) adminAction {
	return func(r *http.Request, u auth.User, slug string) (string, error) {
		k, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("judges_per_submission")))
		if err != nil {
			return "", valid.Errors{{Field: "judges_per_submission",
				Message: fmt.Sprintf("must be from 1 to %d", hackathons.MaxJudgesPerSubmission)}} // worded as the service would
		}
		if _, err := svc.Assign(r.Context(), u, slug, k); err != nil {
			return "", err
		}
		return "/organize/" + slug + "?done=assigned", nil
	}
}

// renameField moves the problems of one field to another, for forms that
// ask for something else than the service (an e-mail address for an id).
func renameField(err error, from, to string) error {
	var invalid valid.Errors
	if !errors.As(err, &invalid) {
		return err
	}
	out := slices.Clone(invalid)
	for i := range out {
		if out[i].Field == from {
			out[i].Field = to
		}
	}
	return out
}

// pageNotice is the notice the page words itself, from what the form did.
func (d *adminData) pageNotice() string { return d.Notice }
