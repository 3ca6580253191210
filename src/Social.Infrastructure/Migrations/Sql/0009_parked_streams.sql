-- Streams whose projection was parked: one of their events kept failing for a reason other than a store being down (a
-- poison event: a payload the code cannot read, a bug), so the projection stopped at the event before it rather than
-- holding up its queue's other streams for good. The stream's events stay in the event store; an operator re-drives
-- the stream (admin API or page) once the cause is fixed, and its projection catches up from where it stopped.
CREATE TABLE parked_streams (
    stream_id  text        NOT NULL,
    version    bigint      NOT NULL,
    event_type text        NOT NULL,
    error      text        NOT NULL,
    attempts   integer     NOT NULL,
    parked_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT parked_streams_pkey PRIMARY KEY (stream_id)
);
