package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
)

// handleMine lists the visitor's plugins.
func handleMine(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		list, _, err := reg.List(r.Context(), u, registry.ListFilter{Mine: true}, store.Page{Limit: 100})
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "mine", localeFrom(r.Context()).T("mine.title"), list)
		return nil
	}
}

// manifestData is the form to register a plugin or add a version.
type manifestData struct {
	Slug     string // empty for a new plugin
	Text     string
	Lines    []manifestLine // the text with its problems, after a refused submission
	Marked   []manifestLine // the lines that have problems
	Apart    []plugins.Problem
	Problems int
	Error    string
	Review   bool // the short form wrote Text: the person reviews it before registering
}

// handleManifestForm shows the manifest form: empty for a new plugin, the
// latest manifest for a new version.
func handleManifestForm(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		d := manifestData{Slug: r.PathValue("slug")}
		title := localeFrom(r.Context()).T("manifest.new")
		if d.Slug != "" {
			p, err := reg.Get(r.Context(), u, d.Slug)
			if err != nil {
				return err
			}
			d.Text = manifestYAML(p.Manifest)
			title = localeFrom(r.Context()).T("manifest.version", d.Slug)
		}
		h.render(w, r, http.StatusOK, "manifest", title, d)
		return nil
	}
}

// maxManifest bounds an uploaded or pasted manifest.
const maxManifest = 512 << 10

// handleManifest registers a plugin, or a new version of one, from a
// pasted or uploaded manifest; every problem is shown at its line.
func handleManifest(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		l := localeFrom(r.Context())
		d := manifestData{Slug: r.PathValue("slug")}
		text, err := manifestText(r)
		if err != nil {
			d.Error, err = l.T("manifest.unreadable"), httperr.New(httperr.ErrUnprocessable, err.Error())
		}
		d.Text = text
		title := l.T("manifest.new")
		if d.Slug != "" {
			title = l.T("manifest.version", d.Slug)
		}
		if err == nil {
			var slug string
			if d.Slug == "" {
				var p store.Plugin
				p, err = reg.Create(r.Context(), u, []byte(text))
				slug = p.Slug
			} else {
				_, err = reg.AddVersion(r.Context(), u, d.Slug, []byte(text))
				slug = d.Slug
			}
			var me *plugins.ManifestError
			switch {
			case err == nil && d.Slug == "":
				return seeOther(w, r, "/my/plugins/"+slug, "created")
			case err == nil:
				return seeOther(w, r, "/my/plugins/"+slug, "version")
			case errors.As(err, &me):
				d.Lines, d.Apart = annotated(text, me.Problems)
				d.Marked, d.Problems = problemLines(d.Lines), len(me.Problems)
			case errors.Is(err, store.ErrConflict):
				d.Error = message(localeFrom(r.Context()), err)
			default:
				if p := manifestProblems(err); p != nil {
					d.Lines, d.Apart = annotated(text, p)
					d.Marked, d.Problems = problemLines(d.Lines), len(p)
				} else {
					return err
				}
			}
		}
		h.render(w, r, shownAgain(w, err), "manifest", title, d)
		return nil
	}
}

// manifestProblems turns field errors of a manifest (a slug that does not
// match the plugin's) into manifest problems.
func manifestProblems(err error) []plugins.Problem {
	var ve valid.Errors
	if !errors.As(err, &ve) {
		return nil
	}
	out := make([]plugins.Problem, len(ve))
	for i, p := range ve {
		out[i] = plugins.Problem{Path: p.Field, Message: p.Message}
	}
	return out
}

// manifestText reads the uploaded file, or else the pasted text.
func manifestText(r *http.Request) (string, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxManifest); err != nil {
			return "", err
		}
		if f, hdr, err := r.FormFile("file"); err == nil {
			defer f.Close()
			if hdr.Size > 0 {
				b, err := io.ReadAll(io.LimitReader(f, maxManifest+1))
				if err != nil || len(b) > maxManifest {
					return "", errors.New("manifest too large")
				}
				return string(b), nil
			}
		}
	}
	text := r.PostFormValue("manifest")
	if len(text) > maxManifest {
		return "", errors.New("manifest too large")
	}
	return text, nil
}

// myEntry is one of the plugin's entries in an edition.
type myEntry struct {
	Edition  editionView
	Detail   hackathons.Detail
	Reviews  []reviewView
	Rubric   judging.Rubric
	CanLeave bool
	CanPick  bool // the visitor may pick the entry's challenges
}

// reviewView is an anonymised review shown to the team.
type reviewView struct {
	Scores  judging.Scores
	Comment string
}

// myPluginData is a participant's page for one of their plugins.
type myPluginData struct {
	*pluginData
	Runtime *store.RuntimeStatus // what its runtime last did, once invoked
	Open    []editionView        // editions taking entries
	Entries []myEntry
	Error   string
	Appeal  *appealView // the report that took the plugin down, for its owner
}

// handleMyPlugin shows a plugin to its owner and collaborators: status,
// versions, publication, entries in editions and their feedback.
func handleMyPlugin(h *Handler, reg *registry.Service, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := loadMyPlugin(r, reg, svc)
		if err != nil {
			return err
		}
		if d.Appeal, err = loadAppeal(r, h.deps.Moderation, d.Plugin); err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "myplugin", d.title(), d)
		return nil
	}
}

func loadMyPlugin(r *http.Request, reg *registry.Service, svc *hackathons.Service) (*myPluginData, error) {
	u, err := mustSignIn(r)
	if err != nil {
		return nil, err
	}
	slug := r.PathValue("slug")
	pd, err := loadPlugin(r, reg, svc, slug)
	if err != nil {
		return nil, err
	}
	if !pd.Owner {
		// Collaborators and the members of an entry's team edit it too.
		ok, err := reg.Edits(r.Context(), u, pd.Plugin)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, store.ErrNotFound // not theirs: the public page is elsewhere
		}
	}
	d := &myPluginData{pluginData: pd}
	if st, ok, err := reg.RuntimeStatus(r.Context(), u, pd.Plugin); err != nil {
		return nil, err
	} else if ok {
		d.Runtime = &st
	}
	editions, _, err := svc.List(r.Context(), store.Page{Limit: 100})
	if err != nil {
		return nil, err
	}
	for _, e := range editions {
		ev := editionView{Edition: e, Phase: svc.Phase(e)}
		det, err := svc.Submission(r.Context(), u, e.Slug, slug)
		switch {
		case errors.Is(err, store.ErrNotFound):
			if ev.Phase == hackathons.PhaseOpen && pd.Owner {
				d.Open = append(d.Open, ev)
			}
			continue
		case err != nil:
			return nil, err
		}
		me := myEntry{Edition: ev, Detail: det, Rubric: e.Rubric, CanLeave: pd.Owner && ev.Phase == hackathons.PhaseOpen,
			CanPick: ev.Phase == hackathons.PhaseOpen}
		if ev.Phase == hackathons.PhaseOpen && pd.Owner {
			d.Open = append(d.Open, ev) // submitting again moves the entry to the latest version
		}
		if det.Anonymised {
			for _, rv := range det.Reviews {
				var s judging.Scores
				json.Unmarshal(rv.Scores, &s)
				me.Reviews = append(me.Reviews, reviewView{Scores: s, Comment: rv.Comment})
			}
		}
		d.Entries = append(d.Entries, me)
	}
	return d, nil
}

// myAction is a form of the participant's plugin page.
type myAction func(r *http.Request, u auth.User, slug string) (notice string, err error)

// handleMyAction runs a form of the plugin page and shows conflicts there.
func handleMyAction(h *Handler, reg *registry.Service, svc *hackathons.Service, act myAction) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		slug := r.PathValue("slug")
		notice, err := act(r, u, slug)
		if err == nil {
			return seeOther(w, r, "/my/plugins/"+slug, notice)
		}
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		d, lerr := loadMyPlugin(r, reg, svc)
		if lerr != nil {
			return lerr
		}
		d.Error = message(localeFrom(r.Context()), err)
		h.render(w, r, shownAgain(w, err), "myplugin", d.title(), d)
		return nil
	}
}

func publishPlugin(reg *registry.Service) myAction {
	return func(r *http.Request, u auth.User, slug string) (string, error) {
		_, err := reg.Publish(r.Context(), u, slug)
		return "published", err
	}
}

func submitEntry(svc *hackathons.Service) myAction {
	return func(r *http.Request, u auth.User, slug string) (string, error) {
		_, _, err := svc.SubmitTo(r.Context(), u, r.PostFormValue("edition"), slug, 0, nil)
		return "submitted", err
	}
}

func withdrawEntry(svc *hackathons.Service) myAction {
	return func(r *http.Request, u auth.User, slug string) (string, error) {
		return "withdrawn", svc.Withdraw(r.Context(), u, r.PathValue("edition"), slug)
	}
}
