-- The catalogue of SQL that Orleans's ADO.NET providers (clustering, grain storage, reminders) execute.
--
-- The providers issue no SQL of their own apart from reading this table at start-up with the fixed, unquoted
-- statement `SELECT QueryKey, QueryText FROM OrleansQuery`, which PostgreSQL folds to orleansquery(querykey,
-- querytext); that is why this one table keeps the Orleans name instead of the snake_case used elsewhere.
-- Every other statement the providers run is a row here, keyed by the name Orleans asks for; migrations
-- 0003-0005 add the rows for each provider together with the tables those statements use.
--
-- The contract for the statements themselves: Orleans binds parameters by name (@Name, typed from the .NET
-- value: int -> integer, long -> bigint, string -> text, DateTime -> timestamptz, byte[] -> bytea) and reads
-- result columns by name, so every statement aliases its columns to the quoted names Orleans expects.
-- Providers load the catalogue once when they start; a changed row takes effect when the silos restart.
CREATE TABLE OrleansQuery (
    QueryKey  text NOT NULL,
    QueryText text NOT NULL,
    CONSTRAINT orleans_query_pkey PRIMARY KEY (QueryKey)
);
