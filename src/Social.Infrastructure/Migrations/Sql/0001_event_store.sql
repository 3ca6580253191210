-- The append-only event log: one row per event, the only source of truth.
--
-- Global order is (transaction_id, sequence). Sequence values are handed out before commit, so they do not commit
-- in order; transaction ids let a reader stop below the oldest transaction still running
-- (pg_snapshot_xmin(pg_current_snapshot())) and so never skip an event that commits late.
CREATE TABLE events (
    sequence       bigint      GENERATED ALWAYS AS IDENTITY,
    transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream_id      text        NOT NULL,
    version        bigint      NOT NULL,
    event_id       uuid        NOT NULL,
    event_type     text        NOT NULL,
    data           jsonb       NOT NULL,
    metadata       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_pkey PRIMARY KEY (sequence),
    CONSTRAINT events_stream_version_key UNIQUE (stream_id, version),
    CONSTRAINT events_event_id_key UNIQUE (event_id),
    CONSTRAINT events_version_positive CHECK (version > 0),
    CONSTRAINT events_stream_id_not_empty CHECK (stream_id <> ''),
    CONSTRAINT events_event_type_not_empty CHECK (event_type <> '')
);

-- Reading all streams in global order.
CREATE INDEX events_global_position_idx ON events (transaction_id, sequence);
