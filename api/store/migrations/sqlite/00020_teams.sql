-- Teams: formed by participants within an edition, joined by invitation
-- link, led by a captain; an entry may belong to one. Participants may
-- publish a "looking for a team" profile; teams may say what they need.

-- +goose Up
CREATE TABLE teams (
    id           INTEGER PRIMARY KEY,
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    name         TEXT NOT NULL,
    -- The name folded to lower case: two teams of an edition never share one.
    name_key     TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    needs        TEXT NOT NULL DEFAULT '',
    open         BOOLEAN NOT NULL DEFAULT FALSE,
    captain_id   INTEGER NOT NULL REFERENCES users (id),
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (hackathon_id, name_key)
);

-- A user is in at most one team per edition.
CREATE TABLE team_members (
    team_id      INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, user_id),
    UNIQUE (hackathon_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

-- An invitation is a link token (stored hashed), used once.
CREATE TABLE team_invitations (
    id          INTEGER PRIMARY KEY,
    team_id     INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by INTEGER REFERENCES users (id)
);
CREATE INDEX team_invitations_team ON team_invitations (team_id);

-- "Looking for a team": what a participant chose to publish. Skills and
-- languages are lists, one item a line.
CREATE TABLE team_profiles (
    hackathon_id INTEGER NOT NULL REFERENCES hackathons (id),
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    skills       TEXT NOT NULL DEFAULT '',
    languages    TEXT NOT NULL DEFAULT '',
    wants        TEXT NOT NULL DEFAULT '',
    visible      BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (hackathon_id, user_id)
);

ALTER TABLE submissions ADD COLUMN team_id INTEGER REFERENCES teams (id);

-- +goose Down
ALTER TABLE submissions DROP COLUMN team_id;
DROP TABLE team_profiles;
DROP TABLE team_invitations;
DROP TABLE team_members;
DROP TABLE teams;
