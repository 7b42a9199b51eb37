-- +goose Up
-- A change of e-mail address waits for a link sent to the new address:
-- its token carries the address asked for.
ALTER TABLE account_tokens ADD COLUMN new_email TEXT;
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
    CHECK (purpose IN ('password_reset', 'verify_email', 'change_email'));
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_new_email_check
    CHECK ((purpose = 'change_email') = (new_email IS NOT NULL));

-- +goose Down
DELETE FROM account_tokens WHERE purpose = 'change_email';
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_new_email_check;
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
    CHECK (purpose IN ('password_reset', 'verify_email'));
ALTER TABLE account_tokens DROP COLUMN new_email;
