package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
)

// PublisherRef names the organisation a plugin belongs to; verified says
// an administrator verified it (the "verified publisher" badge).
type PublisherRef struct {
	Slug     string `json:"slug" example:"reseau-veille"`
	Name     string `json:"name" example:"Réseau Veille"`
	Verified bool   `json:"verified" example:"true"`
}

func publisherRef(p *store.Publisher) *PublisherRef {
	if p == nil {
		return nil
	}
	return &PublisherRef{Slug: p.Slug, Name: p.Name, Verified: p.Verified}
}

// OrganizationRequest applies for an organisation.
type OrganizationRequest struct {
	Name        string `json:"name" example:"Réseau Veille"`
	Kind        string `json:"kind" example:"ngo" enums:"ngo,public_body,newsroom,research,platform"`
	Website     string `json:"website" example:"https://veille.example.org"`
	Description string `json:"description" example:"Volunteers who watch and report terrorist propaganda online"`
}

// OrgReviewRequest is an administrator's decision on an organisation.
type OrgReviewRequest struct {
	Decision string `json:"decision" example:"verify" enums:"verify,refuse"`
	Note     string `json:"note" example:"Registered association, checked with the prefecture"`
}

// InvitationRequest invites someone to an organisation: by e-mail address
// or by account id (one of the two).
type InvitationRequest struct {
	Email  string `json:"email,omitempty" example:"bob@example.org"`
	UserID int64  `json:"user_id,omitempty" example:"0"`
	Role   string `json:"role,omitempty" example:"member" enums:"member,owner"`
}

// InvitationResponse is an invitation; token and accept_path are given
// once, when it is created.
type InvitationResponse struct {
	ID         int64     `json:"id" example:"3"`
	Email      string    `json:"email,omitempty" example:"bob@example.org"`
	UserID     *int64    `json:"user_id,omitempty"`
	Role       string    `json:"role" example:"member"`
	ExpiresAt  time.Time `json:"expires_at"`
	Token      string    `json:"token,omitempty" example:"q7Zs…"`
	AcceptPath string    `json:"accept_path,omitempty" example:"/invitations/q7Zs…"`
}

// MemberResponse is a member of an organisation.
type MemberResponse struct {
	UserID   int64     `json:"user_id" example:"9"`
	Name     string    `json:"name" example:"Bob"`
	Email    string    `json:"email" example:"bob@example.org"`
	Role     string    `json:"role" example:"owner" enums:"owner,member"`
	JoinedAt time.Time `json:"joined_at"`
}

// OrgPluginRef is a plugin an organisation publishes.
type OrgPluginRef struct {
	Slug       string `json:"slug" example:"veille-termes"`
	Name       string `json:"name" example:"Veille termes"`
	Summary    string `json:"summary" example:"Detection term lists"`
	Status     string `json:"status" example:"published"`
	Restricted bool   `json:"restricted" example:"true"`
}

// OrganizationResponse is an organisation. role is the caller's place in
// it; members are shown to its members and administrators, invitations
// (pending) to its owners and administrators.
type OrganizationResponse struct {
	Slug        string               `json:"slug" example:"reseau-veille"`
	Name        string               `json:"name" example:"Réseau Veille"`
	Kind        string               `json:"kind" example:"ngo"`
	Website     string               `json:"website" example:"https://veille.example.org"`
	Description string               `json:"description"`
	Status      string               `json:"status" example:"verified" enums:"pending,verified,refused"`
	Verified    bool                 `json:"verified" example:"true"`
	ReviewNote  string               `json:"review_note,omitempty"`
	ReviewedAt  *time.Time           `json:"reviewed_at,omitempty"`
	CreatedAt   time.Time            `json:"created_at"`
	Role        string               `json:"role,omitempty" example:"owner"`
	Members     []MemberResponse     `json:"members,omitempty"`
	Invitations []InvitationResponse `json:"invitations,omitempty"`
	Plugins     []OrgPluginRef       `json:"plugins,omitempty"`
}

// TransferRequest names the organisation a plugin is placed under.
type TransferRequest struct {
	Organization string `json:"organization" example:"reseau-veille"`
}

func organizationResponse(o store.Organization) OrganizationResponse {
	r := OrganizationResponse{Slug: o.Slug, Name: o.Name, Kind: o.Kind, Website: o.Website, Description: o.Description,
		Status: o.Status, Verified: o.Status == store.OrgVerified, ReviewNote: o.ReviewNote, CreatedAt: utc(o.CreatedAt)}
	if o.ReviewedAt != nil {
		t := utc(*o.ReviewedAt)
		r.ReviewedAt = &t
	}
	return r
}

func orgViewResponse(v registry.OrgView) OrganizationResponse {
	r := organizationResponse(v.Organization)
	r.Role = v.Role
	for _, m := range v.Members {
		r.Members = append(r.Members, MemberResponse{UserID: m.UserID, Name: m.Name, Email: m.Email, Role: m.Role, JoinedAt: utc(m.JoinedAt)})
	}
	for _, i := range v.Invitations {
		r.Invitations = append(r.Invitations, invitationResponse(i, ""))
	}
	for _, p := range v.Plugins {
		r.Plugins = append(r.Plugins, OrgPluginRef{Slug: p.Slug, Name: p.Name, Summary: p.Summary, Status: p.Status,
			Restricted: p.Access == plugins.AccessVetted})
	}
	return r
}

func invitationResponse(i store.OrgInvitation, token string) InvitationResponse {
	r := InvitationResponse{ID: i.ID, Email: i.Email, UserID: i.UserID, Role: i.Role, ExpiresAt: utc(i.ExpiresAt), Token: token}
	if token != "" {
		r.AcceptPath = "/invitations/" + token
	}
	return r
}

// handleOrganizationApply records an application for an organisation.
//
//	@Summary		Apply for an organisation
//	@Description	Records an organisation (NGO, public body, newsroom, research team or platform) as pending, with the caller as its first owner, until an administrator verifies or refuses it. Members of a verified organisation are vetted: they read plugins with access: vetted. Recorded in the audit log (organization.apply).
//	@Tags			organizations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		OrganizationRequest	true	"The organisation"
//	@Success		201		{object}	OrganizationResponse
//	@Header			201		{string}	Location	"The organisation's URL"
//	@Failure		400		{object}	Problem		"Malformed JSON"
//	@Failure		401		{object}	Problem		"Not signed in"
//	@Failure		409		{object}	Problem		"An organisation with this name or address exists"
//	@Failure		422		{object}	Problem		"Invalid fields, each named"
//	@Router			/api/v1/organizations [post]
func handleOrganizationApply(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req OrganizationRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		o, err := svc.Apply(c.Request.Context(), caller(c), registry.OrgApplication(req))
		if err != nil {
			return err
		}
		r := organizationResponse(o)
		r.Role = store.OrgOwner
		c.Header("Location", "/api/v1/organizations/"+o.Slug)
		c.JSON(http.StatusCreated, r)
		return nil
	}
}

// handleOrganizationList lists the organisations the caller may see.
//
//	@Summary		List organisations
//	@Description	Verified organisations, for anyone; pending and refused ones too for their members and administrators. Pending ones come first, oldest first (the verification queue), then by name.
//	@Tags			organizations
//	@Produce		json
//	@Param			status	query		string	false	"Only this status"	Enums(pending, verified, refused)
//	@Param			mine	query		bool	false	"Only those you belong to (signed in)"
//	@Param			limit	query		int		false	"Page size (1–100)"	default(20)
//	@Param			offset	query		int		false	"Items to skip"		default(0)
//	@Success		200		{object}	List[OrganizationResponse]
//	@Failure		400		{object}	Problem	"Invalid filter or pagination"
//	@Failure		401		{object}	Problem	"mine=true without signing in, or invalid credentials"
//	@Router			/api/v1/organizations [get]
func handleOrganizationList(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		p, err := page(c)
		if err != nil {
			return err
		}
		mine, err := strconv.ParseBool(c.DefaultQuery("mine", "false"))
		if err != nil {
			return refuse(httperr.ErrMalformed, "invalid filter", FieldError{Field: "mine", Message: "must be true or false"})
		}
		if mine && caller(c).ID == 0 {
			return auth.ErrUnauthenticated
		}
		status := c.Query("status")
		if status != "" && status != store.OrgPending && status != store.OrgVerified && status != store.OrgRefused {
			return refuse(httperr.ErrMalformed, "invalid filter", FieldError{Field: "status", Message: "must be pending, verified or refused"})
		}
		list, total, err := svc.Organizations(c.Request.Context(), caller(c), registry.OrgListFilter{Status: status, Mine: mine}, p)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, mapList(list, total, p, organizationResponse))
		return nil
	}
}

// handleOrganizationGet returns an organisation with its plugins.
//
//	@Summary		Get an organisation
//	@Description	An organisation with its plugins (published ones; drafts too for its members). A pending or refused organisation is visible only to its members and administrators (404 for anyone else).
//	@Tags			organizations
//	@Produce		json
//	@Param			slug	path		string	true	"Organisation slug"
//	@Success		200		{object}	OrganizationResponse
//	@Failure		404		{object}	Problem	"No such organisation, or not visible to you"
//	@Router			/api/v1/organizations/{slug} [get]
func handleOrganizationGet(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		v, err := svc.Organization(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, orgViewResponse(v))
		return nil
	}
}

// handleOrganizationReview verifies or refuses an organisation.
//
//	@Summary		Verify or refuse an organisation
//	@Description	Administrators only. verify makes its members vetted and its plugins show a verified publisher (and rank higher in search); refuse withdraws both. Recorded in the audit log (organization.verify, organization.refuse).
//	@Tags			organizations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string				true	"Organisation slug"
//	@Param			body	body		OrgReviewRequest	true	"The decision"
//	@Success		200		{object}	OrganizationResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an administrator"
//	@Failure		404		{object}	Problem	"No such organisation"
//	@Failure		409		{object}	Problem	"Already in that state"
//	@Failure		422		{object}	Problem	"Unknown decision, or a note over 1000 characters"
//	@Router			/api/v1/organizations/{slug}/review [post]
func handleOrganizationReview(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req OrgReviewRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		o, err := svc.Review(c.Request.Context(), caller(c), c.Param("slug"), req.Decision, req.Note)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, organizationResponse(o))
		return nil
	}
}

// handleInvitationCreate invites someone to an organisation.
//
//	@Summary		Invite a member
//	@Description	Owners of the organisation (and administrators) invite an account by e-mail address or by id. A message with the link is sent to the address invited, or to the address of the account invited, in the same transaction (with RIPOSTE_SMTP_URL; without, it is only logged). The answer also carries the invitation's token and the path of the page where it is accepted, shown this once, to pass on. It can be used once, within 14 days, by the account it names. An organisation has at most 50 pending invitations. Recorded in the audit log (organization.invite).
//	@Tags			organizations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string				true	"Organisation slug"
//	@Param			body	body		InvitationRequest	true	"Who"
//	@Success		201		{object}	InvitationResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an owner of the organisation"
//	@Failure		404		{object}	Problem	"No such organisation, or not visible to you"
//	@Failure		409		{object}	Problem	"The organisation already has 50 pending invitations"
//	@Failure		422		{object}	Problem	"Neither or both of email and user_id, an invalid address, an unknown account or role"
//	@Router			/api/v1/organizations/{slug}/invitations [post]
func handleInvitationCreate(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req InvitationRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		inv, token, err := svc.Invite(c.Request.Context(), caller(c), c.Param("slug"), registry.Invitee(req))
		if err != nil {
			return err
		}
		c.JSON(http.StatusCreated, invitationResponse(inv, token))
		return nil
	}
}

// handleInvitationAccept joins the organisation an invitation is for.
//
//	@Summary		Accept an invitation
//	@Description	Makes the caller a member (or owner) of the organisation, if the invitation names their e-mail address or account. Recorded in the audit log (organization.join).
//	@Tags			organizations
//	@Produce		json
//	@Security		BearerAuth
//	@Param			token	path		string	true	"The invitation's token"
//	@Success		200		{object}	OrganizationResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"The invitation is for another account"
//	@Failure		404		{object}	Problem	"Unknown or expired invitation"
//	@Failure		409		{object}	Problem	"Invitation already used"
//	@Router			/api/v1/organizations/invitations/{token}/accept [post]
func handleInvitationAccept(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		ctx, u := c.Request.Context(), caller(c)
		o, err := svc.Accept(ctx, u, c.Param("token"))
		if err != nil {
			return err
		}
		v, err := svc.Organization(ctx, u, o.Slug)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, orgViewResponse(v))
		return nil
	}
}

// handleMemberRemove removes a member, or lets a member leave.
//
//	@Summary		Remove a member or leave
//	@Description	An owner removes any member; a member removes themself (leaves). The last owner cannot leave. Recorded in the audit log (organization.leave, organization.remove_member).
//	@Tags			organizations
//	@Security		BearerAuth
//	@Param			slug	path	string	true	"Organisation slug"
//	@Param			user_id	path	int		true	"The member's account id"
//	@Success		204
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Not an owner, removing someone else"
//	@Failure		404	{object}	Problem	"No such organisation or member"
//	@Failure		409	{object}	Problem	"The last owner cannot leave"
//	@Router			/api/v1/organizations/{slug}/members/{user_id} [delete]
func handleMemberRemove(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "user_id")
		if err != nil {
			return err
		}
		if err := svc.RemoveMember(c.Request.Context(), caller(c), c.Param("slug"), id); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

// handlePluginTransfer places a plugin under an organisation.
//
//	@Summary		Place a plugin under an organisation
//	@Description	The plugin's owner, who must also own the organisation, places it under the organisation: its members then edit it as collaborators do, and once the organisation is verified the plugin shows a verified publisher. Recorded in the audit log (plugin.transfer).
//	@Tags			organizations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string			true	"Plugin slug"
//	@Param			body	body		TransferRequest	true	"The organisation"
//	@Success		200		{object}	PluginResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not the plugin's owner, or not an owner of the organisation"
//	@Failure		404		{object}	Problem	"No such plugin, or not visible to you"
//	@Failure		409		{object}	Problem	"The organisation was refused"
//	@Failure		422		{object}	Problem	"No such organisation among yours"
//	@Router			/api/v1/plugins/{slug}/organization [put]
func handlePluginTransfer(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req TransferRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		p, err := svc.Transfer(c.Request.Context(), caller(c), c.Param("slug"), req.Organization)
		if err != nil {
			return err
		}
		return writePlugin(c, http.StatusOK, pluginResponse(p))
	}
}
