package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// The organisation pages' texts join the others, so that one table per
// language holds every message.
func init() {
	for k, v := range orgMessagesEN {
		messagesEN[k] = v
	}
	for k, v := range orgMessagesFR {
		messagesFR[k] = v
	}
}

// orgListData is the organisations page: the verified ones, the visitor's
// own, and for administrators the applications awaiting review.
type orgListData struct {
	Verified, Mine, Pending []store.Organization
}

// handleOrganizations renders the organisations page.
func handleOrganizations(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, _ := caller(r)
		ctx, all := r.Context(), store.Page{Limit: 100}
		var d orgListData
		var err error
		if d.Verified, _, err = reg.Organizations(ctx, u, registry.OrgListFilter{Status: store.OrgVerified}, all); err != nil {
			return err
		}
		if u.ID != 0 {
			if d.Mine, _, err = reg.Organizations(ctx, u, registry.OrgListFilter{Mine: true}, all); err != nil {
				return err
			}
		}
		if u.Is(auth.RoleAdmin) {
			if d.Pending, _, err = reg.Organizations(ctx, u, registry.OrgListFilter{Status: store.OrgPending}, all); err != nil {
				return err
			}
		}
		h.render(w, r, http.StatusOK, "organizations", localeFrom(ctx).T("orgs.title"), d)
		return nil
	}
}

// handleOrgReview records an administrator's decision on an application.
func handleOrgReview(reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleAdmin)
		if err != nil {
			return err
		}
		_, err = reg.Review(r.Context(), u, r.PathValue("slug"), r.PostFormValue("decision"), r.PostFormValue("note"))
		if err != nil {
			return err
		}
		return seeOther(w, r, "/organizations", "reviewed")
	}
}

// applyData is the application form.
type applyData struct {
	Name, Kind, Website, Description string
	Kinds                            []string
	Fields                           map[string]string // field → what is wrong, in the page's words
	Error                            string
}

// handleApplyForm shows the application form.
func handleApplyForm(h *Handler) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := mustSignIn(r); err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "org-apply", localeFrom(r.Context()).T("apply.title"), applyData{Kinds: registry.OrgKinds(), Kind: "ngo"})
		return nil
	}
}

// handleApply records an application and leads to the organisation's page.
func handleApply(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		d := applyData{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Website: r.PostFormValue("website"),
			Description: r.PostFormValue("description"), Kinds: registry.OrgKinds()}
		o, err := reg.Apply(r.Context(), u, registry.OrgApplication{Name: d.Name, Kind: d.Kind, Website: d.Website, Description: d.Description})
		l := localeFrom(r.Context())
		var invalid valid.Errors
		switch {
		case errors.As(err, &invalid):
			d.Fields = map[string]string{}
			for _, p := range invalid {
				d.Fields[p.Field] = l.T("apply.invalid." + p.Field)
			}
		case errors.Is(err, store.ErrConflict):
			d.Fields = map[string]string{"name": l.T("apply.taken")}
		case err != nil:
			return err
		default:
			return seeOther(w, r, "/organizations/"+o.Slug, "applied")
		}
		h.render(w, r, shownAgain(w, err), "org-apply", l.T("apply.title"), d)
		return nil
	}
}

// orgData is an organisation's page.
type orgData struct {
	registry.OrgView
	Me         int64
	Owner      bool           // the visitor owns it (or administers the platform)
	MyPlugins  []store.Plugin // the owner's plugins that may be placed under it
	InviteLink string         // the link of the invitation just created
	Invited    string         // who it is for
	InviteSent bool           // whether the link was sent to them by e-mail
	EmailError string
	Entries    []store.OrgEntry // entries to the challenges it brings
}

// loadOrg gathers an organisation's page for the visitor.
func loadOrg(r *http.Request, reg *registry.Service) (*orgData, error) {
	u, _ := caller(r)
	v, err := reg.Organization(r.Context(), u, r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	d := &orgData{OrgView: v, Me: u.ID, Owner: v.Role == store.OrgOwner || u.Is(auth.RoleAdmin)}
	if v.Role == store.OrgOwner && v.Status != store.OrgRefused {
		mine, _, err := reg.List(r.Context(), u, registry.ListFilter{Mine: true}, store.Page{Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, p := range mine {
			if p.OwnerID == u.ID && p.Status != store.StatusRemoved && (p.Publisher == nil || p.Publisher.ID != v.ID) {
				d.MyPlugins = append(d.MyPlugins, p)
			}
		}
	}
	return d, nil
}

// handleOrganization renders an organisation's page.
func handleOrganization(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := loadOrg(r, reg)
		if err != nil {
			return err
		}
		if d.Entries, err = h.deps.Hackathons.OrgEntries(r.Context(), d.ID); err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "organization", d.Name, d)
		return nil
	}
}

// handleInvite creates an invitation and shows its link to the owner, on
// the organisation's page: the link is a secret, so it goes neither in a
// redirect's address nor anywhere it could be read again.
func handleInvite(h *Handler, reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		email := strings.TrimSpace(r.PostFormValue("email"))
		_, token, err := reg.Invite(r.Context(), u, r.PathValue("slug"), registry.Invitee{Email: email, Role: r.PostFormValue("role")})
		var invalid valid.Errors
		if err != nil && !errors.As(err, &invalid) {
			return err
		}
		d, lerr := loadOrg(r, reg)
		if lerr != nil {
			return lerr
		}
		status := http.StatusOK
		if err != nil {
			d.EmailError, status = localeFrom(r.Context()).T("org.invite.invalid"), shownAgain(w, err)
		} else {
			d.InviteLink, d.Invited = h.absolute(r, "/invitations/"+token), email
			d.InviteSent = h.deps.Auth.VerifiesAddresses() // e-mail is sent, not only logged
		}
		w.Header().Set("Cache-Control", "no-store")
		h.render(w, r, status, "organization", d.Name, d)
		return nil
	}
}

// absolute returns the full address of a path on this server, as the
// visitor reached it.
func (h *Handler) absolute(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || h.deps.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// handleMemberRemove removes a member (owners) or lets a member leave.
func handleOrgMemberRemove(reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return errPage(store.ErrNotFound, "error.notfound")
		}
		slug := r.PathValue("slug")
		if err := reg.RemoveMember(r.Context(), u, slug, id); err != nil {
			return err
		}
		if id == u.ID {
			return seeOther(w, r, "/organizations", "left")
		}
		return seeOther(w, r, "/organizations/"+slug, "memberremoved")
	}
}

// handleOrgTransfer places one of the owner's plugins under the
// organisation.
func handleOrgTransfer(reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		slug := r.PathValue("slug")
		if _, err := reg.Transfer(r.Context(), u, r.PostFormValue("plugin"), slug); err != nil {
			return err
		}
		return seeOther(w, r, "/organizations/"+slug, "transferred")
	}
}

// invitationData is the page an invitation link opens.
type invitationData struct{ Token string }

// handleInvitationForm shows the button that accepts an invitation.
func handleInvitationForm(h *Handler) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := mustSignIn(r); err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		h.render(w, r, http.StatusOK, "invitation", localeFrom(r.Context()).T("invitation.title"), invitationData{Token: r.PathValue("token")})
		return nil
	}
}

// handleInvitationAccept accepts an invitation and leads to the
// organisation's page.
func handleInvitationAccept(reg *registry.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		o, err := reg.Accept(r.Context(), u, r.PathValue("token"))
		if err != nil {
			return err
		}
		return seeOther(w, r, "/organizations/"+o.Slug, "joined")
	}
}

// publisherMark shows who publishes a plugin, marked when verified, and
// whether the plugin is restricted, in a catalogue hit.
func publisherMark(l *locale, slug, name string, verified, restricted bool) template.HTML {
	var b strings.Builder
	if name != "" {
		b.WriteString("\n · " + esc(l.T("plugin.publisher")) + ` <a href="/organizations/` + esc(slug) + `" dir="auto">` + esc(name) + "</a>")
		if verified {
			b.WriteString(` <span class="badge badge-verified">` + esc(l.T("plugin.verifiedpublisher")) + "</span>")
		}
	}
	if restricted {
		b.WriteString("\n · " + `<span class="badge badge-restricted">` + esc(l.T("catalogue.restricted")) + "</span>")
	}
	return template.HTML(b.String())
}
