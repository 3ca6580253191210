using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit;

namespace Social.Api.Tests.Support;

/// <summary>
/// A connection to <c>/hubs/feed</c> with the .NET SignalR client, as a mobile app makes it: the token in the query
/// string, connected once <c>subscribed</c> has arrived. It records every message, in arrival order.
/// </summary>
public sealed class FeedClient : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly HubConnection _connection;
    private readonly ConcurrentQueue<(string Method, JsonElement Payload)> _messages = new();
    private TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FeedClient(HubConnection connection)
    {
        _connection = connection;
        foreach (var method in new[] { "postAdded", "postRemoved", "commentAdded", "notificationAdded" })
        {
            connection.On<JsonElement>(method, payload => _messages.Enqueue((method, payload)));
        }

        connection.On("subscribed", () => _subscribed.TrySetResult());
        connection.Closed += _ =>
        {
            _closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    /// <summary>Completes when the connection is lost (its instance died, say) or stopped.</summary>
    public Task Closed => _closed.Task;

    public IReadOnlyList<(string Method, JsonElement Payload)> Messages => [.. _messages];

    /// <summary>Connects as the user whose token <paramref name="api"/> sends, and waits until pushes have started.</summary>
    public static async Task<FeedClient> ConnectAsync(HttpClient api) =>
        await ConnectAsync(api.BaseAddress!, api.DefaultRequestHeaders.Authorization?.Parameter);

    public static async Task<FeedClient> ConnectAsync(Uri server, string? token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/feed"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.AccessTokenProvider = () => Task.FromResult(token);
            })
            .Build();
        var client = new FeedClient(connection);
        await client.StartAsync();
        return client;
    }

    /// <summary>Connects again after <see cref="StopAsync"/>, as a client does after losing its connection.</summary>
    public async Task StartAsync()
    {
        _subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _connection.StartAsync(TestContext.Current.CancellationToken);
        await _subscribed.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    public Task StopAsync() => _connection.StopAsync(TestContext.Current.CancellationToken);

    /// <summary>Calls a hub method, as a client trying what the hub does not offer.</summary>
    public Task InvokeAsync(string method, string argument) =>
        _connection.InvokeAsync(method, argument, TestContext.Current.CancellationToken);

    /// <summary>The payloads of <paramref name="method"/> received so far.</summary>
    public IReadOnlyList<JsonElement> Received(string method) =>
        [.. _messages.Where(message => message.Method == method).Select(message => message.Payload)];

    /// <summary>Waits for a <paramref name="method"/> message whose payload has <paramref name="id"/> (or the given property).</summary>
    public async Task<JsonElement> WaitForAsync(string method, string id, string property = "id")
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            foreach (var payload in Received(method))
            {
                if (payload.TryGetProperty(property, out var value) && value.GetString() == id)
                {
                    return payload;
                }
            }

            if (watch.Elapsed > Patience)
            {
                Assert.Fail($"no {method} with {property} {id} within {Patience.TotalSeconds} s; received: {Describe()}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public string Describe() => string.Join(", ", _messages.Select(m => $"{m.Method}({m.Payload.GetRawText()})"));

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
