package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// ChangeEmailTokenPrefix starts the tokens of links that confirm a new
// address; they open the verification page (VerifyPath) and last VerifyTTL.
const ChangeEmailTokenPrefix = "rpe_"

// EmailChange is a signed-in caller's request to move to another address.
type EmailChange struct {
	Password string // the current one
	Email    string // the new address
	ClientIP string
}

// RequestEmailChange checks the caller's password and sends a link to the
// new address, and a notice to the current one; the address changes only
// when the link is used (VerifyEmail). Invalid fields, a wrong password
// and the current address are valid.Errors. A taken address is valid.Errors
// on email when the service does not verify addresses (registration says
// as much); when it does, the answer is the same as for a free address but
// no link is sent, only the notice. Wrong passwords count against the
// sign-in limits; links, against the per-address limit of registration,
// both for the new address and for the account.
func (s *Service) RequestEmailChange(ctx context.Context, caller User, ch EmailChange) error {
	if caller.TokenID != 0 {
		return fmt.Errorf("change your address from a signed-in session, not with an API token: %w", ErrForbidden)
	}
	email := CanonicalEmail(ch.Email)
	var c valid.Checker
	c.Email(email, "email")
	c.Check(ch.Password != "", "password", "is required")
	if err := c.Err(); err != nil {
		return err
	}
	u, err := s.store.UserByID(ctx, caller.ID)
	if err != nil {
		return err
	}
	if err := s.checkCurrentPassword(ctx, u, ch.Password, ch.ClientIP); err != nil {
		return err
	}
	if email == u.Email {
		return valid.Errors{{Field: "email", Message: "is already your address"}}
	}
	_, err = s.store.UserByEmail(ctx, email)
	taken := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if taken && !s.verify {
		return valid.Errors{{Field: "email", Message: "an account with this e-mail address already exists"}}
	}
	if err := allow(s.reset.perEmail, email); err != nil {
		return err
	}
	// Per account too: each request mails the current address, and a
	// new address each time would otherwise escape the limit.
	if err := allow(s.reset.perEmail, accountKey(u.ID)); err != nil {
		return err
	}
	return s.enqueueEmailChange(ctx, u, email, !taken)
}

// accountKey is an account's key in the per-address limiter; it holds no
// "@", so no address shares it.
func accountKey(id int64) string { return "account:" + strconv.FormatInt(id, 10) }

// checkCurrentPassword checks a signed-in account's password, counting a
// wrong one as a failed sign-in.
func (s *Service) checkCurrentPassword(ctx context.Context, u store.User, password, clientIP string) error {
	a, err := s.chargeAttempt(ctx, u.Email, clientIP)
	if err != nil {
		return err
	}
	ok, _, err := s.hasher.Verify(ctx, u.PasswordHash, password)
	if err != nil {
		return err
	}
	if !ok {
		return valid.Errors{{Field: "password", Message: "is not your current password"}}
	}
	a.forgive()
	return nil
}

// enqueueEmailChange writes the notice to the current address and, when
// withLink, the token and link to the new one, with an audit entry.
func (s *Service) enqueueEmailChange(ctx context.Context, u store.User, email string, withLink bool) error {
	notice, err := s.mail.Compose(mail.KindEmailChanging, recipient(u),
		map[string]string{"NewEmail": email, "Link": s.mail.Link(ForgotPath, nil)}, "")
	if err != nil {
		return err
	}
	token, tokenHash := newSecret(ChangeEmailTokenPrefix)
	to := recipient(u)
	to.Email = email
	link, err := s.mail.Compose(mail.KindChangeEmail, to, map[string]string{"Link": s.mail.Link(VerifyPath, url.Values{"token": {token}})}, "")
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if withLink {
			if err := tx.CreateEmailChangeToken(ctx, tokenHash, u.ID, email, s.now().Add(VerifyTTL)); err != nil {
				return err
			}
			if err := tx.EnqueueMail(ctx, link); err != nil {
				return err
			}
		}
		if err := tx.AppendAudit(ctx, store.AuditEntry{ActorID: &u.ID, Action: "auth.email_change_request", TargetType: "user",
			TargetID: strconv.FormatInt(u.ID, 10), Details: map[string]any{"to": email}}); err != nil {
			return err
		}
		return tx.EnqueueMail(ctx, notice)
	})
}

// confirmEmailChange spends a change link's token and moves its account
// to the address it was sent to, now verified.
func (s *Service) confirmEmailChange(ctx context.Context, token string) error {
	at := s.now()
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		id, email, err := tx.UseEmailChangeToken(ctx, hashSecret(token), at)
		if errors.Is(err, store.ErrNotFound) {
			return valid.Errors{{Field: "token", Message: "this link is not valid: it was already used, or it is more than 24 hours old"}}
		}
		if err != nil {
			return err
		}
		before, err := tx.UserByID(ctx, id)
		if err != nil {
			return err
		}
		err = tx.SetUserEmail(ctx, id, email, at)
		if errors.Is(err, store.ErrConflict) {
			return valid.Errors{{Field: "token", Message: "this link is not valid: another account has this address now"}}
		}
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{ActorID: &id, Action: "auth.email_change", TargetType: "user",
			TargetID: strconv.FormatInt(id, 10), Details: map[string]any{"from": before.Email, "to": email}})
	})
}
