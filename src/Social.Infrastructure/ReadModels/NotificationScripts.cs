namespace Social.Infrastructure.ReadModels;

/// <summary>
/// Lua scripts of the notifications (see <see cref="RedisKeys.Notifications"/> for the members). Each touches one
/// user's keys only. KEYS of the writes: the user's notifications, their causes hash, their late set, the newest
/// notification id they ever had.
/// </summary>
internal static class NotificationScripts
{
    // fields(member) splits a member; cause(member, all) is the cause it is filed under, or nil for follows and likes
    // (remembered for good) unless all is set (their post is gone).
    private const string Members = LuaVisibility.Hidden + """
        local function fields(member)
            local f = {}
            for field in string.gmatch(member .. '|', '([^|]*)|') do f[#f + 1] = field end
            return f
        end

        local function cause(member, all)
            local f = fields(member)
            if f[2] == 'comment' or (f[2] == 'mention' and f[5] ~= '') then return 'c:' .. f[5] end
            if f[2] == 'mention' then return 'p:' .. f[4] end
            if not all then return nil end
            if f[2] == 'like' then return 'l:' .. f[4] .. ':' .. f[3] end
            return 'f:' .. f[3]
        end

        """;

    // A cause filed before with a later notification (a rebuild that met the second like before the first) gives way
    // to the earlier one: what the live system showed is the first. A notification that lands behind the newest the
    // user ever had (a high-water mark that withdrawals do not lower) goes into the late set as well, so that ?since=
    // of a client that saw the newer one finds it (the home timeline does the same). Nothing is added for a deleted
    // recipient (their user hash is a tombstone). Answers the actor's display name, or nothing when nothing was added.
    // Notifications across a block or from a muted user are stored all the same (a rebuild, which replays with the
    // blocks and mutes of today, must give what the live system had) and left out when read.
    // KEYS: notifications, causes, late set, high-water mark. ARGV: cause, member, capacity, actor's and recipient's user hashes.
    public const string Add = Members + """
        if redis.call('HEXISTS', ARGV[5], 'deleted') == 1 then return false end
        local id = string.sub(ARGV[2], 1, 26)
        local filed = redis.call('HGET', KEYS[2], ARGV[1])
        if filed and filed ~= ARGV[2] then
            if string.sub(filed, 1, 26) < id then return false end
            redis.call('ZREM', KEYS[1], filed)
        end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        local capacity = tonumber(ARGV[3])
        local top = redis.call('GET', KEYS[4])
        if not top or top < id then redis.call('SET', KEYS[4], id) end
        redis.call('ZADD', KEYS[1], 0, ARGV[2])
        if top and top > id then
            redis.call('ZADD', KEYS[3], 0, top .. ':' .. ARGV[2])
            redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -capacity - 1)
        end
        local excess = redis.call('ZCARD', KEYS[1]) - capacity
        if excess > 0 then
            for _, old in ipairs(redis.call('ZRANGE', KEYS[1], 0, excess - 1)) do
                local c = cause(old, false)
                if c then redis.call('HDEL', KEYS[2], c) end
            end
            redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
        end
        return redis.call('HGET', ARGV[4], 'displayName') or fields(ARGV[2])[3]
        """;

    // ARGV: cause, forget ('1' to let the cause notify again).
    public const string Withdraw = """
        local member = redis.call('HGET', KEYS[2], ARGV[1])
        if not member then return 0 end
        redis.call('ZREM', KEYS[1], member)
        if ARGV[2] == '1' then redis.call('HDEL', KEYS[2], ARGV[1]) end
        return 1
        """;

    // Every notification about a deleted post, causes included. ARGV: post.
    public const string WithdrawAboutPost = Members + """
        for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
            if fields(member)[4] == ARGV[1] then
                redis.call('ZREM', KEYS[1], member)
                redis.call('HDEL', KEYS[2], cause(member, true))
            end
        end
        return 1
        """;

    // A page, newest first: ARGV[2], the cursor, is an exclusive upper bound (an id), ARGV[3], since, an exclusive
    // lower bound (an id: members that start with it sort below since .. '}'). Notifications from users the reader
    // blocks, is blocked by or mutes are left out (the cursor still walks past them). Answers the next cursor ('' at the
    // end), then two fields per notification: the member and the actor's display name.
    // KEYS: notifications, late set. ARGV: limit, cursor, since, user key prefix, reader.
    public const string Page = Members + """
        local limit, cursor, since = tonumber(ARGV[1]), ARGV[2], ARGV[3]
        local max = cursor == '' and '+' or '(' .. cursor
        local min = since == '' and '-' or '[' .. since .. '}'
        local members = redis.call('ZREVRANGEBYLEX', KEYS[1], max, min, 'LIMIT', 0, limit + 1)
        if since ~= '' then
            for _, entry in ipairs(redis.call('ZRANGEBYLEX', KEYS[2], '[' .. since, '+')) do
                local member = string.sub(entry, 28)
                local id = string.sub(member, 1, 26)
                if id < since and (cursor == '' or id < cursor) and redis.call('ZSCORE', KEYS[1], member) then
                    members[#members + 1] = member
                end
            end
            table.sort(members, function(a, b) return a > b end)
        end
        local page, seen = {}, {}
        for _, member in ipairs(members) do
            if not seen[member] then
                seen[member] = true
                page[#page + 1] = member
            end
        end
        local next = ''
        if #page > limit then
            for i = #page, limit + 1, -1 do page[i] = nil end
            next = string.sub(page[limit], 1, 26)
        end
        local out = { next }
        for _, member in ipairs(page) do
            local actor = fields(member)[3]
            if not hidden(ARGV[5], actor, true) then
                out[#out + 1] = member
                out[#out + 1] = redis.call('HGET', ARGV[4] .. actor, 'displayName') or actor
            end
        end
        return out
        """;

    // Those newer than the marker, but not from users the reader blocks, is blocked by or mutes (at most the capacity
    // to look at). KEYS: notifications, read marker. ARGV: reader.
    public const string Unread = Members + """
        local marker = redis.call('GET', KEYS[2])
        local count = 0
        for _, member in ipairs(redis.call('ZRANGEBYLEX', KEYS[1], marker and '[' .. marker .. '}' or '-', '+')) do
            if not hidden(ARGV[1], fields(member)[3], true) then count = count + 1 end
        end
        return count
        """;
}
