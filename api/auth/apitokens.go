package auth

import (
	"context"
	"fmt"
	"slices"
	"strconv"
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
	var tok store.APIToken
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		tok, err = tx.CreateAPIToken(ctx, store.NewAPIToken{
			UserID: caller.ID, Name: n.Name, TokenHash: hash, Prefix: secret[:len(APITokenPrefix)+6],
			Scopes:    compactScopes(n.Scopes),
			ExpiresAt: s.now().UTC().Add(time.Duration(n.ExpiresInDays) * 24 * time.Hour),
		})
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, tokenAudit("token.create", caller.ID, tok.ID, map[string]any{
			"name": tok.Name, "scopes": tok.Scopes, "expires_at": tok.ExpiresAt.UTC().Format(time.RFC3339),
		}))
	})
	if err != nil {
		return store.APIToken{}, "", err
	}
	return tok, secret, nil
}

// RevokeAPIToken revokes one of the caller's API tokens and records it in
// the audit log. A token that does not exist, is someone else's or is
// already revoked is store.ErrNotFound.
func (s *Service) RevokeAPIToken(ctx context.Context, caller User, id int64) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeAPIToken(ctx, caller.ID, id); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, tokenAudit("token.revoke", caller.ID, id, nil))
	})
}

// tokenAudit is the audit entry of a change to an API token. It never
// holds the token's secret, nor its prefix.
func tokenAudit(action string, actor, id int64, details map[string]any) store.AuditEntry {
	return store.AuditEntry{ActorID: &actor, Action: action, TargetType: "token",
		TargetID: strconv.FormatInt(id, 10), Details: details}
}

func compactScopes(scopes []string) []string {
	out := slices.Clone(scopes)
	slices.Sort(out)
	return slices.Compact(out)
}
