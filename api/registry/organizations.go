package registry

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
)

// OrgKinds lists the kinds of organisation that may apply.
func OrgKinds() []string { return []string{"ngo", "public_body", "newsroom", "research", "platform"} }

// Review decisions an administrator takes on an organisation.
const (
	DecisionVerify = "verify"
	DecisionRefuse = "refuse"
)

// InvitationTTL is how long an invitation to an organisation can be
// accepted.
const InvitationTTL = 14 * 24 * time.Hour

// MaxPendingInvitations is how many invitations an organisation may have
// neither accepted nor expired, so that invitations, each sent by e-mail,
// cannot be used to spam.
const MaxPendingInvitations = 50

// OrgApplication is what an account sends to apply for an organisation.
type OrgApplication struct {
	Name, Kind, Website, Description string
}

func (a OrgApplication) check() (slug string, err error) {
	var c valid.Checker
	if c.Length(a.Name, 2, 100, "name") {
		slug = plugins.SuggestSlug(a.Name)
		c.Check(slug != "", "name", "must contain at least three Latin letters or digits, from which its address is made")
	}
	c.Check(slices.Contains(OrgKinds(), a.Kind), "kind", "must be one of "+strings.Join(OrgKinds(), ", "))
	if c.Length(a.Website, 1, 2048, "website") {
		u, perr := url.Parse(a.Website)
		c.Check(perr == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "", "website",
			"must be an http(s) URL such as https://example.org")
	}
	c.Length(a.Description, 1, 2000, "description")
	return slug, c.Err()
}

// Apply records an application for an organisation, pending an
// administrator's review; the applicant is its first owner. Errors:
// valid.Errors naming the fields; store.ErrConflict when the name or the
// address derived from it is taken; auth.ErrUnverified for an account
// whose address is still to be verified (so too Accept).
func (s *Service) Apply(ctx context.Context, u auth.User, a OrgApplication) (store.Organization, error) {
	if err := u.CheckVerified(); err != nil {
		return store.Organization{}, err
	}
	a.Name, a.Website, a.Description = strings.TrimSpace(a.Name), strings.TrimSpace(a.Website), strings.TrimSpace(a.Description)
	slug, err := a.check()
	if err != nil {
		return store.Organization{}, err
	}
	var o store.Organization
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		o, err = tx.InsertOrganization(ctx, store.NewOrganization{Slug: slug, Name: a.Name, NameKey: strings.ToLower(a.Name),
			Kind: a.Kind, Website: a.Website, Description: a.Description, CreatedBy: u.ID})
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w: an organisation with this name (or the address %q) exists already", store.ErrConflict, slug)
		}
		if err != nil {
			return err
		}
		if err := tx.AddOrgMember(ctx, o.ID, u.ID, store.OrgOwner); err != nil {
			return err
		}
		return orgAudit(ctx, tx, u, "organization.apply", o.Slug, map[string]any{"name": o.Name, "kind": o.Kind})
	})
	return o, err
}

func orgAudit(ctx context.Context, tx *store.Tx, u auth.User, action, slug string, details map[string]any) error {
	return tx.AppendAudit(ctx, store.AuditEntry{ActorID: &u.ID, Action: action, TargetType: "organization", TargetID: slug, Details: details})
}

// Review verifies or refuses an organisation (administrators). A verified
// organisation's members are vetted and its plugins show a verified
// publisher; refusing a verified one withdraws both. Errors: valid.Errors
// for an unknown decision; store.ErrConflict when the organisation is
// already in that state.
func (s *Service) Review(ctx context.Context, u auth.User, slug, decision, note string) (store.Organization, error) {
	if !u.Is(auth.RoleAdmin) {
		return store.Organization{}, fmt.Errorf("only administrators review organisations: %w", auth.ErrForbidden)
	}
	var c valid.Checker
	c.Check(decision == DecisionVerify || decision == DecisionRefuse, "decision", "must be verify or refuse")
	c.Length(note, 0, 1000, "note")
	if err := c.Err(); err != nil {
		return store.Organization{}, err
	}
	status := map[string]string{DecisionVerify: store.OrgVerified, DecisionRefuse: store.OrgRefused}[decision]
	var o store.Organization
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.OrganizationBySlug(ctx, slug)
		if err != nil {
			return err
		}
		if cur.Status == status {
			return fmt.Errorf("%w: the organisation is already %s", store.ErrConflict, status)
		}
		if o, err = tx.ReviewOrganization(ctx, cur.ID, status, strings.TrimSpace(note), u.ID); err != nil {
			return err
		}
		return orgAudit(ctx, tx, u, "organization."+decision, o.Slug, map[string]any{"note": o.ReviewNote, "previous_status": cur.Status})
	})
	return o, err
}

// OrgView is an organisation as a caller sees it.
type OrgView struct {
	store.Organization
	Role        string                // the caller's role in it, "" when not a member
	Members     []store.OrgMembership // for its members and administrators only
	Invitations []store.OrgInvitation // pending, for its owners and administrators only
	Plugins     []store.Plugin        // published, and drafts for its members
}

// Organization returns an organisation the caller may see: a verified one,
// or one they belong to, or any for administrators; otherwise
// store.ErrNotFound.
func (s *Service) Organization(ctx context.Context, u auth.User, slug string) (OrgView, error) {
	o, role, err := s.visibleOrg(ctx, s.store, u, slug)
	if err != nil {
		return OrgView{}, err
	}
	v := OrgView{Organization: o, Role: role}
	inside := role != "" || u.Is(auth.RoleAdmin)
	if inside {
		if v.Members, err = s.store.OrgMembers(ctx, o.ID); err != nil {
			return OrgView{}, err
		}
	}
	if role == store.OrgOwner || u.Is(auth.RoleAdmin) {
		if v.Invitations, err = s.store.PendingInvitations(ctx, o.ID, time.Now()); err != nil {
			return OrgView{}, err
		}
	}
	v.Plugins, err = s.store.OrgPlugins(ctx, o.ID, inside)
	return v, err
}

// orgReader is what visibleOrg needs: a Store or a Tx.
type orgReader interface {
	OrganizationBySlug(ctx context.Context, slug string) (store.Organization, error)
	OrgRole(ctx context.Context, orgID, userID int64) (string, error)
}

func (s *Service) visibleOrg(ctx context.Context, q orgReader, u auth.User, slug string) (store.Organization, string, error) {
	o, err := q.OrganizationBySlug(ctx, slug)
	if err != nil {
		return o, "", err
	}
	role := ""
	if u.ID != 0 {
		if role, err = q.OrgRole(ctx, o.ID, u.ID); err != nil {
			return o, "", err
		}
	}
	if o.Status != store.OrgVerified && role == "" && !u.Is(auth.RoleAdmin) {
		return store.Organization{}, "", fmt.Errorf("organization %q: %w", slug, store.ErrNotFound)
	}
	return o, role, nil
}

// OrgListFilter narrows Organizations.
type OrgListFilter struct {
	Status string // pending, verified or refused; "" for any visible
	Mine   bool   // only those the caller belongs to
}

// Organizations returns a page of the organisations the caller may see:
// verified ones, their own, and every one for administrators, pending
// ones first.
func (s *Service) Organizations(ctx context.Context, u auth.User, f OrgListFilter, pg store.Page) ([]store.Organization, int, error) {
	var c valid.Checker
	c.Check(f.Status == "" || slices.Contains([]string{store.OrgPending, store.OrgVerified, store.OrgRefused}, f.Status),
		"status", "must be pending, verified or refused")
	c.Check(!f.Mine || u.ID != 0, "mine", "sign in to list your own organisations")
	if err := c.Err(); err != nil {
		return nil, 0, err
	}
	return s.store.ListOrganizations(ctx, store.OrgFilter{ViewerID: u.ID, Admin: u.Is(auth.RoleAdmin), Status: f.Status, Mine: f.Mine}, pg)
}

// Invitee names who an invitation is for: an e-mail address or an account.
type Invitee struct {
	Email  string
	UserID int64
	Role   string // member (the default) or owner
}

// Invite creates an invitation to an organisation (its owners and
// administrators) and returns it with its token, shown this once. A
// message with the link is queued, in the same transaction, to the
// address invited or to the address of the account invited. Errors:
// valid.Errors when neither or both of email and user id are given, or
// the account does not exist; auth.ErrForbidden for other members;
// store.ErrConflict past MaxPendingInvitations.
func (s *Service) Invite(ctx context.Context, u auth.User, slug string, in Invitee) (store.OrgInvitation, string, error) {
	in.Email, in.Role = auth.CanonicalEmail(in.Email), strings.TrimSpace(in.Role)
	if in.Role == "" {
		in.Role = store.OrgMember
	}
	var c valid.Checker
	c.Check((in.Email == "") != (in.UserID == 0), "email", "give either an e-mail address or a user_id")
	if in.Email != "" {
		c.Email(in.Email, "email")
	}
	c.Check(in.Role == store.OrgMember || in.Role == store.OrgOwner, "role", "must be member or owner")
	if err := c.Err(); err != nil {
		return store.OrgInvitation{}, "", err
	}
	token := auth.NewInvitationToken()
	var inv store.OrgInvitation
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		o, err := s.ownedOrg(ctx, tx, u, slug, "invite members")
		if err != nil {
			return err
		}
		i := store.OrgInvitation{OrgID: o.ID, Email: in.Email, Role: in.Role, InvitedBy: u.ID, ExpiresAt: time.Now().Add(InvitationTTL)}
		to := mail.Recipient{Email: in.Email, Language: u.Language}
		if in.UserID != 0 {
			acct, err := tx.UserByID(ctx, in.UserID)
			if errors.Is(err, store.ErrNotFound) {
				return valid.Errors{{Field: "user_id", Message: "no account has this id"}}
			} else if err != nil {
				return err
			}
			i.UserID = &in.UserID
			to = mail.Recipient{Email: acct.Email, Name: acct.Name, Language: acct.Language}
		} else if acct, err := tx.UserByEmail(ctx, in.Email); err == nil {
			to.Name, to.Language = acct.Name, acct.Language
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if n, err := tx.CountPendingInvitations(ctx, o.ID, time.Now()); err != nil {
			return err
		} else if n >= MaxPendingInvitations {
			return fmt.Errorf("%w: the organisation already has %d pending invitations; wait for them to be used or to expire",
				store.ErrConflict, n)
		}
		if inv, err = tx.InsertInvitation(ctx, auth.HashInvitation(token), i); err != nil {
			return err
		}
		if err := s.mailInvitation(ctx, tx, u, o, in.Role, to, token); err != nil {
			return err
		}
		return orgAudit(ctx, tx, u, "organization.invite", o.Slug, map[string]any{"email": in.Email, "user_id": in.UserID, "role": in.Role})
	})
	return inv, token, err
}

// InvitationPath is the page where an invitation to an organisation is
// accepted, followed by its token.
const InvitationPath = "/invitations/"

// mailInvitation queues, in the inviting transaction, the message of an
// invitation to the address it names or to the account it names, in that
// account's language (the inviter's for an address without one).
func (s *Service) mailInvitation(ctx context.Context, tx *store.Tx, by auth.User, o store.Organization, role string, to mail.Recipient, token string) error {
	if s.notify == nil {
		return nil
	}
	c := s.notify.Composer()
	data := map[string]string{"Organization": o.Name, "By": by.Name, "Link": c.Link(InvitationPath+token, nil)}
	if role == store.OrgOwner {
		data["Owner"] = "yes"
	}
	m, err := c.Compose(mail.KindOrgInvitation, to, data, "")
	if err != nil {
		return err
	}
	return tx.EnqueueMail(ctx, m)
}

// ownedOrg loads an organisation the caller owns, or any for
// administrators.
func (s *Service) ownedOrg(ctx context.Context, tx *store.Tx, u auth.User, slug, action string) (store.Organization, error) {
	o, role, err := s.visibleOrg(ctx, tx, u, slug)
	if err != nil {
		return o, err
	}
	if role != store.OrgOwner && !u.Is(auth.RoleAdmin) {
		return o, fmt.Errorf("only the organisation's owners can %s: %w", action, auth.ErrForbidden)
	}
	return o, nil
}

// Accept makes the caller a member of the organisation an invitation is
// for. An unknown or expired token is store.ErrNotFound; a used one
// store.ErrConflict; an invitation for another address or account
// auth.ErrForbidden.
func (s *Service) Accept(ctx context.Context, u auth.User, token string) (store.Organization, error) {
	if err := u.CheckVerified(); err != nil { // an invitation by address needs the address proven
		return store.Organization{}, err
	}
	var o store.Organization
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		inv, err := tx.InvitationByHash(ctx, auth.HashInvitation(token))
		switch {
		case err != nil:
			return err
		case inv.AcceptedAt != nil:
			return fmt.Errorf("%w: this invitation was already used", store.ErrConflict)
		case time.Now().After(inv.ExpiresAt):
			return fmt.Errorf("invitation expired: %w", store.ErrNotFound)
		case inv.Email != "" && inv.Email != auth.CanonicalEmail(u.Email), inv.UserID != nil && *inv.UserID != u.ID:
			return fmt.Errorf("this invitation is for another account: %w", auth.ErrForbidden)
		}
		if err := tx.MarkInvitationAccepted(ctx, inv.ID, u.ID); err != nil {
			return err
		}
		if err := tx.AddOrgMember(ctx, inv.OrgID, u.ID, inv.Role); err != nil {
			return err
		}
		if o, err = tx.OrganizationByID(ctx, inv.OrgID); err != nil {
			return err
		}
		return orgAudit(ctx, tx, u, "organization.join", o.Slug, map[string]any{"role": inv.Role, "invitation_id": inv.ID})
	})
	return o, err
}

// RemoveMember takes an account out of an organisation: an owner removes
// anyone, a member leaves. The last owner cannot leave (store.ErrConflict).
func (s *Service) RemoveMember(ctx context.Context, u auth.User, slug string, userID int64) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		o, role, err := s.visibleOrg(ctx, tx, u, slug)
		if err != nil {
			return err
		}
		self := userID == u.ID
		if !self && role != store.OrgOwner && !u.Is(auth.RoleAdmin) {
			return fmt.Errorf("only the organisation's owners can remove other members: %w", auth.ErrForbidden)
		}
		if err := s.keepAnOwner(ctx, tx, o.ID, userID); err != nil {
			return err
		}
		if err := tx.RemoveOrgMember(ctx, o.ID, userID); err != nil {
			return err
		}
		action := "organization.remove_member"
		if self {
			action = "organization.leave"
		}
		return orgAudit(ctx, tx, u, action, o.Slug, map[string]any{"user_id": userID})
	})
}

// keepAnOwner refuses to remove an organisation's last owner.
func (s *Service) keepAnOwner(ctx context.Context, tx *store.Tx, orgID, userID int64) error {
	members, err := tx.OrgMembers(ctx, orgID)
	if err != nil {
		return err
	}
	owners, leaving := 0, false
	for _, m := range members {
		if m.Role == store.OrgOwner {
			owners++
			leaving = leaving || m.UserID == userID
		}
	}
	if leaving && owners == 1 {
		return fmt.Errorf("%w: the organisation's last owner cannot leave; invite another owner first", store.ErrConflict)
	}
	return nil
}

// Transfer places the caller's plugin under an organisation they own;
// its members then edit it as collaborators, and a verified organisation
// shows as its verified publisher. Errors: auth.ErrForbidden unless the
// caller owns both; store.ErrConflict for a refused organisation.
func (s *Service) Transfer(ctx context.Context, u auth.User, slug, orgSlug string) (store.Plugin, error) {
	defer s.inv.forget(slug)
	var p store.Plugin
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = tx.LockPlugin(ctx, slug); err != nil {
			return err
		}
		if _, err := check(ctx, tx, p, u, owner, "place it under an organisation"); err != nil {
			return err
		}
		o, err := s.ownedOrg(ctx, tx, u, orgSlug, "place plugins under it")
		if errors.Is(err, store.ErrNotFound) {
			return valid.Errors{{Field: "organization", Message: "no such organisation among yours"}}
		} else if err != nil {
			return err
		}
		if o.Status == store.OrgRefused {
			return fmt.Errorf("%w: the organisation was refused; it cannot publish plugins", store.ErrConflict)
		}
		if err := tx.SetPluginOrganization(ctx, p.ID, o.ID); err != nil {
			return err
		}
		if err := audit(ctx, tx, u, "plugin.transfer", p.Slug, map[string]any{"organization": o.Slug}); err != nil {
			return err
		}
		p, err = tx.PluginBySlug(ctx, slug)
		return err
	})
	return p, err
}
