package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// challengesData is the organizers' challenges page of an edition: the
// challenges with their pools, the edition's judges, and the form to
// create a challenge or edit one (Editing).
type challengesData struct {
	Edition    hackathons.Edition
	Challenges []hackathons.ChallengeView
	Judges     []store.Judge
	Editing    int64
	Form       string // the form a problem is about
	Fields     map[string]string
	Values     map[string]string
	Error      string
}

// JudgeName names a judge of the edition by id.
func (d *challengesData) JudgeName(id int64) string {
	for _, j := range d.Judges {
		if j.UserID == id {
			return j.Name
		}
	}
	return "#" + strconv.FormatInt(id, 10)
}

func loadChallenges(r *http.Request, svc *hackathons.Service, u auth.User) (*challengesData, error) {
	slug := r.PathValue("slug")
	e, err := svc.Get(r.Context(), slug)
	if err != nil {
		return nil, err
	}
	d := &challengesData{Edition: e, Values: map[string]string{}}
	if d.Challenges, err = svc.Challenges(r.Context(), u, slug); err != nil {
		return nil, err
	}
	if d.Judges, err = svc.Judges(r.Context(), u, slug); err != nil {
		return nil, err
	}
	if id, _ := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); id > 0 {
		for _, c := range d.Challenges {
			if c.ID == id {
				d.Editing = id
				d.Values = challengeValues(c.Challenge)
			}
		}
	}
	return d, nil
}

// challengeValues fills the challenge form from a challenge: links and
// prizes one a line, "label | https://…" and "title | description".
func challengeValues(c store.Challenge) map[string]string {
	var links, prizes []string
	for _, l := range c.Links {
		links = append(links, l.Label+" | "+l.URL)
	}
	for _, p := range c.Prizes {
		prizes = append(prizes, strings.TrimSuffix(p.Title+" | "+p.Description, " | "))
	}
	return map[string]string{"title": c.Title, "description": c.Description, "organization": c.OrgSlug,
		"brought_by": c.BroughtBy, "links": strings.Join(links, "\n"), "prizes": strings.Join(prizes, "\n")}
}

// handleChallengesAdmin shows the organizers' challenges page.
func handleChallengesAdmin(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleOrganizer)
		if err != nil {
			return err
		}
		d, err := loadChallenges(r, svc, u)
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "challenges-admin", localeFrom(r.Context()).T("challenges.admin", d.Edition.Name), d)
		return nil
	}
}

// challengeAction is what a form of the challenges page does.
type challengeAction func(r *http.Request, u auth.User, slug string, id int64) error

// handleChallengeAction runs a form of the organizers' challenges page:
// 303 back to it when it succeeds, the page with the problems when not.
func handleChallengeAction(h *Handler, svc *hackathons.Service, form, notice string, act challengeAction) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleOrganizer)
		if err != nil {
			return err
		}
		slug := r.PathValue("slug")
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		err = act(r, u, slug, id)
		if err == nil {
			return seeOther(w, r, "/organize/"+slug+"/challenges", notice)
		}
		var invalid valid.Errors
		if !errors.As(err, &invalid) && !errors.Is(err, store.ErrConflict) {
			return err
		}
		d, lerr := loadChallenges(r, svc, u)
		if lerr != nil {
			return lerr
		}
		l := localeFrom(r.Context())
		d.Form, d.Fields, d.Editing = form, formFields(l, invalid), id
		if invalid == nil {
			d.Error = message(l, err)
		}
		for k := range r.PostForm {
			d.Values[k] = r.PostFormValue(k)
		}
		h.render(w, r, shownAgain(w, err), "challenges-admin", l.T("challenges.admin", d.Edition.Name), d)
		return nil
	}
}

// formFields words problems by form field: links[2].url is a problem of
// the links field.
func formFields(l *locale, invalid valid.Errors) map[string]string {
	out := valid.Errors{}
	for _, p := range invalid {
		p.Field, _, _ = strings.Cut(p.Field, "[")
		out = append(out, p)
	}
	return fieldMessages(l, out)
}

// parseLines reads "a | b" lines into pairs.
func parseLines(s string) [][2]string {
	var out [][2]string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		a, b, _ := strings.Cut(line, "|")
		out = append(out, [2]string{strings.TrimSpace(a), strings.TrimSpace(b)})
	}
	return out
}

func challengeForm(r *http.Request) hackathons.ChallengeInput {
	in := hackathons.ChallengeInput{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		Organization: r.PostFormValue("organization"), BroughtBy: r.PostFormValue("brought_by"),
		Links: []store.Link{}, Prizes: []store.Prize{}}
	for _, p := range parseLines(r.PostFormValue("links")) {
		in.Links = append(in.Links, store.Link{Label: p[0], URL: p[1]})
	}
	for _, p := range parseLines(r.PostFormValue("prizes")) {
		in.Prizes = append(in.Prizes, store.Prize{Title: p[0], Description: p[1]})
	}
	return in
}

func createChallenge(svc *hackathons.Service) challengeAction {
	return func(r *http.Request, u auth.User, slug string, _ int64) error {
		_, err := svc.CreateChallenge(r.Context(), u, slug, challengeForm(r))
		return err
	}
}

func updateChallenge(svc *hackathons.Service) challengeAction {
	return func(r *http.Request, u auth.User, slug string, id int64) error {
		in := challengeForm(r)
		_, err := svc.UpdateChallenge(r.Context(), u, slug, id, hackathons.ChallengePatch{Title: &in.Title,
			Description: &in.Description, Organization: &in.Organization, BroughtBy: &in.BroughtBy, Links: &in.Links, Prizes: &in.Prizes})
		return err
	}
}

func deleteChallenge(svc *hackathons.Service) challengeAction {
	return func(r *http.Request, u auth.User, slug string, id int64) error {
		return svc.DeleteChallenge(r.Context(), u, slug, id)
	}
}

func reviewChallenge(svc *hackathons.Service) challengeAction {
	return func(r *http.Request, u auth.User, slug string, id int64) error {
		_, err := svc.ReviewChallenge(r.Context(), u, slug, id, r.PostFormValue("decision"))
		return err
	}
}

func addPoolJudge(svc *hackathons.Service) challengeAction {
	return func(r *http.Request, u auth.User, slug string, id int64) error {
		judge, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
		return svc.AddPoolJudge(r.Context(), u, slug, id, judge)
	}
}

func removePoolJudge(svc *hackathons.Service) challengeAction {
	return func(r *http.Request, u auth.User, slug string, id int64) error {
		judge, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
		if err != nil {
			return store.ErrNotFound
		}
		return svc.RemovePoolJudge(r.Context(), u, slug, id, judge)
	}
}

// challengeData is a challenge's page: what it is, and, for the
// organisation bringing it and organizers, its entries with their
// feedback form; its leaderboard once the visitor may read it.
type challengeData struct {
	Edition   hackathons.Edition
	Challenge store.Challenge
	Entries   []store.Submission
	Follow    bool
	Rows      []judging.Row
	Plugin    string // the entry a feedback problem is about
	Error     string
	Message   string
}

func loadChallenge(r *http.Request, svc *hackathons.Service) (*challengeData, error) {
	u, _ := caller(r)
	slug := r.PathValue("slug")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, store.ErrNotFound
	}
	views, err := svc.Challenges(r.Context(), u, slug)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(views, func(v hackathons.ChallengeView) bool { return v.ID == id })
	if i < 0 {
		return nil, store.ErrNotFound
	}
	d := &challengeData{Challenge: views[i].Challenge, Follow: views[i].CanSeeEntry}
	if d.Follow {
		if _, d.Entries, err = svc.ChallengeEntries(r.Context(), u, slug, id); err != nil {
			return nil, err
		}
	}
	b, err := svc.ChallengeLeaderboard(r.Context(), u, slug, judging.Raw, id)
	switch {
	case errors.Is(err, auth.ErrForbidden): // not published yet
	case err != nil:
		return nil, err
	default:
		d.Rows = b.Rows
	}
	d.Edition, err = svc.Get(r.Context(), slug)
	return d, err
}

// handleChallenge shows a challenge's page.
func handleChallenge(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := loadChallenge(r, svc)
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "challenge", d.Challenge.Title, d)
		return nil
	}
}

// handleChallengeFeedback sends the organisation's feedback to an entry.
func handleChallengeFeedback(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		slug, plugin := r.PathValue("slug"), r.PathValue("plugin")
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return store.ErrNotFound
		}
		err = svc.LeaveFeedback(r.Context(), u, slug, id, plugin, r.PostFormValue("message"))
		if err == nil {
			return seeOther(w, r, "/hackathons/"+slug+"/challenges/"+r.PathValue("id"), "feedback")
		}
		var invalid valid.Errors
		if !errors.As(err, &invalid) {
			return err
		}
		d, lerr := loadChallenge(r, svc)
		if lerr != nil {
			return lerr
		}
		l := localeFrom(r.Context())
		d.Plugin, d.Error, d.Message = plugin, fieldMessages(l, invalid)["message"], r.PostFormValue("message")
		h.render(w, r, shownAgain(w, err), "challenge", d.Challenge.Title, d)
		return nil
	}
}

// entryChallengesData is the page where a team picks the challenges of
// its entry.
type entryChallengesData struct {
	Edition    hackathons.Edition
	Plugin     string
	Challenges []hackathons.ChallengeView
	Picked     map[int64]bool
	Feedback   []feedbackView // what the challenges' organisations said
	Error      string
}

// feedbackView is a feedback message with the challenge it came through.
type feedbackView struct {
	store.ChallengeFeedback
	Challenge string
}

func loadEntryChallenges(r *http.Request, svc *hackathons.Service, u auth.User) (*entryChallengesData, error) {
	slug, plugin := r.PathValue("edition"), r.PathValue("slug")
	subs, err := svc.Submissions(r.Context(), u, slug)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(subs, func(s store.Submission) bool { return s.Slug == plugin })
	if i < 0 {
		return nil, store.ErrNotFound
	}
	d := &entryChallengesData{Plugin: plugin, Picked: map[int64]bool{}}
	if d.Edition, err = svc.Get(r.Context(), slug); err != nil {
		return nil, err
	}
	all, err := svc.Challenges(r.Context(), auth.User{}, slug) // the approved ones
	if err != nil {
		return nil, err
	}
	d.Challenges = all
	ids, err := svc.EntryChallenges(r.Context(), slug, subs[i].PluginID)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		d.Picked[id] = true
	}
	fb, err := svc.EntryFeedback(r.Context(), u, slug, plugin)
	titles := map[int64]string{}
	for _, c := range d.Challenges {
		titles[c.ID] = c.Title
	}
	for _, f := range fb {
		d.Feedback = append(d.Feedback, feedbackView{ChallengeFeedback: f, Challenge: titles[f.ChallengeID]})
	}
	return d, err
}

// handleEntryChallengesForm shows the challenges a team may pick.
func handleEntryChallengesForm(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		d, err := loadEntryChallenges(r, svc, u)
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "entry-challenges", localeFrom(r.Context()).T("challenges.pick"), d)
		return nil
	}
}

// handleEntryChallenges saves the challenges a team picked.
func handleEntryChallenges(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return err
		}
		ids := []int64{}
		for _, v := range r.PostForm["challenge"] {
			id, _ := strconv.ParseInt(v, 10, 64)
			ids = append(ids, id)
		}
		_, err = svc.SetEntryChallenges(r.Context(), u, r.PathValue("edition"), r.PathValue("slug"), ids)
		if err == nil {
			return seeOther(w, r, "/my/plugins/"+r.PathValue("slug"), "challenges")
		}
		var invalid valid.Errors
		if !errors.As(err, &invalid) && !errors.Is(err, store.ErrConflict) {
			return err
		}
		d, lerr := loadEntryChallenges(r, svc, u)
		if lerr != nil {
			return lerr
		}
		d.Error = message(localeFrom(r.Context()), err)
		h.render(w, r, shownAgain(w, err), "entry-challenges", localeFrom(r.Context()).T("challenges.pick"), d)
		return nil
	}
}

// proposeData is the page where a member of a verified organisation
// proposes a challenge to an edition's organizers.
type proposeData struct {
	Edition hackathons.Edition
	Orgs    []store.Organization // the visitor's verified organisations
	Fields  map[string]string
	Values  map[string]string
	Error   string
}

func loadPropose(r *http.Request, h *Handler, svc *hackathons.Service, u auth.User) (*proposeData, error) {
	e, err := svc.Get(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	orgs, _, err := h.deps.Registry.Organizations(r.Context(), u, registry.OrgListFilter{Status: store.OrgVerified, Mine: true}, store.Page{Limit: 100})
	return &proposeData{Edition: e, Orgs: orgs, Values: map[string]string{}}, err
}

// handleProposeForm shows the proposal form.
func handleProposeForm(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		d, err := loadPropose(r, h, svc, u)
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "challenge-propose", localeFrom(r.Context()).T("challenges.propose"), d)
		return nil
	}
}

// handlePropose sends a proposal: 303 to the edition's page, where the
// proposer sees it as proposed, or the form with its problems.
func handlePropose(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		in := challengeForm(r)
		in.Status = store.ChallengeProposed
		_, err = svc.CreateChallenge(r.Context(), u, r.PathValue("slug"), in)
		if err == nil {
			return seeOther(w, r, "/hackathons/"+r.PathValue("slug"), "proposed")
		}
		var invalid valid.Errors
		if !errors.As(err, &invalid) {
			return err
		}
		d, lerr := loadPropose(r, h, svc, u)
		if lerr != nil {
			return lerr
		}
		d.Fields = formFields(localeFrom(r.Context()), invalid)
		for k := range r.PostForm {
			d.Values[k] = r.PostFormValue(k)
		}
		h.render(w, r, shownAgain(w, err), "challenge-propose", localeFrom(r.Context()).T("challenges.propose"), d)
		return nil
	}
}
