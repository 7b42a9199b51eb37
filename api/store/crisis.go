package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Crisis is the crisis declared last: in force while Active and before
// ExpiresAt. Title and Message map a language ("fr", "en") to text.
type Crisis struct {
	Active    bool
	Title     map[string]string
	Message   map[string]string
	Region    string // a country code
	Links     []CrisisLink
	ExpiresAt time.Time // zero when not active
	UpdatedAt time.Time
	UpdatedBy *int64
}

// CrisisLink is an official link shown with a crisis.
type CrisisLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Crisis returns the crisis declared last, or ErrNotFound when none ever
// was.
func (q queries) Crisis(ctx context.Context) (Crisis, error) {
	var (
		c                     Crisis
		title, message, links string
		expires               sql.NullTime
	)
	err := q.r.QueryRowContext(ctx, `SELECT active, title, message, region, links, expires_at, updated_at, updated_by
		FROM crisis WHERE id = 1`).Scan(&c.Active, &title, &message, &c.Region, &links, &expires, &c.UpdatedAt, &c.UpdatedBy)
	if err != nil {
		return Crisis{}, fmt.Errorf("crisis: %w", mapError(err))
	}
	if expires.Valid {
		c.ExpiresAt = expires.Time.UTC()
	}
	c.UpdatedAt = c.UpdatedAt.UTC()
	err = errors.Join(json.Unmarshal([]byte(title), &c.Title), json.Unmarshal([]byte(message), &c.Message),
		json.Unmarshal([]byte(links), &c.Links))
	if err != nil {
		return Crisis{}, fmt.Errorf("crisis: %w", err)
	}
	return c, nil
}

// SetCrisis replaces the crisis with c, set by actor, and records it in
// the audit log in the same transaction: "crisis.set" when c is active,
// "crisis.end" otherwise.
func (s *Store) SetCrisis(ctx context.Context, c Crisis, actor *int64) error {
	title, _ := json.Marshal(nonNil(c.Title))
	message, _ := json.Marshal(nonNil(c.Message))
	links, _ := json.Marshal(c.Links)
	if c.Links == nil {
		links = []byte("[]")
	}
	var expires any
	if !c.ExpiresAt.IsZero() {
		expires = c.ExpiresAt.UTC().Truncate(time.Microsecond)
	}
	action, details := "crisis.end", map[string]any{"active": false}
	if c.Active {
		action = "crisis.set"
		details = map[string]any{"active": true, "region": c.Region, "expires_at": c.ExpiresAt.UTC().Format(time.RFC3339),
			"title": c.Title, "links": len(c.Links)}
	}
	return s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.w.ExecContext(ctx, `INSERT INTO crisis (id, active, title, message, region, links, expires_at, updated_at, updated_by)
			VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (id) DO UPDATE SET active = $1, title = $2, message = $3, region = $4, links = $5,
				expires_at = $6, updated_at = $7, updated_by = $8`,
			c.Active, string(title), string(message), c.Region, string(links), expires, now(), actor)
		if err != nil {
			return fmt.Errorf("set crisis: %w", mapError(err))
		}
		return tx.AppendAudit(ctx, AuditEntry{ActorID: actor, Action: action, TargetType: "crisis",
			TargetID: strconv.Itoa(1), Details: details})
	})
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
