package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// APIToken is a personal access token. The secret itself is never stored,
// only its hash; Prefix is its first characters, to recognise it by.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string
	Scopes     []string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
}

// NewAPIToken is what CreateAPIToken needs.
type NewAPIToken struct {
	UserID    int64
	Name      string
	TokenHash string
	Prefix    string
	Scopes    []string
	ExpiresAt time.Time
}

const tokenColumns = `id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at`

func scanToken(row interface{ Scan(...any) error }) (APIToken, error) {
	var (
		t      APIToken
		scopes string
	)
	err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &scopes, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt)
	t.Scopes = strings.Fields(scopes)
	return t, err
}

// CreateAPIToken stores a token.
func (q queries) CreateAPIToken(ctx context.Context, n NewAPIToken) (APIToken, error) {
	row := q.w.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, scopes, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+tokenColumns,
		n.UserID, n.Name, n.TokenHash, n.Prefix, strings.Join(n.Scopes, " "), now(), n.ExpiresAt)
	t, err := scanToken(row)
	if err != nil {
		return APIToken{}, fmt.Errorf("create token: %w", mapError(err))
	}
	return t, nil
}

// ListAPITokens returns a user's live (unrevoked) tokens, newest first, and
// how many there are.
func (q queries) ListAPITokens(ctx context.Context, userID int64, p Page) ([]APIToken, int, error) {
	var total int
	if err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL`,
		userID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list tokens: %w", err)
	}
	rows, err := q.r.QueryContext(ctx, `SELECT `+prefixed("t", tokenColumns)+` FROM api_tokens t
		WHERE t.user_id = $1 AND t.revoked_at IS NULL ORDER BY t.id DESC LIMIT $2 OFFSET $3`, userID, p.Limit, p.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list tokens: %w", err)
	}
	list, err := collect(rows, scanToken)
	if err != nil {
		return nil, 0, fmt.Errorf("list tokens: %w", err)
	}
	return list, total, nil
}

// RevokeAPIToken revokes one of a user's tokens. A token that does not exist,
// is someone else's or is already revoked is ErrNotFound.
func (q queries) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	res, err := q.w.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $3
		WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, id, userID, now())
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("token %d: %w", id, ErrNotFound)
	}
	return nil
}

// RevokeUserAPITokens revokes every live API token of a user, as of at,
// and returns how many there were.
func (q queries) RevokeUserAPITokens(ctx context.Context, userID int64, at time.Time) (int64, error) {
	res, err := q.w.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2
		WHERE user_id = $1 AND revoked_at IS NULL`, userID, at)
	if err != nil {
		return 0, fmt.Errorf("revoke tokens: %w", err)
	}
	return res.RowsAffected()
}

// APITokenUser returns a live token by hash and the account it belongs to.
// A revoked, expired or unknown token is ErrNotFound.
func (s *Store) APITokenUser(ctx context.Context, tokenHash string, at time.Time) (APIToken, User, error) {
	var (
		t      APIToken
		u      User
		scopes string
	)
	err := s.r.QueryRowContext(ctx, `SELECT `+prefixed("t", tokenColumns)+`, `+prefixed("u", userColumns)+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2`, tokenHash, at).Scan(
		&t.ID, &t.UserID, &t.Name, &t.Prefix, &scopes, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt,
		&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.Language, &u.VerifiedAt, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return APIToken{}, User{}, fmt.Errorf("token: %w", mapError(err))
	}
	t.Scopes = strings.Fields(scopes)
	return t, u, nil
}

// TouchAPIToken records that a token was used at time at.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, id, at)
	return err
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}
