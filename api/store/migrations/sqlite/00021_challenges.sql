-- Challenges (tracks) of an edition: who brings them, their links and
-- prizes, the entries that picked them, their judges' pools, and the
-- feedback the organisation behind a challenge leaves to the entries.

-- +goose Up
CREATE TABLE challenges (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    hackathon_id    INTEGER NOT NULL REFERENCES hackathons (id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    organization_id INTEGER REFERENCES organizations (id),
    brought_by      TEXT NOT NULL DEFAULT '',
    links           TEXT NOT NULL DEFAULT '[]',
    prizes          TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'refused')),
    created_by      INTEGER NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX challenges_edition ON challenges (hackathon_id);
CREATE INDEX challenges_organization ON challenges (organization_id);

CREATE TABLE submission_challenges (
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    plugin_id    INTEGER NOT NULL REFERENCES plugins (id),
    challenge_id INTEGER NOT NULL REFERENCES challenges (id),
    PRIMARY KEY (hackathon_id, plugin_id, challenge_id)
);
CREATE INDEX submission_challenges_challenge ON submission_challenges (challenge_id);

CREATE TABLE challenge_judges (
    challenge_id INTEGER NOT NULL REFERENCES challenges (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (challenge_id, user_id)
);

CREATE TABLE challenge_feedback (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    challenge_id INTEGER NOT NULL REFERENCES challenges (id),
    plugin_id    INTEGER NOT NULL REFERENCES plugins (id),
    author_id    INTEGER NOT NULL REFERENCES users (id),
    message      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX challenge_feedback_entry ON challenge_feedback (plugin_id, challenge_id);

-- +goose Down
DROP TABLE challenge_feedback;
DROP TABLE challenge_judges;
DROP TABLE submission_challenges;
DROP TABLE challenges;
