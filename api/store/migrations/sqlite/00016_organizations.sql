-- Organisations: applied for by an account, verified or refused by an
-- administrator, joined by invitation. Plugins may belong to one, and
-- carry their access level (public or vetted) from their latest manifest.

-- +goose Up
CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    -- The name folded to lower case: two organisations never share one.
    name_key    TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('ngo', 'public_body', 'newsroom', 'research', 'platform')),
    website     TEXT NOT NULL,
    description TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'refused')),
    review_note TEXT NOT NULL DEFAULT '',
    reviewed_by INTEGER REFERENCES users (id),
    reviewed_at TIMESTAMP,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX organizations_status ON organizations (status, name_key);

CREATE TABLE organization_members (
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_members_user ON organization_members (user_id);

-- An invitation is a token (stored hashed) for one e-mail address, or for
-- one account; it is used once.
CREATE TABLE organization_invitations (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    token_hash      TEXT NOT NULL UNIQUE,
    email           TEXT NOT NULL DEFAULT '',
    user_id         INTEGER REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    invited_by      INTEGER NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    accepted_at     TIMESTAMP,
    accepted_by     INTEGER REFERENCES users (id)
);
CREATE INDEX organization_invitations_org ON organization_invitations (organization_id);

-- The organisation a plugin belongs to, if any.
CREATE TABLE plugin_organizations (
    plugin_id       INTEGER PRIMARY KEY REFERENCES plugins (id),
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX plugin_organizations_org ON plugin_organizations (organization_id);

-- public or vetted, from the plugin's latest manifest.
ALTER TABLE plugins ADD COLUMN access TEXT NOT NULL DEFAULT 'public';

-- +goose Down
ALTER TABLE plugins DROP COLUMN access;
DROP TABLE plugin_organizations;
DROP TABLE organization_invitations;
DROP TABLE organization_members;
DROP TABLE organizations;
