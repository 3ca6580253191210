using Microsoft.Extensions.Options;
using Social.Abstractions.Notifications;
using Social.Abstractions.ReadModels;
using Social.Abstractions.Users;
using Social.Domain.Ids;
using StackExchange.Redis;

namespace Social.Infrastructure.ReadModels;

/// <summary>Each user's notifications in Redis (see <see cref="NotificationScripts"/>), capped at the timelines' capacity.</summary>
public sealed class RedisNotificationStore(IConnectionMultiplexer redis, IOptions<TimelineOptions> options) : INotificationStore
{
    private IDatabase Db => redis.GetDatabase();

    public async Task<IReadOnlyList<NotificationView?>> AddAsync(IReadOnlyList<NotificationRecord> notifications)
    {
        var names = await RedisCalls.RunBatchAsync(Db, batch => notifications.Select(n => batch.ScriptEvaluateAsync(NotificationScripts.Add,
            Keys(n.Recipient), [n.Cause, Member(n), options.Value.Capacity, RedisKeys.User(n.Actor).ToString(), RedisKeys.User(n.Recipient).ToString()])));
        return [.. notifications.Select((n, i) => names[i].IsNull ? null : View(Member(n), (string)names[i]!))];
    }

    public Task WithdrawAsync(UserId recipient, string cause, bool forget) =>
        RedisCalls.RunAsync(() => Withdraw(Db, recipient, cause, forget));

    public Task RecordRecipientsAsync(PostId post, IReadOnlyList<UserId> recipients) =>
        RedisCalls.RunAsync(() => Db.SetAddAsync(RedisKeys.NotifiedAbout(post), [.. recipients.Select(user => (RedisValue)user.Value)]));

    // Every recipient's script in one round trip.
    public async Task WithdrawAboutPostAsync(PostId post)
    {
        var recipients = await RecipientsAsync(post);
        await RedisCalls.RunBatchAsync(Db, batch =>
            recipients.Select(recipient => batch.ScriptEvaluateAsync(NotificationScripts.WithdrawAboutPost, Keys(recipient), [post.Value])));
        await RedisCalls.RunAsync(() => Db.KeyDeleteAsync(RedisKeys.NotifiedAbout(post)));
    }

    public async Task WithdrawAboutCommentAsync(PostId post, CommentId comment)
    {
        var recipients = await RecipientsAsync(post);
        await RedisCalls.RunBatchAsync(Db, batch =>
            recipients.Select(recipient => Withdraw(batch, recipient, NotificationCauses.Comment(comment), forget: true)));
    }

    public async Task<Page<NotificationView>> ReadAsync(UserId user, PageRequest page)
    {
        var result = (RedisResult[])(await RedisCalls.RunAsync(() => Db.ScriptEvaluateAsync(NotificationScripts.Page,
            [RedisKeys.Notifications(user), RedisKeys.LateNotifications(user)],
            [page.Limit, page.Cursor ?? "", page.Since ?? "", RedisKeys.UserPrefix, user.Value])))!;
        var items = new List<NotificationView>();
        for (var i = 1; i + 2 <= result.Length; i += 2)
        {
            items.Add(View((string)result[i]!, (string)result[i + 1]!));
        }

        return new Page<NotificationView>(items, (string?)result[0] is { Length: > 0 } next ? next : null);
    }

    public async Task<long> CountUnreadAsync(UserId user) =>
        (long)await RedisCalls.RunAsync(() => Db.ScriptEvaluateAsync(NotificationScripts.Unread,
            [RedisKeys.Notifications(user), RedisKeys.NotificationsRead(user)], [user.Value]));

    private static Task<RedisResult> Withdraw(IDatabaseAsync db, UserId recipient, string cause, bool forget) =>
        db.ScriptEvaluateAsync(NotificationScripts.Withdraw, Keys(recipient), [cause, forget ? "1" : "0"]);

    private async Task<IReadOnlyList<UserId>> RecipientsAsync(PostId post) =>
        [.. (await RedisCalls.RunAsync(() => Db.SetMembersAsync(RedisKeys.NotifiedAbout(post)))).Select(user => new UserId(user!))];

    private static RedisKey[] Keys(UserId user) =>
        [RedisKeys.Notifications(user), RedisKeys.NotificationCauses(user), RedisKeys.LateNotifications(user), RedisKeys.NewestNotification(user)];

    // "id|type|actor|post|comment": the id first, so that members sort by it.
    private static string Member(NotificationRecord n) =>
        string.Join('|', n.Id.Value, n.Type, n.Actor.Value, n.Post?.Value ?? "", n.Comment?.Value ?? "");

    private static NotificationView View(string member, string actorName)
    {
        var f = member.Split('|');
        var id = new NotificationId(f[0]);
        return new NotificationView(id.Value, f[1], new UserSummary(f[2], actorName), Nullable(f[3]), Nullable(f[4]), id.CreatedAt);
    }

    private static string? Nullable(string field) => field.Length == 0 ? null : field;
}
