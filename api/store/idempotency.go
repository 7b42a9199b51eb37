package store

import (
	"context"
	"fmt"
	"time"
)

// IdempotencyKey is a creation request an account sent with an
// Idempotency-Key header, and what it created.
type IdempotencyKey struct {
	AccountID  int64
	Scope      string // what the request creates: "plugins", or "plugins/<slug>/versions"
	Key        string
	BodySHA256 string
	Status     int    // the status of the first answer
	Resource   string // the slug of the plugin, or the version, created
	CreatedAt  time.Time
}

const idempotencyColumns = `account_id, scope, idempotency_key, body_sha256, status, resource, created_at`

func scanIdempotencyKey(row interface{ Scan(...any) error }) (IdempotencyKey, error) {
	var k IdempotencyKey
	err := row.Scan(&k.AccountID, &k.Scope, &k.Key, &k.BodySHA256, &k.Status, &k.Resource, &k.CreatedAt)
	return k, err
}

// IdempotencyKey returns the key an account used for scope since notBefore,
// or ErrNotFound: keys older than that have expired.
func (q queries) IdempotencyKey(ctx context.Context, accountID int64, scope, key string, notBefore time.Time) (IdempotencyKey, error) {
	k, err := scanIdempotencyKey(q.r.QueryRowContext(ctx, `SELECT `+idempotencyColumns+` FROM idempotency_keys
		WHERE account_id = $1 AND scope = $2 AND idempotency_key = $3 AND created_at >= $4`, accountID, scope, key, notBefore))
	if err != nil {
		return IdempotencyKey{}, fmt.Errorf("idempotency key: %w", mapError(err))
	}
	return k, nil
}

// ClaimIdempotencyKey records k, without its outcome yet, for the caller's
// transaction to complete with CompleteIdempotencyKey. A key recorded
// before notBefore has expired and is taken over. When the key is live,
// nothing changes and claimed is false: the caller answers with what that
// key's request created, or refuses. On PostgreSQL, a claim of a key that
// a concurrent transaction has just claimed waits for that transaction to
// end, so that two requests with one key never both create.
func (tx *Tx) ClaimIdempotencyKey(ctx context.Context, k IdempotencyKey, notBefore time.Time) (claimed bool, err error) {
	res, err := tx.w.ExecContext(ctx, `INSERT INTO idempotency_keys (`+idempotencyColumns+`)
		VALUES ($1, $2, $3, $4, 0, '', $5)
		ON CONFLICT (account_id, scope, idempotency_key) DO UPDATE
			SET body_sha256 = excluded.body_sha256, status = 0, resource = '', created_at = excluded.created_at
			WHERE idempotency_keys.created_at < $6`,
		k.AccountID, k.Scope, k.Key, k.BodySHA256, now(), notBefore)
	if err != nil {
		return false, fmt.Errorf("claim idempotency key: %w", mapError(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CompleteIdempotencyKey records the outcome of a claimed key's request.
func (tx *Tx) CompleteIdempotencyKey(ctx context.Context, k IdempotencyKey) error {
	_, err := tx.w.ExecContext(ctx, `UPDATE idempotency_keys SET status = $4, resource = $5
		WHERE account_id = $1 AND scope = $2 AND idempotency_key = $3`, k.AccountID, k.Scope, k.Key, k.Status, k.Resource)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", mapError(err))
	}
	return nil
}

// PruneIdempotencyKeys deletes the keys recorded before a time and reports
// how many there were.
func (q queries) PruneIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.w.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("prune idempotency keys: %w", err)
	}
	return res.RowsAffected()
}
