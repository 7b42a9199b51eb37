-- +goose Up
-- A change of e-mail address waits for a link sent to the new address:
-- its token carries the address asked for.
CREATE TABLE account_tokens_new (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'verify_email', 'change_email')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    new_email  TEXT CHECK ((purpose = 'change_email') = (new_email IS NOT NULL))
);
INSERT INTO account_tokens_new (token_hash, user_id, purpose, created_at, expires_at, used_at)
    SELECT token_hash, user_id, purpose, created_at, expires_at, used_at FROM account_tokens;
DROP TABLE account_tokens;
ALTER TABLE account_tokens_new RENAME TO account_tokens;
CREATE INDEX account_tokens_user_id ON account_tokens (user_id, purpose);

-- +goose Down
DELETE FROM account_tokens WHERE purpose = 'change_email';
CREATE TABLE account_tokens_old (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'verify_email')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
INSERT INTO account_tokens_old SELECT token_hash, user_id, purpose, created_at, expires_at, used_at FROM account_tokens;
DROP TABLE account_tokens;
ALTER TABLE account_tokens_old RENAME TO account_tokens;
CREATE INDEX account_tokens_user_id ON account_tokens (user_id, purpose);
