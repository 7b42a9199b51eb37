-- A counter that moves with every change to a plugin, so that a process
-- can tell whether any plugin changed by reading one row instead of
-- summing the revision of every plugin (a scan of the whole table). The
-- row is updated once per statement that changes plugins; transactions
-- that change plugins take its lock in turn until they commit.

-- +goose Up
CREATE TABLE plugin_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO plugin_changes (id, n) SELECT 1, COALESCE(SUM(revision), 0) FROM plugins;
-- +goose StatementBegin
CREATE FUNCTION plugin_changes_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE plugin_changes SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER plugin_changes_insert AFTER INSERT ON plugins
    FOR EACH STATEMENT EXECUTE FUNCTION plugin_changes_count();
CREATE TRIGGER plugin_changes_update AFTER UPDATE OF revision ON plugins
    FOR EACH STATEMENT EXECUTE FUNCTION plugin_changes_count();

-- +goose Down
DROP TRIGGER plugin_changes_update ON plugins;
DROP TRIGGER plugin_changes_insert ON plugins;
DROP FUNCTION plugin_changes_count();
DROP TABLE plugin_changes;
