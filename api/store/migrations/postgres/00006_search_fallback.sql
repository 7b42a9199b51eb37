-- Search fallback: while the search engine is down, the database matches
-- words ignoring case and accents (unaccent) and tolerates typos (trigram
-- similarity, pg_trgm).
--
-- Both extensions are trusted (PostgreSQL 13+): a role allowed to create in
-- the database may install them. They go in the public schema, not in
-- Riposte's own, so that dropping that schema leaves them to other users;
-- where an administrator already installed them elsewhere, that copy is used.
-- Two functions in Riposte's schema call them by their schema's name, so
-- that searches work whatever the search_path.

-- +goose Up
-- Replicas migrating different schemas of one database at once take turns.
SELECT pg_advisory_xact_lock(hashtext('riposte-extensions'));
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- +goose StatementBegin
DO $$
DECLARE
    ua text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent');
    tg text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm');
BEGIN
    -- riposte_fold(text): the text in lower case, without accents.
    EXECUTE format(
        'CREATE FUNCTION %I.riposte_fold(t text) RETURNS text LANGUAGE sql STABLE STRICT PARALLEL SAFE AS %L',
        current_schema(),
        format('SELECT lower(%I.unaccent(%L::regdictionary, t))', ua, quote_ident(ua) || '.unaccent'));
    -- riposte_similarity(word, text): how closely word matches a whole word
    -- of text, both folded, from 0 to 1.
    EXECUTE format(
        'CREATE FUNCTION %I.riposte_similarity(word text, t text) RETURNS real LANGUAGE sql STABLE STRICT PARALLEL SAFE AS %L',
        current_schema(),
        format('SELECT %I.strict_word_similarity(%I.riposte_fold(word), %I.riposte_fold(t))', tg, current_schema(), current_schema()));
END
$$;
-- +goose StatementEnd

-- +goose Down
-- The extensions stay: other schemas of the database may use them.
DROP FUNCTION riposte_similarity(text, text);
DROP FUNCTION riposte_fold(text);
