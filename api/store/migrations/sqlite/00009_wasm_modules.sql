-- WebAssembly modules: their bytes, who uploaded each, and the plugin
-- versions that pin them.

-- +goose Up
-- A module is stored once, by the SHA-256 of its bytes, and never
-- changes.
CREATE TABLE modules (
    sha256           TEXT PRIMARY KEY,
    bytes            BLOB NOT NULL,
    size             INTEGER NOT NULL,
    imports          TEXT NOT NULL, -- JSON array of "module.name"
    min_memory_pages INTEGER NOT NULL,
    created_at       TIMESTAMP NOT NULL
);

-- Who uploaded each module: they, and only they, may name it in a
-- manifest.
CREATE TABLE module_uploads (
    sha256     TEXT NOT NULL REFERENCES modules (sha256),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (sha256, user_id)
);
-- An account's recent uploads (the upload rate).
CREATE INDEX module_uploads_user_created ON module_uploads (user_id, created_at);

-- The module a wasm version runs, pinned for good: the row never
-- changes, and its key keeps the module as long as it exists.
CREATE TABLE plugin_version_modules (
    version_id    INTEGER PRIMARY KEY REFERENCES plugin_versions (id),
    module_sha256 TEXT NOT NULL REFERENCES modules (sha256)
);
CREATE INDEX plugin_version_modules_module ON plugin_version_modules (module_sha256);

-- +goose StatementBegin
CREATE TRIGGER modules_immutable BEFORE UPDATE ON modules
BEGIN
    SELECT RAISE(ABORT, 'modules are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plugin_version_modules_immutable BEFORE UPDATE ON plugin_version_modules
BEGIN
    SELECT RAISE(ABORT, 'the module of a plugin version never changes');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plugin_version_modules_kept BEFORE DELETE ON plugin_version_modules
BEGIN
    SELECT RAISE(ABORT, 'the module of a plugin version never changes');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE plugin_version_modules;
DROP TABLE module_uploads;
DROP TABLE modules;
