namespace Social.Domain.Posts;

/// <summary>What a post's stream says about one user's like of it.</summary>
/// <param name="Liked">Whether the user likes the post now.</param>
/// <param name="Unlikes">How many times the user took their like back.</param>
[GenerateSerializer, Immutable, Alias("Social.Domain.Posts.LikeRecord")]
public readonly record struct LikeRecord([property: Id(0)] bool Liked, [property: Id(1)] int Unlikes)
{
    public static LikeRecord None => default;
}
