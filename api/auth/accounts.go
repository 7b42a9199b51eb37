package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// Registration is what a visitor gives to open an account.
type Registration struct {
	Email    string
	Password string
	Name     string
	ClientIP string
	Language string // of the messages sent to the account: fr or en; empty for fr
}

// Grant is what a successful sign-in or refresh returns.
type Grant struct {
	AccessToken  string
	ExpiresIn    time.Duration
	RefreshToken string
	User         store.User
}

// Register opens a participant account, recorded in the audit log as
// opened by itself. A taken e-mail address is store.ErrConflict; invalid
// fields are valid.Errors. When the service verifies addresses, it returns
// no account and no conflict: the address receives a verification link,
// or, when taken, a notice (see SetVerifyAddresses).
func (s *Service) Register(ctx context.Context, r Registration) (store.User, error) {
	if err := allow(s.registerIP, r.ClientIP); err != nil {
		return store.User{}, err
	}
	n := newAccount{email: r.Email, name: r.Name, role: RoleParticipant, password: r.Password, language: r.Language}
	if s.verify {
		return store.User{}, s.registerVerified(ctx, n)
	}
	return s.createUser(ctx, n, sourceRegistration)
}

// CreateUser opens an account with any role, without rate limits: for
// administrators and the command line. The audit log records it as made by
// the platform.
func (s *Service) CreateUser(ctx context.Context, email, name string, role Role, password string) (store.User, error) {
	return s.createUser(ctx, newAccount{email: email, name: name, role: role, password: password}, sourcePlatform)
}

// Where an account came from, as the audit log says.
const (
	sourceRegistration = "registration" // the person registered; the account is its own actor
	sourcePlatform     = "platform"     // the command line or another part of the platform
	sourceFirstStart   = "first_start"  // the administrator made on an empty database
)

type newAccount struct {
	email, name, password, language string
	role                            Role
}

// checkAccount checks a new account's fields, its e-mail in canonical form.
func checkAccount(n newAccount) error {
	var c valid.Checker
	c.Email(n.email, "email")
	c.Length(n.name, 1, 100, "name")
	checkPassword(&c, n.password)
	c.Check(n.role.Valid(), "role", "must be one of participant, judge, organizer, moderator, admin")
	c.Check(n.language == "" || slices.Contains(mail.Languages, n.language), "language", "must be fr or en")
	return c.Err()
}

// createUser checks, hashes and stores a new account with a user.create
// audit entry naming its source.
func (s *Service) createUser(ctx context.Context, n newAccount, source string) (store.User, error) {
	n.email = CanonicalEmail(n.email)
	if err := checkAccount(n); err != nil {
		return store.User{}, err
	}
	hash, err := s.hasher.Hash(ctx, n.password)
	if err != nil {
		return store.User{}, err
	}
	var u store.User
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		// Accounts made by the platform (command line, first start, seed)
		// count as verified; a registration never does, even when the
		// service does not verify addresses (which then limits nothing).
		if u, err = tx.CreateUser(ctx, store.NewUser{Email: n.email, Name: n.name, Role: string(n.role), PasswordHash: hash,
			Language: n.language, Verified: source != sourceRegistration}); err != nil {
			return err
		}
		e := store.AuditEntry{Action: "user.create", TargetType: "user", TargetID: strconv.FormatInt(u.ID, 10),
			Details: map[string]any{"role": u.Role, "source": source}}
		if source == sourceRegistration {
			e.ActorID = &u.ID
		}
		return tx.AppendAudit(ctx, e)
	})
	if errors.Is(err, store.ErrConflict) {
		return store.User{}, fmt.Errorf("an account with this e-mail address already exists: %w", store.ErrConflict)
	}
	if err != nil {
		return store.User{}, err
	}
	return u, nil
}

// Login checks an e-mail address and password and starts a session. Unknown
// addresses and wrong passwords give the same error after about the same
// time. Failed attempts are limited per client address, per account and
// address, and per account (see Limits).
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (Grant, error) {
	email = CanonicalEmail(email)
	a, err := s.chargeAttempt(ctx, email, clientIP)
	if err != nil {
		return Grant{}, err
	}
	u, err := s.checkCredentials(ctx, email, password)
	if !errors.Is(err, ErrInvalidCredentials) {
		a.forgive()
	}
	if err != nil {
		return Grant{}, err
	}
	return s.startSession(ctx, u)
}

// checkCredentials returns the account that email and password open.
func (s *Service) checkCredentials(ctx context.Context, email, password string) (store.User, error) {
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		if err := s.hasher.VerifyNothing(ctx, password); err != nil {
			return store.User{}, err
		}
		return store.User{}, ErrInvalidCredentials
	}
	if err != nil {
		return store.User{}, err
	}
	ok, stale, err := s.hasher.Verify(ctx, u.PasswordHash, password)
	switch {
	case err != nil:
		return store.User{}, err
	case !ok:
		return store.User{}, ErrInvalidCredentials
	case u.Disabled:
		return store.User{}, ErrAccountDisabled
	case stale:
		if hash, err := s.hasher.Hash(ctx, password); err == nil {
			s.store.UpdateUser(ctx, u.ID, store.UserPatch{PasswordHash: &hash})
		}
	}
	return u, nil
}

func (s *Service) startSession(ctx context.Context, u store.User) (Grant, error) {
	at := s.now()
	refresh, hash := newSecret(RefreshTokenPrefix)
	sess, err := s.store.CreateSession(ctx, rand.Text(), u.ID, at.Add(sessionTTL),
		store.RefreshGrant{TokenHash: hash, ExpiresAt: at.Add(refreshTTL)})
	if err != nil {
		return Grant{}, err
	}
	return s.grant(u, sess.ID, refresh)
}

func (s *Service) grant(u store.User, sessionID, refresh string) (Grant, error) {
	access, _, err := s.tokens.Issue(u.ID, sessionID)
	if err != nil {
		return Grant{}, err
	}
	return Grant{AccessToken: access, ExpiresIn: s.tokens.TTL(), RefreshToken: refresh, User: u}, nil
}

// Refresh exchanges a refresh token for a new access token and a new
// refresh token. The old one is spent: presenting it again revokes the
// whole session (ErrInvalidToken either way), which the store audits and
// the service logs as a warning.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (Grant, error) {
	if len(refreshToken) > maxTokenLen {
		return Grant{}, ErrInvalidToken
	}
	at := s.now()
	next, hash := newSecret(RefreshTokenPrefix)
	sess, err := s.store.RotateRefresh(ctx, hashSecret(refreshToken), store.RefreshGrant{TokenHash: hash, ExpiresAt: at.Add(refreshTTL)}, at)
	if reused := (*store.TokenReusedError)(nil); errors.As(err, &reused) {
		s.sessions.forget()
		s.log.Warn("spent refresh token presented again; session revoked", "user_id", reused.UserID, "session", reused.SessionID)
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrTokenReused) {
		return Grant{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if err != nil {
		return Grant{}, err
	}
	u, err := s.store.UserByID(ctx, sess.UserID)
	if err != nil {
		return Grant{}, err
	}
	if u.Disabled {
		return Grant{}, ErrAccountDisabled
	}
	return s.grant(u, sess.ID, next)
}

// Logout ends the session a refresh token belongs to. Unknown tokens are
// ignored: signing out twice is not an error.
func (s *Service) Logout(ctx context.Context, refreshToken string) error {
	defer s.sessions.forget() // the change counts from the next request on this process
	if len(refreshToken) > maxTokenLen {
		return nil
	}
	err := s.store.RevokeSessionByRefresh(ctx, hashSecret(refreshToken), "signed out", s.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// UserChange is an administrator's change to an account; nil fields stay.
type UserChange struct {
	Role     *Role
	Disabled *bool
}

// UpdateUser changes an account's role or disables it, on behalf of an
// administrator, and records the change in the audit log. Administrators
// cannot change their own account this way, so one always remains.
func (s *Service) UpdateUser(ctx context.Context, actor User, id int64, ch UserChange) (store.User, error) {
	defer s.sessions.forget() // the change counts from the next request on this process
	if !actor.Is(RoleAdmin) {
		return store.User{}, ErrForbidden
	}
	var c valid.Checker
	if ch.Role != nil {
		c.Check(ch.Role.Valid(), "role", "must be one of participant, judge, organizer, moderator, admin")
	}
	c.Check(ch.Role != nil || ch.Disabled != nil, "role", "give a role or disabled to change")
	if err := c.Err(); err != nil {
		return store.User{}, err
	}
	if id == actor.ID {
		return store.User{}, fmt.Errorf("administrators cannot change their own role or disable themselves: %w", store.ErrConflict)
	}
	var after store.User
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.UserByID(ctx, id)
		if err != nil {
			return err
		}
		after, err = tx.UpdateUser(ctx, id, store.UserPatch{Role: (*string)(ch.Role), Disabled: ch.Disabled})
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{
			ActorID: &actor.ID, Action: "user.update", TargetType: "user", TargetID: strconv.FormatInt(id, 10),
			Details: map[string]any{
				"role":     map[string]string{"from": before.Role, "to": after.Role},
				"disabled": map[string]bool{"from": before.Disabled, "to": after.Disabled},
			},
		})
	})
	return after, err
}

// EnsureAdmin creates an administrator when the database has no account at
// all. With an empty password it generates one. It reports the password
// only when it generated it, so that it can be shown once.
func (s *Service) EnsureAdmin(ctx context.Context, email, password string) (created bool, generated string, err error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return false, "", err
	}
	if password == "" {
		password = rand.Text()
		generated = password
	}
	if _, err := s.createUser(ctx, newAccount{email: email, name: "Administrator", role: RoleAdmin, password: password}, sourceFirstStart); err != nil {
		return false, "", fmt.Errorf("create administrator: %w", err)
	}
	return true, generated, nil
}

// SetLanguage chooses the language, fr or en, of the e-mail an account
// receives. Only a signed-in session may change it, as for the password.
func (s *Service) SetLanguage(ctx context.Context, caller User, language string) (store.User, error) {
	defer s.sessions.forget() // the change counts from the next request on this process
	if caller.TokenID != 0 {
		return store.User{}, fmt.Errorf("choose the language of your e-mail from a signed-in session, not with an API token: %w", ErrForbidden)
	}
	var c valid.Checker
	c.Check(slices.Contains(mail.Languages, language), "language", "must be fr or en")
	if err := c.Err(); err != nil {
		return store.User{}, err
	}
	return s.store.UpdateUser(ctx, caller.ID, store.UserPatch{Language: &language})
}
