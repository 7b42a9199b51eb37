-- When an edition accepts reviews, and conflicts of interest of every kind.
-- judging_starts_at NULL means the submission deadline. A conflict row is
-- either declared (by an organizer, or a judge about themself) or, once the
-- results are published, a conflict that followed from owning or
-- collaborating on an entry's plugin, recorded so that the published
-- results never change; since says from when it held.

-- +goose Up
ALTER TABLE hackathons ADD COLUMN judging_starts_at TIMESTAMP;
ALTER TABLE judging_conflicts ADD COLUMN kind TEXT NOT NULL DEFAULT 'declared' CHECK (kind IN ('declared', 'owner', 'collaborator'));
ALTER TABLE judging_conflicts ADD COLUMN since TIMESTAMP;

-- +goose Down
ALTER TABLE judging_conflicts DROP COLUMN since;
ALTER TABLE judging_conflicts DROP COLUMN kind;
ALTER TABLE hackathons DROP COLUMN judging_starts_at;
