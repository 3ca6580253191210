using Xunit;

namespace Social.Api.Tests.Support;

/// <summary>Waits for what the read models show after a write: they follow the event store within moments.</summary>
public static class Eventually
{
    /// <summary>Reads until <paramref name="done"/> holds of what was read, and answers that; fails after <paramref name="seconds"/>.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Not within {seconds} s: {what}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
