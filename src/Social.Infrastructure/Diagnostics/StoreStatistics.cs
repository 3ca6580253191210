using System.Globalization;
using Npgsql;
using Social.Infrastructure.EventStore;
using Social.Infrastructure.ReadModels;
using StackExchange.Redis;

namespace Social.Infrastructure.Diagnostics;

/// <summary>
/// What the admin page shows of the stores: events per type in PostgreSQL, and Redis's memory and keys per kind.
/// Counting reads the whole events table and scans Redis's keys (the scan stops at <see cref="MaxKeysScanned"/>), so
/// it is for an operator's page, not for anything polled often.
/// </summary>
public sealed class StoreStatistics(NpgsqlDataSource postgres, IConnectionMultiplexer redis)
{
    public const int MaxKeysScanned = 200_000;

    private const string EventsByTypeSql = "SELECT event_type, count(*) FROM events GROUP BY event_type ORDER BY event_type";

    public async Task<EventStoreStatistics> ReadEventStoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = postgres.CreateCommand(EventsByTypeSql);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var byType = new SortedDictionary<string, long>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                byType[reader.GetString(0)] = reader.GetInt64(1);
            }

            return new EventStoreStatistics(byType.Values.Sum(), byType);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e, cancellationToken))
        {
            throw PostgresFailures.Unavailable(e);
        }
    }

    public Task<RedisStatistics> ReadRedisAsync() => RedisCalls.RunAsync(ReadRedisUncheckedAsync);

    private async Task<RedisStatistics> ReadRedisUncheckedAsync()
    {
        var server = redis.GetServers().First(s => !s.IsReplica);
        var memory = (await server.InfoAsync("memory")).SelectMany(group => group).ToDictionary(p => p.Key, p => p.Value);
        var byKind = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var scanned = 0;
        await foreach (var key in server.KeysAsync(pattern: "*", pageSize: 1000))
        {
            if (++scanned > MaxKeysScanned)
            {
                break;
            }

            var kind = KindOf(key!);
            byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
        }

        return new RedisStatistics(
            long.Parse(memory.GetValueOrDefault("used_memory", "0"), CultureInfo.InvariantCulture),
            memory.GetValueOrDefault("used_memory_human", ""),
            await server.DatabaseSizeAsync(),
            byKind,
            Complete: scanned <= MaxKeysScanned);
    }

    // "s:home:alice" → "home"; the read models' keys by their kind, anything else by its first segment.
    private static string KindOf(string key)
    {
        var rest = key.StartsWith(RedisKeys.Prefix, StringComparison.Ordinal) ? key[RedisKeys.Prefix.Length..] : key;
        var end = rest.IndexOf(':', StringComparison.Ordinal);
        return end < 0 ? rest : rest[..end];
    }
}

/// <summary>Events in the store, in all and per type.</summary>
public sealed record EventStoreStatistics(long Events, IReadOnlyDictionary<string, long> ByType);

/// <summary>Redis's memory and keys; <paramref name="Complete"/> is false when the count per kind stopped early.</summary>
public sealed record RedisStatistics(long UsedMemoryBytes, string UsedMemory, long Keys, IReadOnlyDictionary<string, long> KeysByKind, bool Complete);
