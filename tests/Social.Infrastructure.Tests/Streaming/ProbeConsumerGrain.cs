using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Orleans.Streams;
using Orleans.Streams.Core;
using Social.Abstractions.EventStore;

namespace Social.Infrastructure.Tests.Streaming;

public interface IProbeConsumerGrain : IGrainWithStringKey;

/// <summary>
/// Subscribes implicitly to the <c>probe</c> streams, as the projection grains do to theirs, and records every event
/// it is handed in <c>probe_received</c>: one row per (stream, version), with how many times it came and the order in
/// which each first came, so that duplicates are visible but harmless and per-stream order can be checked.
/// </summary>
[ImplicitStreamSubscription(StreamCluster.ProbeNamespace)]
public sealed class ProbeConsumerGrain(ProbeLog log) : Grain, IProbeConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<RecordedEvent>
{
    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public async Task OnNextAsync(RecordedEvent item, StreamSequenceToken? token = null)
    {
        ProbeFaults.ThrowIfFaulty(item);
        DeliveryWatch.Arrived(item.StreamId, item.Version);
        if (log.Delay > TimeSpan.Zero)
        {
            await Task.Delay(log.Delay);
        }

        await log.RecordAsync(item, RuntimeIdentity);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

/// <summary>The probe consumers' table, in the cluster's database; one per silo.</summary>
public sealed class ProbeLog(NpgsqlDataSource dataSource, TimeSpan delay)
{
    public const string CreateSql = """
        CREATE SEQUENCE probe_order;
        CREATE TABLE probe_received (
            stream_id   text   NOT NULL,
            version     bigint NOT NULL,
            first_order bigint NOT NULL DEFAULT nextval('probe_order'),
            deliveries  int    NOT NULL DEFAULT 1,
            last_silo   text   NOT NULL,
            PRIMARY KEY (stream_id, version)
        );
        """;

    private const string RecordSql = """
        INSERT INTO probe_received (stream_id, version, last_silo) VALUES ($1, $2, $3)
        ON CONFLICT (stream_id, version) DO UPDATE
        SET deliveries = probe_received.deliveries + 1, last_silo = excluded.last_silo
        """;

    /// <summary>How long the consumer takes over each event, to keep events in flight.</summary>
    public TimeSpan Delay => delay;

    public async Task RecordAsync(RecordedEvent recorded, string silo)
    {
        await using var command = dataSource.CreateCommand(RecordSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = recorded.StreamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = recorded.Version });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = silo });
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Lets a test wait for the moment a consumer is handed a given event (the silos run in the test's process).</summary>
public static class DeliveryWatch
{
    private static readonly ConcurrentDictionary<(string Stream, long Version), TaskCompletionSource<long>> s_waiting = new();

    /// <summary>Completes with the <see cref="Stopwatch"/> timestamp at which a consumer got the event.</summary>
    public static Task<long> WaitFor(string streamId, long version) =>
        s_waiting.GetOrAdd((streamId, version), _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public static void Forget(string streamId, long version) => s_waiting.TryRemove((streamId, version), out _);

    internal static void Arrived(string streamId, long version)
    {
        if (s_waiting.TryRemove((streamId, version), out var waiting))
        {
            waiting.TrySetResult(Stopwatch.GetTimestamp());
        }
    }
}

/// <summary>Makes the probe consumer fail on given events, as a projection whose store is down would.</summary>
public static class ProbeFaults
{
    private static readonly ConcurrentDictionary<(string Stream, long Version), (int Left, int Attempts)> s_faults = new();

    /// <summary>The consumer throws on the event the next <paramref name="times"/> times it gets it.</summary>
    public static void Fail(string streamId, long version, int times) => s_faults[(streamId, version)] = (times, 0);

    /// <summary>How many times the consumer got the event since <see cref="Fail"/>.</summary>
    public static int Attempts(string streamId, long version) => s_faults.GetValueOrDefault((streamId, version)).Attempts;

    public static void Heal(string streamId, long version) => s_faults.TryRemove((streamId, version), out _);

    internal static void ThrowIfFaulty(RecordedEvent recorded)
    {
        var key = (recorded.StreamId, recorded.Version);
        if (!s_faults.TryGetValue(key, out var fault))
        {
            return;
        }

        var now = s_faults.AddOrUpdate(key, fault, (_, f) => (f.Left - 1, f.Attempts + 1));
        if (now.Left >= 0)
        {
            throw new InvalidOperationException($"Probe fault on {recorded.StreamId} version {recorded.Version}.");
        }
    }
}
