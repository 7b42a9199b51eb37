-- A counter that moves with every change to a plugin, so that a process
-- can tell whether any plugin changed by reading one row instead of
-- summing the revision of every plugin (a scan of the whole table).

-- +goose Up
CREATE TABLE plugin_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO plugin_changes (id, n) SELECT 1, COALESCE(SUM(revision), 0) FROM plugins;
-- +goose StatementBegin
CREATE TRIGGER plugin_changes_insert AFTER INSERT ON plugins
BEGIN
    UPDATE plugin_changes SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER plugin_changes_update AFTER UPDATE OF revision ON plugins
BEGIN
    UPDATE plugin_changes SET n = n + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER plugin_changes_update;
DROP TRIGGER plugin_changes_insert;
DROP TABLE plugin_changes;
