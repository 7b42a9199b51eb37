package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Module is an uploaded WebAssembly module, without its bytes. Modules
// never change and are stored once, by the SHA-256 of their bytes.
type Module struct {
	SHA256         string // hexadecimal
	Size           int64
	Imports        []string // "module.name", sorted
	MinMemoryPages int      // the memory it starts with, in pages of 64 KiB
	CreatedAt      time.Time
}

// SaveModule stores a module's bytes, unless they are stored already, and
// records that by uploaded it. It reports whether the module is new to
// the database and whether by had not uploaded it before.
func (q queries) SaveModule(ctx context.Context, m Module, bin []byte, by int64) (created, firstByThem bool, err error) {
	imports, err := json.Marshal(m.Imports)
	if err != nil {
		return false, false, fmt.Errorf("module: %w", err)
	}
	t := now()
	res, err := q.w.ExecContext(ctx, `INSERT INTO modules (sha256, bytes, size, imports, min_memory_pages, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING`, m.SHA256, bin, m.Size, string(imports), m.MinMemoryPages, t)
	if err != nil {
		return false, false, fmt.Errorf("module: %w", mapError(err))
	}
	n, _ := res.RowsAffected()
	created = n == 1
	res, err = q.w.ExecContext(ctx, `INSERT INTO module_uploads (sha256, user_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (sha256, user_id) DO NOTHING`, m.SHA256, by, t)
	if err != nil {
		return false, false, fmt.Errorf("module upload: %w", mapError(err))
	}
	n, _ = res.RowsAffected()
	return created, n == 1, nil
}

// ModuleFor returns a module and whether userID uploaded it, or
// ErrNotFound when no one did.
func (q queries) ModuleFor(ctx context.Context, sha256 string, userID int64) (m Module, uploaded bool, err error) {
	var imports string
	err = q.r.QueryRowContext(ctx, `SELECT sha256, size, imports, min_memory_pages, created_at,
			EXISTS (SELECT 1 FROM module_uploads u WHERE u.sha256 = modules.sha256 AND u.user_id = $2)
		FROM modules WHERE sha256 = $1`, sha256, userID).
		Scan(&m.SHA256, &m.Size, &imports, &m.MinMemoryPages, &m.CreatedAt, &uploaded)
	if err != nil {
		return Module{}, false, fmt.Errorf("module %s: %w", sha256, mapError(err))
	}
	if err := json.Unmarshal([]byte(imports), &m.Imports); err != nil {
		return Module{}, false, fmt.Errorf("module %s: imports: %w", sha256, err)
	}
	return m, uploaded, nil
}

// ModuleBytes returns a module's bytes, or ErrNotFound.
func (q queries) ModuleBytes(ctx context.Context, sha256 string) ([]byte, error) {
	var bin []byte
	if err := q.r.QueryRowContext(ctx, `SELECT bytes FROM modules WHERE sha256 = $1`, sha256).Scan(&bin); err != nil {
		return nil, fmt.Errorf("module %s: %w", sha256, mapError(err))
	}
	return bin, nil
}

// PinModule records that a plugin version runs a module, for good: the
// module is then never deleted. The module must exist.
func (q queries) PinModule(ctx context.Context, versionID int64, sha256 string) error {
	_, err := q.w.ExecContext(ctx, `INSERT INTO plugin_version_modules (version_id, module_sha256) VALUES ($1, $2)`, versionID, sha256)
	if err != nil {
		return fmt.Errorf("version module: %w", mapError(err))
	}
	return nil
}

// RecentModuleUpload returns when an account made its nth most recent
// module upload (n from 1), provided it was after since; ok is false when
// it made fewer than n since then.
func (q queries) RecentModuleUpload(ctx context.Context, userID int64, since time.Time, n int) (at time.Time, ok bool, err error) {
	err = q.r.QueryRowContext(ctx, `SELECT created_at FROM module_uploads WHERE user_id = $1 AND created_at > $2
		ORDER BY created_at DESC LIMIT 1 OFFSET $3`, userID, since, n-1).Scan(&at)
	switch err = mapError(err); {
	case errors.Is(err, ErrNotFound):
		return time.Time{}, false, nil
	case err != nil:
		return time.Time{}, false, fmt.Errorf("recent module uploads: %w", err)
	}
	return at, true, nil
}
