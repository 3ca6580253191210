using System.Globalization;
using System.Text.Json;
using Npgsql;
using Social.Abstractions.Posts;
using Social.Domain.Events;
using Social.Domain.Ids;
using Social.Domain.Posts;

namespace Social.Infrastructure.EventStore;

/// <summary>Looks comments and likes up in a post's stream, through the partial indexes of migration 0010.</summary>
public sealed class PostgresPostActivity(NpgsqlDataSource dataSource) : IPostActivity
{
    private static readonly string CommentAddedName = EventTypes.NameOf(typeof(CommentAdded));
    private static readonly string CommentDeletedName = EventTypes.NameOf(typeof(CommentDeleted));
    private static readonly string PostLikedName = EventTypes.NameOf(typeof(PostLiked));
    private static readonly string PostUnlikedName = EventTypes.NameOf(typeof(PostUnliked));

    // The event types are literals, not parameters: the statements are prepared, and a generic plan could not tell
    // that a parameter matches the partial index's predicate, so it would read the whole stream instead.
    // The comment's last event: added (and so live) or deleted.
    private static readonly string CommentSql = $"""
        SELECT event_type, data->>'authorId', data->>'text', data->>'at', data->>'mentions'
        FROM events
        WHERE stream_id = $1 AND event_type IN ('{CommentAddedName}', '{CommentDeletedName}') AND data->>'commentId' = $2
        ORDER BY version DESC
        LIMIT 1
        """;

    private static readonly string LikeSql = $"""
        SELECT (array_agg(event_type ORDER BY version DESC))[1], count(*) FILTER (WHERE event_type = '{PostUnlikedName}')
        FROM events
        WHERE stream_id = $1 AND event_type IN ('{PostLikedName}', '{PostUnlikedName}') AND data->>'userId' = $2
        """;

    public Task<CommentState?> FindLiveCommentAsync(PostId post, CommentId comment) => dataSource.RunAsync(async connection =>
    {
        await using var command = Command(CommentSql, connection, post.StreamId, comment.Value);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() && reader.GetString(0) == CommentAddedName
            ? new CommentState(comment, new UserId(reader.GetString(1)), reader.GetString(2), DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
                reader.IsDBNull(4) ? [] : JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [])
            : null;
    }, CancellationToken.None);

    public Task<LikeRecord> FindLikeAsync(PostId post, UserId user) => dataSource.RunAsync(async connection =>
    {
        await using var command = Command(LikeSql, connection, post.StreamId, user.Value);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.IsDBNull(0) ? LikeRecord.None : new LikeRecord(reader.GetString(0) == PostLikedName, (int)reader.GetInt64(1));
    }, CancellationToken.None);

    private static NpgsqlCommand Command(string sql, NpgsqlConnection connection, params string[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddTexts(values);
        return command;
    }
}
