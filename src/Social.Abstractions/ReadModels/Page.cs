namespace Social.Abstractions.ReadModels;

/// <summary>A page of a list (API.md's <c>{ items, nextCursor }</c>).</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items, in the list's order.</param>
/// <param name="NextCursor">The cursor of the next page, or null at the end.</param>
[GenerateSerializer, Immutable]
public sealed record Page<T>([property: Id(0)] IReadOnlyList<T> Items, [property: Id(1)] string? NextCursor);

/// <summary>Which page to read: at most <paramref name="Limit"/> items after <paramref name="Cursor"/>.</summary>
/// <param name="Limit">1 to 100.</param>
/// <param name="Cursor">The previous page's <c>nextCursor</c>, or null for the first page.</param>
/// <param name="Since">For newest-first timelines: only items newer than this id.</param>
[GenerateSerializer, Immutable]
public sealed record PageRequest([property: Id(0)] int Limit, [property: Id(1)] string? Cursor = null, [property: Id(2)] string? Since = null)
{
    /// <summary>The page size when the client gives none.</summary>
    public const int DefaultLimit = 20;

    /// <summary>The largest page a client may ask for.</summary>
    public const int MaxLimit = 100;
}
