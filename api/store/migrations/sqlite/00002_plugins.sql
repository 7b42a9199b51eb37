-- The plugin registry: plugins, their immutable versions, collaborators.

-- +goose Up
CREATE TABLE plugins (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    owner_id       INTEGER NOT NULL REFERENCES users (id),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'published', 'removed')),
    revision       INTEGER NOT NULL DEFAULT 1,
    -- The latest non-yanked version and what it says, kept here so that
    -- reading a plugin is one row; NULL when every version is yanked.
    latest_version TEXT,
    manifest       TEXT,
    runtime        TEXT NOT NULL DEFAULT 'none',
    name           TEXT NOT NULL DEFAULT '',
    summary        TEXT NOT NULL DEFAULT '',
    removed_reason TEXT,
    removed_by     INTEGER REFERENCES users (id),
    removed_at     TIMESTAMP,
    published_at   TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX plugins_owner_id ON plugins (owner_id);
CREATE INDEX plugins_status_updated ON plugins (status, updated_at);

CREATE TABLE plugin_categories (
    plugin_id INTEGER NOT NULL REFERENCES plugins (id),
    category  TEXT NOT NULL,
    PRIMARY KEY (plugin_id, category)
);
CREATE INDEX plugin_categories_category ON plugin_categories (category, plugin_id);

CREATE TABLE plugin_versions (
    id          INTEGER PRIMARY KEY,
    plugin_id   INTEGER NOT NULL REFERENCES plugins (id),
    version     TEXT NOT NULL,
    -- The version without build metadata: 1.0.0 and 1.0.0+b2 are one release.
    version_key TEXT NOT NULL,
    manifest    TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    yanked      BOOLEAN NOT NULL DEFAULT FALSE,
    yanked_at   TIMESTAMP,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (plugin_id, version_key)
);

CREATE TABLE plugin_collaborators (
    plugin_id  INTEGER NOT NULL REFERENCES plugins (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (plugin_id, user_id)
);
CREATE INDEX plugin_collaborators_user_id ON plugin_collaborators (user_id);

-- A published version never changes and is never deleted; only its yank
-- flag moves. A plugin is never deleted, so its slug is never reused.
-- +goose StatementBegin
CREATE TRIGGER plugin_versions_immutable BEFORE UPDATE OF plugin_id, version, version_key, manifest, sha256, created_by, created_at ON plugin_versions
BEGIN
    SELECT RAISE(ABORT, 'plugin versions are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plugin_versions_kept BEFORE DELETE ON plugin_versions
BEGIN
    SELECT RAISE(ABORT, 'plugin versions are never deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plugins_kept BEFORE DELETE ON plugins
BEGIN
    SELECT RAISE(ABORT, 'plugins are never deleted: their slugs are not reused');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE plugin_collaborators;
DROP TABLE plugin_versions;
DROP TABLE plugin_categories;
DROP TABLE plugins;
