using Social.Abstractions.Posts;

namespace Social.Abstractions.ReadModels;

/// <summary>A page of a timeline as read from Redis, before any missing post view is rebuilt.</summary>
/// <param name="Items">The entries, newest first.</param>
/// <param name="NextCursor">The cursor of the next page, or null at the end.</param>
public sealed record TimelinePage(IReadOnlyList<TimelineEntry> Items, string? NextCursor);

/// <summary>One timeline entry: the post id, and its view when the read model has one.</summary>
/// <param name="PostId">The post.</param>
/// <param name="View">The hydrated view, or null when the read model has lost it (it is then rebuilt from the store).</param>
public sealed record TimelineEntry(string PostId, PostView? View);
