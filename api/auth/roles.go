package auth

import (
	"context"
	"slices"
	"time"
)

// Role is what an account may do on the platform.
type Role string

// The roles. An admin can do everything an organizer and a moderator can.
const (
	RoleParticipant Role = "participant"
	RoleJudge       Role = "judge"
	RoleOrganizer   Role = "organizer"
	RoleModerator   Role = "moderator" // resolves abuse reports
	RoleAdmin       Role = "admin"
)

// Roles lists every role.
func Roles() []Role {
	return []Role{RoleParticipant, RoleJudge, RoleOrganizer, RoleModerator, RoleAdmin}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// Includes reports whether an account with role r has the rights of want.
func (r Role) Includes(want Role) bool {
	return r == want || (r == RoleAdmin && (want == RoleOrganizer || want == RoleModerator))
}

// Scopes an API token can carry. A signed-in session has them all.
const (
	ScopeRead          = "read"           // read what the account can see
	ScopePluginsWrite  = "plugins:write"  // create plugins and publish versions
	ScopePluginsInvoke = "plugins:invoke" // run plugins
)

// Scopes lists every scope.
func Scopes() []string { return []string{ScopeRead, ScopePluginsWrite, ScopePluginsInvoke} }

// User is the authenticated caller of a request.
type User struct {
	ID        int64
	Email     string
	Name      string
	Role      Role
	CreatedAt time.Time
	Language  string   // fr or en: the language of the e-mail sent to the account
	SessionID string   // set when signed in with an access token
	TokenID   int64    // set when using a personal API token
	Scopes    []string // the token's scopes; nil for a session, which has all
	// Unverified is set when the platform verifies addresses and this
	// account has not yet proved it receives mail at Email.
	Unverified bool
}

// Is reports whether the caller has the rights of role r.
func (u User) Is(r Role) bool { return u.Role.Includes(r) }

// Can reports whether the caller's credential carries scope.
func (u User) Can(scope string) bool {
	return u.TokenID == 0 || slices.Contains(u.Scopes, scope)
}

// CheckScope returns nil when the caller's credential may be used on a
// route that needs scope, and otherwise an error that is ErrForbidden and
// says what is missing. The empty scope admits signed-in sessions only,
// never API tokens.
func (u User) CheckScope(scope string) error {
	switch {
	case u.TokenID != 0 && scope == "":
		return refusal("API tokens cannot be used here; sign in instead")
	case !u.Can(scope):
		return refusal("this API token lacks the " + scope + " scope")
	}
	return nil
}

// CheckRole returns nil when the caller has the rights of role r, and
// otherwise an error that is ErrForbidden and names the role.
func (u User) CheckRole(r Role) error {
	if !u.Is(r) {
		return refusal("this needs the " + string(r) + " role")
	}
	return nil
}

// ErrUnverified is the refusal of what an account may do only once its
// address is verified: publishing, entering an edition, reviewing.
var ErrUnverified error = refusal("verify your e-mail address first: open the link we sent you, or ask for a new one with POST /api/v1/auth/verify/resend")

// CheckVerified returns nil when the caller's address is verified, or
// when the platform does not verify addresses, and ErrUnverified (which is
// ErrForbidden) otherwise.
func (u User) CheckVerified() error {
	if u.Unverified {
		return ErrUnverified
	}
	return nil
}

// refusal is ErrForbidden in words of its own, which tell the caller what
// they lack.
type refusal string

func (r refusal) Error() string { return string(r) }

// Is makes a refusal ErrForbidden for errors.Is.
func (r refusal) Is(target error) bool { return target == ErrForbidden }

type userKey struct{}

// WithUser returns a context carrying the authenticated caller.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the authenticated caller, if any.
func UserFrom(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey{}).(User)
	return u, ok
}
