-- Pairwise judging (Crowd-BT): an edition's judging mode; per entry its
-- score's mean and variance; per judge their reliability and the entries
-- in front of them; every vote with the versions compared; skips; views.

-- +goose Up
ALTER TABLE hackathons ADD COLUMN judging_mode TEXT NOT NULL DEFAULT 'rubric'
	CHECK (judging_mode IN ('rubric', 'pairwise'));

CREATE TABLE pairwise_entries (
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    plugin_id    INTEGER NOT NULL REFERENCES plugins (id),
    mu           REAL NOT NULL,
    sigma2       REAL NOT NULL,
    comparisons  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hackathon_id, plugin_id)
);

CREATE TABLE pairwise_judges (
    hackathon_id       INTEGER NOT NULL REFERENCES hackathons (id),
    judge_id           INTEGER NOT NULL REFERENCES users (id),
    alpha              REAL NOT NULL,
    beta               REAL NOT NULL,
    previous_plugin_id INTEGER REFERENCES plugins (id),
    current_plugin_id  INTEGER REFERENCES plugins (id),
    PRIMARY KEY (hackathon_id, judge_id)
);

CREATE TABLE pairwise_votes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    hackathon_id     INTEGER NOT NULL REFERENCES hackathons (id),
    judge_id         INTEGER NOT NULL REFERENCES users (id),
    winner_plugin_id INTEGER NOT NULL REFERENCES plugins (id),
    winner_version   TEXT NOT NULL,
    loser_plugin_id  INTEGER NOT NULL REFERENCES plugins (id),
    loser_version    TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX pairwise_votes_edition ON pairwise_votes (hackathon_id, judge_id);

CREATE TABLE pairwise_skips (
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    judge_id     INTEGER NOT NULL REFERENCES users (id),
    plugin_id    INTEGER NOT NULL REFERENCES plugins (id),
    reason       TEXT NOT NULL CHECK (reason IN ('absent', 'conflict', 'other')),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (hackathon_id, judge_id, plugin_id)
);

CREATE TABLE pairwise_views (
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    judge_id     INTEGER NOT NULL REFERENCES users (id),
    plugin_id    INTEGER NOT NULL REFERENCES plugins (id),
    version      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (hackathon_id, judge_id, plugin_id)
);

-- +goose Down
DROP TABLE pairwise_views;
DROP TABLE pairwise_skips;
DROP TABLE pairwise_votes;
DROP TABLE pairwise_judges;
DROP TABLE pairwise_entries;
ALTER TABLE hackathons DROP COLUMN judging_mode;
