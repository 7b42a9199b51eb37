package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// NewAPIToken describes a personal API token to create.
type NewAPIToken struct {
	Name          string
	Scopes        []string
	ExpiresInDays int
}

// Token lifetime bounds, in days.
const (
	MaxTokenDays     = 366
	DefaultTokenDays = 90
)

// CreateAPIToken issues a personal API token for the caller and returns it
// with its secret, which is not stored and cannot be shown again. A token
// cannot be used to create tokens.
func (s *Service) CreateAPIToken(ctx context.Context, caller User, n NewAPIToken) (store.APIToken, string, error) {
	if caller.TokenID != 0 {
		return store.APIToken{}, "", fmt.Errorf("API tokens cannot create tokens: %w", ErrForbidden)
	}
	var c valid.Checker
	c.Length(n.Name, 1, 100, "name")
	if c.Check(len(n.Scopes) > 0, "scopes", "give at least one scope: "+strings.Join(Scopes(), ", ")) {
		for i, sc := range n.Scopes {
			c.Check(slices.Contains(Scopes(), sc), fmt.Sprintf("scopes[%d]", i),
				fmt.Sprintf("unknown scope %q; known scopes: %s", sc, strings.Join(Scopes(), ", ")))
		}
	}
	if n.ExpiresInDays == 0 {
		n.ExpiresInDays = DefaultTokenDays
	}
	c.Check(n.ExpiresInDays >= 1 && n.ExpiresInDays <= MaxTokenDays, "expires_in_days",
		fmt.Sprintf("must be between 1 and %d", MaxTokenDays))
	if err := c.Err(); err != nil {
		return store.APIToken{}, "", err
	}
	secret, hash := newSecret(APITokenPrefix)
	tok, err := s.store.CreateAPIToken(ctx, store.NewAPIToken{
		UserID: caller.ID, Name: n.Name, TokenHash: hash, Prefix: secret[:len(APITokenPrefix)+6],
		Scopes:    compactScopes(n.Scopes),
		ExpiresAt: s.now().UTC().Add(time.Duration(n.ExpiresInDays) * 24 * time.Hour),
	})
	if err != nil {
		return store.APIToken{}, "", err
	}
	return tok, secret, nil
}

func compactScopes(scopes []string) []string {
	out := slices.Clone(scopes)
	slices.Sort(out)
	return slices.Compact(out)
}
