using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Social.Domain.Ids;

namespace Social.Api.RealTime;

/// <summary>The feed connections open on this instance: whose presence to renew, and what to close when pushes fail.</summary>
internal sealed class FeedConnections
{
    private readonly ConcurrentDictionary<string, (UserId User, HubCallerContext Context)> _open = new(StringComparer.Ordinal);

    public int Count => _open.Count;

    public IReadOnlyCollection<UserId> Users => [.. _open.Values.Select(open => open.User).Distinct()];

    public void Add(UserId user, HubCallerContext context) => _open[context.ConnectionId] = (user, context);

    public void Remove(HubCallerContext context) => _open.TryRemove(context.ConnectionId, out _);

    /// <summary>Closes every connection; clients reconnect and fill the gap with <c>?since=</c>.</summary>
    public void CloseAll()
    {
        foreach (var (_, context) in _open.Values)
        {
            context.Abort();
        }
    }
}
