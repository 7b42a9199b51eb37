-- Notifications: the kinds each account turned off, and the reminders
-- already queued, so that none is sent twice.

-- +goose Up
-- A row turns one kind of notification off for one account; security
-- messages have no kind here and are always sent.
CREATE TABLE notification_opt_outs (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- One row per reminder queued (deadline, edition, recipient), written in
-- the transaction that queues it: whichever replica gets there first
-- sends it, the others and a restart find the row and do not.
CREATE TABLE notification_reminders (
    reminder   TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE notification_reminders;
DROP TABLE notification_opt_outs;
