package auth

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/riposte-civic/riposte/api/ratelimit"
	"github.com/riposte-civic/riposte/api/store"
)

// Failure budgets, as named in refusals, the audit log and the logs.
const (
	budgetAddress        = "address"         // failed sign-ins from one client address
	budgetAccountAddress = "account_address" // failed sign-ins on one account from one address
	budgetAccount        = "account"         // failed sign-ins on one account from anywhere
)

// failures counts failed sign-ins. An attempt is charged before its
// password is checked, so that concurrent guesses cannot overdraw a
// budget, and refunded when the password was right.
type failures struct {
	address, pair, account *ratelimit.Limiter
}

func newFailures(l Limits, now func() time.Time) failures {
	return failures{
		address: ratelimit.New(l.FailuresPerAddress, now),
		pair:    ratelimit.New(l.FailuresPerAccountAddress, now),
		account: ratelimit.New(l.FailuresPerAccount, now),
	}
}

// lockout says that a failure budget ran out.
type lockout struct {
	budget string
	wait   time.Duration // until the refused address may try again
	first  bool          // the first refusal since the budget last allowed an attempt
}

// attempt is one sign-in charged to the failure budgets.
type attempt struct {
	f               *failures
	email, ip, pair string
	accountCharged  bool
}

// begin charges a sign-in attempt on the account named email from address
// ip. It returns a nil attempt when a budget refuses it, and a lockout
// whenever a budget ran out.
//
// The account-wide budget never refuses an address that has no recent
// failure on the account: once it runs out, only those addresses may try,
// so that an attack from elsewhere cannot keep the owner out.
func (f *failures) begin(email, ip string) (*attempt, *lockout) {
	a := &attempt{f: f, email: email, ip: ip, pair: email + "\x00" + ip}
	clean, untilClean := f.pair.Idle(a.pair)
	if ok, wait, first := f.address.Take(ip); !ok {
		return nil, &lockout{budget: budgetAddress, wait: wait, first: first}
	}
	if ok, wait, first := f.pair.Take(a.pair); !ok {
		f.address.Refund(ip)
		return nil, &lockout{budget: budgetAccountAddress, wait: wait, first: first}
	}
	ok, _, first := f.account.Take(email)
	if ok {
		a.accountCharged = true
		return a, nil
	}
	l := &lockout{budget: budgetAccount, wait: untilClean, first: first}
	if !clean {
		a.forgive()
		return nil, l
	}
	return a, l
}

// forgive refunds the attempt: the password was right, or the attempt
// failed for a reason that is not the caller's.
func (a *attempt) forgive() {
	a.f.address.Refund(a.ip)
	a.f.pair.Refund(a.pair)
	if a.accountCharged {
		a.f.account.Refund(a.email)
	}
}

// chargeAttempt charges a sign-in to the failure budgets, records the
// start of a lock-out, and refuses the attempt with a RateLimitError when
// a budget says so.
func (s *Service) chargeAttempt(ctx context.Context, email, ip string) (*attempt, error) {
	a, l := s.failures.begin(email, ip)
	if l != nil && l.first {
		s.recordLockout(ctx, l, email, ip)
	}
	if a == nil {
		return nil, &RateLimitError{RetryAfter: max(l.wait, time.Second)}
	}
	return a, nil
}

// recordLockout writes the start of a lock-out to the audit log, against
// the account when it exists, and logs a warning. The client address is
// recorded: it is what an administrator needs to tell an attack from a
// forgetful user.
func (s *Service) recordLockout(ctx context.Context, l *lockout, email, ip string) {
	e := store.AuditEntry{Action: "auth.lockout", TargetType: "address", TargetID: ip,
		Details: map[string]any{"budget": l.budget, "address": ip}}
	attrs := []any{"budget", l.budget, "client_ip", ip, "retry_after", l.wait.Round(time.Second).String()}
	if l.budget != budgetAddress {
		u, err := s.store.UserByEmail(ctx, email)
		switch {
		case errors.Is(err, store.ErrNotFound):
			// No account by that name: nothing to protect, nothing to audit.
			s.log.Warn("sign-in lock-out on an unknown account", attrs...)
			return
		case err != nil:
			s.log.Error("audit of a sign-in lock-out failed", "err", err)
			return
		}
		e.TargetType, e.TargetID = "user", strconv.FormatInt(u.ID, 10)
		attrs = append(attrs, "user_id", u.ID)
	}
	s.log.Warn("sign-in lock-out", attrs...)
	if err := s.store.AppendAudit(ctx, e); err != nil {
		s.log.Error("audit of a sign-in lock-out failed", "err", err)
	}
}

// SetLogger sets where the service reports security events (lock-outs,
// reuse of a spent refresh token). Without it they go nowhere but the
// audit log.
func (s *Service) SetLogger(log *slog.Logger) {
	if log != nil {
		s.log = log
	}
}
