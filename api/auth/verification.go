package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// Address verification.
const (
	// VerifyTTL is how long an address-verification link works.
	VerifyTTL = 24 * time.Hour
	// VerifyTokenPrefix starts the tokens of verification links.
	VerifyTokenPrefix = "rpv_"
	// VerifyPath is the page a verification link opens.
	VerifyPath = "/verify"
)

// SetVerifyAddresses makes registration prove addresses by e-mail: it
// answers alike for new and taken addresses, and sends either a
// verification link or a notice to the account that has the address. Set
// it only when e-mail is actually sent.
func (s *Service) SetVerifyAddresses(on bool) { s.verify = on }

// VerifiesAddresses says whether registration proves addresses by e-mail.
func (s *Service) VerifiesAddresses() bool { return s.verify }

// registerVerified opens an account whose address is still to be proved,
// with its verification message; for a taken address, it sends the
// account a notice instead and opens nothing. Both take the time of a
// password hash and a transaction, and return no account.
func (s *Service) registerVerified(ctx context.Context, n newAccount) error {
	n.email = CanonicalEmail(n.email)
	if err := checkAccount(n); err != nil {
		return err
	}
	if err := allow(s.reset.perEmail, n.email); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, n.password)
	if err != nil {
		return err
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.CreateUser(ctx, store.NewUser{Email: n.email, Name: n.name, Role: string(n.role), PasswordHash: hash, Language: n.language})
		if err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, store.AuditEntry{ActorID: &u.ID, Action: "user.create", TargetType: "user",
			TargetID: strconv.FormatInt(u.ID, 10), Details: map[string]any{"role": u.Role, "source": sourceRegistration}}); err != nil {
			return err
		}
		return s.queueVerification(ctx, tx, u)
	})
	if errors.Is(err, store.ErrConflict) {
		return s.noticeTaken(ctx, n.email)
	}
	return err
}

// noticeTaken tells the account with an address that someone tried to
// register with it.
func (s *Service) noticeTaken(ctx context.Context, email string) error {
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	m, err := s.mail.Compose(mail.KindRegisterTaken, recipient(u), map[string]string{"Link": s.mail.Link(ForgotPath, nil)}, "")
	if err != nil {
		return err
	}
	return s.store.EnqueueMail(ctx, m)
}

// VerifyEmail spends a verification link's token and records that its
// account receives mail at its address; the token of a change of address
// (ChangeEmailTokenPrefix) moves the account to the new address instead. A token unknown, used or expired
// is valid.Errors on token.
func (s *Service) VerifyEmail(ctx context.Context, token string) error {
	defer s.sessions.forget() // the change counts from the next request on this process
	if len(token) > maxTokenLen {
		return valid.Errors{{Field: "token", Message: "this link is not valid"}}
	}
	if strings.HasPrefix(token, ChangeEmailTokenPrefix) {
		return s.confirmEmailChange(ctx, token)
	}
	at := s.now()
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		id, err := tx.UseAccountToken(ctx, hashSecret(token), store.TokenVerifyEmail, at)
		if errors.Is(err, store.ErrNotFound) {
			return valid.Errors{{Field: "token", Message: "this link is not valid: it was already used, or it is more than 24 hours old"}}
		}
		if err != nil {
			return err
		}
		if err := tx.MarkEmailVerified(ctx, id, at); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{ActorID: &id, Action: "auth.verify_email", TargetType: "user",
			TargetID: strconv.FormatInt(id, 10), Details: map[string]any{}})
	})
}

// ResendVerification sends the caller a new verification link for its
// address. It shares registration's per-address rate limit
// (*RateLimitError); an address already verified, or a service that does
// not verify addresses, is store.ErrConflict.
func (s *Service) ResendVerification(ctx context.Context, caller User) error {
	if !caller.Unverified {
		return fmt.Errorf("this address needs no verification: %w", store.ErrConflict)
	}
	u, err := s.store.UserByID(ctx, caller.ID)
	if err != nil {
		return err
	}
	if err := allow(s.reset.perEmail, u.Email); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		return s.queueVerification(ctx, tx, u)
	})
}

// queueVerification stores a new verification token for u's address and
// queues the message carrying its link, on tx.
func (s *Service) queueVerification(ctx context.Context, tx *store.Tx, u store.User) error {
	token, tokenHash := newSecret(VerifyTokenPrefix)
	if err := tx.CreateAccountToken(ctx, tokenHash, u.ID, store.TokenVerifyEmail, s.now().Add(VerifyTTL)); err != nil {
		return err
	}
	m, err := s.mail.Compose(mail.KindVerifyEmail, recipient(u),
		map[string]string{"Link": s.mail.Link(VerifyPath, url.Values{"token": {token}})}, "")
	if err != nil {
		return err
	}
	return tx.EnqueueMail(ctx, m)
}
