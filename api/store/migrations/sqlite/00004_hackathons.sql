-- Hackathon editions and their judging: judges, declared conflicts,
-- submissions frozen at a plugin version, assignments, reviews, decisions.

-- +goose Up
CREATE TABLE hackathons (
    id                   INTEGER PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    city                 TEXT NOT NULL DEFAULT '',
    description          TEXT NOT NULL DEFAULT '',
    starts_at            TIMESTAMP NOT NULL,
    ends_at              TIMESTAMP NOT NULL,
    submission_deadline  TIMESTAMP NOT NULL,
    judging_deadline     TIMESTAMP NOT NULL,
    rubric               TEXT NOT NULL,
    results_published_at TIMESTAMP,
    created_by           INTEGER NOT NULL REFERENCES users (id),
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);

CREATE TABLE hackathon_judges (
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    added_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (hackathon_id, user_id)
);

CREATE TABLE submissions (
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    plugin_id    INTEGER NOT NULL REFERENCES plugins (id),
    version      TEXT NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    status       TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'rejected')),
    award        TEXT NOT NULL DEFAULT '',
    feedback     TEXT NOT NULL DEFAULT '',
    decided_by   INTEGER REFERENCES users (id),
    decided_at   TIMESTAMP,
    PRIMARY KEY (hackathon_id, plugin_id)
);
CREATE INDEX submissions_plugin ON submissions (plugin_id);

CREATE TABLE judging_conflicts (
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    judge_id     INTEGER NOT NULL REFERENCES users (id),
    plugin_id    INTEGER NOT NULL REFERENCES plugins (id),
    reason       TEXT NOT NULL,
    declared_by  INTEGER NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (hackathon_id, judge_id, plugin_id)
);

CREATE TABLE assignments (
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    judge_id     INTEGER NOT NULL REFERENCES users (id),
    plugin_id    INTEGER NOT NULL REFERENCES plugins (id),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (hackathon_id, judge_id, plugin_id)
);
CREATE INDEX assignments_judge ON assignments (judge_id);

CREATE TABLE reviews (
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    judge_id     INTEGER NOT NULL REFERENCES users (id),
    plugin_id    INTEGER NOT NULL REFERENCES plugins (id),
    scores       TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (hackathon_id, judge_id, plugin_id)
);

-- What published results said of a plugin, kept on its row so that reading
-- a plugin stays one query: space-separated hackathon slugs and badges.
ALTER TABLE plugins ADD COLUMN hackathons TEXT NOT NULL DEFAULT '';
ALTER TABLE plugins ADD COLUMN badges TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE plugins DROP COLUMN badges;
ALTER TABLE plugins DROP COLUMN hackathons;
DROP TABLE reviews;
DROP TABLE assignments;
DROP TABLE judging_conflicts;
DROP TABLE submissions;
DROP TABLE hackathon_judges;
DROP TABLE hackathons;
