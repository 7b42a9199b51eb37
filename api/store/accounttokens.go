package store

import (
	"context"
	"fmt"
	"time"
)

// Purposes of account tokens.
const (
	TokenPasswordReset = "password_reset"
	TokenVerifyEmail   = "verify_email"
	TokenChangeEmail   = "change_email"
)

// CreateAccountToken stores a token carried by a link in a message, by
// its hash.
func (q queries) CreateAccountToken(ctx context.Context, hash string, userID int64, purpose string, expires time.Time) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, hash, userID, purpose, now(), expires)
	if err != nil {
		return fmt.Errorf("create account token: %w", mapError(err))
	}
	return nil
}

// UseAccountToken spends the token with hash for purpose at at and
// returns its account's id. A token unknown, expired, spent or of another
// purpose is ErrNotFound; of two concurrent uses, one wins.
func (q queries) UseAccountToken(ctx context.Context, hash, purpose string, at time.Time) (int64, error) {
	var userID int64
	err := q.w.QueryRowContext(ctx, `UPDATE account_tokens SET used_at = $3
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id`,
		hash, purpose, at).Scan(&userID)
	if err != nil {
		return 0, fmt.Errorf("use account token: %w", mapError(err))
	}
	return userID, nil
}

// CreateEmailChangeToken stores, by its hash, the token of a link that
// moves an account to the address email.
func (q queries) CreateEmailChangeToken(ctx context.Context, hash string, userID int64, email string, expires time.Time) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at, new_email)
		VALUES ($1, $2, $3, $4, $5, $6)`, hash, userID, TokenChangeEmail, now(), expires, email)
	if err != nil {
		return fmt.Errorf("create e-mail change token: %w", mapError(err))
	}
	return nil
}

// UseEmailChangeToken spends an e-mail change token at at and returns its
// account's id and the address asked for, or ErrNotFound as
// UseAccountToken.
func (q queries) UseEmailChangeToken(ctx context.Context, hash string, at time.Time) (int64, string, error) {
	var (
		userID int64
		email  string
	)
	err := q.w.QueryRowContext(ctx, `UPDATE account_tokens SET used_at = $3
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id, new_email`,
		hash, TokenChangeEmail, at).Scan(&userID, &email)
	if err != nil {
		return 0, "", fmt.Errorf("use e-mail change token: %w", mapError(err))
	}
	return userID, email, nil
}

// SetUserEmail moves an account to a verified address: ErrConflict when
// another account has it.
func (q queries) SetUserEmail(ctx context.Context, userID int64, email string, at time.Time) error {
	res, err := q.w.ExecContext(ctx, `UPDATE users SET email = $2, email_verified_at = $3, updated_at = $3 WHERE id = $1`,
		userID, email, at)
	if err != nil {
		return fmt.Errorf("set user e-mail: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set user e-mail: %w", ErrNotFound)
	}
	return nil
}

// SpendAccountTokens marks every unused token of an account for purpose as
// used, so that an older link stops working once one has been used.
func (q queries) SpendAccountTokens(ctx context.Context, userID int64, purpose string, at time.Time) error {
	_, err := q.w.ExecContext(ctx, `UPDATE account_tokens SET used_at = $3
		WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, userID, purpose, at)
	if err != nil {
		return fmt.Errorf("spend account tokens: %w", err)
	}
	return nil
}

// RevokeUserSessions ends every session of an account, with their
// refresh-token families, except the session keep (empty for none). It
// reports how many it ended.
func (q queries) RevokeUserSessions(ctx context.Context, userID int64, keep, reason string, at time.Time) (int64, error) {
	res, err := q.w.ExecContext(ctx, `UPDATE sessions SET revoked_at = $3, revoked_reason = $4
		WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`, userID, keep, at, reason)
	if err != nil {
		return 0, fmt.Errorf("revoke sessions: %w", err)
	}
	return res.RowsAffected()
}

// MarkEmailVerified records that an account proved it receives mail at
// its address.
func (q queries) MarkEmailVerified(ctx context.Context, userID int64, at time.Time) error {
	_, err := q.w.ExecContext(ctx, `UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2), updated_at = $2
		WHERE id = $1`, userID, at)
	if err != nil {
		return fmt.Errorf("mark e-mail verified: %w", err)
	}
	return nil
}
