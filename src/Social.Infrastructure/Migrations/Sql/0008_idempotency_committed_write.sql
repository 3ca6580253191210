-- Where the write made under a key was committed: set by the append itself, in the same transaction as its events,
-- so a retry whose first run committed but never recorded its response answers from that write instead of writing again.
ALTER TABLE idempotency_keys
    ADD COLUMN committed_stream  text   NULL,
    ADD COLUMN committed_version bigint NULL;
