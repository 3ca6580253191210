using Social.Abstractions.Posts;
using Social.Abstractions.ReadModels;
using Social.Domain.Errors;
using Social.Domain.Ids;

namespace Social.Api.Timelines;

/// <summary>
/// Serves timeline pages from Redis. A post whose view the read model has lost is rebuilt by its grain from the
/// event store rather than shown as a hole, and a post that no longer exists is left out.
/// </summary>
internal sealed class TimelineReader(IReadModelQueries queries, IGrainFactory grains)
{
    public async Task<Page<PostView>> HomeAsync(UserId reader, PageRequest page) =>
        await HydrateAsync(await queries.ReadHomeTimelineAsync(reader, page), reader, mutes: true);

    public async Task<Page<PostView>> UserAsync(UserId author, PageRequest page) =>
        await HydrateAsync(await queries.ReadUserTimelineAsync(author, page), reader: null, mutes: false);

    public async Task<Page<PostView>> TagAsync(string tag, PageRequest page, UserId? reader) =>
        await HydrateAsync(await queries.ReadTagTimelineAsync(tag, page, reader), reader, mutes: false);

    // A view rebuilt by its grain did not pass the page script's block and mute checks: it is checked here.
    private async Task<Page<PostView>> HydrateAsync(TimelinePage page, UserId? reader, bool mutes)
    {
        var views = await Task.WhenAll(page.Items.Select(entry => entry.View is { } view ? Task.FromResult<PostView?>(view) : RebuildAsync(entry.PostId, reader, mutes)));
        return new Page<PostView>([.. views.OfType<PostView>()], page.NextCursor);
    }

    private async Task<PostView?> RebuildAsync(string postId, UserId? reader, bool mutes)
    {
        try
        {
            var view = await grains.GetGrain<IPostGrain>(postId).GetAsync();
            return reader is not { } by || (await queries.WhoSeesAsync(new UserId(view.Author.Handle), [by], mutes)).Count > 0 ? view : null;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }
}
