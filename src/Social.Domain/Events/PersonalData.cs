using Social.Domain.Posts;
using Social.Domain.Users;

namespace Social.Domain.Events;

/// <summary>
/// Where a user's personal data sits in stored events: for each kind of event that holds some, the field naming whose
/// it is and the fields to blank when that user's account is erased. Handles and ids are not personal data here: a
/// deleted account's handle stays reserved, and ids keep the streams' histories whole.
/// </summary>
public static class PersonalData
{
    /// <summary>
    /// The events of <paramref name="EventType"/> whose <paramref name="OwnerField"/> is the user hold their data in
    /// <paramref name="Fields"/> (texts, blanked to empty strings) and <paramref name="ListFields"/> (lists, blanked to empty lists).
    /// </summary>
    public sealed record Location(string EventType, string OwnerField, IReadOnlyList<string> Fields, IReadOnlyList<string>? ListFields = null);

    /// <summary>Every place, by stored event name and JSON field name (the names in <see cref="EventTypes.JsonOptions"/>).</summary>
    public static IReadOnlyList<Location> Locations { get; } =
    [
        new(EventTypes.NameOf(typeof(UserRegistered)), "userId", ["displayName", "passwordHash"]),
        new(EventTypes.NameOf(typeof(ProfileUpdated)), "userId", ["displayName", "bio"]),
        new(EventTypes.NameOf(typeof(PasswordChanged)), "userId", ["passwordHash"]),
        // Mentions and tags are parsed from the text: they would tell part of it.
        new(EventTypes.NameOf(typeof(PostCreated)), "authorId", ["text"], ["mentions", "tags"]),
        new(EventTypes.NameOf(typeof(CommentAdded)), "authorId", ["text"], ["mentions"]),
    ];
}
