using System.Text.Json;
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
/// unaffected, and nothing of the person is left to read. Finding what to change scans the table (deleting an account
/// is rare; an index on the owner fields would cost every append), in read-only statements: they take no transaction
/// id, so they never hold back the stream readers, which read only below the oldest transaction still running. The
/// rows found are then changed by sequence, a thousand per short transaction.
/// </summary>
public sealed class PostgresAccountErasure(NpgsqlDataSource dataSource) : IAccountErasureStore
{
    // A scan of a large events table takes long; a timeout would only make the erasure start over.
    private const int ScanTimeoutSeconds = 600;

    private const int RowsPerUpdate = 1000;

    private const string FootprintSql = """
        SELECT event_type, data->>'postId', data->>'commentId', data->>'follower'
        FROM events
        WHERE (event_type IN ($2, $3) AND data->>'authorId' = $1)
           OR (event_type = $4 AND data->>'userId' = $1)
           OR (event_type = $5 AND data->>'followee' = $1)
        ORDER BY sequence
        """;

    // The rows holding the user's data: one condition per owner field that PersonalData names (trusted constants).
    private static readonly string PersonalRowsSql = $"""
        SELECT sequence, event_type FROM events
        WHERE {string.Join(" OR ", PersonalData.Locations.GroupBy(l => l.OwnerField)
            .Select(owner => $"(event_type IN ({string.Join(", ", owner.Select(l => $"'{l.EventType}'"))}) AND data->>'{owner.Key}' = $1)"))}
        """;

    // Rows already blank are left alone, so that erasing again writes nothing.
    private const string RedactSql = "UPDATE events SET data = data || $2::jsonb WHERE sequence = ANY($1) AND NOT data @> $2::jsonb";

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
            await using var command = new NpgsqlCommand(FootprintSql, connection) { CommandTimeout = ScanTimeoutSeconds };
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

    public async Task RedactAsync(UserId user, CancellationToken cancellationToken = default)
    {
        var rows = await dataSource.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(PersonalRowsSql, connection) { CommandTimeout = ScanTimeoutSeconds };
            command.Parameters.AddTexts(user.Value);
            var found = new List<(long Sequence, string Type)>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add((reader.GetInt64(0), reader.GetString(1)));
            }

            return found;
        }, cancellationToken);

        foreach (var location in PersonalData.Locations)
        {
            var blanks = JsonSerializer.Serialize(location.Fields.ToDictionary(field => field, _ => (object)string.Empty)
                .Concat((location.ListFields ?? []).ToDictionary(field => field, _ => (object)Array.Empty<string>())).ToDictionary());
            foreach (var chunk in rows.Where(row => row.Type == location.EventType).Select(row => row.Sequence).Chunk(RowsPerUpdate))
            {
                await ExecuteAsync(RedactSql, command =>
                {
                    command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = chunk });
                    command.Parameters.AddTexts(blanks);
                }, cancellationToken);
            }
        }

        await ExecuteAsync(ForgetResponsesSql, command => command.Parameters.AddTexts(user.Value, $"/api/users/{user.Value}"), cancellationToken);
        await ExecuteAsync(DropSnapshotsSql, command => command.Parameters.AddTexts(user.Value, user.StreamId), cancellationToken);
    }

    private Task ExecuteAsync(string sql, Action<NpgsqlCommand> parameters, CancellationToken cancellationToken) =>
        dataSource.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            parameters(command);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
}
