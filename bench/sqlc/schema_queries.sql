-- Queries sqlc compiles alongside schema/migrations in `make bench` (sqlc needs at least one).
-- The CRUD our generator emits for `teams`, so sqlc emits models for every table plus these
-- six functions.

-- name: GetTeam :one
SELECT * FROM teams WHERE id = $1 AND deleted_at IS NULL;

-- name: GetTeamBySlug :one
SELECT * FROM teams WHERE slug = $1 AND deleted_at IS NULL;

-- name: ListTeams :many
SELECT * FROM teams WHERE deleted_at IS NULL ORDER BY id LIMIT $1 OFFSET $2;

-- name: InsertTeam :one
INSERT INTO teams (slug, name, billing_email) VALUES ($1, $2, $3) RETURNING *;

-- name: UpdateTeam :one
UPDATE teams SET slug = $2, name = $3, billing_email = $4, billing_plan = $5 WHERE id = $1 RETURNING *;

-- name: DeleteTeam :exec
UPDATE teams SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL;
