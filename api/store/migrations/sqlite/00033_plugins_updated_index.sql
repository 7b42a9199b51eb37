-- The plugin list (GET /api/v1/plugins) is ordered by the last change,
-- newest first, and pages after the last plugin seen (updated_at, id):
-- an index in that order lets a page read its rows and stop, instead of
-- sorting every plugin the viewer may see. The anonymous list (published
-- plugins with a live version) has its own partial index, which also
-- counts it without reading the plugins' rows.

-- +goose Up
CREATE INDEX plugins_updated_id ON plugins (updated_at, id);
CREATE INDEX plugins_listed ON plugins (updated_at, id) WHERE status = 'published' AND latest_version IS NOT NULL;

-- +goose Down
DROP INDEX plugins_listed;
DROP INDEX plugins_updated_id;
