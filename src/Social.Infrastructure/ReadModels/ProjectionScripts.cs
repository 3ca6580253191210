namespace Social.Infrastructure.ReadModels;

/// <summary>
/// Lua scripts of the projections. Scripts that apply an event take KEYS[1] = the stream's checkpoint hash and
/// ARGV[1] = the event's version, and change anything only when the applied version is the one before it; they
/// answer 1 when applied, 0 when not (already applied, or a gap the projection must fill from the event store first).
/// Events with side effects leave the checkpoint's <c>done</c> behind until the projection completes them.
/// </summary>
internal static class ProjectionScripts
{
    private const string GateWithSideEffects = """
        local applied = tonumber(redis.call('HGET', KEYS[1], 'applied') or '0')
        if applied ~= tonumber(ARGV[1]) - 1 then return 0 end
        redis.call('HSET', KEYS[1], 'applied', ARGV[1])

        """;

    private const string Gate = GateWithSideEffects + """
        if tonumber(redis.call('HGET', KEYS[1], 'done') or '0') == applied then redis.call('HSET', KEYS[1], 'done', ARGV[1]) end

        """;

    // KEYS: checkpoint, user hash. ARGV: version, display name.
    public const string Profile = Gate + """
        redis.call('HSET', KEYS[2], 'displayName', ARGV[2])
        return 1
        """;

    // KEYS: checkpoint, follower's following set, followee's followers set. ARGV: version, follower, followee.
    public const string Follow = GateWithSideEffects + """
        redis.call('ZADD', KEYS[2], 0, ARGV[3])
        redis.call('ZADD', KEYS[3], 0, ARGV[2])
        return 1
        """;

    public const string Unfollow = GateWithSideEffects + """
        redis.call('ZREM', KEYS[2], ARGV[3])
        redis.call('ZREM', KEYS[3], ARGV[2])
        return 1
        """;

    // KEYS: checkpoint, post hash, author's timeline, author's post set. ARGV: version, id, author, text, created at, capacity.
    public const string PostCreated = GateWithSideEffects + """
        redis.call('HSET', KEYS[2], 'author', ARGV[3], 'text', ARGV[4], 'createdAt', ARGV[5], 'comments', 0, 'likes', 0)
        redis.call('ZADD', KEYS[3], 0, ARGV[2])
        redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -tonumber(ARGV[6]) - 1)
        redis.call('ZADD', KEYS[4], 0, ARGV[2])
        return 1
        """;

    // The post's hash becomes a tombstone, so a page that still holds its id skips it instead of rebuilding it.
    // KEYS: checkpoint, post hash, author's timeline, author's post set, comment page. ARGV: version, comment key prefix, id.
    public const string PostDeleted = GateWithSideEffects + """
        local post = ARGV[3]
        for _, comment in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
            redis.call('DEL', ARGV[2] .. comment)
        end
        redis.call('DEL', KEYS[2], KEYS[5])
        redis.call('HSET', KEYS[2], 'deleted', 1)
        redis.call('ZREM', KEYS[3], post)
        redis.call('ZREM', KEYS[4], post)
        return 1
        """;

    // KEYS: checkpoint, comment hash, comment page, post hash. ARGV: version, id, post, author, text, created at.
    public const string CommentAdded = Gate + """
        redis.call('HSET', KEYS[2], 'postId', ARGV[3], 'author', ARGV[4], 'text', ARGV[5], 'createdAt', ARGV[6])
        redis.call('ZADD', KEYS[3], 0, ARGV[2])
        redis.call('HINCRBY', KEYS[4], 'comments', 1)
        return 1
        """;

    // KEYS: checkpoint, comment hash, comment page, post hash. ARGV: version, id.
    public const string CommentDeleted = Gate + """
        redis.call('DEL', KEYS[2])
        redis.call('ZREM', KEYS[3], ARGV[2])
        redis.call('HINCRBY', KEYS[4], 'comments', -1)
        return 1
        """;

    // KEYS: checkpoint, post hash. ARGV: version, delta.
    public const string LikesChanged = Gate + """
        redis.call('HINCRBY', KEYS[2], 'likes', tonumber(ARGV[2]))
        return 1
        """;

    public const string Nothing = Gate + "return 1";

    // KEYS: author's timeline, reader's home timeline. ARGV: how many, capacity.
    public const string MergeAuthor = """
        local ids = redis.call('ZREVRANGEBYLEX', KEYS[1], '+', '-', 'LIMIT', 0, tonumber(ARGV[1]))
        for _, id in ipairs(ids) do redis.call('ZADD', KEYS[2], 0, id) end
        redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -tonumber(ARGV[2]) - 1)
        return #ids
        """;

    // KEYS: author's timeline, reader's home timeline.
    public const string RemoveAuthor = """
        local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
        for _, id in ipairs(ids) do redis.call('ZREM', KEYS[2], id) end
        return #ids
        """;
}
