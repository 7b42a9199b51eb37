package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/crisis"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins/portesouvertes"
)

// crisisBanner is what every page shows of the crisis in force: its texts
// in the page's language when given, else in the one given (with that
// language, for screen readers), its links, and the region's emergency
// numbers in the page's language, from the portes-ouvertes plugin.
type crisisBanner struct {
	Title, TitleLang     string
	Message, MessageLang string
	Links                []crisis.Link
	Numbers              []bannerNumber
	Until                time.Time
}

// bannerNumber is an emergency number as the banner shows it, with the
// number to dial (without spaces).
type bannerNumber struct {
	Number, Service, Tel string
}

// banner returns the banner of the crisis in force, or nil. A database
// that cannot answer leaves the pages without it, and is logged.
func (h *Handler) banner(ctx context.Context, lang string) *crisisBanner {
	c, ok := h.currentCrisis(ctx)
	if !ok {
		return nil
	}
	b := &crisisBanner{Links: c.Links, Until: c.ExpiresAt}
	for _, n := range crisis.Numbers(c.Region, lang) {
		b.Numbers = append(b.Numbers, bannerNumber{Number: n.Number, Service: n.Service, Tel: strings.ReplaceAll(n.Number, " ", "")})
	}
	b.Title, b.TitleLang = textIn(c.Title, lang)
	b.Message, b.MessageLang = textIn(c.Message, lang)
	return b
}

// currentCrisis returns the crisis in force, if any.
func (h *Handler) currentCrisis(ctx context.Context) (crisis.Crisis, bool) {
	if h.deps.Crisis == nil {
		return crisis.Crisis{}, false
	}
	c, ok, err := h.deps.Crisis.Current(ctx)
	if err != nil {
		h.log.WarnContext(ctx, "crisis unreadable; pages show no banner", "error", err)
	}
	return c, ok
}

// preferredCategory is the category the catalogue lists first: emergency
// tools while a crisis is in force, none otherwise.
func (h *Handler) preferredCategory(ctx context.Context) string {
	if _, ok := h.currentCrisis(ctx); ok {
		return crisis.EmergencyTool
	}
	return ""
}

// textIn returns the text in lang, or in the language given, with the
// language it is in.
func textIn(texts map[string]string, lang string) (string, string) {
	t := crisis.In(texts, lang)
	for _, l := range append([]string{lang}, crisis.Languages...) {
		if texts[l] == t {
			return t, l
		}
	}
	return t, lang
}

// crisisForm is the crisis page: the crisis in force, and the form that
// declares, renews or ends it, as typed.
type crisisForm struct {
	Active   bool
	Until    time.Time
	Values   map[string]string
	Regions  []string
	Hours    int
	MaxHours int
	Fields   map[string]string // problems by control id
	Problems []problemLink
}

// crisisFields are the form's controls that a problem of a crisis field
// (such as "links[2].url") points to, and the message saying what is
// wrong with the limit it names, by the field's first part.
var crisisFields = map[string]struct {
	id, key string
	bound   int // the limit the message names, or 0
}{
	"title":      {"title_fr", "crisis.problem.title", crisis.MaxTitle},
	"message":    {"message_fr", "crisis.problem.message", crisis.MaxMessage},
	"region":     {"region", "crisis.problem.region", 0},
	"links":      {"links", "crisis.problem.links", crisis.MaxLinks},
	"expires_at": {"hours", "crisis.problem.hours", int(crisis.MaxDuration / time.Hour)},
}

// handleCrisisPage shows the crisis page to administrators.
func handleCrisisPage(h *Handler) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := mustBe(r, auth.RoleAdmin); err != nil {
			return err
		}
		d := h.crisisForm(r.Context())
		if c, ok := h.currentCrisis(r.Context()); ok {
			d.Values = map[string]string{"title_fr": c.Title["fr"], "title_en": c.Title["en"], "message_fr": c.Message["fr"],
				"message_en": c.Message["en"], "region": c.Region, "links": linkLines(c.Links)}
		}
		h.render(w, r, http.StatusOK, "crisis", localeFrom(r.Context()).T("crisis.admin.title"), d)
		return nil
	}
}

func (h *Handler) crisisForm(ctx context.Context) *crisisForm {
	d := &crisisForm{Values: map[string]string{"region": "FR"}, Regions: portesouvertes.Countries(), Hours: 24,
		MaxHours: int(crisis.MaxDuration / time.Hour), Fields: map[string]string{}}
	if c, ok := h.currentCrisis(ctx); ok {
		d.Active, d.Until = true, c.ExpiresAt
	}
	return d
}

// handleCrisisSave declares or renews the crisis from the form, or ends
// it when the form's "end" button was pressed.
func handleCrisisSave(h *Handler) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleAdmin)
		if err != nil {
			return err
		}
		if r.PostFormValue("end") != "" {
			if err := h.deps.Crisis.Set(r.Context(), crisis.Crisis{}, &u.ID); err != nil {
				return err
			}
			return seeOther(w, r, "/admin/crisis", "crisisended")
		}
		d := h.crisisForm(r.Context())
		c := d.read(r, h.deps.Now())
		err = h.deps.Crisis.Set(r.Context(), c, &u.ID)
		var v valid.Errors
		switch {
		case err == nil:
			return seeOther(w, r, "/admin/crisis", "crisisset")
		case !errors.As(err, &v):
			return err
		}
		d.refused(localeFrom(r.Context()), v)
		h.render(w, r, shownAgain(w, err), "crisis", localeFrom(r.Context()).T("crisis.admin.title"), d)
		return nil
	}
}

// read reads the form into d's values, and returns the crisis it declares
// at now.
func (d *crisisForm) read(r *http.Request, now time.Time) crisis.Crisis {
	d.Values = map[string]string{}
	for _, k := range []string{"title_fr", "title_en", "message_fr", "message_en", "region", "links", "hours"} {
		d.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	c := crisis.Crisis{Active: true, Region: d.Values["region"],
		Title:   map[string]string{"fr": d.Values["title_fr"], "en": d.Values["title_en"]},
		Message: map[string]string{"fr": d.Values["message_fr"], "en": d.Values["message_en"]}}
	if n, err := strconv.Atoi(d.Values["hours"]); err == nil {
		d.Hours = n
		c.ExpiresAt = now.Add(time.Duration(n) * time.Hour)
	}
	for line := range strings.Lines(d.Values["links"]) {
		label, url, _ := strings.Cut(line, "|")
		if label, url = strings.TrimSpace(label), strings.TrimSpace(url); label != "" || url != "" {
			c.Links = append(c.Links, crisis.Link{Label: label, URL: url})
		}
	}
	return c
}

// refused places the problems of a refused crisis at the form's controls.
func (d *crisisForm) refused(l *locale, v valid.Errors) {
	for _, p := range v {
		name, _, _ := strings.Cut(p.Field, ".")
		name, _, _ = strings.Cut(name, "[")
		f, ok := crisisFields[name]
		if !ok || d.Fields[f.id] != "" {
			continue
		}
		d.Fields[f.id] = l.T(f.key)
		if f.bound > 0 {
			d.Fields[f.id] = l.T(f.key, l.Int(f.bound))
		}
		d.Problems = append(d.Problems, problemLink{ID: f.id, Label: l.T("crisis.label." + name), Text: d.Fields[f.id]})
	}
}

// linkLines writes links as the form's text area holds them: one per
// line, "label | URL".
func linkLines(links []crisis.Link) string {
	var b strings.Builder
	for _, l := range links {
		b.WriteString(l.Label + " | " + l.URL + "\n")
	}
	return b.String()
}
