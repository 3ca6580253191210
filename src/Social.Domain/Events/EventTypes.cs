using System.Collections.Frozen;
using System.Text.Json;
using Social.Domain.Posts;
using Social.Domain.Users;

namespace Social.Domain.Events;

/// <summary>
/// The one place that maps stable storage names to event types, and the JSON form of events.
/// The names are literal strings: renaming a class must not change what is stored. A change of
/// shape that old payloads cannot be read as gets a new name ("V2.…") and an upcaster.
/// </summary>
public static class EventTypes
{
    private static readonly FrozenDictionary<string, Type> _typesByName = new Dictionary<string, Type>
    {
        ["V1.UserRegistered"] = typeof(UserRegistered),
        ["V1.ProfileUpdated"] = typeof(ProfileUpdated),
        ["V1.UserFollowed"] = typeof(UserFollowed),
        ["V1.UserUnfollowed"] = typeof(UserUnfollowed),
        ["V1.AdministratorGranted"] = typeof(AdministratorGranted),
        ["V1.AdministratorRevoked"] = typeof(AdministratorRevoked),
        ["V1.PasswordChanged"] = typeof(PasswordChanged),
        ["V1.AccountDeleted"] = typeof(AccountDeleted),
        ["V1.NotificationsRead"] = typeof(NotificationsRead),
        ["V1.UserBlocked"] = typeof(UserBlocked),
        ["V1.UserUnblocked"] = typeof(UserUnblocked),
        ["V1.UserMuted"] = typeof(UserMuted),
        ["V1.UserUnmuted"] = typeof(UserUnmuted),
        ["V1.PostCreated"] = typeof(PostCreated),
        ["V1.PostDeleted"] = typeof(PostDeleted),
        ["V1.CommentAdded"] = typeof(CommentAdded),
        ["V1.CommentDeleted"] = typeof(CommentDeleted),
        ["V1.PostLiked"] = typeof(PostLiked),
        ["V1.PostUnliked"] = typeof(PostUnliked),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, string> _namesByType =
        _typesByName.ToFrozenDictionary(e => e.Value, e => e.Key);

    /// <summary>camelCase names, ids as plain strings (their converters are on the id types), strict on read.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

    /// <summary>Every stored name, for tests and diagnostics.</summary>
    public static IReadOnlyCollection<string> Names => _typesByName.Keys;

    public static string NameOf(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return NameOf(@event.GetType());
    }

    public static string NameOf(Type type) =>
        _namesByType.TryGetValue(type, out var name)
            ? name
            : throw new ArgumentException($"The type '{type.FullName}' is not a registered event.", nameof(type));

    public static Type TypeOf(string name) =>
        _typesByName.TryGetValue(name, out var type)
            ? type
            : throw new ArgumentException($"'{name}' is not a known event type name.", nameof(name));

    public static bool TryGetType(string name, out Type? type) => _typesByName.TryGetValue(name, out type);

    public static string Serialize(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        _ = NameOf(type);
        return JsonSerializer.Serialize(@event, type, JsonOptions);
    }

    public static object Deserialize(string name, string json) =>
        JsonSerializer.Deserialize(json, TypeOf(name), JsonOptions)
        ?? throw new JsonException($"The payload of a '{name}' event is null.");

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // A stored event that lacks a field, or has null where the type says not null, is an error, not a default.
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
