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

    // Its side effect ends the blocked user's follow of the blocker.
    // KEYS: checkpoint, blocker's blocking set, blocked user's blocked-by set. ARGV: version, blocker, blocked.
    public const string Block = GateWithSideEffects + """
        redis.call('ZADD', KEYS[2], 0, ARGV[3])
        redis.call('ZADD', KEYS[3], 0, ARGV[2])
        return 1
        """;

    public const string Unblock = Gate + """
        redis.call('ZREM', KEYS[2], ARGV[3])
        redis.call('ZREM', KEYS[3], ARGV[2])
        return 1
        """;

    // KEYS: checkpoint, muter's muting set. ARGV: version, muted.
    public const string Mute = Gate + """
        redis.call('ZADD', KEYS[2], 0, ARGV[2])
        return 1
        """;

    // Its side effect brings the muted user's recent posts back into the muter's home timeline (they were not fanned out to it).
    public const string Unmute = GateWithSideEffects + """
        redis.call('ZREM', KEYS[2], ARGV[2])
        return 1
        """;

    public const string Unfollow = GateWithSideEffects + """
        redis.call('ZREM', KEYS[2], ARGV[3])
        redis.call('ZREM', KEYS[3], ARGV[2])
        return 1
        """;

    // Mentions and tags are kept space-separated (neither can hold a space). A tag's timeline is capped like the others,
    // so a post costs the same in a tag used a million times as in one used twice.
    // A tag's timeline keeps a quarter more than the capacity, so that it still holds at least that many after some of
    // its posts are deleted.
    // KEYS: checkpoint, post hash, author's post set, author's timeline, then the timelines of the post's tags.
    // ARGV: version, id, author, text, created at, capacity, mentions, tags.
    public const string PostCreated = GateWithSideEffects + """
        redis.call('HSET', KEYS[2], 'author', ARGV[3], 'text', ARGV[4], 'createdAt', ARGV[5], 'comments', 0, 'likes', 0,
            'mentions', ARGV[7], 'tags', ARGV[8])
        redis.call('ZADD', KEYS[3], 0, ARGV[2])
        local capacity = tonumber(ARGV[6])
        for i = 4, #KEYS do
            redis.call('ZADD', KEYS[i], 0, ARGV[2])
            redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(i == 4 and capacity or capacity + math.floor(capacity / 4)) - 1)
        end
        return 1
        """;

    // The post's hash becomes a tombstone, so a page that still holds its id skips it instead of rebuilding it.
    // KEYS: checkpoint, post hash, author's timeline, author's post set, comment page. ARGV: version, comment key prefix, id,
    // tag timeline key prefix.
    public const string PostDeleted = GateWithSideEffects + """
        local post = ARGV[3]
        for _, comment in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
            redis.call('DEL', ARGV[2] .. comment)
        end
        for tag in string.gmatch(redis.call('HGET', KEYS[2], 'tags') or '', '%S+') do
            redis.call('ZREM', ARGV[4] .. tag, post)
        end
        redis.call('DEL', KEYS[2], KEYS[5])
        redis.call('HSET', KEYS[2], 'deleted', 1)
        redis.call('ZREM', KEYS[3], post)
        redis.call('ZREM', KEYS[4], post)
        return 1
        """;

    // Its side effect is the push to the post's author.
    // KEYS: checkpoint, comment hash, comment page, post hash. ARGV: version, id, post, author, text, created at, mentions.
    public const string CommentAdded = GateWithSideEffects + """
        redis.call('HSET', KEYS[2], 'postId', ARGV[3], 'author', ARGV[4], 'text', ARGV[5], 'createdAt', ARGV[6], 'mentions', ARGV[7])
        redis.call('ZADD', KEYS[3], 0, ARGV[2])
        redis.call('HINCRBY', KEYS[4], 'comments', 1)
        return 1
        """;

    // Its side effect withdraws the notifications the comment caused.
    // KEYS: checkpoint, comment hash, comment page, post hash. ARGV: version, id.
    public const string CommentDeleted = GateWithSideEffects + """
        redis.call('DEL', KEYS[2])
        redis.call('ZREM', KEYS[3], ARGV[2])
        redis.call('HINCRBY', KEYS[4], 'comments', -1)
        return 1
        """;

    // Its side effect notifies the post's author, or withdraws that.
    // KEYS: checkpoint, post hash. ARGV: version, delta.
    public const string LikesChanged = GateWithSideEffects + """
        redis.call('HINCRBY', KEYS[2], 'likes', tonumber(ARGV[2]))
        return 1
        """;

    public const string Nothing = Gate + "return 1";

    // The marker never moves back. KEYS: checkpoint, the user's read marker. ARGV: version, the last notification read.
    public const string NotificationsRead = Gate + """
        local current = redis.call('GET', KEYS[2])
        if not current or current < ARGV[2] then redis.call('SET', KEYS[2], ARGV[2]) end
        return 1
        """;

    // What only the deleted user reads or is shown by: their profile and home timeline. Their posts, comments, likes
    // and follows leave by the events that undo them (the account's erasure). Its side effect is that erasure.
    // And their notifications; the user hash stays as a tombstone, so that nothing notifies them again (a rebuild may
    // replay this before a post that mentions them).
    // KEYS: checkpoint, user hash, home timeline, late arrivals, merged-at-read set, then the notification keys.
    // ARGV: version, user.
    public const string AccountDeleted = GateWithSideEffects + """
        redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
        redis.call('HSET', KEYS[2], 'deleted', 1)
        redis.call('SREM', KEYS[5], ARGV[2])
        for i = 6, #KEYS do redis.call('DEL', KEYS[i]) end
        return 1
        """;

    // A post whose fan-out batch runs after a newer post's fan-out has started may land in a home timeline behind that
    // post (or behind a post of a widely followed author, merged into pages at read time): a client that had seen the
    // newer one would miss it with ?since=, though it is older. For such batches (s:fanout:newest, the newest post
    // whose fan-out started, is newer than this one; it is set before that post's first write, and read here in the
    // same atomic script as this batch's writes), each reader who is active (a feed connection, or a timeline read
    // lately: only they can have seen the newer post) gets the post in their late set as "newest:post". ?since=X
    // returns the entries with newest >= X (QueryScripts). Every post in a home timeline has started its fan-out, so
    // newest is at least any of them. Readers who were not active cost nothing: the page they read next has the post.
    private const string AddToHome = $$"""
        local clock = redis.call('TIME')
        local now = clock[1] * 1000 + math.floor(clock[2] / 1000)

        local function active(reader)
            return tonumber(redis.call('ZSCORE', '{{RedisKeys.Connected}}', reader) or '0') > now
                or tonumber(redis.call('ZSCORE', '{{RedisKeys.RecentReaders}}', reader) or '0') > now
        end

        local function add(home, reader, id, capacity, landsBehind)
            local added = redis.call('ZADD', home, 0, id)
            redis.call('ZREMRANGEBYRANK', home, 0, -capacity - 1)
            if landsBehind and active(reader) then
                local late = '{{RedisKeys.Prefix}}late:' .. reader
                redis.call('ZADD', late, 0, landsBehind .. ':' .. id)
                redis.call('ZREMRANGEBYRANK', late, 0, -capacity - 1)
            end
            return added
        end

        """;

    // Readers who block the post's author, are blocked by them or mute them are skipped (API.md: nothing lands in a
    // timeline across a block or from a muted author). Answers the readers it was delivered to, whom the pushes go to.
    // KEYS: the readers' home timelines. ARGV: post, capacity, the readers (in the order of KEYS).
    public const string FanOut = LuaVisibility.Hidden + AddToHome + $$"""
        local post, capacity = ARGV[1], tonumber(ARGV[2])
        local author = redis.call('HGET', p .. 'post:' .. post, 'author')
        local function hides(reader) return author and reader ~= author and hidden(reader, author, true) end
        local newest = redis.call('GET', '{{RedisKeys.NewestFannedOut}}')
        if not newest or post > newest then redis.call('SET', '{{RedisKeys.NewestFannedOut}}', post) end
        local landsBehind = newest and newest > post and newest
        local delivered = {}
        for i = 1, #KEYS do
            local reader = ARGV[i + 2]
            if not hides(reader) then
                add(KEYS[i], reader, post, capacity, landsBehind)
                delivered[#delivered + 1] = reader
            end
        end
        return delivered
        """;

    // A follow's backfill is not recorded as late: those posts are older than what the reader had, and ?since= stays
    // "newer than" for them (connected clients get them pushed).
    // KEYS: author's timeline, reader's home timeline. ARGV: reader, how many, capacity. Answers the ids that were not
    // in the home timeline yet.
    public const string MergeAuthor = AddToHome + """
        local added = {}
        for _, id in ipairs(redis.call('ZREVRANGEBYLEX', KEYS[1], '+', '-', 'LIMIT', 0, tonumber(ARGV[2]))) do
            if add(KEYS[2], ARGV[1], id, tonumber(ARGV[3]), nil) == 1 then added[#added + 1] = id end
        end
        return added
        """;

    // KEYS: author's timeline, reader's home timeline. Answers all the author's recent ids: those of an author merged
    // at read time leave the reader's pages too, though they were never in the home timeline.
    public const string RemoveAuthor = """
        local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
        for _, id in ipairs(ids) do redis.call('ZREM', KEYS[2], id) end
        return ids
        """;
}
