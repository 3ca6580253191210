using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Social.Api.Auth;
using Social.Domain.Ids;
using Social.Infrastructure.RealTime;

namespace Social.Api.RealTime;

/// <summary>
/// <c>/hubs/feed</c>: a signed-in user's connections join that user's group and receive the changes of their home
/// timeline (<see cref="FeedMessages"/>). Clients can call nothing: the group is chosen from the token alone.
/// </summary>
[Authorize]
internal sealed class FeedHub(FeedConnections connections, RedisPresence presence) : Hub
{
    public const string Path = "/hubs/feed";

    public static string GroupOf(UserId user) => "feed:" + user.Value;

    public override async Task OnConnectedAsync()
    {
        var user = Context.User!.UserId();
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(user));
        await presence.MarkConnectedAsync([user]);
        connections.Add(user, Context);
        try
        {
            // Every change of the timeline from now on will be pushed; the client fills in what came before with ?since=.
            await Clients.Caller.SendAsync(FeedMessages.Subscribed);
        }
        catch
        {
            // The connection ends without OnDisconnectedAsync: it must not stay among the open ones.
            connections.Remove(Context);
            throw;
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context);
        return Task.CompletedTask;
    }
}
