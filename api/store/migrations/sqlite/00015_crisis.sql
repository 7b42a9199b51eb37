-- +goose Up
-- Crisis mode: at most one row, the crisis declared last. It is in force
-- while active and before expires_at; texts and links are JSON.
CREATE TABLE crisis (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    active     BOOLEAN NOT NULL,
    title      TEXT NOT NULL,
    message    TEXT NOT NULL,
    region     TEXT NOT NULL,
    links      TEXT NOT NULL,
    expires_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);

-- +goose Down
DROP TABLE crisis;
