-- Orleans reminders (Microsoft.Orleans.Reminders.AdoNet, UseAdoNetReminderService): durable timers,
-- one row per (service, grain, reminder name).
--
-- The reminder service splits the work between silos by ranges of a 32-bit consistent-hash ring, so each row
-- keeps the grain's uniform hash. Orleans sends hashes as signed integers (the unsigned value cast to int) and
-- chooses the range query by comparing them as signed, so grain_hash is stored and compared as signed too.
-- version is the row's ETag: bumped by every upsert, and a delete must name it.
CREATE TABLE orleans_reminders (
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint      NOT NULL,
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL,
    CONSTRAINT orleans_reminders_pkey PRIMARY KEY (service_id, grain_id, reminder_name)
);

-- The range reads of each silo's share of the ring.
CREATE INDEX orleans_reminders_grain_hash_idx ON orleans_reminders (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- All reminders of one grain.
('ReadReminderRowsKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId
  AND grain_id = @GrainId
$sql$),

-- One reminder, or no row.
('ReadReminderRowKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId
  AND grain_id = @GrainId
  AND reminder_name = @ReminderName
$sql$),

-- The ring range (@BeginHash, @EndHash] when it does not wrap (Orleans picks this one when begin < end, signed).
('ReadRangeRows1Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId
  AND grain_hash > @BeginHash
  AND grain_hash <= @EndHash
$sql$),

-- The ring range when it wraps past the top (begin >= end, signed; begin = end is the whole ring).
('ReadRangeRows2Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId
  AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$sql$),

-- Register or re-register a reminder; returns the new ETag. @Period is milliseconds (sent as integer or bigint).
('UpsertReminderRowKey', $sql$
INSERT INTO orleans_reminders AS r
    (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 1)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = excluded.start_time,
    period_ms = excluded.period_ms,
    grain_hash = excluded.grain_hash,
    version = r.version + 1
RETURNING r.version AS "Version"
$sql$),

-- Unregister, only if the caller holds the current ETag; true if the row was removed.
('DeleteReminderRowKey', $sql$
WITH deleted AS (
    DELETE FROM orleans_reminders
    WHERE service_id = @ServiceId
      AND grain_id = @GrainId
      AND reminder_name = @ReminderName
      AND version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM deleted)
$sql$),

-- Every reminder of the service (tests and tooling).
('DeleteReminderRowsKey', $sql$
DELETE FROM orleans_reminders
WHERE service_id = @ServiceId
$sql$);
