package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
)

// pluginData is the plugin page.
type pluginData struct {
	Plugin      store.Plugin
	Manifest    *plugins.Manifest // the latest live version; nil when every version is yanked
	Description template.HTML
	Versions    []versionView
	Owner       bool // the visitor owns it
	CanRemove   bool // an organizer may take it down
	Reason      string
	ReasonError string
	Try         *tryData // the "Try it" form, for runnable published plugins
	Editions    []editionLink
	// Restricted: the plugin is kept for vetted readers and the visitor is
	// not one; the page shows its name, summary and publisher only.
	Restricted bool
	// Badges are the plugin's badges but "awarded" when Awards name it.
	Badges []string
	Awards []store.PluginAward
}

// editionLink is an edition the plugin took part in, by its name.
type editionLink struct{ Slug, Name string }

// versionView is one version with its change log.
type versionView struct {
	store.PluginVersion
	Changes []plugins.Change
}

// handlePlugin renders a plugin's page.
func handlePlugin(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := loadPlugin(r, reg, h.deps.Hackathons, r.PathValue("slug"))
		if err != nil {
			return err
		}
		d.Try = h.tryForm(d, localeFrom(r.Context()), nil)
		h.render(w, r, http.StatusOK, "plugin", d.title(), d)
		return nil
	}
}

// EndpointHost names the server an http plugin's inputs are sent to.
func (d *pluginData) EndpointHost() string {
	if d.Manifest == nil {
		return ""
	}
	u, err := url.Parse(d.Manifest.Runtime.Endpoint)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

func (d *pluginData) title() string {
	if d.Manifest != nil {
		return d.Manifest.Name
	}
	return cmp.Or(d.Plugin.Name, d.Plugin.Slug)
}

// loadPlugin gathers what the plugin page shows, as the visitor may see it.
func loadPlugin(r *http.Request, reg *registry.Service, hk *hackathons.Service, slug string) (*pluginData, error) {
	u, _ := caller(r)
	p, level, err := reg.Glimpse(r.Context(), u, slug)
	if err != nil {
		return nil, err
	}
	d := &pluginData{Plugin: p, Owner: u.ID != 0 && u.ID == p.OwnerID, Restricted: level != registry.FullAccess}
	d.CanRemove = u.Is(auth.RoleOrganizer) && p.Status != store.StatusRemoved
	if len(p.Manifest) > 0 {
		var m plugins.Manifest
		if err := json.Unmarshal(p.Manifest, &m); err != nil {
			return nil, err
		}
		d.Manifest, d.Description = &m, markdown(m.Description)
	}
	for _, e := range p.Hackathons {
		ed, err := hk.Get(r.Context(), e)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		d.Editions = append(d.Editions, editionLink{Slug: e, Name: cmp.Or(ed.Name, e)})
	}
	if d.Badges, d.Awards, err = namedBadges(r, reg, p); err != nil {
		return nil, err
	}
	if d.Restricted {
		return d, nil
	}
	versions, _, err := reg.Versions(r.Context(), u, slug, store.Page{Limit: 100})
	if err != nil {
		return nil, err
	}
	for _, v := range versions {
		var m struct {
			Changes []plugins.Change `json:"changes"`
		}
		json.Unmarshal(v.Manifest, &m) // a stored manifest was valid when stored
		d.Versions = append(d.Versions, versionView{PluginVersion: v, Changes: m.Changes})
	}
	return d, nil
}

// handleRemove takes a plugin down (organizers, with a reason) or
// withdraws it (its owner).
func handleRemove(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		slug, reason := r.PathValue("slug"), strings.TrimSpace(r.PostFormValue("reason"))
		err = reg.Remove(r.Context(), u, slug, reason)
		var invalid valid.Errors
		if errors.As(err, &invalid) {
			d, lerr := loadPlugin(r, reg, h.deps.Hackathons, slug)
			if lerr != nil {
				return lerr
			}
			d.Reason, d.ReasonError = reason, fieldMessages(localeFrom(r.Context()), invalid)["reason"]
			h.render(w, r, shownAgain(w, err), "plugin", d.title(), d)
			return nil
		}
		if err != nil {
			return err
		}
		if u.Is(auth.RoleOrganizer) {
			return seeOther(w, r, "/plugins/"+slug, "removed")
		}
		return seeOther(w, r, "/my/plugins", "removed")
	}
}

// namedBadges returns a plugin's badges and the awards behind its
// "awarded" badge, which then stands for them rather than for itself.
func namedBadges(r *http.Request, reg *registry.Service, p store.Plugin) ([]string, []store.PluginAward, error) {
	if !slices.Contains(p.Badges, "awarded") {
		return p.Badges, nil, nil
	}
	awards, err := reg.Awards(r.Context(), p)
	if err != nil || len(awards) == 0 {
		return p.Badges, nil, err
	}
	return slices.DeleteFunc(slices.Clone(p.Badges), func(b string) bool { return b == "awarded" }), awards, nil
}
