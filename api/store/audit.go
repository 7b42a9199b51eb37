package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    *int64 // nil for the platform itself
	Action     string // e.g. "user.update", "plugin.publish"
	TargetType string // e.g. "user", "plugin"
	TargetID   string
	Details    map[string]any
}

// AppendAudit adds an entry to the audit log. Call it inside the
// transaction that makes the change it records.
func (q queries) AppendAudit(ctx context.Context, e AuditEntry) error {
	details, err := json.Marshal(e.Details)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if e.Details == nil {
		details = []byte("{}")
	}
	_, err = q.w.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, action, target_type, target_id, details)
		VALUES ($1, $2, $3, $4, $5, $6)`, now(), e.ActorID, e.Action, e.TargetType, e.TargetID, string(details))
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// ListAudit returns one page of the audit log, newest first, and its length.
func (q queries) ListAudit(ctx context.Context, p Page) ([]AuditEntry, int, error) {
	var total int
	if err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", err)
	}
	rows, err := q.r.QueryContext(ctx, `SELECT id, at, actor_id, action, target_type, target_id, details
		FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2`, p.Limit, p.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", err)
	}
	list, err := collect(rows, func(row interface{ Scan(...any) error }) (AuditEntry, error) {
		var (
			e       AuditEntry
			details string
		)
		if err := row.Scan(&e.ID, &e.At, &e.ActorID, &e.Action, &e.TargetType, &e.TargetID, &details); err != nil {
			return e, err
		}
		return e, json.Unmarshal([]byte(details), &e.Details)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", err)
	}
	return list, total, nil
}
