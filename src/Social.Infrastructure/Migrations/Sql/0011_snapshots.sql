-- Snapshots of write-side state, so that a grain whose stream is long (a popular post) activates from its last
-- snapshot and the events after it, not from the whole stream. A snapshot is only a cache of the fold of its stream
-- up to version: it can be deleted at any time (the next activation reads the whole stream and writes a new one),
-- and an activation that cannot read one ignores it.
CREATE TABLE snapshots (
    stream_id text        NOT NULL,
    version   bigint      NOT NULL,
    state     jsonb       NOT NULL,
    taken_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT snapshots_pkey PRIMARY KEY (stream_id)
);
