package auth

import (
	"errors"
	"testing"
)

// A credential without the scope or a caller without the role is refused
// with ErrForbidden, in words that say what is missing.
func TestChecksSayWhatIsMissing(t *testing.T) {
	session := User{ID: 1, Role: RoleParticipant}
	token := User{ID: 1, Role: RoleAdmin, TokenID: 9, Scopes: []string{ScopeRead}}
	for _, tc := range []struct {
		name string
		err  error
		want string // "" when allowed
	}{
		{"a session has every scope", session.CheckScope(ScopePluginsWrite), ""},
		{"a session may use session-only routes", session.CheckScope(""), ""},
		{"a token may use its scope", token.CheckScope(ScopeRead), ""},
		{"a token lacks other scopes", token.CheckScope(ScopePluginsWrite), "this API token lacks the plugins:write scope"},
		{"a token cannot use session-only routes", token.CheckScope(""), "API tokens cannot be used here; sign in instead"},
		{"an admin has the organizer's rights", token.CheckRole(RoleOrganizer), ""},
		{"a participant is no organizer", session.CheckRole(RoleOrganizer), "this needs the organizer role"},
		{"an admin has the moderator's rights", token.CheckRole(RoleModerator), ""},
		{"an organizer is no moderator", User{ID: 2, Role: RoleOrganizer}.CheckRole(RoleModerator), "this needs the moderator role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			switch {
			case tc.want == "" && tc.err != nil:
				t.Fatalf("refused: %v", tc.err)
			case tc.want == "":
			case tc.err == nil:
				t.Fatalf("allowed, want %q", tc.want)
			case tc.err.Error() != tc.want || !errors.Is(tc.err, ErrForbidden):
				t.Fatalf("%q (forbidden: %t), want %q wrapping ErrForbidden", tc.err, errors.Is(tc.err, ErrForbidden), tc.want)
			}
		})
	}
}
