-- Abuse reports: anyone reports a plugin, a moderator resolves the report
-- (takedown or dismiss) against a clock, the plugin's owner may appeal a
-- takedown once. No address of the reporter is kept; contact is theirs to
-- give and only moderators see it. Moderators are a role of their own.

-- +goose Up
-- SQLite cannot alter a CHECK constraint; widening one is a change of the
-- stored schema text only (no row can break it), which SQLite documents as
-- safe through writable_schema. RESET reloads the schema on this
-- connection; the CREATE TABLE below changes the schema version, so that
-- every other connection reloads it too.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''organizer'', ''admin'')', '''organizer'', ''moderator'', ''admin'')')
    WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;

CREATE TABLE reports (
    id                INTEGER PRIMARY KEY,
    plugin_id         INTEGER NOT NULL REFERENCES plugins (id) ON DELETE CASCADE,
    reason            TEXT NOT NULL CHECK (reason IN ('terrorist_content', 'illegal', 'impersonation', 'malware',
                                                      'privacy', 'misinformation', 'other')),
    details           TEXT NOT NULL,
    contact           TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('open', 'appealed', 'resolved')),
    created_at        TIMESTAMP NOT NULL,
    due_at            TIMESTAMP NOT NULL,
    -- The first decision, which the clock and the transparency report count.
    first_due_at      TIMESTAMP NOT NULL,
    first_action      TEXT CHECK (first_action IN ('takedown', 'dismiss')),
    first_resolved_at TIMESTAMP,
    first_resolved_by INTEGER REFERENCES users (id),
    -- The latest decision (the first, or the appeal's).
    action            TEXT CHECK (action IN ('takedown', 'dismiss')),
    note              TEXT NOT NULL DEFAULT '',
    resolved_at       TIMESTAMP,
    resolved_by       INTEGER REFERENCES users (id),
    -- Set on the report whose resolution took the plugin down: the status
    -- it had, to which a successful appeal restores it.
    previous_status   TEXT,
    appeal_message    TEXT,
    appealed_at       TIMESTAMP
);
CREATE INDEX reports_queue ON reports (status, due_at);
CREATE INDEX reports_plugin ON reports (plugin_id, status);

-- +goose Down
DROP TABLE reports;
UPDATE users SET role = 'participant' WHERE role = 'moderator';
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''organizer'', ''moderator'', ''admin'')', '''organizer'', ''admin'')')
    WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;
-- A schema change after the edit, so that connections reload the schema.
CREATE TABLE reports_schema_reload (id INTEGER);
DROP TABLE reports_schema_reload;
