package web

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// teamsData is an edition's team page: the visitor's team (with the
// invitation link just created, shown once), or the form that forms one,
// and every team of the edition.
type teamsData struct {
	Edition    hackathons.Edition
	Teams      []store.Team
	Mine       *store.Team
	Me         int64
	Captain    bool
	InviteLink string
	InviteSent string                 // the address the invitation was sent to, if any
	InviteTo   string                 // the address typed in the invitation form
	Pending    []store.TeamInvitation // the team's invitations not used yet, for its captain
	Fields     map[string]string      // problems with the form, by field
	Form       hackathons.TeamInput
}

// loadTeams gathers an edition's team page for the visitor.
func loadTeams(r *http.Request, svc *hackathons.Service) (*teamsData, error) {
	slug := r.PathValue("slug")
	e, err := svc.Get(r.Context(), slug)
	if err != nil {
		return nil, err
	}
	d := &teamsData{Edition: e, Fields: map[string]string{}}
	if d.Teams, err = svc.Teams(r.Context(), slug); err != nil {
		return nil, err
	}
	if u, ok := caller(r); ok {
		d.Me = u.ID
		t, err := svc.MyTeam(r.Context(), u, slug)
		switch {
		case err == nil:
			d.Mine, d.Captain = &t, t.CaptainID == u.ID
			if d.Captain {
				if d.Pending, err = svc.TeamInvitations(r.Context(), u, slug, t.ID); err != nil {
					return nil, err
				}
			}
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
	}
	return d, nil
}

func (h *Handler) renderTeams(w http.ResponseWriter, r *http.Request, status int, d *teamsData) {
	h.render(w, r, status, "teams", localeFrom(r.Context()).T("teams.title", d.Edition.Name), d)
}

// handleTeamsPage renders an edition's team page.
func handleTeamsPage(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := loadTeams(r, svc)
		if err != nil {
			return err
		}
		h.renderTeams(w, r, http.StatusOK, d)
		return nil
	}
}

// handleTeamForm forms a team with the visitor as captain, or shows the
// form again with its problems.
func handleTeamForm(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		slug := r.PathValue("slug")
		in := hackathons.TeamInput{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"),
			Needs: r.PostFormValue("needs"), Open: r.PostFormValue("open") == "on"}
		_, err = svc.CreateTeam(r.Context(), u, slug, in)
		var invalid valid.Errors
		if errors.As(err, &invalid) {
			d, lerr := loadTeams(r, svc)
			if lerr != nil {
				return lerr
			}
			d.Fields, d.Form = fieldMessages(localeFrom(r.Context()), invalid), in
			h.renderTeams(w, r, shownAgain(w, err), d)
			return nil
		}
		if err != nil {
			return err
		}
		return seeOther(w, r, "/hackathons/"+slug+"/teams", "teamcreated")
	}
}

// teamID reads the team of a path.
func teamID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0, errPage(store.ErrNotFound, "error.notfound")
	}
	return id, nil
}

// handleTeamInvitePage creates an invitation link, sends it to the
// address typed if any, and shows it to the captain on the team page:
// the link is a secret, so it goes neither in a redirect's address nor
// anywhere it could be read again.
func handleTeamInvitePage(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		id, err := teamID(r, "id")
		if err != nil {
			return err
		}
		email := r.PostFormValue("email")
		inv, token, err := svc.InviteToTeam(r.Context(), u, r.PathValue("slug"), id, email)
		var invalid valid.Errors
		if err != nil && !errors.As(err, &invalid) {
			return err
		}
		d, lerr := loadTeams(r, svc)
		if lerr != nil {
			return lerr
		}
		if invalid != nil {
			d.Fields, d.InviteTo = fieldMessages(localeFrom(r.Context()), invalid), email
			h.renderTeams(w, r, shownAgain(w, err), d)
			return nil
		}
		d.InviteLink, d.InviteSent = h.absolute(r, "/teams/invitations/"+token), inv.Email
		h.renderTeams(w, r, http.StatusOK, d)
		return nil
	}
}

// handleTeamEditPage changes what the team says it needs and whether it
// is open, or hands the captaincy over (captain=<user id>).
func handleTeamEditPage(svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		id, err := teamID(r, "id")
		if err != nil {
			return err
		}
		var p hackathons.TeamPatch
		notice := "teamsaved"
		if c := r.PostFormValue("captain"); c != "" {
			to, err := strconv.ParseInt(c, 10, 64)
			if err != nil {
				return errPage(store.ErrNotFound, "error.notfound")
			}
			p.CaptainID, notice = &to, "teamcaptain"
		} else {
			needs, open := strings.TrimSpace(r.PostFormValue("needs")), r.PostFormValue("open") == "on"
			p.Needs, p.Open = &needs, &open
		}
		slug := r.PathValue("slug")
		if _, err := svc.UpdateTeam(r.Context(), u, slug, id, p); err != nil {
			return err
		}
		return seeOther(w, r, "/hackathons/"+slug+"/teams", notice)
	}
}

// handleTeamMemberRemovePage lets a member leave, or the captain remove
// one.
func handleTeamMemberRemovePage(svc *hackathons.Service) handlerFunc {
	return handleTeamItemPage("user", func(r *http.Request, u auth.User, slug string, team, member int64) (string, error) {
		if _, err := svc.RemoveTeamMember(r.Context(), u, slug, team, member); err != nil {
			return "", err
		}
		if member == u.ID {
			return "teamleft", nil
		}
		return "teamremoved", nil
	})
}

// handleTeamInvitationRevokePage revokes one of the team's pending
// invitations: its link stops working at once.
func handleTeamInvitationRevokePage(svc *hackathons.Service) handlerFunc {
	return handleTeamItemPage("invitation", func(r *http.Request, u auth.User, slug string, team, inv int64) (string, error) {
		return "teaminvitationrevoked", svc.RevokeTeamInvitation(r.Context(), u, slug, team, inv)
	})
}

// handleTeamItemPage acts, as the signed-in visitor, on one item of a
// team (a member, an invitation) named by the path value param, then goes
// back to the edition's teams with the notice act returns.
func handleTeamItemPage(param string, act func(r *http.Request, u auth.User, slug string, team, item int64) (string, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		team, err := teamID(r, "id")
		if err != nil {
			return err
		}
		item, err := teamID(r, param)
		if err != nil {
			return err
		}
		slug := r.PathValue("slug")
		notice, err := act(r, u, slug, team, item)
		if err != nil {
			return err
		}
		return seeOther(w, r, "/hackathons/"+slug+"/teams", notice)
	}
}

// teamInvitationData is the page a team invitation link opens.
type teamInvitationData struct {
	hackathons.TeamInvitation
	Token string
}

// handleTeamInvitationPage shows which team an invitation is for, with
// the button that accepts it.
func handleTeamInvitationPage(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := mustSignIn(r); err != nil {
			return err
		}
		inv, err := svc.PeekTeamInvitation(r.Context(), r.PathValue("token"))
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "team-invitation", localeFrom(r.Context()).T("teaminvite.title"),
			teamInvitationData{TeamInvitation: inv, Token: r.PathValue("token")})
		return nil
	}
}

// handleTeamInvitationAccept joins the team and leads to its page.
func handleTeamInvitationAccept(svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		inv, err := svc.PeekTeamInvitation(r.Context(), r.PathValue("token"))
		if err != nil {
			return err
		}
		if _, err := svc.AcceptTeamInvitation(r.Context(), u, r.PathValue("token")); err != nil {
			return err
		}
		return seeOther(w, r, "/hackathons/"+inv.Edition.Slug+"/teams", "teamjoined")
	}
}

// teamWordings say the teams' refusals in the visitor's words.
var teamWordings = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`already in a team of this edition$`), "refusal.team.already"},
	{regexp.MustCompile(`^team ".+": `), "refusal.team.name"},
	{regexp.MustCompile(`^hand the captaincy to another member`), "refusal.team.handover"},
	{regexp.MustCompile(`^the team has an entry`), "refusal.team.entry"},
	{regexp.MustCompile(`^teams can no longer change`), "refusal.team.closed"},
	{regexp.MustCompile(`^only the team's captain`), "refusal.team.captain"},
	{regexp.MustCompile(`^this invitation was already used$`), "refusal.invitation.used"},
	{regexp.MustCompile(`^this invitation was sent to another e-mail address`), "refusal.invitation.address"},
	{regexp.MustCompile(`pending invitations`), "refusal.invitation.cap"},
	{regexp.MustCompile(`^must be a member of the team$`), "problem.teammember"},
	{regexp.MustCompile(`^at most (\d+) items$`), "problem.maxitems"},
}

// init adds the words, wordings and notices of teams to the pages'
// lists, and their pages to those the pages load.
func init() {
	for k, v := range teamMessages {
		messagesEN[k], messagesFR[k] = v[0], v[1]
	}
	wordings = append(wordings, teamWordings...)
	for _, n := range []string{"teamcreated", "teamsaved", "teamcaptain", "teamremoved", "teamleft", "teamjoined", "teaminvitationrevoked", "profilesaved", "profiledeleted"} {
		notices[n] = true
	}
	pageNames = append(pageNames, "teams", "looking", "team-invitation", "organize-teams")
}

// teamNames indexes an edition's team names by id, for its entries.
func teamNames(r *http.Request, svc *hackathons.Service, slug string) (map[int64]string, error) {
	teams, err := svc.Teams(r.Context(), slug)
	names := map[int64]string{}
	for _, t := range teams {
		names[t.ID] = t.Name
	}
	return names, err
}

// rosterData is the organizers' list of an edition's teams.
type rosterData struct {
	Edition hackathons.Edition
	Teams   []hackathons.RosterTeam
}

// handleRosterPage lists an edition's teams for its organizers: members
// and their addresses, captain, entries and their challenges.
func handleRosterPage(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleOrganizer)
		if err != nil {
			return err
		}
		slug := r.PathValue("slug")
		d := &rosterData{}
		if d.Edition, err = svc.Get(r.Context(), slug); err != nil {
			return err
		}
		if d.Teams, err = svc.Roster(r.Context(), u, slug); err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "organize-teams", localeFrom(r.Context()).T("roster.title")+" "+d.Edition.Name, d)
		return nil
	}
}
