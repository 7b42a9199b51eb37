package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// IdempotencyTTL is how long an idempotency key is remembered.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyField names the idempotency key in errors: the header that
// carries it.
const IdempotencyField = "Idempotency-Key"

// createdStatus is the status of the answer that registered something
// (201 Created), which the store keeps with its idempotency key.
const createdStatus = 201

// replays is what answering a repeated request reads: a Store or a Tx.
type replays interface {
	IdempotencyKey(ctx context.Context, accountID int64, scope, key string, notBefore time.Time) (store.IdempotencyKey, error)
	PluginBySlug(ctx context.Context, slug string) (store.Plugin, error)
	Version(ctx context.Context, pluginID int64, version string) (store.PluginVersion, error)
}

// newKey describes a request with an idempotency key, or returns nil when
// the request has none. The scope keeps a key used for one plugin's
// versions apart from the same key used elsewhere.
func newKey(u auth.User, scope, key string, body []byte) *store.IdempotencyKey {
	if key == "" {
		return nil
	}
	sum := sha256.Sum256(body)
	return &store.IdempotencyKey{AccountID: u.ID, Scope: scope, Key: key, BodySHA256: hex.EncodeToString(sum[:]),
		Status: createdStatus}
}

// previous returns what the live request with the same key created (found
// true), or nothing when the key is new or has expired. The same key with
// another body is valid.Errors.
func previous(ctx context.Context, q replays, k *store.IdempotencyKey) (resource string, found bool, err error) {
	if k == nil {
		return "", false, nil
	}
	prev, err := q.IdempotencyKey(ctx, k.AccountID, k.Scope, k.Key, time.Now().Add(-IdempotencyTTL))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", false, nil
	case err != nil:
		return "", false, err
	case prev.BodySHA256 != k.BodySHA256:
		return "", false, valid.Errors{{Field: IdempotencyField,
			Message: "was used in the last 24 hours for a request with another body; send a new key with a new request"}}
	}
	return prev.Resource, true, nil
}

// claim records the key in the creating transaction, so that a concurrent
// request with the same key waits for this one and then finds what it
// created. When the key is live already, it returns what previous does.
func claim(ctx context.Context, tx *store.Tx, k *store.IdempotencyKey) (resource string, found bool, err error) {
	if k == nil {
		return "", false, nil
	}
	claimed, err := tx.ClaimIdempotencyKey(ctx, *k, time.Now().Add(-IdempotencyTTL))
	if err != nil || claimed {
		return "", false, err
	}
	resource, found, err = previous(ctx, tx, k)
	if err == nil && !found { // expired between the two statements
		err = fmt.Errorf("%w: another request is using this Idempotency-Key; retry", store.ErrConflict)
	}
	return resource, found, err
}

// complete records what a claimed key's request created.
func complete(ctx context.Context, tx *store.Tx, k *store.IdempotencyKey, resource string) error {
	if k == nil {
		return nil
	}
	k.Resource = resource
	return tx.CompleteIdempotencyKey(ctx, *k)
}

// replayPlugin answers a repeated registration with the plugin the first
// request registered, as it is now.
func replayPlugin(ctx context.Context, q replays, slug string, err error) (store.Plugin, bool, error) {
	if err != nil {
		return store.Plugin{}, false, err
	}
	p, err := q.PluginBySlug(ctx, slug)
	return p, err == nil, err
}

// replayVersion answers a repeated publication with the version the first
// request published, as it is now (only its yank can have changed).
func replayVersion(ctx context.Context, q replays, slug, version string, err error) (store.PluginVersion, bool, error) {
	if err != nil {
		return store.PluginVersion{}, false, err
	}
	p, err := q.PluginBySlug(ctx, slug)
	if err != nil {
		return store.PluginVersion{}, false, err
	}
	v, err := q.Version(ctx, p.ID, version)
	return v, err == nil, err
}
