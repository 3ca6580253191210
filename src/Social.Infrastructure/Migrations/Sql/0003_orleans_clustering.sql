-- Orleans cluster membership (Microsoft.Orleans.Clustering.AdoNet): which silos exist, their status and
-- heartbeats. Silos use it to join, to find each other and to agree on who is dead; clients use it to find gateways.
--
-- Optimistic concurrency: each cluster (Orleans calls it the deployment) has one row in
-- orleans_membership_version whose version is the table's ETag. Every insert or update of a membership row,
-- except a heartbeat, must name the version it read and bump it in the same statement; if another silo changed
-- the table first, the statement changes nothing and returns false, and Orleans re-reads and retries.
-- Each of those is a single statement, so it commits or rolls back as a whole.
-- SiloStatus codes: 0 None, 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.

CREATE TABLE orleans_membership_version (
    deployment_id text        NOT NULL,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_membership_version_pkey PRIMARY KEY (deployment_id)
);

-- One row per silo incarnation: address, port and generation (a per-start number) identify it.
-- suspect_times is Orleans's own encoding of the death votes: "silo,time|silo,time".
CREATE TABLE orleans_membership (
    deployment_id   text        NOT NULL,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NOT NULL,
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    CONSTRAINT orleans_membership_pkey PRIMARY KEY (deployment_id, address, port, generation),
    CONSTRAINT orleans_membership_deployment_fkey FOREIGN KEY (deployment_id)
        REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- A silo creates its cluster's version row when it starts; true if this call created it.
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id)
    VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created)
$sql$),

-- A joining silo adds its row. The version row is bumped first (which also locks it, so concurrent writers
-- queue behind it) and the insert only happens if that bump did; a silo row that already exists leaves the
-- version alone. Returns true only if the row was added.
('InsertMembershipKey', $sql$
WITH bumped AS (
    UPDATE orleans_membership_version AS v
    SET version = v.version + 1,
        changed_at = now()
    WHERE v.deployment_id = @DeploymentId
      AND v.version = @Version
      AND NOT EXISTS (
          SELECT 1
          FROM orleans_membership AS m
          WHERE m.deployment_id = @DeploymentId
            AND m.address = @Address
            AND m.port = @Port
            AND m.generation = @Generation)
    RETURNING v.deployment_id
), inserted AS (
    INSERT INTO orleans_membership
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
    SELECT b.deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped AS b
    ON CONFLICT (deployment_id, address, port, generation) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM inserted)
$sql$),

-- Status changes and death votes. Same rule as the insert: the row changes only together with the version
-- bump, and the version is not bumped for a row that does not exist.
('UpdateMembershipKey', $sql$
WITH bumped AS (
    UPDATE orleans_membership_version AS v
    SET version = v.version + 1,
        changed_at = now()
    WHERE v.deployment_id = @DeploymentId
      AND v.version = @Version
      AND EXISTS (
          SELECT 1
          FROM orleans_membership AS m
          WHERE m.deployment_id = @DeploymentId
            AND m.address = @Address
            AND m.port = @Port
            AND m.generation = @Generation)
    RETURNING v.deployment_id
), updated AS (
    UPDATE orleans_membership AS m
    SET status = @Status,
        suspect_times = @SuspectTimes,
        i_am_alive_time = @IAmAliveTime
    FROM bumped AS b
    WHERE m.deployment_id = b.deployment_id
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM updated)
$sql$),

-- Heartbeat: only the silo itself writes it, so it takes no ETag and does not bump the version
-- (other silos' pending updates stay valid).
('UpdateIAmAlivetimeKey', $sql$
UPDATE orleans_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation
$sql$),

-- One silo's row plus the table version, read in one statement so both come from the same snapshot.
-- The outer join returns the version even when the silo has no row (Orleans then sees no entry).
('MembershipReadRowKey', $sql$
SELECT v.deployment_id   AS "DeploymentId",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime",
       v.version         AS "Version"
FROM orleans_membership_version AS v
LEFT JOIN orleans_membership AS m
       ON m.deployment_id = v.deployment_id
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId
$sql$),

-- The whole table plus its version, consistently.
('MembershipReadAllKey', $sql$
SELECT v.deployment_id   AS "DeploymentId",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime",
       v.version         AS "Version"
FROM orleans_membership_version AS v
LEFT JOIN orleans_membership AS m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
$sql$),

-- Gateways for clients: active silos (Orleans passes @Status = 3) that listen for clients.
('GatewaysQueryKey', $sql$
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status = @Status
  AND proxy_port > 0
$sql$),

-- Drops a whole cluster's membership (tests and tooling); its silo rows go with it by cascade.
('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM orleans_membership_version
WHERE deployment_id = @DeploymentId
$sql$),

-- Removing old dead silos, one row at a time: Orleans reads the table, picks Dead rows whose start, heartbeat
-- and votes are all older than its cutoff, and passes back the values it read. The row is deleted only if it
-- still holds exactly those values, so a row that changed in the meantime is left alone. suspect_times
-- compares NULL and '' as equal, since Orleans reads both as "no votes" and sends back NULL.
-- Dead rows are not part of anyone's view, so this does not bump the version.
('CleanupDefunctSiloEntryKey', $sql$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation
  AND status = 6
  AND start_time = @StartTime
  AND i_am_alive_time = @IAmAliveTime
  AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '')
$sql$),

-- The older, bulk form of the cleanup. Orleans still requires the key to exist, and uses it only when
-- CleanupDefunctSiloEntryKey is missing. It is conservative: Dead rows older than @IAmAliveTime by start and
-- heartbeat, and without votes (whose times are only known after parsing suspect_times).
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status = 6
  AND start_time < @IAmAliveTime
  AND i_am_alive_time < @IAmAliveTime
  AND coalesce(suspect_times, '') = ''
$sql$);
