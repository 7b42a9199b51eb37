package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Plugin statuses.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusRemoved   = "removed"
)

// Plugin is a registered tool. Its displayed metadata (Name, Summary,
// Runtime, Manifest) is that of LatestVersion, the latest non-yanked
// version; both are empty when every version is yanked.
type Plugin struct {
	ID            int64
	Slug          string
	OwnerID       int64
	OwnerName     string
	Status        string
	Revision      int64 // grows with every change; the ETag is built on it
	LatestVersion *string
	Manifest      []byte
	Runtime       string
	Name          string
	Summary       string
	RemovedReason *string
	RemovedAt     *time.Time
	PublishedAt   *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Hackathons    []string   // hackathons whose published results include it
	Badges        []string   // "accepted", "awarded"
	Access        string     // "public" or "vetted", from the latest manifest
	Publisher     *Publisher // the organisation the plugin belongs to, if any
}

// PluginVersion is one immutable version of a plugin.
type PluginVersion struct {
	ID        int64
	PluginID  int64
	Version   string
	Manifest  []byte
	SHA256    string
	Yanked    bool
	YankedAt  *time.Time
	CreatedBy int64
	CreatedAt time.Time
	// ModuleSHA256 is the WebAssembly module a wasm version runs, pinned
	// (see PinModule); empty for other runtimes.
	ModuleSHA256 string
}

// NewPluginVersion is a version to store. Key is the version without
// build metadata; a plugin never has two versions with the same key.
type NewPluginVersion struct {
	Version   string
	Key       string
	Manifest  []byte
	SHA256    string
	CreatedBy int64
}

// Latest is what a plugin displays: its latest non-yanked version and what
// that version's manifest says. A nil Version means none is left.
type Latest struct {
	Version    *string
	Manifest   []byte
	Runtime    string
	Name       string
	Summary    string
	Categories []string
	Languages  []string
	Tags       []string
	License    string
	Access     string // "public" or "vetted"; empty is public
}

// facets lists the filterable values the latest version gives a plugin.
func (l Latest) facets() map[string][]string {
	if l.Version == nil {
		return nil
	}
	return map[string][]string{
		"category": l.Categories, "language": l.Languages, "tag": l.Tags,
		"license": {l.License}, "runtime": {l.Runtime},
	}
}

// PluginFilter selects plugins for a viewer. By default a list holds the
// published plugins that have a live version, and the viewer's own drafts.
type PluginFilter struct {
	ViewerID  int64  // 0 for an anonymous viewer
	Organizer bool   // the viewer sees every plugin
	Mine      bool   // only plugins the viewer owns or collaborates on
	Status    string // only this status (among those the viewer may see)
	Category  string
	// After, when set, starts the list after this plugin of the order
	// (keyset pagination): the page's Offset is ignored and the list is
	// not counted.
	After *PluginCursor
}

// PluginCursor is a place in the plugin list: the last plugin seen, by
// the list's order (updated_at, then id, both descending).
type PluginCursor struct {
	UpdatedAt time.Time
	ID        int64
}

const pluginColumns = `p.id, p.slug, p.owner_id, u.name, p.status, p.revision, p.latest_version, p.manifest, p.runtime,
	p.name, p.summary, p.removed_reason, p.removed_at, p.published_at, p.created_at, p.updated_at, p.hackathons, p.badges,
	p.access, o.id, o.slug, o.name, o.status`

const pluginFrom = ` FROM plugins p JOIN users u ON u.id = p.owner_id
	LEFT JOIN plugin_organizations po ON po.plugin_id = p.id LEFT JOIN organizations o ON o.id = po.organization_id `

func scanPlugin(row interface{ Scan(...any) error }) (Plugin, error) {
	var (
		p                  Plugin
		manifest           *string
		hackathons, badges string
		org                publisherColumns
	)
	err := row.Scan(&p.ID, &p.Slug, &p.OwnerID, &p.OwnerName, &p.Status, &p.Revision, &p.LatestVersion, &manifest, &p.Runtime,
		&p.Name, &p.Summary, &p.RemovedReason, &p.RemovedAt, &p.PublishedAt, &p.CreatedAt, &p.UpdatedAt, &hackathons, &badges,
		&p.Access, &org.id, &org.slug, &org.name, &org.status)
	if manifest != nil {
		p.Manifest = []byte(*manifest)
	}
	p.Publisher = org.publisher()
	p.Hackathons, p.Badges = strings.Fields(hackathons), strings.Fields(badges)
	return p, err
}

// InsertPlugin registers a new draft plugin and returns its id. A slug
// already taken, now or ever, is ErrConflict.
func (q queries) InsertPlugin(ctx context.Context, slug string, ownerID int64) (int64, error) {
	var id int64
	t := now()
	err := q.w.QueryRowContext(ctx, `INSERT INTO plugins (slug, owner_id, status, created_at, updated_at)
		VALUES ($1, $2, 'draft', $3, $3) RETURNING id`, slug, ownerID, t).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("plugin %q: %w", slug, mapError(err))
	}
	return id, nil
}

// PluginBySlug returns a plugin, or ErrNotFound.
func (q queries) PluginBySlug(ctx context.Context, slug string) (Plugin, error) {
	p, err := scanPlugin(q.r.QueryRowContext(ctx, pluginBySlugSQL, slug))
	if err != nil {
		return Plugin{}, fmt.Errorf("plugin %q: %w", slug, mapError(err))
	}
	return p, nil
}

// LockPlugin returns a plugin and, inside a transaction on PostgreSQL,
// locks its row until the transaction ends, so that changes to one plugin
// happen one after the other.
func (q queries) LockPlugin(ctx context.Context, slug string) (Plugin, error) {
	p, err := scanPlugin(q.w.QueryRowContext(ctx, `SELECT `+pluginColumns+pluginFrom+`WHERE p.slug = $1`+q.forUpdateOf("p"), slug))
	if err != nil {
		return Plugin{}, fmt.Errorf("plugin %q: %w", slug, mapError(err))
	}
	return p, nil
}

func (q queries) forUpdateOf(table string) string {
	if q.dialect == Postgres {
		return " FOR UPDATE OF " + table
	}
	return ""
}

// InsertVersion stores a new version. A version whose key the plugin
// already has, yanked or not, is ErrConflict.
func (q queries) InsertVersion(ctx context.Context, pluginID int64, n NewPluginVersion) (PluginVersion, error) {
	v, err := scanVersion(q.w.QueryRowContext(ctx, `INSERT INTO plugin_versions
			(plugin_id, version, version_key, manifest, sha256, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+versionColumns,
		pluginID, n.Version, n.Key, string(n.Manifest), n.SHA256, n.CreatedBy, now()))
	if err != nil {
		return PluginVersion{}, fmt.Errorf("version %s: %w", n.Version, mapError(err))
	}
	return v, nil
}

const versionColumns = `id, plugin_id, version, manifest, sha256, yanked, yanked_at, created_by, created_at,
	COALESCE((SELECT module_sha256 FROM plugin_version_modules WHERE version_id = plugin_versions.id), '')`

func scanVersion(row interface{ Scan(...any) error }) (PluginVersion, error) {
	var (
		v        PluginVersion
		manifest string
	)
	err := row.Scan(&v.ID, &v.PluginID, &v.Version, &manifest, &v.SHA256, &v.Yanked, &v.YankedAt, &v.CreatedBy, &v.CreatedAt, &v.ModuleSHA256)
	v.Manifest = []byte(manifest)
	return v, err
}

// Version returns one version of a plugin, by its exact string or by its
// key (the version without build metadata), or ErrNotFound.
func (q queries) Version(ctx context.Context, pluginID int64, version string) (PluginVersion, error) {
	v, err := scanVersion(q.r.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM plugin_versions
		WHERE plugin_id = $1 AND (version = $2 OR version_key = $2) ORDER BY version = $2 DESC LIMIT 1`, pluginID, version))
	if err != nil {
		return PluginVersion{}, fmt.Errorf("version %q: %w", version, mapError(err))
	}
	return v, nil
}

// Versions returns every version of a plugin, oldest first.
func (q queries) Versions(ctx context.Context, pluginID int64) ([]PluginVersion, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+versionColumns+` FROM plugin_versions WHERE plugin_id = $1 ORDER BY id`, pluginID)
	if err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	list, err := collect(rows, scanVersion)
	if err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	return list, nil
}

// YankVersion marks a version yanked, and counts a change of its plugin.
// It is ErrNotFound when the version does not exist or is already yanked.
func (q queries) YankVersion(ctx context.Context, versionID int64) (PluginVersion, error) {
	v, err := scanVersion(q.w.QueryRowContext(ctx, `UPDATE plugin_versions SET yanked = TRUE, yanked_at = $2
		WHERE id = $1 AND NOT yanked RETURNING `+versionColumns, versionID, now()))
	if err != nil {
		return PluginVersion{}, fmt.Errorf("yank: %w", mapError(err))
	}
	if _, err := q.w.ExecContext(ctx, `UPDATE plugins SET revision = revision + 1 WHERE id = $1`, v.PluginID); err != nil {
		return PluginVersion{}, fmt.Errorf("yank: %w", err)
	}
	return v, nil
}

// RevisionSum returns a number that changes whenever any plugin changes:
// a counter that every new plugin and every raise of a plugin's revision
// moves (migration 00029), read in one row, whatever the number of
// plugins.
func (s *Store) RevisionSum(ctx context.Context) (int64, error) {
	var sum int64
	if err := s.r.QueryRowContext(ctx, `SELECT n FROM plugin_changes WHERE id = 1`).Scan(&sum); err != nil {
		return 0, fmt.Errorf("revision sum: %w", err)
	}
	return sum, nil
}

// revisionsChunk is how many plugins PluginRevisions reads per query;
// shorter lists are padded, so that one statement serves them all.
const revisionsChunk = 64

// PluginRevisions returns the current revision of each of the plugins
// ids that exists, by id, in a query per 64 plugins.
func (s *Store) PluginRevisions(ctx context.Context, ids []int64) (map[int64]int64, error) {
	var in strings.Builder
	for i := range revisionsChunk {
		if i > 0 {
			in.WriteString(", ")
		}
		in.WriteString("$" + strconv.Itoa(i+1))
	}
	query := `SELECT id, revision FROM plugins WHERE id IN (` + in.String() + `)`
	out := make(map[int64]int64, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), revisionsChunk)]
		ids = ids[len(chunk):]
		args := make([]any, revisionsChunk)
		for i := range args {
			args[i] = chunk[min(i, len(chunk)-1)]
		}
		rows, err := s.r.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, fmt.Errorf("plugin revisions: %w", err)
		}
		for rows.Next() {
			var id, rev int64
			if err := rows.Scan(&id, &rev); err != nil {
				rows.Close()
				return nil, fmt.Errorf("plugin revisions: %w", err)
			}
			out[id] = rev
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("plugin revisions: %w", err)
		}
	}
	return out, nil
}

// SetLatest records what a plugin now displays, counts a change, and
// queues the plugin for the search index, in the caller's transaction.
func (tx *Tx) SetLatest(ctx context.Context, pluginID int64, l Latest) error {
	var manifest *string
	if l.Manifest != nil {
		s := string(l.Manifest)
		manifest = &s
	}
	var slug string
	access := l.Access
	if access == "" {
		access = "public"
	}
	err := tx.w.QueryRowContext(ctx, `UPDATE plugins SET latest_version = $2, manifest = $3, runtime = $4, name = $5,
			summary = $6, revision = revision + 1, updated_at = $7, access = $8 WHERE id = $1 RETURNING slug`,
		pluginID, l.Version, manifest, l.Runtime, l.Name, l.Summary, now(), access).Scan(&slug)
	if err != nil {
		return fmt.Errorf("set latest: %w", mapError(err))
	}
	if _, err := tx.w.ExecContext(ctx, `DELETE FROM plugin_facets WHERE plugin_id = $1 AND field IN ('category', 'language', 'tag', 'license', 'runtime')`, pluginID); err != nil {
		return fmt.Errorf("set latest: %w", err)
	}
	for field, values := range l.facets() {
		if err := tx.addFacets(ctx, pluginID, field, values); err != nil {
			return err
		}
	}
	return tx.enqueueIndex(ctx, slug)
}

func (tx *Tx) addFacets(ctx context.Context, pluginID int64, field string, values []string) error {
	for _, v := range values {
		if _, err := tx.w.ExecContext(ctx, `INSERT INTO plugin_facets (plugin_id, field, value) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, pluginID, field, v); err != nil {
			return fmt.Errorf("facet %s=%s: %w", field, v, mapError(err))
		}
	}
	return nil
}

// PublishPlugin turns a draft into a published plugin and queues it for
// the search index.
func (tx *Tx) PublishPlugin(ctx context.Context, pluginID int64) error {
	var slug string
	t := now()
	err := tx.w.QueryRowContext(ctx, `UPDATE plugins SET status = 'published', published_at = $2, revision = revision + 1,
		updated_at = $2 WHERE id = $1 RETURNING slug`, pluginID, t).Scan(&slug)
	if err != nil {
		return fmt.Errorf("publish: %w", mapError(err))
	}
	return tx.enqueueIndex(ctx, slug)
}

// RemovePlugin withdraws or takes down a plugin, recording who and why, and
// queues it for removal from the search index.
func (tx *Tx) RemovePlugin(ctx context.Context, pluginID, by int64, reason string) error {
	var slug string
	t := now()
	err := tx.w.QueryRowContext(ctx, `UPDATE plugins SET status = 'removed', removed_reason = $3, removed_by = $2,
		removed_at = $4, revision = revision + 1, updated_at = $4 WHERE id = $1 RETURNING slug`, pluginID, by, reason, t).Scan(&slug)
	if err != nil {
		return fmt.Errorf("remove: %w", mapError(err))
	}
	return tx.enqueueIndex(ctx, slug)
}

// visibleTo is the condition under which a viewer ($2, organizer $3) may
// see plugin p; mineSQL, that the viewer owns it, collaborates on it,
// belongs to its organisation or to the team of one of its entries: all
// who may edit it.
const (
	mineSQL = `(p.owner_id = $2 OR EXISTS (SELECT 1 FROM plugin_collaborators c WHERE c.plugin_id = p.id AND c.user_id = $2)
		OR EXISTS (SELECT 1 FROM plugin_organizations mo JOIN organization_members mm ON mm.organization_id = mo.organization_id
			WHERE mo.plugin_id = p.id AND mm.user_id = $2)
		OR EXISTS (SELECT 1 FROM submissions ts JOIN team_members tm ON tm.team_id = ts.team_id
			WHERE ts.plugin_id = p.id AND tm.user_id = $2))`
	visibleSQL = `(p.status = 'published' OR $3 OR ` + mineSQL + `)`
)

// listWhere selects, for viewer $2 (organizer $3), the plugins of status
// $1 ("" for the default list), mine only when $5, of category $4 ("" for
// any).
const listWhere = `WHERE ` + visibleSQL + `
	AND (($1 = '' AND ((p.status = 'published' AND p.latest_version IS NOT NULL) OR (p.status = 'draft' AND ` + mineSQL + `)))
		OR p.status = $1)
	AND (NOT $5 OR ` + mineSQL + `)
	AND ($4 = '' OR EXISTS (SELECT 1 FROM plugin_facets pc WHERE pc.plugin_id = p.id AND pc.field = 'category' AND pc.value = $4))`

// ListPlugins returns one page of the plugins a viewer may list, most
// recently changed first, and how many there are. With f.After, the page
// starts after that plugin and the total is not counted (-1): a walk
// through the list by cursor counts once, on its first page.
//
// The order is that of the index plugins_updated_id, read backwards: a
// page reads its rows (and, by offset, those it skips) and stops.
func (q queries) ListPlugins(ctx context.Context, f PluginFilter, p Page) ([]Plugin, int, error) {
	where, args := listCondition(f)
	total := -1
	if f.After == nil {
		if err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM plugins p `+where, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("list plugins: %w", err)
		}
	}
	n := len(args)
	window := fmt.Sprintf(` LIMIT $%d OFFSET $%d`, n+1, n+2)
	if f.After != nil {
		// The first condition bounds the index range; the second breaks ties.
		where += fmt.Sprintf(` AND p.updated_at <= $%d AND (p.updated_at < $%d OR p.id < $%d)`, n+2, n+2, n+3)
		window = fmt.Sprintf(` LIMIT $%d`, n+1)
		args = append(args, p.Limit, f.After.UpdatedAt, f.After.ID)
	} else {
		args = append(args, p.Limit, p.Offset)
	}
	rows, err := q.r.QueryContext(ctx, `SELECT `+pluginColumns+pluginFrom+where+
		` ORDER BY p.updated_at DESC, p.id DESC`+window, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list plugins: %w", err)
	}
	list, err := collect(rows, scanPlugin)
	if err != nil {
		return nil, 0, fmt.Errorf("list plugins: %w", err)
	}
	return list, total, nil
}

// listedSQL is the condition of the partial index plugins_listed: the
// plugins an anonymous viewer's default list holds.
const listedSQL = `p.status = 'published' AND p.latest_version IS NOT NULL`

// listCondition is the WHERE clause selecting f's plugins, and its
// arguments. An anonymous viewer sees published plugins only, so its
// conditions name no account: the default list is then that of the
// partial index plugins_listed, counted from the index alone.
func listCondition(f PluginFilter) (string, []any) {
	if f.ViewerID != 0 || f.Organizer || f.Mine {
		return listWhere, []any{f.Status, f.ViewerID, f.Organizer, f.Category, f.Mine}
	}
	var (
		where string
		args  []any
	)
	switch f.Status {
	case "":
		where = `WHERE ` + listedSQL
	case StatusPublished:
		where = `WHERE p.status = 'published'`
	default:
		where = `WHERE FALSE` // drafts and removed plugins are not shown to anonymous viewers
	}
	if f.Category != "" {
		where += ` AND EXISTS (SELECT 1 FROM plugin_facets pc WHERE pc.plugin_id = p.id AND pc.field = 'category' AND pc.value = $1)`
		args = append(args, f.Category)
	}
	return where, args
}

// Collaborator is an account allowed to publish versions of a plugin.
type Collaborator struct {
	UserID  int64
	Name    string
	Email   string
	AddedAt time.Time
}

// AddCollaborator lets a user publish versions of a plugin. Adding one
// twice is ErrConflict.
func (q queries) AddCollaborator(ctx context.Context, pluginID, userID int64) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO plugin_collaborators (plugin_id, user_id, created_at) VALUES ($1, $2, $3)`,
		pluginID, userID, now())
	if err != nil {
		return fmt.Errorf("collaborator: %w", mapError(err))
	}
	return nil
}

// RemoveCollaborator takes a collaborator off a plugin, or is ErrNotFound.
func (q queries) RemoveCollaborator(ctx context.Context, pluginID, userID int64) error {
	res, err := q.w.ExecContext(ctx, `DELETE FROM plugin_collaborators WHERE plugin_id = $1 AND user_id = $2`, pluginID, userID)
	if err != nil {
		return fmt.Errorf("collaborator: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("collaborator %d: %w", userID, ErrNotFound)
	}
	return nil
}

// IsCollaborator reports whether a user collaborates on a plugin.
func (q queries) IsCollaborator(ctx context.Context, pluginID, userID int64) (bool, error) {
	var n int
	err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM plugin_collaborators WHERE plugin_id = $1 AND user_id = $2`,
		pluginID, userID).Scan(&n)
	return n > 0, err
}

// Collaborators lists a plugin's collaborators in the order they were added.
func (q queries) Collaborators(ctx context.Context, pluginID int64) ([]Collaborator, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT u.id, u.name, u.email, c.created_at FROM plugin_collaborators c
		JOIN users u ON u.id = c.user_id WHERE c.plugin_id = $1 ORDER BY c.created_at, u.id`, pluginID)
	if err != nil {
		return nil, fmt.Errorf("collaborators: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (Collaborator, error) {
		var c Collaborator
		return c, r.Scan(&c.UserID, &c.Name, &c.Email, &c.AddedAt)
	})
}

// SetPluginSecret stores a plugin's signing secret, replacing any other.
func (q queries) SetPluginSecret(ctx context.Context, pluginID int64, secret string) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO plugin_secrets (plugin_id, secret, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (plugin_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`, pluginID, secret, now())
	return mapError(err)
}

// PluginSecret returns a plugin's signing secret, or ErrNotFound when it
// has none yet.
func (q queries) PluginSecret(ctx context.Context, pluginID int64) (string, error) {
	var s string
	err := q.r.QueryRowContext(ctx, `SELECT secret FROM plugin_secrets WHERE plugin_id = $1`, pluginID).Scan(&s)
	if err != nil {
		return "", fmt.Errorf("plugin secret: %w", mapError(err))
	}
	return s, nil
}

// RecentPlugin returns when an owner created their nth most recent plugin
// (n from 1), provided it was after since; ok is false when they created
// fewer than n since then. Inside a transaction on PostgreSQL it first
// locks the owner's account row, so that the creations of one account are
// counted one after the other.
func (q queries) RecentPlugin(ctx context.Context, ownerID int64, since time.Time, n int) (at time.Time, ok bool, err error) {
	if q.dialect == Postgres {
		if _, err := q.w.ExecContext(ctx, `SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE`, ownerID); err != nil {
			return time.Time{}, false, fmt.Errorf("recent plugins: %w", err)
		}
	}
	err = q.w.QueryRowContext(ctx, `SELECT created_at FROM plugins WHERE owner_id = $1 AND created_at > $2
		ORDER BY created_at DESC LIMIT 1 OFFSET $3`, ownerID, since, n-1).Scan(&at)
	switch err = mapError(err); {
	case errors.Is(err, ErrNotFound):
		return time.Time{}, false, nil
	case err != nil:
		return time.Time{}, false, fmt.Errorf("recent plugins: %w", err)
	}
	return at, true, nil
}

// Runtime states of a plugin: its last invocation succeeded, or why it
// failed.
const (
	RuntimeOK          = "ok"
	RuntimeRefused     = "refused"     // the endpoint may not be called: a private address, a redirect…
	RuntimeTimeout     = "timeout"     // no answer within the plugin's timeout
	RuntimeMisbehaved  = "misbehaved"  // an answer that is not what the protocol or the output schema asks
	RuntimeUnavailable = "unavailable" // a compiled-in plugin this server does not have
)

// RuntimeStatus is what a plugin's runtime last did.
type RuntimeStatus struct {
	State  string
	Reason string // empty when State is RuntimeOK
	At     time.Time
}

// SetRuntimeStatus records what a plugin's runtime last did.
func (q queries) SetRuntimeStatus(ctx context.Context, pluginID int64, s RuntimeStatus) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO plugin_runtime_status (plugin_id, state, reason, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (plugin_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, at = excluded.at`,
		pluginID, s.State, s.Reason, s.At.UTC().Truncate(time.Microsecond))
	if err != nil {
		return fmt.Errorf("runtime status: %w", mapError(err))
	}
	return nil
}

// RuntimeStatus returns what a plugin's runtime last did, or ErrNotFound
// when nothing is recorded.
func (q queries) RuntimeStatus(ctx context.Context, pluginID int64) (RuntimeStatus, error) {
	var s RuntimeStatus
	err := q.r.QueryRowContext(ctx, `SELECT state, reason, at FROM plugin_runtime_status WHERE plugin_id = $1`, pluginID).
		Scan(&s.State, &s.Reason, &s.At)
	if err != nil {
		return RuntimeStatus{}, fmt.Errorf("runtime status: %w", mapError(err))
	}
	return s, nil
}

// PluginAward is an award a plugin received in an edition whose results
// are published: the badge "awarded", named.
type PluginAward struct {
	HackathonSlug string
	HackathonName string
	Award         string // the award, or "<prize> — <challenge>" for a challenge's prize
}

const pluginAwardsSQL = `SELECT h.slug, h.name, s.award FROM submissions s JOIN hackathons h ON h.id = s.hackathon_id
	WHERE s.plugin_id = $1 AND h.results_published_at IS NOT NULL AND s.status = 'accepted' AND s.award <> ''
	ORDER BY h.results_published_at, h.slug`

const pluginBySlugSQL = `SELECT ` + pluginColumns + pluginFrom + `WHERE p.slug = $1`

// PluginAwards lists the awards a plugin received in editions whose
// results are published, in the order they were published.
func (q queries) PluginAwards(ctx context.Context, pluginID int64) ([]PluginAward, error) {
	rows, err := q.r.QueryContext(ctx, pluginAwardsSQL, pluginID)
	if err != nil {
		return nil, fmt.Errorf("plugin awards: %w", err)
	}
	return collect(rows, func(r interface{ Scan(...any) error }) (PluginAward, error) {
		var a PluginAward
		return a, r.Scan(&a.HackathonSlug, &a.HackathonName, &a.Award)
	})
}
