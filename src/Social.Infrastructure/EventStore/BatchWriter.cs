using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Social.Abstractions.Diagnostics;
using Social.Abstractions.EventStore;

namespace Social.Infrastructure.EventStore;

/// <summary>
/// Writes a batch of appends to many streams in one transaction: one statement, one commit (one fsync), one
/// <c>NOTIFY</c>. Each append keeps its own expected-version check and gets its own outcome: one that finds its stream
/// at another version fails alone, while a batch whose transaction fails fails every append in it, with nothing written.
/// </summary>
internal sealed partial class BatchWriter(NpgsqlDataSource dataSource, Func<NpgsqlTransaction, Task> commitAsync, ILogger logger)
{
    // Every append's version check and every insert is one statement, so they share one snapshot. An append is accepted
    // when its stream is at the expected version; its rows then insert, unless a concurrent transaction (another
    // instance) took one of those versions first: the insert waits for that transaction and, if it commits, skips the
    // row (ON CONFLICT DO NOTHING), so a lost race never aborts the other appends of the batch. Rows are inserted in
    // (stream, version) order, so that two instances' batches over the same streams take the unique index's locks in
    // one order and cannot deadlock, and so that sequence numbers grow with the version inside a stream. The same
    // statement marks the idempotency keys of the appends that were written, so a key's record commits with its write.
    private const string AppendSql = """
        WITH appends AS (
            SELECT * FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS a(stream_id, expected, append_no)
        ),
        accepted AS (
            SELECT a.* FROM appends a
            WHERE (SELECT coalesce(max(version), 0) FROM events WHERE stream_id = a.stream_id) = a.expected
        ),
        inserted AS (
            INSERT INTO events (stream_id, version, event_id, event_type, data, metadata)
            SELECT a.stream_id, a.expected + e.ordinal, e.event_id, e.event_type, e.data, e.metadata
            FROM unnest($3::bigint[], $4::bigint[], $5::uuid[], $6::text[], $7::jsonb[], $8::jsonb[])
                AS e(append_no, ordinal, event_id, event_type, data, metadata)
            JOIN accepted a USING (append_no)
            ORDER BY a.stream_id, e.ordinal
            ON CONFLICT DO NOTHING
            RETURNING stream_id, version
        ),
        marked AS (
            UPDATE idempotency_keys k
            SET committed_stream = w.stream_id, committed_version = w.version
            FROM (SELECT stream_id, max(version) AS version FROM inserted GROUP BY stream_id) w,
                 unnest($9::text[], $10::text[], $11::text[]) AS m(stream_id, caller, key)
            WHERE m.stream_id = w.stream_id AND k.caller = m.caller AND k.key = m.key
        )
        SELECT stream_id, count(*), pg_current_xact_id() FROM inserted GROUP BY stream_id
        """;

    // After an append was turned down: where the stream is, and how many of its event ids are stored at exactly the
    // versions the append would have given them (a retry of an append that did land).
    private const string CheckSql = """
        SELECT
            (SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1),
            (SELECT count(*)
             FROM unnest($3::uuid[]) WITH ORDINALITY AS e(event_id, ordinal)
             JOIN events ON events.event_id = e.event_id
             WHERE events.stream_id = $1 AND events.version = $2 + e.ordinal)
        """;

    private const string NotifySql = $"SELECT pg_notify('{PostgresEventStore.CommittedChannel}', $1)";

    // A notification's payload must stay under 8000 bytes; a longer list is sent empty, which wakes every reader.
    private const int MaxNotifyPayload = 7900;

    // How long to wait for a transaction whose COMMIT got no answer to end, before reporting the store as unavailable.
    private static readonly TimeSpan s_unknownOutcomeWait = TimeSpan.FromSeconds(5);

    // Two batches of different instances can still deadlock through the event-id index, or be chosen as a
    // serialization victim; nothing is written then, so the batch is simply tried again.
    private const int MaxAttempts = 3;

    /// <summary>Writes the batch and settles every append in it; never throws. Appends to one stream may appear only once.</summary>
    public async Task WriteAsync(IReadOnlyList<PendingAppend> batch)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
                var rejected = new List<PendingAppend>();
                List<PendingAppend> written;
                try
                {
                    written = await WriteAcceptedAsync(connection, batch, rejected);
                }
                catch (StaleConnectionException stale)
                {
                    // The pooled connection was dropped while idle (PostgreSQL restarted) and nothing was written:
                    // the pool is cleared and the batch goes once more, on a new connection.
                    dataSource.Clear();
                    if (attempt > 1)
                    {
                        ExceptionDispatchInfo.Throw(stale.InnerException!);
                    }

                    continue;
                }

                await FinishAsync(connection, written, rejected);
                return;
            }
        }
        catch (Exception e)
        {
            if (!PostgresFailures.IsUnavailable(e, CancellationToken.None))
            {
                LogBatchFailed(e, batch.Count);
            }

            var unavailable = PostgresFailures.Unavailable(e);
            foreach (var append in batch)
            {
                append.Failed(unavailable);
            }
        }
        finally
        {
            SocialMetrics.AppendBatches.Record(batch.Count);
            SocialMetrics.AppendBatchDuration.Record(watch.Elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Settles the committed appends, wakes the stream readers, and settles the refused ones with their reason.</summary>
    private async Task FinishAsync(NpgsqlConnection connection, List<PendingAppend> written, List<PendingAppend> rejected)
    {
        foreach (var append in written)
        {
            append.Written();
            SocialMetrics.EventsAppended.Add(append.Events.Count, new KeyValuePair<string, object?>("stream", StreamKind(append.StreamId)));
        }

        if (written.Count > 0)
        {
            await NotifyAsync(connection, written);
        }

        foreach (var append in rejected)
        {
            await SettleRejectedAsync(connection, append);
        }
    }

    /// <summary>
    /// Commits the appends that find their streams at the expected versions, and returns them; the others go to
    /// <paramref name="rejected"/>. An append that lost a race half-way (some of its versions taken by a concurrent
    /// transaction, not all) would leave a gap, so the transaction is rolled back and written again without it.
    /// </summary>
    private async Task<List<PendingAppend>> WriteAcceptedAsync(NpgsqlConnection connection, IReadOnlyList<PendingAppend> batch, List<PendingAppend> rejected)
    {
        var remaining = batch;
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            Dictionary<string, long> insertedPerStream;
            ulong transactionId;
            try
            {
                (insertedPerStream, transactionId) = await InsertAsync(connection, transaction, remaining);
            }
            catch (Exception e) when (attempt == 1 && PostgresFailures.IsStaleConnection(e))
            {
                // The batch's first statement is the first use of the pooled connection: nothing ran.
                throw new StaleConnectionException(e);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < MaxAttempts)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                continue;
            }

            var written = new List<PendingAppend>(remaining.Count);
            var halfWritten = new List<PendingAppend>();
            foreach (var append in remaining)
            {
                var inserted = insertedPerStream.GetValueOrDefault(append.StreamId);
                (inserted == append.Events.Count ? written : inserted == 0 ? rejected : halfWritten).Add(append);
            }

            if (halfWritten.Count > 0)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                rejected.AddRange(halfWritten);
                remaining = written;
                continue;
            }

            if (written.Count == 0)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return written;
            }

            await CommitAsync(transaction, transactionId);
            return written;
        }
    }

    private static async Task<(Dictionary<string, long> InsertedPerStream, ulong TransactionId)> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PendingAppend> appends)
    {
        var eventCount = appends.Sum(a => a.Events.Count);
        var appendNumbers = new long[eventCount];
        var ordinals = new long[eventCount];
        var eventIds = new Guid[eventCount];
        var types = new string[eventCount];
        var data = new string[eventCount];
        var metadata = new string[eventCount];
        var row = 0;
        for (var a = 0; a < appends.Count; a++)
        {
            var events = appends[a].Events;
            for (var i = 0; i < events.Count; i++, row++)
            {
                appendNumbers[row] = a + 1;
                ordinals[row] = i + 1;
                eventIds[row] = events.EventIds[i];
                types[row] = events.Types[i];
                data[row] = events.Data[i];
                metadata[row] = events.Metadata[i];
            }
        }

        var marked = appends.Where(a => a.Idempotency is not null).ToList();
        await using var command = new NpgsqlCommand(AppendSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. appends.Select(a => a.StreamId)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. appends.Select(a => a.ExpectedVersion)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = appendNumbers });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ordinals });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = eventIds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. marked.Select(a => a.StreamId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. marked.Select(a => a.Idempotency!.Caller)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. marked.Select(a => a.Idempotency!.Key)] });
        // Prepared once per physical connection (Npgsql keeps it across pooled opens): the statement is parsed and
        // planned once, not once per batch.
        await command.PrepareAsync(CancellationToken.None);

        var insertedPerStream = new Dictionary<string, long>(appends.Count, StringComparer.Ordinal);
        ulong transactionId = 0;
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        while (await reader.ReadAsync(CancellationToken.None))
        {
            insertedPerStream[reader.GetString(0)] = reader.GetInt64(1);
            transactionId = reader.GetFieldValue<ulong>(2);
        }

        return (insertedPerStream, transactionId);
    }

    /// <summary>
    /// Commits; when the connection breaks during COMMIT, waits for the transaction to end and asks the server whether
    /// it committed, so that every caller is told the truth: written, or unavailable with nothing written.
    /// </summary>
    private async Task CommitAsync(NpgsqlTransaction transaction, ulong transactionId)
    {
        try
        {
            await commitAsync(transaction);
        }
        catch (Exception failure) when (PostgresFailures.IsUnavailable(failure, CancellationToken.None))
        {
            if (!await CommittedAsync(transactionId))
            {
                throw;
            }
        }
    }

    private async Task<bool> CommittedAsync(ulong transactionId)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            var waited = Stopwatch.StartNew();
            var delay = TimeSpan.FromMilliseconds(10);
            while (true)
            {
                await using var command = new NpgsqlCommand("SELECT pg_xact_status($1)", connection);
                command.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = transactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
                var status = await command.ExecuteScalarAsync(CancellationToken.None) as string;
                if (status != "in progress")
                {
                    return status == "committed";
                }

                if (waited.Elapsed > s_unknownOutcomeWait)
                {
                    return false;
                }

                await Task.Delay(delay, CancellationToken.None);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(200).Ticks));
            }
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, CancellationToken.None))
        {
            return false;
        }
    }

    /// <summary>
    /// An append that found its stream at another version: a retry of one that did land (its events stored at exactly
    /// its versions) succeeds; otherwise someone else wrote first.
    /// </summary>
    private static async Task SettleRejectedAsync(NpgsqlConnection connection, PendingAppend append)
    {
        try
        {
            await using var command = new NpgsqlCommand(CheckSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = append.StreamId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = append.ExpectedVersion });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = append.Events.EventIds });
            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
            await reader.ReadAsync(CancellationToken.None);
            var (current, alreadyStored) = (reader.GetInt64(0), reader.GetInt64(1));
            if (alreadyStored == append.Events.Count)
            {
                append.Written();
            }
            else
            {
                append.Failed(new WrongExpectedVersionException(append.StreamId, append.ExpectedVersion, current));
            }
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, CancellationToken.None))
        {
            append.Failed(PostgresFailures.Unavailable(e));
        }
    }

    /// <summary>
    /// Tells the stream readers which streams have new events. It runs after COMMIT: a NOTIFY inside the transaction
    /// would take PostgreSQL's cluster-wide notification lock while committing and serialise the instances' commits.
    /// It is only a hint (readers also poll), so a failure is ignored.
    /// </summary>
    private static async Task NotifyAsync(NpgsqlConnection connection, List<PendingAppend> written)
    {
        var payload = string.Join('\n', written.Select(a => a.StreamId));
        try
        {
            await using var command = new NpgsqlCommand(NotifySql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload.Length <= MaxNotifyPayload ? payload : "" });
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            // Lost hint; see above.
        }
    }

    // "post-01J…" → "post": the metric's tag, few values whatever the streams.
    private static string StreamKind(string streamId) => streamId.IndexOf('-', StringComparison.Ordinal) is > 0 and var dash ? streamId[..dash] : "other";

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} appends failed; each of its callers was told that nothing was written.")]
    private partial void LogBatchFailed(Exception exception, int count);
}

/// <summary>The pooled connection a batch started on was already closed by the server; nothing was executed.</summary>
internal sealed class StaleConnectionException(Exception inner) : Exception("The pooled connection was closed by the server.", inner);
