using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Social.Benchmarks.Hosted;

/// <summary>
/// SignalR clients of the feed hub, as the apps connect (WebSockets, the token in the query string), each recording
/// the id of every <c>postAdded</c> with the moment it arrived, on this process's monotonic clock, and which connection
/// it reached (pushes are at least once, so a repeat to the same connection must not count as another delivery).
/// </summary>
internal sealed class FeedConnections(Uri server) : IAsyncDisposable
{
    private readonly ConcurrentBag<HubConnection> _connections = [];
    private int _opened;

    public ConcurrentQueue<(string Id, int Connection, long At)> Received { get; private set; } = new();

    public int Count => _connections.Count;

    public int Connected => _connections.Count(c => c.State == HubConnectionState.Connected);

    /// <summary>Starts a fresh record of receipts (for the next round).</summary>
    public void ClearReceived() => Received = new ConcurrentQueue<(string Id, int Connection, long At)>();

    /// <summary>Opens one connection per token, <paramref name="parallel"/> at a time; each counts once <c>subscribed</c> arrived.</summary>
    public async Task OpenAsync(IReadOnlyList<string> tokens, int parallel, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
            async (token, ct) => _connections.Add(await OpenAsync(token, ct)));
    }

    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(_connections, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());
    }

    private async Task<HubConnection> OpenAsync(string token, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/feed"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var number = Interlocked.Increment(ref _opened);
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On("subscribed", () => subscribed.TrySetResult());
        connection.On<PostAdded>("postAdded", post => Received.Enqueue((post.Id, number, Stopwatch.GetTimestamp())));
        await connection.StartAsync(cancellationToken);
        await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return connection;
    }

    private sealed record PostAdded(string Id);
}
