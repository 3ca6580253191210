-- How far each queue of the event-store stream provider (Social.Infrastructure/Streaming) has delivered: every event
-- of the queue's partition at or before (transaction_id, sequence) in the global order has been processed by all of
-- its consumers. A queue that starts (on any silo) reads on from here, so a silo that dies loses nothing; events after
-- the checkpoint that were delivered already are delivered again (at least once).
--
-- A checkpoint belongs to one partitioning: queue i of queue_count. A provider started with another queue count
-- finds no row of its own and starts from the lowest checkpoint of any partitioning, which redelivers but skips nothing.
CREATE TABLE stream_checkpoints (
    provider_name  text        NOT NULL,
    queue_count    integer     NOT NULL,
    queue_id       integer     NOT NULL,
    transaction_id xid8        NOT NULL,
    sequence       bigint      NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stream_checkpoints_pkey PRIMARY KEY (provider_name, queue_count, queue_id),
    CONSTRAINT stream_checkpoints_queue_in_range CHECK (queue_id >= 0 AND queue_id < queue_count)
);
