using Social.Domain.Ids;

namespace Social.Abstractions.RealTime;

/// <summary>
/// Who has a feed connection open, on whichever instance holds it. The projections ask first who of a batch of readers
/// is connected, so that an offline reader costs no push and no post view is read for nobody.
/// </summary>
public interface IFeedPresence
{
    /// <summary>The readers among <paramref name="readers"/> who have a feed connection open.</summary>
    Task<IReadOnlyList<UserId>> ConnectedAsync(IReadOnlyList<UserId> readers);

    /// <summary>The followers of <paramref name="author"/> who have a feed connection open, found without visiting the others.</summary>
    Task<IReadOnlyList<UserId>> ConnectedFollowersAsync(UserId author);
}
