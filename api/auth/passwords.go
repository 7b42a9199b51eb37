package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// Password reset and change.
const (
	// ResetTTL is how long a password-reset link works.
	ResetTTL = 30 * time.Minute
	// ResetTokenPrefix starts the tokens of password-reset links.
	ResetTokenPrefix = "rps_"
	// resetFloor is the least time a reset request takes, whether or not
	// the address has an account, so that timing does not tell.
	resetFloor = 60 * time.Millisecond
	// ResetPath is the page a password-reset link opens.
	ResetPath = "/password-reset/confirm"
	// ForgotPath is the page where a reset is asked for.
	ForgotPath = "/password-reset"
)

// resetLimits bound reset requests: per client address, and per e-mail
// address asked about (whether or not it has an account), so that nobody
// fills a mailbox with links.
type resetLimits struct {
	perIP, perEmail *ratelimit.Limiter
}

func newResetLimits(now func() time.Time) resetLimits {
	return resetLimits{
		perIP:    ratelimit.New(ratelimit.Rate{Burst: 10, Every: time.Minute}, now),
		perEmail: ratelimit.New(ratelimit.Rate{Burst: 3, Every: 10 * time.Minute}, now),
	}
}

// SetMail gives the service the composer of the messages it sends.
func (s *Service) SetMail(c *mail.Composer) { s.mail = c }

// recipient is an account as the composer addresses it.
func recipient(u store.User) mail.Recipient {
	return mail.Recipient{Email: u.Email, Name: u.Name, Language: u.Language}
}

// RequestPasswordReset sends a single-use link to choose a new password
// to the account with that address, if there is one and it is not
// disabled. The answer and its timing are the same either way; only the
// rate limits (per client address, per e-mail address) show, as a
// *RateLimitError, and they count unknown addresses too.
func (s *Service) RequestPasswordReset(ctx context.Context, email, clientIP string) error {
	start := time.Now()
	defer func() { time.Sleep(resetFloor - time.Since(start)) }()
	email = CanonicalEmail(email)
	if err := allow(s.reset.perIP, clientIP); err != nil {
		return err
	}
	if err := allow(s.reset.perEmail, email); err != nil {
		return err
	}
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || err == nil && u.Disabled {
		return nil
	}
	if err != nil {
		return err
	}
	token, hash := newSecret(ResetTokenPrefix)
	m, err := s.mail.Compose(mail.KindPasswordReset, recipient(u),
		map[string]string{"Link": s.mail.Link(ResetPath, url.Values{"token": {token}})}, "")
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAccountToken(ctx, hash, u.ID, store.TokenPasswordReset, s.now().Add(ResetTTL)); err != nil {
			return err
		}
		return tx.EnqueueMail(ctx, m)
	})
}

// ConfirmPasswordReset sets the password of the account a reset link was
// sent to, spends the link (and any other reset link of the account),
// ends every session of the account, revokes its API tokens and records
// it in the audit log. A token unknown, used or expired, and a password
// too short or too long, are valid.Errors naming the field.
func (s *Service) ConfirmPasswordReset(ctx context.Context, token, password string) error {
	defer s.sessions.forget() // the change counts from the next request on this process
	var c valid.Checker
	c.Check(len(token) <= maxTokenLen, "token", "this link is not valid")
	checkPassword(&c, password)
	if err := c.Err(); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	at := s.now()
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		id, err := tx.UseAccountToken(ctx, hashSecret(token), store.TokenPasswordReset, at)
		if errors.Is(err, store.ErrNotFound) {
			return valid.Errors{{Field: "token", Message: "this link is not valid: it was already used, or it is more than 30 minutes old; ask for a new one"}}
		}
		if err != nil {
			return err
		}
		return s.setPassword(ctx, tx, id, hash, "", "auth.password_reset", at)
	})
}

// A reset is how an account is taken back from whoever learnt its
// password: it ends every session and also revokes every API token, which
// that person may have created. A change, made from a signed-in session
// that knows the current password, keeps the account's API tokens
// (automations keep working); they are listed, and revoked one by one,
// on the account page.

// setPassword stores a new password hash, spends the account's reset
// links, ends its sessions but keep (and, for a reset, revokes its API
// tokens), and appends an audit entry.
func (s *Service) setPassword(ctx context.Context, tx *store.Tx, id int64, hash, keep, action string, at time.Time) error {
	if _, err := tx.UpdateUser(ctx, id, store.UserPatch{PasswordHash: &hash}); err != nil {
		return err
	}
	if err := tx.SpendAccountTokens(ctx, id, store.TokenPasswordReset, at); err != nil {
		return err
	}
	n, err := tx.RevokeUserSessions(ctx, id, keep, action, at)
	if err != nil {
		return err
	}
	details := map[string]any{"sessions_ended": n}
	if action == "auth.password_reset" {
		t, err := tx.RevokeUserAPITokens(ctx, id, at)
		if err != nil {
			return err
		}
		details["api_tokens_revoked"] = t
	}
	return tx.AppendAudit(ctx, store.AuditEntry{ActorID: &id, Action: action, TargetType: "user",
		TargetID: strconv.FormatInt(id, 10), Details: details})
}

// ChangePassword sets a signed-in caller's password, given the current
// one: every other session of the account ends, the change is audited and
// the account receives a security notice. A wrong current password is
// valid.Errors on current_password; wrong attempts count as failed
// sign-ins (see Limits).
func (s *Service) ChangePassword(ctx context.Context, caller User, current, password, clientIP string) error {
	defer s.sessions.forget() // the change counts from the next request on this process
	if caller.TokenID != 0 {
		return fmt.Errorf("change your password from a signed-in session, not with an API token: %w", ErrForbidden)
	}
	var c valid.Checker
	checkPassword(&c, password)
	c.Check(current != "", "current_password", "is required")
	if err := c.Err(); err != nil {
		return err
	}
	u, err := s.store.UserByID(ctx, caller.ID)
	if err != nil {
		return err
	}
	a, err := s.chargeAttempt(ctx, u.Email, clientIP)
	if err != nil {
		return err
	}
	ok, _, err := s.hasher.Verify(ctx, u.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return valid.Errors{{Field: "current_password", Message: "is not your current password"}}
	}
	a.forgive()
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	m, err := s.mail.Compose(mail.KindPasswordChanged, recipient(u),
		map[string]string{"Link": s.mail.Link(ForgotPath, nil)}, "")
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := s.setPassword(ctx, tx, u.ID, hash, caller.SessionID, "auth.password_change", s.now()); err != nil {
			return err
		}
		return tx.EnqueueMail(ctx, m)
	})
}
