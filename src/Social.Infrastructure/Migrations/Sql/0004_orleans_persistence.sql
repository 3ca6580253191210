-- Orleans grain state (Microsoft.Orleans.Persistence.AdoNet, AddAdoNetGrainStorage): one row per grain and
-- state type, holding the serialized state and its version.
--
-- Identity: a grain is found by its natural key (service, grain type, grain id). Orleans splits the grain id
-- into n0/n1 (two halves of a Guid key, or 0 and the integer key) plus grain_id_extension (the key extension,
-- or the whole key of a string-keyed grain; NULL when there is none). It also sends two 32-bit hashes, of the
-- grain id and of the type, computed by the configured hasher: they narrow the index, and the natural key
-- then settles hash collisions. Changing the hasher therefore orphans existing rows.
--
-- Versioning: version is the grain's ETag. A write names the version it last read (NULL for a grain that has
-- never been stored) and succeeds only if the row still has it. When nothing was written, a statement returns
-- no row, and Orleans raises InconsistentStateException.
CREATE TABLE orleans_storage (
    grain_id_hash      integer     NOT NULL,
    grain_type_hash    integer     NOT NULL,
    service_id         text        NOT NULL,
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    grain_type         text        NOT NULL,
    grain_id_extension text        NULL,
    payload            bytea       NULL,
    version            integer     NOT NULL,
    modified_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_storage_version_positive CHECK (version > 0)
);

-- One row per grain: this both serves the lookups (hash and id columns first) and makes two activations that
-- both write a first state collide, so only one insert wins. The text parts go in as md5 so that a long string
-- key cannot exceed the index's row size; NULLS NOT DISTINCT makes "no extension" a single value.
CREATE UNIQUE INDEX orleans_storage_grain_key ON orleans_storage
    (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id, md5(grain_type), md5(grain_id_extension))
    NULLS NOT DISTINCT;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Current state and version; no row when the grain has never been written.
-- A row with a NULL payload is a cleared state: Orleans treats it as absent but keeps its version as the ETag.
('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary",
       version AS "Version"
FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
$sql$),

-- With a version: update the row if it still has that version. Without one: insert version 1, unless a row
-- already exists (another activation got there first). Returns the new version, or no row on a conflict.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE orleans_storage
    SET payload = @PayloadBinary,
        version = version + 1,
        modified_at = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND grain_id_hash = @GrainIdHash
      AND grain_type_hash = @GrainTypeHash
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version = @GrainStateVersion
    RETURNING version
), inserted AS (
    INSERT INTO orleans_storage
        (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1, service_id, grain_type, grain_id_extension, payload, version)
    SELECT @GrainIdHash, @GrainTypeHash, @GrainIdN0, @GrainIdN1, @ServiceId, @GrainTypeString, @GrainIdExtensionString, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted
$sql$),

-- ClearStateAsync (default): keep the row, drop the payload and bump the version, so that a stale activation
-- still cannot overwrite the cleared state.
('ClearStorageKey', $sql$
UPDATE orleans_storage
SET payload = NULL,
    version = version + 1,
    modified_at = now()
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion"
$sql$),

-- ClearStateAsync with DeleteStateOnClear = true: remove the row. Orleans needs a value that differs from the
-- ETag it sent to know the delete happened, hence version + 1; the grain's next write inserts afresh.
('DeleteStorageKey', $sql$
DELETE FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash
  AND grain_type_hash = @GrainTypeHash
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
  AND version = @GrainStateVersion
RETURNING version + 1 AS "NewGrainStateVersion"
$sql$);
