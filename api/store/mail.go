package store

import (
	"context"
	"fmt"
	"time"
)

// Mail is a message to send, composed in its recipient's language.
type Mail struct {
	MessageID   string // without angle brackets; fixed when queued
	Kind        string // what the message is about, such as password_reset
	Recipient   string
	Language    string
	Subject     string
	Text        string
	HTML        string
	Unsubscribe string // the List-Unsubscribe URL of a notification; empty for security messages
}

// QueuedMail is a message of the outbox with its sending state.
type QueuedMail struct {
	Mail
	ID        int64
	CreatedAt time.Time
	Attempts  int
	LastError string
	SentAt    *time.Time
}

// EnqueueMail queues a message. Called on a transaction, the message is
// committed with the change that causes it or not at all.
func (q queries) EnqueueMail(ctx context.Context, m Mail) error {
	t := now()
	_, err := q.w.ExecContext(ctx, `INSERT INTO mail_outbox (message_id, kind, recipient, language, subject,
			text_body, html_body, unsubscribe, created_at, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
		m.MessageID, m.Kind, m.Recipient, m.Language, m.Subject, m.Text, m.HTML, m.Unsubscribe, t)
	if err != nil {
		return fmt.Errorf("queue mail: %w", mapError(err))
	}
	return nil
}

const mailColumns = `id, message_id, kind, recipient, language, subject, text_body, html_body, unsubscribe,
	created_at, attempts, COALESCE(last_error, ''), sent_at`

func scanMail(r interface{ Scan(...any) error }) (QueuedMail, error) {
	var m QueuedMail
	return m, r.Scan(&m.ID, &m.MessageID, &m.Kind, &m.Recipient, &m.Language, &m.Subject, &m.Text, &m.HTML,
		&m.Unsubscribe, &m.CreatedAt, &m.Attempts, &m.LastError, &m.SentAt)
}

// ClaimMail leases up to n unsent messages that are due at at, until
// at+lease, oldest first. Another relay does not see them until the lease
// ends; on PostgreSQL, rows another relay is claiming are skipped.
func (s *Store) ClaimMail(ctx context.Context, n int, at time.Time, lease time.Duration) ([]QueuedMail, error) {
	skip := ""
	if s.dialect == Postgres {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := s.w.QueryContext(ctx, `UPDATE mail_outbox SET leased_until = $2, attempts = attempts + 1
		WHERE id IN (SELECT id FROM mail_outbox
			WHERE sent_at IS NULL AND next_attempt_at <= $1 AND (leased_until IS NULL OR leased_until < $1)
			ORDER BY id LIMIT $3`+skip+`)
		RETURNING `+mailColumns, at, at.Add(lease), n)
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	mails, err := collect(rows, scanMail)
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	return mails, nil
}

// MarkMailSent records that a message was handed to the mail server.
// Unless keepBody, its bodies are blanked: links they carry must not
// outlive their delivery in the database.
func (s *Store) MarkMailSent(ctx context.Context, id int64, at time.Time, keepBody bool) error {
	_, err := s.w.ExecContext(ctx, `UPDATE mail_outbox SET sent_at = $2, leased_until = NULL, last_error = NULL,
			text_body = CASE WHEN $3 THEN text_body ELSE '' END, html_body = CASE WHEN $3 THEN html_body ELSE '' END
		WHERE id = $1`, id, at, keepBody)
	if err != nil {
		return fmt.Errorf("mark mail %d sent: %w", id, err)
	}
	return nil
}

// FailMail releases a leased message with the error met, to be tried
// again at retryAt.
func (s *Store) FailMail(ctx context.Context, id int64, cause string, retryAt time.Time) error {
	if len(cause) > 1000 {
		cause = cause[:1000]
	}
	_, err := s.w.ExecContext(ctx, `UPDATE mail_outbox SET leased_until = NULL, next_attempt_at = $2, last_error = $3
		WHERE id = $1`, id, retryAt, cause)
	if err != nil {
		return fmt.Errorf("fail mail %d: %w", id, err)
	}
	return nil
}

// PendingMail reports how many messages wait to be sent.
func (s *Store) PendingMail(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("pending mail: %w", err)
	}
	return n, nil
}

// RecentMail returns the last n messages queued, newest first, sent or not.
func (s *Store) RecentMail(ctx context.Context, n int) ([]QueuedMail, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+mailColumns+` FROM mail_outbox ORDER BY id DESC LIMIT $1`, n)
	if err != nil {
		return nil, fmt.Errorf("recent mail: %w", err)
	}
	mails, err := collect(rows, scanMail)
	if err != nil {
		return nil, fmt.Errorf("recent mail: %w", err)
	}
	return mails, nil
}

// PruneMail deletes messages sent before cutoff.
func (s *Store) PruneMail(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM mail_outbox WHERE sent_at < $1`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("prune mail: %w", err)
	}
	return res.RowsAffected()
}
