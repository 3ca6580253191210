namespace Social.Infrastructure.ReadModels;

/// <summary>
/// Lua scripts that read a whole page in one round trip: the ids of the page, then each post's view and its author's
/// display name. Pages are lexicographic ranges of ids: <c>cursor</c> is an exclusive upper bound, <c>since</c> an
/// exclusive lower bound. The answer is the next cursor ('' at the end) followed by nine fields per post: id, author,
/// display name, text, created at, comments, likes, mentions, tags (space-separated); a post whose view is missing
/// comes with an empty author.
/// </summary>
internal static class QueryScripts
{
    private const string Hydrate = LuaVisibility.Hidden + """

        local function hydrate(page, next, visible)
            local out = { next }
            for _, id in ipairs(page) do
                local post = redis.call('HMGET', p .. 'post:' .. id, 'author', 'text', 'createdAt', 'comments', 'likes', 'mentions', 'tags', 'deleted')
                if not post[8] then
                    if not post[1] then
                        for _, v in ipairs({ id, '', '', '', '', '0', '0', '', '' }) do out[#out + 1] = v end
                    elseif visible(post[1]) then
                        local name = redis.call('HGET', p .. 'user:' .. post[1], 'displayName') or post[1]
                        for _, v in ipairs({ id, post[1], name, post[2], post[3], post[4], post[5], post[6] or '', post[7] or '' }) do
                            out[#out + 1] = v
                        end
                    end
                end
            end
            return out
        end

        """;

    private const string Page = Hydrate + """
        local limit = tonumber(ARGV[2])
        local max = ARGV[3] == '' and '+' or '(' .. ARGV[3]
        local min = ARGV[4] == '' and '-' or '(' .. ARGV[4]

        local function take(ids)
            table.sort(ids, function(a, b) return a > b end)
            local page, seen = {}, {}
            for _, id in ipairs(ids) do
                if not seen[id] then
                    seen[id] = true
                    page[#page + 1] = id
                    if #page > limit then break end
                end
            end
            local next = ''
            if #page > limit then
                page[#page] = nil
                next = page[#page]
            end
            return page, next
        end

        """;

    // ARGV: reader, limit, cursor, since, recent until (ms). The reader's home timeline, merged with the recent posts of the widely
    // followed authors they follow (not fanned out on write), without posts of authors they no longer follow. With
    // since, also the older posts that landed while since was already there (the reader's late set, see
    // ProjectionScripts): a client that had seen since may not have seen them.
    public const string HomeTimeline = Page + $$"""
        local reader = ARGV[1]
        -- From now on the reader may have seen posts whose fan-out is still running (see ProjectionScripts' late set).
        redis.call('ZADD', '{{RedisKeys.RecentReaders}}', 'GT', ARGV[5], reader)
        local home = p .. 'home:' .. reader
        local following = p .. 'following:' .. reader
        local function follows(author) return author == reader or redis.call('ZSCORE', following, author) end
        local function visible(author) return follows(author) and not hidden(reader, author, true) end
        local ids = redis.call('ZREVRANGEBYLEX', home, max, min, 'LIMIT', 0, limit + 1)
        if ARGV[4] ~= '' then
            for _, entry in ipairs(redis.call('ZRANGEBYLEX', p .. 'late:' .. reader, '[' .. ARGV[4], '+')) do
                local id = string.sub(entry, string.find(entry, ':', 1, true) + 1)
                if id < ARGV[4] and (ARGV[3] == '' or id < ARGV[3]) and redis.call('ZSCORE', home, id) then ids[#ids + 1] = id end
            end
        end
        for _, author in ipairs(redis.call('SMEMBERS', p .. 'merged')) do
            if follows(author) then
                for _, id in ipairs(redis.call('ZREVRANGEBYLEX', p .. 'posts:' .. author, max, min, 'LIMIT', 0, limit + 1)) do
                    ids[#ids + 1] = id
                end
            end
        end
        local page, next = take(ids)
        return hydrate(page, next, visible)
        """;

    // KEYS: the timeline (an author's or a tag's). ARGV: reader ('' for anonymous), limit, cursor, since, unused.
    public const string Timeline = Page + """
        local page, next = take(redis.call('ZREVRANGEBYLEX', KEYS[1], max, min, 'LIMIT', 0, limit + 1))
        return hydrate(page, next, function(author) return not hidden(ARGV[1], author, false) end)
        """;

    // ARGV: post ids. Their views, nine fields each as in a page (without the cursor); missing ones left out.
    public const string Posts = Hydrate + """
        local out = hydrate(ARGV, '', function() return true end)
        local views = {}
        for i = 2, #out, 9 do
            if out[i + 1] ~= '' then for j = i, i + 8 do views[#views + 1] = out[j] end end
        end
        return views
        """;

    // ARGV: author, '1' to count mutes, then readers. The readers who see what the author writes.
    public const string WhoSees = LuaVisibility.Hidden + """
        local out = {}
        for i = 3, #ARGV do
            if not hidden(ARGV[i], ARGV[1], ARGV[2] == '1') then out[#out + 1] = ARGV[i] end
        end
        return out
        """;

    // ARGV: comment id. Five fields: author, display name, text, created at, mentions; nothing when it is gone.
    public const string Comment = $$"""
        local p = '{{RedisKeys.Prefix}}'
        local c = redis.call('HMGET', p .. 'comment:' .. ARGV[1], 'author', 'text', 'createdAt', 'mentions')
        if not c[1] then return {} end
        return { c[1], redis.call('HGET', p .. 'user:' .. c[1], 'displayName') or c[1], c[2], c[3], c[4] or '' }
        """;

    // The pages of comments and follows: oldest (or first by handle) first, so ARGV[3], the cursor, is an exclusive
    // lower bound and ARGV[2] the limit. page(key) answers the page's members and the next cursor ('' at the end).
    private const string AscendingPage = LuaVisibility.Hidden + """
        local limit = tonumber(ARGV[2])
        local min = ARGV[3] == '' and '-' or '(' .. ARGV[3]

        local function page(key)
            local members = redis.call('ZRANGEBYLEX', key, min, '+', 'LIMIT', 0, limit + 1)
            local next = ''
            if #members > limit then
                members[#members] = nil
                next = members[#members]
            end
            return members, next
        end

        """;

    // ARGV: post, limit, cursor, reader. Oldest first; six fields per comment: id, author, display name, text, created at, mentions.
    public const string Comments = AscendingPage + """
        local ids, next = page(p .. 'comments:' .. ARGV[1])
        local out = { next }
        for _, id in ipairs(ids) do
            local c = redis.call('HMGET', p .. 'comment:' .. id, 'author', 'text', 'createdAt', 'mentions')
            if c[1] and not hidden(ARGV[4], c[1], false) then
                local name = redis.call('HGET', p .. 'user:' .. c[1], 'displayName') or c[1]
                for _, v in ipairs({ id, c[1], name, c[2], c[3], c[4] or '' }) do out[#out + 1] = v end
            end
        end
        return out
        """;

    // KEYS: the list. ARGV: reader ('' to hide nobody), limit, cursor. By handle; two fields per user: handle, display name.
    public const string Users = AscendingPage + """
        local handles, next = page(KEYS[1])
        local out = { next }
        for _, handle in ipairs(handles) do
            if not hidden(ARGV[1], handle, false) then
                out[#out + 1] = handle
                out[#out + 1] = redis.call('HGET', p .. 'user:' .. handle, 'displayName') or handle
            end
        end
        return out
        """;
}
