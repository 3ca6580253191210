namespace Social.Infrastructure.ReadModels;

/// <summary>The one Lua definition of who must not see whom (blocks both ways, and mutes), for every script that filters.</summary>
internal static class LuaVisibility
{
    // hidden(reader, user, mutes): whether the reader must not see what user wrote: one blocks the other, or (with
    // mutes) the reader mutes them. Nothing is hidden from an anonymous reader ('').
    public const string Hidden = $$"""
        local p = '{{RedisKeys.Prefix}}'

        local function hidden(reader, user, mutes)
            if reader == '' then return false end
            return redis.call('ZSCORE', p .. 'blocking:' .. reader, user) or redis.call('ZSCORE', p .. 'blockedby:' .. reader, user)
                or (mutes and redis.call('ZSCORE', p .. 'muting:' .. reader, user)) or false
        end

        """;
}
