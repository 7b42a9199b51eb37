-- The plugin list (GET /api/v1/plugins) is ordered by the last change,
-- newest first, and pages after the last plugin seen (updated_at, id):
-- an index in that order lets a page read its rows and stop, instead of
-- sorting every plugin the viewer may see.

-- +goose Up
CREATE INDEX plugins_updated_id ON plugins (updated_at, id);

-- +goose Down
DROP INDEX plugins_updated_id;
