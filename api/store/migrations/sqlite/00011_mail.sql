-- E-mail: the language each account reads its messages in, the outbox of
-- messages to send, and the single-use tokens that links in them carry.

-- +goose Up
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en'));
-- When the account proved it receives mail at its address (a verification
-- link); NULL until then, and for accounts made without e-mail.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;

-- One row per message, written in the transaction of the change that
-- causes it. The relay leases due rows, sends them and sets sent_at; a
-- failure sets next_attempt_at with backoff. Message-ID is fixed here, so
-- that a message sent again after a crash carries the same one.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    language        TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    unsubscribe     TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    leased_until    TIMESTAMP,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    sent_at         TIMESTAMP
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);

-- Tokens carried by links in messages (password reset, address
-- verification): stored hashed, single use, with an expiry.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'verify_email')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX account_tokens_user_id ON account_tokens (user_id, purpose);

-- +goose Down
DROP TABLE account_tokens;
DROP TABLE mail_outbox;
ALTER TABLE users DROP COLUMN email_verified_at;
ALTER TABLE users DROP COLUMN language;
