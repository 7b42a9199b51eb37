package store

import (
	"context"
	"fmt"
	"time"
)

// Report statuses: open until a moderator resolves it, appealed when the
// owner of a plugin taken down asks for a second look.
const (
	ReportOpen     = "open"
	ReportAppealed = "appealed"
	ReportResolved = "resolved"
)

// Report is an abuse report about a plugin. Contact is for moderators
// only; no address of the reporter is kept.
type Report struct {
	ID              int64
	PluginID        int64
	PluginSlug      string
	PluginName      string
	PluginOwnerID   int64
	Reason          string
	Details         string
	Contact         string
	Status          string
	CreatedAt       time.Time
	DueAt           time.Time
	FirstDueAt      time.Time
	FirstAction     *string
	FirstResolvedAt *time.Time
	FirstResolvedBy *int64
	Action          *string
	Note            string
	ResolvedAt      *time.Time
	ResolvedBy      *int64
	PreviousStatus  *string // set on the report whose takedown removed the plugin
	AppealMessage   *string
	AppealedAt      *time.Time
}

// NewReport is a report to store, with its clock already set.
type NewReport struct {
	PluginID  int64
	Reason    string
	Details   string
	Contact   string
	CreatedAt time.Time
	DueAt     time.Time
}

// Resolution is a moderator's decision on a report.
type Resolution struct {
	Action string // takedown or dismiss
	Note   string
	By     int64
	At     time.Time
	// PreviousStatus, when not empty, records that this resolution took
	// the plugin down from that status.
	PreviousStatus string
}

const reportColumns = `r.id, r.plugin_id, p.slug, p.name, p.owner_id, r.reason, r.details, r.contact, r.status,
	r.created_at, r.due_at, r.first_due_at, r.first_action, r.first_resolved_at, r.first_resolved_by,
	r.action, r.note, r.resolved_at, r.resolved_by, r.previous_status, r.appeal_message, r.appealed_at`

const reportFrom = ` FROM reports r JOIN plugins p ON p.id = r.plugin_id `

func scanReport(row interface{ Scan(...any) error }) (Report, error) {
	var r Report
	err := row.Scan(&r.ID, &r.PluginID, &r.PluginSlug, &r.PluginName, &r.PluginOwnerID, &r.Reason, &r.Details, &r.Contact,
		&r.Status, &r.CreatedAt, &r.DueAt, &r.FirstDueAt, &r.FirstAction, &r.FirstResolvedAt, &r.FirstResolvedBy,
		&r.Action, &r.Note, &r.ResolvedAt, &r.ResolvedBy, &r.PreviousStatus, &r.AppealMessage, &r.AppealedAt)
	return r, err
}

// InsertReport stores a new open report and returns it.
func (q queries) InsertReport(ctx context.Context, n NewReport) (Report, error) {
	var id int64
	err := q.w.QueryRowContext(ctx, `INSERT INTO reports (plugin_id, reason, details, contact, status, created_at, due_at, first_due_at)
		VALUES ($1, $2, $3, $4, 'open', $5, $6, $6) RETURNING id`,
		n.PluginID, n.Reason, n.Details, n.Contact, n.CreatedAt.UTC(), n.DueAt.UTC()).Scan(&id)
	if err != nil {
		return Report{}, fmt.Errorf("insert report: %w", mapError(err))
	}
	return q.reportByID(ctx, q.w, id, "")
}

// Report returns a report by id; ErrNotFound when there is none.
func (q queries) Report(ctx context.Context, id int64) (Report, error) {
	return q.reportByID(ctx, q.r, id, "")
}

// LockReport returns a report by id, locked until the transaction ends.
func (tx *Tx) LockReport(ctx context.Context, id int64) (Report, error) {
	return tx.reportByID(ctx, tx.w, id, tx.forUpdateOf("r"))
}

func (q queries) reportByID(ctx context.Context, db dbtx, id int64, lock string) (Report, error) {
	r, err := scanReport(db.QueryRowContext(ctx, `SELECT `+reportColumns+reportFrom+`WHERE r.id = $1`+lock, id))
	if err != nil {
		return Report{}, fmt.Errorf("report %d: %w", id, mapError(err))
	}
	return r, nil
}

// ListReports returns one page of reports of a status ("" for those
// awaiting a decision: open and appealed), soonest due first, and how many
// there are.
func (q queries) ListReports(ctx context.Context, status string, p Page) ([]Report, int, error) {
	const where = `WHERE (($1 = '' AND r.status IN ('open', 'appealed')) OR r.status = $1)`
	var total int
	if err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports r `+where, status).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list reports: %w", err)
	}
	rows, err := q.r.QueryContext(ctx, `SELECT `+reportColumns+reportFrom+where+
		` ORDER BY r.due_at, r.id LIMIT $2 OFFSET $3`, status, p.Limit, p.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list reports: %w", err)
	}
	list, err := collect(rows, scanReport)
	return list, total, err
}

// PluginReports returns every report about a plugin, newest first.
func (q queries) PluginReports(ctx context.Context, pluginID int64) ([]Report, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+reportColumns+reportFrom+`WHERE r.plugin_id = $1 ORDER BY r.id DESC`, pluginID)
	if err != nil {
		return nil, fmt.Errorf("plugin reports: %w", err)
	}
	return collect(rows, scanReport)
}

// AllReports returns every report, oldest first: the transparency report
// and the metrics are computed from them.
func (q queries) AllReports(ctx context.Context) ([]Report, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+reportColumns+reportFrom+`ORDER BY r.id`)
	if err != nil {
		return nil, fmt.Errorf("all reports: %w", err)
	}
	return collect(rows, scanReport)
}

// ResolveReport records a decision on a report awaiting one. The first
// decision on a report is also kept as its first.
func (tx *Tx) ResolveReport(ctx context.Context, id int64, d Resolution) error {
	var prev *string
	if d.PreviousStatus != "" {
		prev = &d.PreviousStatus
	}
	res, err := tx.w.ExecContext(ctx, `UPDATE reports SET status = 'resolved', action = $2, note = $3, resolved_by = $4,
		resolved_at = $5, first_action = COALESCE(first_action, $2), first_resolved_at = COALESCE(first_resolved_at, $5),
		first_resolved_by = COALESCE(first_resolved_by, $4), previous_status = COALESCE(previous_status, $6)
		WHERE id = $1 AND status IN ('open', 'appealed')`, id, d.Action, d.Note, d.By, d.At.UTC(), prev)
	return affectedOne(res, err, fmt.Sprintf("resolve report %d", id))
}

// AppealReport reopens a resolved report for a second decision, due at
// dueAt.
func (tx *Tx) AppealReport(ctx context.Context, id int64, message string, at, dueAt time.Time) error {
	res, err := tx.w.ExecContext(ctx, `UPDATE reports SET status = 'appealed', appeal_message = $2, appealed_at = $3,
		due_at = $4 WHERE id = $1 AND status = 'resolved' AND appealed_at IS NULL`, id, message, at.UTC(), dueAt.UTC())
	return affectedOne(res, err, fmt.Sprintf("appeal report %d", id))
}

// RestorePlugin puts a removed plugin back in status, as it was before its
// takedown, and queues it for the search index.
func (tx *Tx) RestorePlugin(ctx context.Context, pluginID int64, status string) error {
	var slug string
	t := now()
	err := tx.w.QueryRowContext(ctx, `UPDATE plugins SET status = $2, removed_reason = NULL, removed_by = NULL,
		removed_at = NULL, revision = revision + 1, updated_at = $3 WHERE id = $1 AND status = 'removed' RETURNING slug`,
		pluginID, status, t).Scan(&slug)
	if err != nil {
		return fmt.Errorf("restore: %w", mapError(err))
	}
	return tx.enqueueIndex(ctx, slug)
}

// affectedOne turns an update that changed no row into ErrConflict.
func affectedOne(res interface{ RowsAffected() (int64, error) }, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapError(err))
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("%s: %w: its state changed", what, ErrConflict)
	}
	return nil
}
