-- An invitation sent by e-mail is tied to that address: only the account
-- with it may accept. Empty for a link anyone may use.

-- +goose Up
ALTER TABLE team_invitations ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE team_invitations DROP COLUMN email;
