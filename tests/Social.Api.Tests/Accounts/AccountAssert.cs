using System.Diagnostics;
using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Accounts;

/// <summary>The steps of the account-security tests: changing a password, deleting an account, and waiting for a token to stop working.</summary>
internal static class AccountAssert
{
    /// <summary>API.md: old tokens are refused on every instance within 2 seconds.</summary>
    public static readonly TimeSpan RevocationBound = TimeSpan.FromSeconds(2);

    public static Task<HttpResponseMessage> ChangePasswordAsync(this HttpClient client, string currentPassword, string newPassword) =>
        client.SendJsonAsync(HttpMethod.Put, "/api/users/me/password", new { currentPassword, newPassword });

    public static Task<HttpResponseMessage> DeleteAccountAsync(this HttpClient client, string password) =>
        client.SendJsonAsync(HttpMethod.Delete, "/api/users/me", new { password });

    public static Task<HttpResponseMessage> SignInAsync(this HttpClient client, string handle, string password) =>
        client.PostJsonAsync("/api/auth/token", new { handle, password });

    /// <summary>An authenticated read: 200 while the client's token stands, 401 once it is refused.</summary>
    public static Task<HttpResponseMessage> ReadHomeAsync(this HttpClient client) => client.GetPathAsync("/api/timelines/home?limit=1");

    /// <summary>Polls until the client's token is refused; fails if that takes longer than <see cref="RevocationBound"/> from <paramref name="since"/>.</summary>
    public static async Task RefusedWithinBoundAsync(HttpClient client, Stopwatch since)
    {
        while (true)
        {
            var response = await client.ReadHomeAsync();
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Assert.True(since.Elapsed <= RevocationBound, $"the old token was refused only after {since.Elapsed.TotalMilliseconds:F0} ms");
                return;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(since.Elapsed <= RevocationBound, $"the old token still worked after {since.Elapsed.TotalMilliseconds:F0} ms");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
