namespace Social.Api.RealTime;

/// <summary>The feed hub's messages to clients (API.md's "Real time"; the README describes the protocol).</summary>
internal static class FeedMessages
{
    /// <summary><c>postAdded(Post)</c>: a post entered the user's home timeline.</summary>
    public const string PostAdded = "postAdded";

    /// <summary><c>postRemoved({id})</c>: a post left it (deleted, or its author unfollowed).</summary>
    public const string PostRemoved = "postRemoved";

    /// <summary><c>commentAdded(Comment)</c>: someone commented on one of the user's posts.</summary>
    public const string CommentAdded = "commentAdded";

    /// <summary><c>notificationAdded(Notification)</c>: a new notification for the user (at least once; ids repeat).</summary>
    public const string NotificationAdded = "notificationAdded";

    /// <summary>
    /// <c>subscribed()</c>: sent once per connection, when pushes to it have started. A client resumes with
    /// <c>GET /api/timelines/home?since=</c> after this, so that nothing falls between the page and the pushes.
    /// </summary>
    public const string Subscribed = "subscribed";
}

/// <summary>The payload of <c>postRemoved</c>.</summary>
internal sealed record PostRemoved(string Id);
