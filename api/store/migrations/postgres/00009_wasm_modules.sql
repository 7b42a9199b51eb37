-- WebAssembly modules: their bytes, who uploaded each, and the plugin
-- versions that pin them.

-- +goose Up
-- A module is stored once, by the SHA-256 of its bytes, and never
-- changes.
CREATE TABLE modules (
    sha256           TEXT PRIMARY KEY,
    bytes            BYTEA NOT NULL,
    size             BIGINT NOT NULL,
    imports          TEXT NOT NULL, -- JSON array of "module.name"
    min_memory_pages INTEGER NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);

-- Who uploaded each module: they, and only they, may name it in a
-- manifest.
CREATE TABLE module_uploads (
    sha256     TEXT NOT NULL REFERENCES modules (sha256),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (sha256, user_id)
);
-- An account's recent uploads (the upload rate).
CREATE INDEX module_uploads_user_created ON module_uploads (user_id, created_at);

-- The module a wasm version runs, pinned for good: the row never
-- changes, and its key keeps the module as long as it exists.
CREATE TABLE plugin_version_modules (
    version_id    BIGINT PRIMARY KEY REFERENCES plugin_versions (id),
    module_sha256 TEXT NOT NULL REFERENCES modules (sha256)
);
CREATE INDEX plugin_version_modules_module ON plugin_version_modules (module_sha256);

-- +goose StatementBegin
CREATE FUNCTION modules_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'modules are immutable';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER modules_immutable BEFORE UPDATE ON modules
    FOR EACH ROW EXECUTE FUNCTION modules_immutable();

-- +goose StatementBegin
CREATE FUNCTION plugin_version_modules_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the module of a plugin version never changes';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER plugin_version_modules_immutable BEFORE UPDATE OR DELETE ON plugin_version_modules
    FOR EACH ROW EXECUTE FUNCTION plugin_version_modules_immutable();

-- +goose Down
DROP TABLE plugin_version_modules;
DROP FUNCTION plugin_version_modules_immutable();
DROP TABLE module_uploads;
DROP TABLE modules;
DROP FUNCTION modules_immutable();
