using System.Globalization;

namespace Social.Api.RateLimiting;

/// <summary>The <c>Retry-After</c> header of a 429: whole seconds, rounded up, at least one.</summary>
internal static class RetryAfter
{
    public static void Set(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
