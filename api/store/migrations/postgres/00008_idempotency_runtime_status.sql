-- Idempotency keys of plugin and version creation, what each plugin's
-- runtime last did, and the index that counts an account's recent
-- plugins.

-- +goose Up
-- A creation request sent with an Idempotency-Key: a retry with the same
-- key and body is answered with what the first request created. Rows older
-- than 24 hours are ignored, then pruned.
CREATE TABLE idempotency_keys (
    account_id      BIGINT NOT NULL REFERENCES users (id),
    scope           TEXT NOT NULL, -- what was created: "plugins", or "plugins/<slug>/versions"
    idempotency_key TEXT NOT NULL,
    body_sha256     TEXT NOT NULL,
    status          INTEGER NOT NULL,
    resource        TEXT NOT NULL, -- the slug of the plugin, or the version, created
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, scope, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- The last outcome of a plugin's invocations, for its owner: ok, or why
-- the last one failed (refused, timeout, misbehaved, unavailable).
CREATE TABLE plugin_runtime_status (
    plugin_id BIGINT PRIMARY KEY REFERENCES plugins (id),
    state     TEXT NOT NULL,
    reason    TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);

-- Plugins an account created in the last hour (the creation rate); it
-- also serves every lookup by owner.
CREATE INDEX plugins_owner_created ON plugins (owner_id, created_at);
DROP INDEX plugins_owner_id;

-- +goose Down
CREATE INDEX plugins_owner_id ON plugins (owner_id);
DROP INDEX plugins_owner_created;
DROP TABLE plugin_runtime_status;
DROP TABLE idempotency_keys;
