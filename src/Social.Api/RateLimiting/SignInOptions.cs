using System.ComponentModel.DataAnnotations;

namespace Social.Api.RateLimiting;

/// <summary>
/// The <c>Social:SignIn</c> configuration section: how often one client address may try to sign in, and how many wrong
/// passwords one handle may take (API.md: 10 within 15 minutes) before its sign-in is paused. Signing in is counted
/// apart from the writes (<see cref="RateLimitOptions"/>), so failed sign-ins never block registering or writing.
/// </summary>
public sealed class SignInOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:SignIn";

    /// <summary>Sign-in attempts, right or wrong, that one client address may make per <see cref="AddressWindow"/> on one instance.</summary>
    [Range(1, 1_000_000)]
    public int AttemptsPerAddress { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AddressWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Wrong passwords for one handle, from any address and on any instance, within <see cref="HandleWindow"/> after
    /// which that handle's sign-in answers 429, the right password included, until the oldest of them is older than the window.
    /// </summary>
    [Range(1, 1_000)]
    public int FailuresPerHandle { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan HandleWindow { get; set; } = TimeSpan.FromMinutes(15);
}
