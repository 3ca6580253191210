using System.Reflection;
using Social.Abstractions.ReadModels;
using Social.Abstractions.RealTime;
using Social.Api.Admission;
using Social.Api.Auth;
using Social.Api.Hosting;
using Social.Api.Idempotency;
using Social.Api.RateLimiting;
using Social.Infrastructure.EventStore;
using Social.Infrastructure.Postgres;

namespace Social.Api.Tests.Operations;

/// <summary>
/// Whether an environment variable (<c>Social__Cluster__SiloPort</c>) names a configuration key the host reads: a
/// property path of its option classes, a connection string it asks for, or one of ASP.NET Core's own.
/// </summary>
internal static class ConfigurationKeys
{
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [JwtOptions.Section] = typeof(JwtOptions),
        [RateLimitOptions.Section] = typeof(RateLimitOptions),
        [SignInOptions.Section] = typeof(SignInOptions),
        [AdmissionOptions.Section] = typeof(AdmissionOptions),
        [IdempotencyOptions.Section] = typeof(IdempotencyOptions),
        [RequestLimitsOptions.Section] = typeof(RequestLimitsOptions),
        [SiloClusterOptions.Section] = typeof(SiloClusterOptions),
        [MetricsOptions.Section] = typeof(MetricsOptions),
        [TrustedProxyOptions.Section] = typeof(TrustedProxyOptions),
        [HttpsOptions.Section] = typeof(HttpsOptions),
        [PostgresConnectionOptions.Section] = typeof(PostgresConnectionOptions),
        [EventStoreOptions.Section] = typeof(EventStoreOptions),
        [TimelineOptions.Section] = typeof(TimelineOptions),
        [FeedOptions.Section] = typeof(FeedOptions),
    };

    private static readonly HashSet<string> Others = new(StringComparer.OrdinalIgnoreCase)
    {
        "ConnectionStrings:Postgres", "ConnectionStrings:Redis", "ASPNETCORE_URLS",
    };

    public static bool Exists(string environmentName)
    {
        var key = environmentName.Replace("__", ":", StringComparison.Ordinal);
        if (Others.Contains(key) || key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // The longest section that prefixes the key, then the properties below it.
        foreach (var (section, type) in Sections.OrderByDescending(s => s.Key.Length))
        {
            if (key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))
            {
                return PathExists(type, key[(section.Length + 1)..].Split(':'));
            }
        }

        return false;
    }

    private static bool PathExists(Type type, string[] path)
    {
        if (path.Length == 0)
        {
            return true;
        }

        // A list's element: Admins:0.
        if (type != typeof(string) && type.GetInterface("IEnumerable`1") is { } list && int.TryParse(path[0], out _))
        {
            return PathExists(list.GetGenericArguments()[0], path[1..]);
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is not null && PathExists(property.PropertyType, path[1..]);
    }
}
