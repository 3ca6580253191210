using System.Diagnostics;
using Xunit;
using Xunit.Sdk;

namespace Social.Grains.Tests.TestHost;

/// <summary>
/// Waits for the read models, which follow the writes eventually: runs the assertions again and again until they pass
/// or the deadline comes, and then fails with the last failure. Never a fixed sleep.
/// </summary>
public static class Eventually
{
    /// <summary>How long a projection may take unless a test says otherwise (API.md promises a second under normal load).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan _pollInterval = TimeSpan.FromMilliseconds(25);

    /// <returns>How long it took until the assertions passed.</returns>
    public static async Task<TimeSpan> AssertAsync(Func<Task> assertions, TimeSpan? timeout = null)
    {
        var started = Stopwatch.StartNew();
        var deadline = timeout ?? DefaultTimeout;
        while (true)
        {
            try
            {
                await assertions();
                return started.Elapsed;
            }
            catch (Exception e) when (e is IAssertionException && started.Elapsed < deadline)
            {
                await Task.Delay(_pollInterval, TestContext.Current.CancellationToken);
            }
        }
    }
}
