-- Search: every filterable value of a plugin in one table (the database
-- answers searches and facet counts from it when the search engine is
-- down), and the outbox that feeds the search index.

-- +goose Up
CREATE TABLE plugin_facets (
    plugin_id INTEGER NOT NULL REFERENCES plugins (id),
    field     TEXT NOT NULL CHECK (field IN ('category', 'language', 'license', 'runtime', 'tag', 'hackathon', 'badge')),
    value     TEXT NOT NULL,
    PRIMARY KEY (plugin_id, field, value)
);
CREATE INDEX plugin_facets_value ON plugin_facets (field, value, plugin_id);

INSERT INTO plugin_facets (plugin_id, field, value) SELECT plugin_id, 'category', category FROM plugin_categories;
INSERT OR IGNORE INTO plugin_facets (plugin_id, field, value)
    SELECT p.id, 'language', j.value FROM plugins p, json_each(p.manifest, '$.languages') j WHERE p.manifest IS NOT NULL;
INSERT OR IGNORE INTO plugin_facets (plugin_id, field, value)
    SELECT p.id, 'tag', j.value FROM plugins p, json_each(p.manifest, '$.tags') j WHERE p.manifest IS NOT NULL;
INSERT OR IGNORE INTO plugin_facets (plugin_id, field, value)
    SELECT id, 'license', json_extract(manifest, '$.license') FROM plugins WHERE manifest IS NOT NULL;
INSERT OR IGNORE INTO plugin_facets (plugin_id, field, value)
    SELECT id, 'runtime', runtime FROM plugins WHERE manifest IS NOT NULL;
DROP TABLE plugin_categories;

-- How far a plugin ranks after relevance: 1 accepted, 2 awarded.
ALTER TABLE plugins ADD COLUMN trust INTEGER NOT NULL DEFAULT 0;

-- One row per plugin whose index entry is out of date. A change bumps seq;
-- the relay leases rows, indexes the plugin's current state, and deletes
-- the row if seq did not move meanwhile.
CREATE TABLE search_outbox (
    slug            TEXT PRIMARY KEY,
    seq             INTEGER NOT NULL DEFAULT 1,
    pending_since   TIMESTAMP NOT NULL,
    changed_at      TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    leased_until    TIMESTAMP,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
);
CREATE INDEX search_outbox_due ON search_outbox (next_attempt_at);

INSERT INTO search_outbox (slug, pending_since, changed_at, next_attempt_at)
    SELECT slug, updated_at, updated_at, updated_at FROM plugins;

-- +goose Down
DROP TABLE search_outbox;
ALTER TABLE plugins DROP COLUMN trust;
CREATE TABLE plugin_categories (
    plugin_id INTEGER NOT NULL REFERENCES plugins (id),
    category  TEXT NOT NULL,
    PRIMARY KEY (plugin_id, category)
);
CREATE INDEX plugin_categories_category ON plugin_categories (category, plugin_id);
INSERT INTO plugin_categories SELECT plugin_id, value FROM plugin_facets WHERE field = 'category';
DROP TABLE plugin_facets;
