-- The shape of the state a snapshot holds (its members and their types): an activation whose state has another shape
-- ignores the snapshot rather than reading it into defaults.
ALTER TABLE snapshots ADD COLUMN shape text NOT NULL DEFAULT '';
