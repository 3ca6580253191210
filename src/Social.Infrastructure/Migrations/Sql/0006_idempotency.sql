-- Writes made with an Idempotency-Key: the first request claims (caller, key); retries replay its response.
CREATE TABLE idempotency_keys (
    caller                text        NOT NULL,
    key                   text        NOT NULL,
    request_fingerprint   text        NOT NULL,
    reserved_id           text        NOT NULL,
    response_status       integer     NULL,
    response_content_type text        NULL,
    response_body         text        NULL,
    response_location     text        NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    completed_at          timestamptz NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (caller, key)
);

-- Expiring old keys.
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
