using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;

namespace Social.Api.Hosting;

/// <summary>
/// The keys that protect the administrators' cookie and the antiforgery tokens, kept in Redis under one application
/// name, so that every instance reads and writes the same key ring: a cookie made by one instance is accepted by the
/// others and after a restart. By default they would live in each container's own file system and die with it.
/// </summary>
/// <remarks>
/// The keys are stored unencrypted: whoever can read this Redis can forge the cookie, as whoever can write it can
/// already change every timeline. The connection is the read models' (<c>ConnectionStrings:Redis</c>), not one more;
/// the key lies outside the read models' prefix (<c>s:</c>), so a rebuild, which drops those, keeps it. Should it be
/// lost all the same, administrators sign in again.
/// </remarks>
internal static class DataProtectionSetup
{
    public const string ApplicationName = "social";

    public const string KeysKey = "social:dataprotection-keys";

    public static void AddSocialDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((keys, redis) =>
            keys.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), KeysKey));
    }
}
