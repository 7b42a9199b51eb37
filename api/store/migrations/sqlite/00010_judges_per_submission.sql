-- How many judges should read each entry of an edition: set with the
-- edition, and by each run of the assignment. The publication check lists
-- the entries that have fewer.

-- +goose Up
ALTER TABLE hackathons ADD COLUMN judges_per_submission INTEGER NOT NULL DEFAULT 2
	CHECK (judges_per_submission BETWEEN 1 AND 10);

-- +goose Down
ALTER TABLE hackathons DROP COLUMN judges_per_submission;
