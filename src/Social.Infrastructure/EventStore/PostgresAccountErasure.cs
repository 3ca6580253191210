using Npgsql;
using Social.Abstractions.Users;
using Social.Domain.Events;
using Social.Domain.Ids;
using Social.Domain.Posts;
using Social.Domain.Users;

namespace Social.Infrastructure.EventStore;

/// <summary>
/// Account erasure on the <c>events</c> table. Stored events are otherwise never changed; erasure is the one exception,
/// and it changes only the payload fields that <see cref="PersonalData"/> lists, to empty strings: every stream keeps
/// its versions and its history (a post was created, then deleted), so projections, checkpoints and rebuilds are
/// unaffected, and nothing of the person is left to read. Both statements scan the table (deleting an account is rare;
/// an index on the owner fields would cost every append).
/// </summary>
public sealed class PostgresAccountErasure(NpgsqlDataSource dataSource) : IAccountErasureStore
{
    private const string FootprintSql = """
        SELECT event_type, data->>'postId', data->>'commentId', data->>'follower'
        FROM events
        WHERE (event_type IN ($2, $3) AND data->>'authorId' = $1)
           OR (event_type = $4 AND data->>'userId' = $1)
           OR (event_type = $5 AND data->>'followee' = $1)
        ORDER BY sequence
        """;

    // Rows already blank are left alone, so that erasing again writes nothing.
    private const string RedactSql = """
        UPDATE events SET data = data || $3::jsonb
        WHERE event_type = $1 AND data->>$2 = $4 AND NOT data @> $3::jsonb
        """;

    // A registration made with an Idempotency-Key was recorded before there was a caller to scope it to (anonymous),
    // with its response: the profile. It is found by the Location it answered.
    private const string ForgetResponsesSql = """
        DELETE FROM idempotency_keys
        WHERE caller = $1 OR (caller LIKE 'anonymous:%' AND response_location = $2)
        """;

    // Snapshots of write-side state are folds of the events, the post's text included: the user's are dropped, and the
    // next activation folds the redacted events.
    private const string DropSnapshotsSql = "DELETE FROM snapshots WHERE state->>'authorId' = $1 OR stream_id = $2";

    private static readonly string PostCreatedName = EventTypes.NameOf(typeof(PostCreated));
    private static readonly string CommentAddedName = EventTypes.NameOf(typeof(CommentAdded));
    private static readonly string PostLikedName = EventTypes.NameOf(typeof(PostLiked));
    private static readonly string UserFollowedName = EventTypes.NameOf(typeof(UserFollowed));

    public Task<AccountFootprint> FindFootprintAsync(UserId user, CancellationToken cancellationToken = default) =>
        dataSource.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(FootprintSql, connection);
            command.Parameters.AddTexts(user.Value, PostCreatedName, CommentAddedName, PostLikedName, UserFollowedName);

            List<PostId> posts = [], likes = [];
            List<(PostId, CommentId)> comments = [];
            List<UserId> followers = [];
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var type = reader.GetString(0);
                if (type == UserFollowedName)
                {
                    followers.Add(new UserId(reader.GetString(3)));
                }
                else if (type == CommentAddedName)
                {
                    comments.Add((new PostId(reader.GetString(1)), new CommentId(reader.GetString(2))));
                }
                else
                {
                    (type == PostCreatedName ? posts : likes).Add(new PostId(reader.GetString(1)));
                }
            }

            return new AccountFootprint(posts, comments, [.. likes.Distinct()], [.. followers.Distinct()]);
        }, cancellationToken);

    public Task RedactAsync(UserId user, CancellationToken cancellationToken = default) =>
        dataSource.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var location in PersonalData.Locations)
            {
                var blanks = System.Text.Json.JsonSerializer.Serialize(location.Fields.ToDictionary(field => field, _ => string.Empty));
                batch.BatchCommands.Add(Command(RedactSql, location.EventType, location.OwnerField, blanks, user.Value));
            }

            batch.BatchCommands.Add(Command(ForgetResponsesSql, user.Value, $"/api/users/{user.Value}"));
            batch.BatchCommands.Add(Command(DropSnapshotsSql, user.Value, user.StreamId));
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);

    private static NpgsqlBatchCommand Command(string sql, params string[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddTexts(values);
        return command;
    }
}
