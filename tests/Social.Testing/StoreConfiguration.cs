using Microsoft.Extensions.Configuration;

namespace Social.Testing;

/// <summary>
/// The configuration a test host hands to the production registrations (<c>AddPostgresStores</c>,
/// <c>AddRedisReadModels</c>, ...), so that they bind exactly as in the host, onto the test's own servers.
/// </summary>
public static class StoreConfiguration
{
    public static IConfiguration For(string? postgres = null, string? redis = null, IEnumerable<KeyValuePair<string, string?>>? settings = null) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = postgres,
                ["ConnectionStrings:Redis"] = redis,
            })
            .AddInMemoryCollection(settings ?? [])
            .Build();
}
