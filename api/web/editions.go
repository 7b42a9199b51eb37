package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// editionFormData is the organizer's form to create or edit an edition:
// what was typed, and every problem at its field.
type editionFormData struct {
	Slug     string // the edition edited; "" when creating
	Name     string // its name as stored, for the title
	Values   map[string]string
	Rubric   []criterionRow
	Frozen   bool              // judges have scored: the rubric cannot change
	Fields   map[string]string // problems by control id
	Problems []problemLink
	Error    string
}

// criterionRow is one criterion of the rubric as typed.
type criterionRow struct{ Key, Label, Description, Weight, Min, Max string }

// editionDates are the edition's dates, by field name, in form order.
var editionDates = []string{"starts_at", "ends_at", "submission_deadline", "judging_starts_at", "judging_deadline"}

// dateLayout is how a datetime-local control writes a moment; the form
// speaks UTC.
const dateLayout = "2006-01-02T15:04"

// blankRows is how many empty criteria the form offers to fill.
const blankRows = 1

// editionValues fills the form with an edition.
func editionValues(e hackathons.Edition) *editionFormData {
	d := &editionFormData{Slug: e.Slug, Name: e.Name, Values: map[string]string{"name": e.Name, "slug": e.Slug, "city": e.City,
		"description": e.Description, "starts_at": formTime(e.StartsAt), "ends_at": formTime(e.EndsAt),
		"submission_deadline": formTime(e.SubmissionDeadline), "judging_deadline": formTime(e.JudgingDeadline),
		"judges_per_submission": strconv.Itoa(e.JudgesPerSubmission), "judging_mode": e.JudgingMode}}
	if e.JudgingStartsAt != nil {
		d.Values["judging_starts_at"] = formTime(*e.JudgingStartsAt)
	}
	for _, c := range e.Rubric {
		d.Rubric = append(d.Rubric, criterionRow{Key: c.Key, Label: c.Label, Description: c.Description,
			Weight: strconv.FormatFloat(c.Weight, 'f', -1, 64), Min: strconv.Itoa(c.Min), Max: strconv.Itoa(c.Max)})
	}
	d.addRows(len(d.Rubric) + blankRows)
	return d
}

func formTime(t time.Time) string { return t.UTC().Format(dateLayout) }

// addRows gives the rubric n rows, the new ones empty with a weight of 1.
func (d *editionFormData) addRows(n int) {
	for len(d.Rubric) < min(n, judging.MaxCriteria) {
		d.Rubric = append(d.Rubric, criterionRow{Weight: "1"})
	}
}

// readEditionForm reads the form as typed; rows asks for that many
// criteria (the "add a criterion" button).
func readEditionForm(r *http.Request, d *editionFormData) (rows int) {
	d.Values = map[string]string{}
	for _, k := range append([]string{"name", "slug", "city", "description", "judges_per_submission", "judging_mode"}, editionDates...) {
		d.Values[k] = r.PostFormValue(k)
	}
	d.Rubric = nil
	for i := 0; i < judging.MaxCriteria; i++ {
		p := "rubric." + strconv.Itoa(i) + "."
		if _, ok := r.PostForm[p+"key"]; !ok {
			break
		}
		d.Rubric = append(d.Rubric, criterionRow{Key: strings.TrimSpace(r.PostFormValue(p + "key")), Label: r.PostFormValue(p + "label"),
			Description: r.PostFormValue(p + "description"), Weight: r.PostFormValue(p + "weight"),
			Min: r.PostFormValue(p + "min"), Max: r.PostFormValue(p + "max")})
	}
	rows, _ = strconv.Atoi(r.PostFormValue("rows"))
	return rows
}

// parsed is the form read as the service takes it, with the problems of
// what could not be read (a date, a number), by control id.
type parsed struct {
	dates    map[string]time.Time
	rubric   judging.Rubric
	perEntry int
	bad      map[string]string
}

// parse reads the typed values. Empty criteria (no key, label nor
// description) are left out, so that the rows are numbered as the service
// numbers the criteria; an empty date is zero.
func (d *editionFormData) parse(l *locale) parsed {
	p := parsed{dates: map[string]time.Time{}, bad: map[string]string{}}
	for _, k := range editionDates {
		if v := strings.TrimSpace(d.Values[k]); v != "" {
			t, err := time.ParseInLocation(dateLayout, v, time.UTC)
			if err != nil {
				t, err = time.ParseInLocation(dateLayout+":05", v, time.UTC) // browsers may add seconds
			}
			if err != nil {
				p.bad[k] = l.T("problem.date")
			}
			p.dates[k] = t
		}
	}
	number := func(id, v string, whole bool) float64 {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if strings.TrimSpace(v) == "" {
			return 0
		} else if err != nil || (whole && f != float64(int(f))) {
			p.bad[id] = l.T("problem.number")
		}
		return f
	}
	p.perEntry = int(number("judges_per_submission", d.Values["judges_per_submission"], true))
	d.Rubric = slices.DeleteFunc(d.Rubric, func(c criterionRow) bool {
		return c.Key == "" && strings.TrimSpace(c.Label) == "" && strings.TrimSpace(c.Description) == ""
	})
	for i, c := range d.Rubric {
		id := "rubric-" + strconv.Itoa(i) + "-"
		p.rubric = append(p.rubric, judging.Criterion{Key: c.Key, Label: c.Label, Description: c.Description,
			Weight: number(id+"weight", c.Weight, false), Min: int(number(id+"min", c.Min, true)), Max: int(number(id+"max", c.Max, true))})
	}
	return p
}

// controlID is the form control of a field the service names:
// "rubric[1].weight" is rubric-1-weight.
func controlID(field string) string {
	return strings.NewReplacer("[", "-", "].", "-", "]", "", ".", "-").Replace(field)
}

// setProblems puts the problems on their controls, and lists them in form
// order for the summary.
func (d *editionFormData) setProblems(l *locale, fields map[string]string) {
	d.Fields = fields
	labels := []problemLink{{ID: "name", Label: l.T("form.name")}, {ID: "slug", Label: l.T("edform.slug")},
		{ID: "city", Label: l.T("edform.city")}, {ID: "description", Label: l.T("edform.description")}}
	for _, k := range editionDates {
		labels = append(labels, problemLink{ID: k, Label: l.T(fieldLabels[k])})
	}
	labels = append(labels, problemLink{ID: "judges_per_submission", Label: l.T("admin.perentry")},
		problemLink{ID: "rubric", Label: l.T("edform.rubric")})
	for i := range d.Rubric {
		for _, part := range []string{"key", "label", "description", "weight", "min", "max"} {
			labels = append(labels, problemLink{ID: "rubric-" + strconv.Itoa(i) + "-" + part,
				Label: l.T("edform.criterion", l.Int(i+1)) + " · " + l.T("edform."+part)})
		}
	}
	d.Problems = nil
	for _, p := range labels {
		if text, ok := fields[p.ID]; ok {
			p.Text = text
			d.Problems = append(d.Problems, p)
		}
	}
}

// handleEditionForm shows the form to create an edition, or to edit one.
func handleEditionForm(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := mustBe(r, auth.RoleOrganizer); err != nil {
			return err
		}
		d := &editionFormData{Values: map[string]string{"judges_per_submission": strconv.Itoa(store.DefaultJudgesPerSubmission)}}
		d.addRows(2)
		if slug := r.PathValue("slug"); slug != "" {
			e, err := svc.Get(r.Context(), slug)
			if err != nil {
				return err
			}
			d = editionValues(e)
			if d.Frozen, err = svc.RubricFrozen(r.Context(), slug); err != nil {
				return err
			}
		}
		h.render(w, r, http.StatusOK, "edition-form", d.title(localeFrom(r.Context())), d)
		return nil
	}
}

func (d *editionFormData) title(l *locale) string {
	if d.Slug == "" {
		return l.T("edform.new")
	}
	return l.T("edform.edit") + " " + d.Name
}

// handleEditionSave creates or edits an edition from the form. Every
// problem is shown at once, at its field; "add a criterion" shows the
// form again with one more, saving nothing.
func handleEditionSave(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleOrganizer)
		if err != nil {
			return err
		}
		l := localeFrom(r.Context())
		d := &editionFormData{Slug: r.PathValue("slug")}
		if d.Slug != "" {
			e, err := svc.Get(r.Context(), d.Slug)
			if err != nil {
				return err
			}
			d.Name = e.Name
			if d.Frozen, err = svc.RubricFrozen(r.Context(), d.Slug); err != nil {
				return err
			}
		}
		if rows := readEditionForm(r, d); rows > len(d.Rubric) {
			d.addRows(rows)
			h.render(w, r, http.StatusOK, "edition-form", d.title(l), d)
			return nil
		}
		slug, err := d.save(r, svc, u)
		if err == nil {
			if d.Slug == "" {
				return seeOther(w, r, "/organize/"+slug, "opened")
			}
			return seeOther(w, r, "/organize/"+slug, "edited")
		}
		if rerr := d.refused(l, err); rerr != nil {
			return rerr
		}
		d.addRows(len(d.Rubric) + blankRows)
		h.render(w, r, shownAgain(w, err), "edition-form", d.title(l), d)
		return nil
	}
}

// save creates or changes the edition and returns its slug. A form whose
// dates or numbers cannot be read is not sent: its problems are returned.
func (d *editionFormData) save(r *http.Request, svc *hackathons.Service, u auth.User) (string, error) {
	p := d.parse(localeFrom(r.Context()))
	if len(p.bad) > 0 {
		return "", unreadable(p.bad)
	}
	if d.Slug == "" {
		e, err := svc.Create(r.Context(), u, hackathons.Input{Slug: strings.TrimSpace(d.Values["slug"]), Name: d.Values["name"],
			City: d.Values["city"], Description: d.Values["description"], StartsAt: p.dates["starts_at"], EndsAt: p.dates["ends_at"],
			SubmissionDeadline: p.dates["submission_deadline"], JudgingDeadline: p.dates["judging_deadline"],
			JudgingStartsAt: p.dates["judging_starts_at"], Rubric: p.rubric, JudgesPerSubmission: p.perEntry,
			JudgingMode: d.Values["judging_mode"]})
		return e.Slug, err
	}
	name, city, description := d.Values["name"], d.Values["city"], d.Values["description"]
	patch := hackathons.Patch{Name: &name, City: &city, Description: &description, JudgesPerSubmission: &p.perEntry}
	for k, t := range map[string]**time.Time{"starts_at": &patch.StartsAt, "ends_at": &patch.EndsAt,
		"submission_deadline": &patch.SubmissionDeadline, "judging_deadline": &patch.JudgingDeadline, "judging_starts_at": &patch.JudgingStartsAt} {
		v := p.dates[k] // zero for judging_starts_at: back to the submission deadline
		*t = &v
	}
	if mode := d.Values["judging_mode"]; mode != "" {
		patch.JudgingMode = &mode
	}
	if !d.Frozen || len(r.PostForm["rubric.0.key"]) > 0 {
		patch.Rubric = &p.rubric // a frozen rubric is not sent, unless a form sent one
	}
	_, err := svc.Update(r.Context(), u, d.Slug, patch)
	return d.Slug, err
}

// unreadable is the problems of a form that could not be read, by control.
type unreadable map[string]string

func (u unreadable) Error() string { return "the form has values that cannot be read" }

// Unwrap makes an unreadable form a refusal of its values, as the API's
// own refusals of values it cannot read.
func (u unreadable) Unwrap() error { return httperr.ErrUnprocessable }

// refused puts why the service refused the form on its fields; errors of
// another kind are returned.
func (d *editionFormData) refused(l *locale, err error) error {
	var (
		invalid valid.Errors
		bad     unreadable
	)
	fields := map[string]string{}
	switch {
	case errors.As(err, &bad):
		fields = bad
	case errors.As(err, &invalid):
		for k, v := range fieldMessages(l, invalid) {
			fields[controlID(k)] = v
		}
	case errors.Is(err, hackathons.ErrModeFrozen):
		fields["judging_mode"] = message(l, err)
	case errors.Is(err, store.ErrConflict) && d.Slug != "":
		fields["rubric"] = message(l, err) // an edition refuses only a frozen rubric's change
	case errors.Is(err, store.ErrConflict):
		fields["slug"] = message(l, err) // a new one only a slug taken
	default:
		return err
	}
	d.setProblems(l, fields)
	return nil
}
