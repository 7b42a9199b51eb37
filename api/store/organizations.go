package store

import (
	"context"
	"fmt"
	"time"
)

// Organisation statuses: applied for, then verified or refused by an
// administrator.
const (
	OrgPending  = "pending"
	OrgVerified = "verified"
	OrgRefused  = "refused"
)

// Organisation member roles: owners invite and remove members and may
// place their plugins under the organisation.
const (
	OrgOwner  = "owner"
	OrgMember = "member"
)

// Organization is a body that publishes tools: an NGO, a public body, a
// newsroom, a research team or a platform.
type Organization struct {
	ID          int64
	Slug        string
	Name        string
	Kind        string
	Website     string
	Description string
	Status      string
	ReviewNote  string
	ReviewedBy  *int64
	ReviewedAt  *time.Time
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NewOrganization is an application. NameKey is the name as compared for
// uniqueness (folded to lower case).
type NewOrganization struct {
	Slug, Name, NameKey, Kind, Website, Description string
	CreatedBy                                       int64
}

// Publisher is the organisation a plugin belongs to, as plugins show it.
type Publisher struct {
	ID       int64
	Slug     string
	Name     string
	Verified bool
}

// publisherColumns scans the organisation columns of a plugin row, NULL
// when it belongs to none.
type publisherColumns struct {
	id                 *int64
	slug, name, status *string
}

func (c publisherColumns) publisher() *Publisher {
	if c.id == nil || c.slug == nil || c.name == nil || c.status == nil {
		return nil
	}
	return &Publisher{ID: *c.id, Slug: *c.slug, Name: *c.name, Verified: *c.status == OrgVerified}
}

const orgColumns = `id, slug, name, kind, website, description, status, review_note, reviewed_by,
	reviewed_at, created_by, created_at, updated_at`

func scanOrganization(r interface{ Scan(...any) error }) (Organization, error) {
	var o Organization
	err := r.Scan(&o.ID, &o.Slug, &o.Name, &o.Kind, &o.Website, &o.Description, &o.Status, &o.ReviewNote, &o.ReviewedBy,
		&o.ReviewedAt, &o.CreatedBy, &o.CreatedAt, &o.UpdatedAt)
	return o, err
}

// InsertOrganization records a pending application. A slug or a name
// already taken is ErrConflict.
func (q queries) InsertOrganization(ctx context.Context, n NewOrganization) (Organization, error) {
	t := now()
	o, err := scanOrganization(q.w.QueryRowContext(ctx, `INSERT INTO organizations
			(slug, name, name_key, kind, website, description, status, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $8) RETURNING `+orgColumns,
		n.Slug, n.Name, n.NameKey, n.Kind, n.Website, n.Description, n.CreatedBy, t))
	if err != nil {
		return Organization{}, fmt.Errorf("organization %q: %w", n.Slug, mapError(err))
	}
	return o, nil
}

// OrganizationBySlug returns an organisation, or ErrNotFound.
func (q queries) OrganizationBySlug(ctx context.Context, slug string) (Organization, error) {
	o, err := scanOrganization(q.r.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations o WHERE o.slug = $1`, slug))
	if err != nil {
		return Organization{}, fmt.Errorf("organization %q: %w", slug, mapError(err))
	}
	return o, nil
}

// OrganizationByID returns an organisation, or ErrNotFound.
func (q queries) OrganizationByID(ctx context.Context, id int64) (Organization, error) {
	o, err := scanOrganization(q.r.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations o WHERE o.id = $1`, id))
	if err != nil {
		return Organization{}, fmt.Errorf("organization %d: %w", id, mapError(err))
	}
	return o, nil
}

// OrgFilter selects organisations for a viewer: the verified ones, those
// the viewer belongs to, and every one for an administrator.
type OrgFilter struct {
	ViewerID int64
	Admin    bool
	Status   string // only this status ("" for any the viewer may see)
	Mine     bool   // only those the viewer belongs to
}

const orgMemberSQL = `EXISTS (SELECT 1 FROM organization_members m WHERE m.organization_id = o.id AND m.user_id = $1)`

const orgListWhere = ` WHERE (o.status = 'verified' OR $2 OR ` + orgMemberSQL + `)
	AND ($3 = '' OR o.status = $3) AND (NOT $4 OR ` + orgMemberSQL + `)`

// ListOrganizations returns a page of the organisations a viewer may see,
// pending ones first (oldest first), then by name, and how many there are.
func (q queries) ListOrganizations(ctx context.Context, f OrgFilter, p Page) ([]Organization, int, error) {
	args := []any{f.ViewerID, f.Admin, f.Status, f.Mine}
	var total int
	if err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM organizations o`+orgListWhere, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list organizations: %w", err)
	}
	rows, err := q.r.QueryContext(ctx, `SELECT `+orgColumns+` FROM organizations o`+orgListWhere+`
		ORDER BY o.status = 'pending' DESC, CASE WHEN o.status = 'pending' THEN o.created_at END, o.name_key, o.id
		LIMIT $5 OFFSET $6`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list organizations: %w", err)
	}
	list, err := collect(rows, scanOrganization)
	if err != nil {
		return nil, 0, fmt.Errorf("list organizations: %w", err)
	}
	return list, total, nil
}

// ReviewOrganization records an administrator's decision (OrgVerified or
// OrgRefused) and queues the organisation's plugins for the search index,
// whose publisher badge and trust follow it.
func (tx *Tx) ReviewOrganization(ctx context.Context, orgID int64, status, note string, by int64) (Organization, error) {
	t := now()
	o, err := scanOrganization(tx.w.QueryRowContext(ctx, `UPDATE organizations SET status = $2, review_note = $3,
		reviewed_by = $4, reviewed_at = $5, updated_at = $5 WHERE id = $1 RETURNING `+orgColumns, orgID, status, note, by, t))
	if err != nil {
		return Organization{}, fmt.Errorf("review organization: %w", mapError(err))
	}
	return o, tx.reindexOrganization(ctx, orgID)
}

// reindexOrganization counts a change on every plugin of an organisation
// and queues them for the search index.
func (tx *Tx) reindexOrganization(ctx context.Context, orgID int64) error {
	rows, err := tx.w.QueryContext(ctx, `UPDATE plugins SET revision = revision + 1, updated_at = $2
		WHERE id IN (SELECT plugin_id FROM plugin_organizations WHERE organization_id = $1) RETURNING slug`, orgID, now())
	if err != nil {
		return fmt.Errorf("reindex organization: %w", err)
	}
	slugs, err := collect(rows, func(r interface{ Scan(...any) error }) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return fmt.Errorf("reindex organization: %w", err)
	}
	for _, s := range slugs {
		if err := tx.enqueueIndex(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// OrgMembership is an account's place in an organisation.
type OrgMembership struct {
	UserID   int64
	Name     string
	Email    string
	Role     string
	JoinedAt time.Time
}

// AddOrgMember makes an account a member (or an owner) of an
// organisation; an account already there keeps its place and the higher
// of the two roles.
func (q queries) AddOrgMember(ctx context.Context, orgID, userID int64, role string) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO organization_members (organization_id, user_id, role, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (organization_id, user_id) DO UPDATE
		SET role = CASE WHEN excluded.role = 'owner' THEN 'owner' ELSE organization_members.role END`, orgID, userID, role, now())
	if err != nil {
		return fmt.Errorf("organization member: %w", mapError(err))
	}
	return nil
}

// RemoveOrgMember takes an account out of an organisation, or is
// ErrNotFound.
func (q queries) RemoveOrgMember(ctx context.Context, orgID, userID int64) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM organization_members WHERE organization_id = $1 AND user_id = $2`, orgID, userID)
	if err != nil {
		return fmt.Errorf("organization member: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("member %d: %w", userID, ErrNotFound)
	}
	return nil
}

// OrgRole returns an account's role in an organisation, "" when it is not
// a member.
func (q queries) OrgRole(ctx context.Context, orgID, userID int64) (string, error) {
	var role string
	err := q.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(role), '') FROM organization_members
		WHERE organization_id = $1 AND user_id = $2`, orgID, userID).Scan(&role)
	if err != nil {
		return "", fmt.Errorf("organization role: %w", err)
	}
	return role, nil
}

// OrgMembers lists an organisation's members, owners first, then in the
// order they joined.
func (q queries) OrgMembers(ctx context.Context, orgID int64) ([]OrgMembership, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT u.id, u.name, u.email, m.role, m.created_at FROM organization_members m
		JOIN users u ON u.id = m.user_id WHERE m.organization_id = $1 ORDER BY m.role = 'owner' DESC, m.created_at, u.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("organization members: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (OrgMembership, error) {
		var m OrgMembership
		return m, r.Scan(&m.UserID, &m.Name, &m.Email, &m.Role, &m.JoinedAt)
	})
}

// IsVetted reports whether an account belongs to a verified organisation.
func (q queries) IsVetted(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM organization_members m JOIN organizations o ON o.id = m.organization_id
		WHERE m.user_id = $1 AND o.status = 'verified'`, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("vetted: %w", err)
	}
	return n > 0, nil
}

// IsAssignedToPlugin reports whether a judge is asked to review a plugin
// in any edition.
func (q queries) IsAssignedToPlugin(ctx context.Context, judgeID, pluginID int64) (bool, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM assignments WHERE judge_id = $1 AND plugin_id = $2`,
		judgeID, pluginID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("assigned: %w", err)
	}
	return n > 0, nil
}

// SetPluginOrganization places a plugin under an organisation, counts a
// change and queues it for the search index.
func (tx *Tx) SetPluginOrganization(ctx context.Context, pluginID, orgID int64) error {
	_, err := tx.w.ExecContext(ctx, `INSERT INTO plugin_organizations (plugin_id, organization_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (plugin_id) DO UPDATE SET organization_id = excluded.organization_id, created_at = excluded.created_at`,
		pluginID, orgID, now())
	if err != nil {
		return fmt.Errorf("plugin organization: %w", mapError(err))
	}
	var slug string
	err = tx.w.QueryRowContext(ctx, `UPDATE plugins SET revision = revision + 1, updated_at = $2 WHERE id = $1 RETURNING slug`,
		pluginID, now()).Scan(&slug)
	if err != nil {
		return fmt.Errorf("plugin organization: %w", mapError(err))
	}
	return tx.enqueueIndex(ctx, slug)
}

// OrgPlugins lists an organisation's plugins that are not removed,
// published first, then by name; drafts only when withDrafts.
func (q queries) OrgPlugins(ctx context.Context, orgID int64, withDrafts bool) ([]Plugin, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+pluginColumns+pluginFrom+`WHERE po.organization_id = $1
		AND (p.status = 'published' OR ($2 AND p.status = 'draft'))
		ORDER BY p.status = 'published' DESC, LOWER(p.name), p.id`, orgID, withDrafts)
	if err != nil {
		return nil, fmt.Errorf("organization plugins: %w", err)
	}
	return collect(rows, scanPlugin)
}

// IsOrgMemberOfPlugin reports whether an account belongs to the
// organisation a plugin belongs to.
func (q queries) IsOrgMemberOfPlugin(ctx context.Context, pluginID, userID int64) (bool, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM plugin_organizations po JOIN organization_members m
		ON m.organization_id = po.organization_id WHERE po.plugin_id = $1 AND m.user_id = $2`, pluginID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("organization member: %w", err)
	}
	return n > 0, nil
}

// OrgInvitation is an invitation to join an organisation, for one e-mail
// address or one account, used once.
type OrgInvitation struct {
	ID         int64
	OrgID      int64
	Email      string
	UserID     *int64
	Role       string
	InvitedBy  int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt *time.Time
}

const invitationColumns = `id, organization_id, email, user_id, role, invited_by, created_at, expires_at, accepted_at`

func scanInvitation(r interface{ Scan(...any) error }) (OrgInvitation, error) {
	var i OrgInvitation
	err := r.Scan(&i.ID, &i.OrgID, &i.Email, &i.UserID, &i.Role, &i.InvitedBy, &i.CreatedAt, &i.ExpiresAt, &i.AcceptedAt)
	return i, err
}

// InsertInvitation stores an invitation under the hash of its token.
func (q queries) InsertInvitation(ctx context.Context, tokenHash string, i OrgInvitation) (OrgInvitation, error) {
	out, err := scanInvitation(q.w.QueryRowContext(ctx, `INSERT INTO organization_invitations
			(organization_id, token_hash, email, user_id, role, invited_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+invitationColumns,
		i.OrgID, tokenHash, i.Email, i.UserID, i.Role, i.InvitedBy, now(), i.ExpiresAt.UTC()))
	if err != nil {
		return OrgInvitation{}, fmt.Errorf("invitation: %w", mapError(err))
	}
	return out, nil
}

// CountPendingInvitations counts an organisation's invitations neither
// accepted nor expired at at.
func (q queries) CountPendingInvitations(ctx context.Context, orgID int64, at time.Time) (int, error) {
	var n int
	err := q.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM organization_invitations
		WHERE organization_id = $1 AND accepted_at IS NULL AND expires_at > $2`, orgID, at.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("organisation invitations: %w", err)
	}
	return n, nil
}

// InvitationByHash returns an invitation by the hash of its token, or
// ErrNotFound.
func (q queries) InvitationByHash(ctx context.Context, tokenHash string) (OrgInvitation, error) {
	i, err := scanInvitation(q.w.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM organization_invitations
		WHERE token_hash = $1`, tokenHash))
	if err != nil {
		return OrgInvitation{}, fmt.Errorf("invitation: %w", mapError(err))
	}
	return i, nil
}

// MarkInvitationAccepted uses an invitation once: a second use is
// ErrConflict.
func (q queries) MarkInvitationAccepted(ctx context.Context, id, userID int64) error {
	res, err := q.w.ExecContext(ctx, `UPDATE organization_invitations SET accepted_at = $2, accepted_by = $3
		WHERE id = $1 AND accepted_at IS NULL`, id, now(), userID)
	if err != nil {
		return fmt.Errorf("invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: the invitation was already used", ErrConflict)
	}
	return nil
}

// PendingInvitations lists an organisation's invitations not yet used nor
// expired, newest first.
func (q queries) PendingInvitations(ctx context.Context, orgID int64, at time.Time) ([]OrgInvitation, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+invitationColumns+` FROM organization_invitations
		WHERE organization_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY id DESC`, orgID, at.UTC())
	if err != nil {
		return nil, fmt.Errorf("invitations: %w", err)
	}
	return collect(rows, scanInvitation)
}
