-- Search fallback: while the search engine is down, the database matches
-- words ignoring case and accents. On SQLite this needs no schema change:
-- riposte_fold(text), which folds case and accents, is a Go function that
-- the store registers with the SQLite driver (see api/store/searching.go).
-- This migration keeps the versions of both dialects in step.

-- +goose Up

-- +goose Down
