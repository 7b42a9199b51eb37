package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrTokenReused means a refresh token that had already been exchanged was
// presented again. Its session has been revoked as a result.
var ErrTokenReused = errors.New("refresh token reused")

// TokenReusedError is ErrTokenReused with the session it revoked.
type TokenReusedError struct {
	UserID    int64
	SessionID string
}

func (e *TokenReusedError) Error() string { return ErrTokenReused.Error() }

// Is makes a TokenReusedError match ErrTokenReused.
func (e *TokenReusedError) Is(target error) bool { return target == ErrTokenReused }

// Session is one sign-in: the family of refresh tokens rotated from it.
type Session struct {
	ID         string
	UserID     int64
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
}

// RefreshGrant is a new refresh token to store, by hash.
type RefreshGrant struct {
	TokenHash string
	ExpiresAt time.Time
}

// CreateSession starts a session for a user with its first refresh token.
// The session itself ends at sessionExpiry whatever the rotations.
func (s *Store) CreateSession(ctx context.Context, id string, userID int64, sessionExpiry time.Time, g RefreshGrant) (Session, error) {
	t := now()
	sess := Session{ID: id, UserID: userID, CreatedAt: t, LastUsedAt: t, ExpiresAt: sessionExpiry}
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.w.ExecContext(ctx, `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at)
			VALUES ($1, $2, $3, $3, $4)`, id, userID, t, sessionExpiry); err != nil {
			return mapError(err)
		}
		return tx.insertRefresh(ctx, id, g, t)
	})
	if err != nil {
		return Session{}, fmt.Errorf("create session: %w", err)
	}
	return sess, nil
}

func (q queries) insertRefresh(ctx context.Context, sessionID string, g RefreshGrant, t time.Time) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4)`, g.TokenHash, sessionID, t, g.ExpiresAt)
	return mapError(err)
}

// RotateRefresh exchanges the refresh token with hash oldHash for next, at
// time at. It returns the session they belong to.
//
// An unknown, expired or revoked token is ErrNotFound. A token that was
// already exchanged is a *TokenReusedError (ErrTokenReused), and its whole
// session is revoked before returning, with an auth.refresh_reuse entry in
// the audit log — both are committed even though the call fails.
func (s *Store) RotateRefresh(ctx context.Context, oldHash string, next RefreshGrant, at time.Time) (Session, error) {
	var (
		sess   Session
		reused bool
	)
	err := s.InTx(ctx, func(tx *Tx) error {
		var usedAt *time.Time
		var tokenExpiry time.Time
		err := tx.w.QueryRowContext(ctx, `SELECT r.used_at, r.expires_at,
				s.id, s.user_id, s.created_at, s.last_used_at, s.expires_at, s.revoked_at
			FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
			WHERE r.token_hash = $1`+tx.forUpdate(), oldHash).Scan(&usedAt, &tokenExpiry,
			&sess.ID, &sess.UserID, &sess.CreatedAt, &sess.LastUsedAt, &sess.ExpiresAt, &sess.RevokedAt)
		switch {
		case err != nil:
			return mapError(err)
		case sess.RevokedAt != nil, !at.Before(tokenExpiry), !at.Before(sess.ExpiresAt):
			return ErrNotFound
		case usedAt != nil:
			reused = true
			return tx.revokeReused(ctx, sess, at)
		}
		if _, err := tx.w.ExecContext(ctx, `UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1`, oldHash, at); err != nil {
			return err
		}
		if _, err := tx.w.ExecContext(ctx, `UPDATE sessions SET last_used_at = $2 WHERE id = $1`, sess.ID, at); err != nil {
			return err
		}
		sess.LastUsedAt = at
		return tx.insertRefresh(ctx, sess.ID, next, at)
	})
	switch {
	case err != nil:
		return Session{}, fmt.Errorf("refresh: %w", err)
	case reused:
		return Session{}, fmt.Errorf("refresh: %w", &TokenReusedError{UserID: sess.UserID, SessionID: sess.ID})
	}
	return sess, nil
}

// revokeReused ends a session whose spent refresh token came back, and
// records it: someone else had a copy of the token.
func (q queries) revokeReused(ctx context.Context, sess Session, at time.Time) error {
	if err := q.revokeSession(ctx, sess.ID, "refresh token reused", at); err != nil {
		return err
	}
	return q.AppendAudit(ctx, AuditEntry{Action: "auth.refresh_reuse", TargetType: "user",
		TargetID: strconv.FormatInt(sess.UserID, 10), Details: map[string]any{"session": sess.ID}})
}

func (q queries) revokeSession(ctx context.Context, id, reason string, at time.Time) error {
	_, err := q.w.ExecContext(ctx, `UPDATE sessions SET revoked_at = $2, revoked_reason = $3
		WHERE id = $1 AND revoked_at IS NULL`, id, at, reason)
	return err
}

// RevokeSessionByRefresh ends the session that the refresh token with hash
// tokenHash belongs to, whether or not the token was already exchanged.
// An unknown token is ErrNotFound.
func (s *Store) RevokeSessionByRefresh(ctx context.Context, tokenHash, reason string, at time.Time) error {
	var id string
	err := s.r.QueryRowContext(ctx, `SELECT session_id FROM refresh_tokens WHERE token_hash = $1`, tokenHash).Scan(&id)
	if err != nil {
		return fmt.Errorf("revoke session: %w", mapError(err))
	}
	if err := s.revokeSession(ctx, id, reason, at); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// SessionUser returns the account behind an access token: user userID, in
// session sessionID. A revoked or expired session is ErrNotFound, as is an
// unknown user or a session that is not theirs.
func (s *Store) SessionUser(ctx context.Context, userID int64, sessionID string, at time.Time) (User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+prefixed("u", userColumns)+`
		FROM users u JOIN sessions s ON s.user_id = u.id
		WHERE u.id = $1 AND s.id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3`, userID, sessionID, at))
	if err != nil {
		return User{}, fmt.Errorf("session: %w", mapError(err))
	}
	return u, nil
}

// PruneSessions deletes sessions that ended (expired, or revoked) before
// cutoff, with their refresh tokens, and refresh tokens that expired before
// cutoff. It reports how many sessions it removed.
func (s *Store) PruneSessions(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1`, cutoff)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.w.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE expires_at < $1`, cutoff)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune sessions: %w", err)
	}
	return n, nil
}

// ActiveSession is a session neither revoked nor expired, with its
// account.
type ActiveSession struct {
	ID        string
	ExpiresAt time.Time
	User      User
}

// activeSessionsChunk is how many sessions ActiveSessions reads per
// query; shorter lists are padded, so that one statement serves them all.
const activeSessionsChunk = 64

var activeSessionColumns = `SELECT s.id, s.expires_at, ` + prefixed("u", userColumns) + `
	FROM sessions s JOIN users u ON u.id = s.user_id `

func scanActiveSession(row interface{ Scan(...any) error }) (ActiveSession, error) {
	var a ActiveSession
	u, err := scanUser(leading{row, []any{&a.ID, &a.ExpiresAt}})
	a.User = u
	return a, err
}

// leading scans columns before those a scan function reads.
type leading struct {
	row  interface{ Scan(...any) error }
	dest []any
}

func (l leading) Scan(dest ...any) error { return l.row.Scan(append(l.dest, dest...)...) }

// ActiveSession returns session id with its account, or ErrNotFound when
// it is unknown, revoked or expired at at.
func (s *Store) ActiveSession(ctx context.Context, id string, at time.Time) (ActiveSession, error) {
	a, err := scanActiveSession(s.r.QueryRowContext(ctx, activeSessionColumns+
		`WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`, id, at))
	if err != nil {
		return ActiveSession{}, fmt.Errorf("session: %w", mapError(err))
	}
	return a, nil
}

// ActiveSessions returns, of the sessions ids, those neither revoked nor
// expired at at, with their accounts, in a query per 64 sessions.
func (s *Store) ActiveSessions(ctx context.Context, ids []string, at time.Time) ([]ActiveSession, error) {
	var in strings.Builder
	for i := range activeSessionsChunk {
		if i > 0 {
			in.WriteString(", ")
		}
		in.WriteString("$" + strconv.Itoa(i+2))
	}
	query := activeSessionColumns + `WHERE s.id IN (` + in.String() + `) AND s.revoked_at IS NULL AND s.expires_at > $1`
	var out []ActiveSession
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), activeSessionsChunk)]
		ids = ids[len(chunk):]
		args := make([]any, 1, activeSessionsChunk+1)
		args[0] = at
		for i := range activeSessionsChunk {
			args = append(args, chunk[min(i, len(chunk)-1)])
		}
		rows, err := s.r.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, fmt.Errorf("sessions: %w", err)
		}
		list, err := collect(rows, scanActiveSession)
		if err != nil {
			return nil, fmt.Errorf("sessions: %w", err)
		}
		out = append(out, list...)
	}
	return out, nil
}
