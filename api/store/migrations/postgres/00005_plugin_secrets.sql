-- The signing secret of each http plugin. Riposte signs invocations with
-- it (HMAC), so it is kept as issued; only the owner ever sees it, once.

-- +goose Up
CREATE TABLE plugin_secrets (
    plugin_id  BIGINT PRIMARY KEY REFERENCES plugins (id),
    secret     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE plugin_secrets;
