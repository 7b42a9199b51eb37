package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// User is an account.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         string
	PasswordHash string
	Disabled     bool
	Language     string     // fr or en: the language of the messages sent to it
	VerifiedAt   *time.Time // when the account proved it receives mail at Email
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// NewUser is what CreateUser needs. Email is expected in canonical
// (lower-case) form; the store enforces its uniqueness.
type NewUser struct {
	Email        string
	Name         string
	Role         string
	PasswordHash string
	Language     string // fr or en; empty for fr
	Verified     bool   // the address counts as verified from creation on
}

// UserFilter narrows ListUsers. Zero fields do not filter.
type UserFilter struct {
	Role  string
	Query string // matched against the start of the e-mail or of the name, ignoring case
}

// UserPatch changes an account; nil fields are left alone.
type UserPatch struct {
	Role         *string
	Disabled     *bool
	PasswordHash *string
	Language     *string // fr or en
}

const userColumns = `id, email, name, role, password_hash, disabled, language, email_verified_at, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.Language, &u.VerifiedAt, &u.CreatedAt, &u.UpdatedAt)
	return u, err
}

// CreateUser inserts an account. A taken e-mail address is ErrConflict.
func (q queries) CreateUser(ctx context.Context, n NewUser) (User, error) {
	t := now()
	if n.Language == "" {
		n.Language = "fr"
	}
	var verified *time.Time
	if n.Verified {
		verified = &t
	}
	row := q.w.QueryRowContext(ctx, `INSERT INTO users (email, name, role, password_hash, language, email_verified_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING `+userColumns, n.Email, n.Name, n.Role, n.PasswordHash, n.Language, verified, t)
	u, err := scanUser(row)
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", mapError(err))
	}
	return u, nil
}

// UserByID returns an account, or ErrNotFound.
func (q queries) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(q.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return User{}, fmt.Errorf("user %d: %w", id, mapError(err))
	}
	return u, nil
}

// UserByEmail returns the account with that canonical e-mail, or ErrNotFound.
func (q queries) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(q.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	if err != nil {
		return User{}, fmt.Errorf("user: %w", mapError(err))
	}
	return u, nil
}

// CountUsers reports how many accounts exist.
func (q queries) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// likePrefix escapes s for use as a LIKE prefix pattern with ESCAPE '\'.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(strings.ToLower(s)) + "%"
}

// ListUsers returns one page of accounts, oldest first, and how many match
// in all.
func (q queries) ListUsers(ctx context.Context, f UserFilter, p Page) ([]User, int, error) {
	where := `WHERE ($1 = '' OR role = $1) AND ($2 = '' OR email LIKE $3 ESCAPE '\' OR LOWER(name) LIKE $3 ESCAPE '\')`
	args := []any{f.Role, f.Query, likePrefix(f.Query)}
	var total int
	if err := q.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	rows, err := q.r.QueryContext(ctx, `SELECT `+userColumns+` FROM users `+where+
		` ORDER BY id LIMIT $4 OFFSET $5`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	users, err := collect(rows, scanUser)
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return users, total, nil
}

// UpdateUser applies a patch and returns the account as it now is.
func (q queries) UpdateUser(ctx context.Context, id int64, p UserPatch) (User, error) {
	row := q.w.QueryRowContext(ctx, `UPDATE users SET
			role = COALESCE($2, role),
			disabled = COALESCE($3, disabled),
			password_hash = COALESCE($4, password_hash),
			language = COALESCE($6, language),
			updated_at = $5
		WHERE id = $1 RETURNING `+userColumns, id, p.Role, p.Disabled, p.PasswordHash, now(), p.Language)
	u, err := scanUser(row)
	if err != nil {
		return User{}, fmt.Errorf("update user %d: %w", id, mapError(err))
	}
	return u, nil
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
