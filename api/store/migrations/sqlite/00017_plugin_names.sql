-- +goose Up
-- The names of each plugin (its slug and its name) as keys that ignore
-- case, accents, separators and look-alike letters (plugins.NameKey), so
-- that registration finds, among all plugins, those a new name would be
-- confused with: the same key by the first index, a key one edit away
-- among those of a neighbouring length that share its first or its last
-- two characters by the other two.
CREATE TABLE plugin_names (
    plugin_id INTEGER NOT NULL REFERENCES plugins (id) ON DELETE CASCADE,
    name_key  TEXT NOT NULL,
    key_len   INTEGER NOT NULL,
    head      TEXT NOT NULL,
    tail      TEXT NOT NULL,
    PRIMARY KEY (plugin_id, name_key)
);
CREATE INDEX plugin_names_key ON plugin_names (name_key);
CREATE INDEX plugin_names_head ON plugin_names (key_len, head);
CREATE INDEX plugin_names_tail ON plugin_names (key_len, tail);

-- +goose Down
DROP TABLE plugin_names;
