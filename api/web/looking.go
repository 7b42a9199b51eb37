package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// lookingData is the "looking for a team" page of an edition: the
// profiles and open teams that match the filter, and the visitor's own
// profile form.
type lookingData struct {
	Edition hackathons.Edition
	hackathons.Looking
	Filter   hackathons.LookingFilter
	SignedIn bool
	Profile  store.TeamProfile // the visitor's, if any
	Has      bool              // the visitor has a profile
	Fields   map[string]string
}

// Join lists items for a text field.
func (lookingData) Join(items []string) string { return strings.Join(items, ", ") }

func loadLooking(r *http.Request, svc *hackathons.Service) (*lookingData, error) {
	slug := r.PathValue("slug")
	e, err := svc.Get(r.Context(), slug)
	if err != nil {
		return nil, err
	}
	d := &lookingData{Edition: e, Fields: map[string]string{},
		Filter: hackathons.LookingFilter{Skill: r.URL.Query().Get("skill"), Language: r.URL.Query().Get("language")}}
	if d.Looking, err = svc.Looking(r.Context(), slug, d.Filter); err != nil {
		return nil, err
	}
	if u, ok := caller(r); ok {
		d.SignedIn = true
		d.Profile, err = svc.Profile(r.Context(), u, slug)
		switch {
		case err == nil:
			d.Has = true
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
	}
	return d, nil
}

// handleLookingPage renders the "looking for a team" page.
func handleLookingPage(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := loadLooking(r, svc)
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "looking", localeFrom(r.Context()).T("looking.title"), d)
		return nil
	}
}

// splitList reads a comma-separated form field.
func splitList(s string) []string { return strings.Split(s, ",") }

// handleProfileSavePage records the visitor's profile, or shows the form
// again with its problems.
func handleProfileSavePage(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		slug := r.PathValue("slug")
		in := hackathons.ProfileInput{Skills: splitList(r.PostFormValue("skills")), Languages: splitList(r.PostFormValue("languages")),
			Wants: r.PostFormValue("wants"), Visible: r.PostFormValue("visible") == "on"}
		_, err = svc.SaveProfile(r.Context(), u, slug, in)
		var invalid valid.Errors
		if errors.As(err, &invalid) {
			d, lerr := loadLooking(r, svc)
			if lerr != nil {
				return lerr
			}
			d.Fields = fieldMessages(localeFrom(r.Context()), invalid)
			d.Profile = store.TeamProfile{Skills: in.Skills, Languages: in.Languages, Wants: in.Wants, Visible: in.Visible}
			h.render(w, r, shownAgain(w, err), "looking", localeFrom(r.Context()).T("looking.title"), d)
			return nil
		}
		if err != nil {
			return err
		}
		return seeOther(w, r, "/hackathons/"+slug+"/looking", "profilesaved")
	}
}

// handleProfileDeletePage removes the visitor's profile.
func handleProfileDeletePage(svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		slug := r.PathValue("slug")
		if err := svc.DeleteProfile(r.Context(), u, slug); err != nil {
			return err
		}
		return seeOther(w, r, "/hackathons/"+slug+"/looking", "profiledeleted")
	}
}
