using Social.Abstractions.EventStore;
using Social.Domain.Errors;
using Social.Domain.Events;
using Social.Domain.Ids;
using Social.Domain.Users;
using Social.Infrastructure.Postgres;

namespace Social.Api.Admin;

/// <summary>
/// <c>Social.Api admin grant|revoke &lt;handle&gt;</c>: the only way to make or unmake an administrator. It runs on an
/// operator's shell with the deployment's configuration, never behind an HTTP request, so no sequence of requests (such
/// as registering a handle someone meant to make an administrator) grants the rights. The decision is the user's own
/// write model (<see cref="UserState"/>), made on the stream as stored and appended at its version, like a grain's.
/// </summary>
public static class AdministratorCommand
{
    public const string Name = "admin";

    public static bool Matches(string[] args) => args is [Name, ..];

    /// <summary>Runs the command; returns the process's exit code (0 done or nothing to do, 1 refused, 2 misused).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not [Name, ("grant" or "revoke") and var verb, var handle])
        {
            await Console.Error.WriteLineAsync("usage: Social.Api admin grant|revoke <handle>   (with ConnectionStrings__Postgres set)");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddPostgresStores(builder.Configuration);
        using var host = builder.Build();
        var outcome = await ChangeAsync(host.Services.GetRequiredService<IEventStore>(), handle, grant: verb == "grant", TimeProvider.System);
        await (outcome.Changed ? Console.Out : Console.Error).WriteLineAsync(outcome.Message);
        return outcome.Refused ? 1 : 0;
    }

    /// <summary>Grants or revokes on the user's stream; an operator's tool and the tests' way to make administrators.</summary>
    public static async Task<Outcome> ChangeAsync(IEventStore store, string handle, bool grant, TimeProvider clock)
    {
        if (!UserId.TryFromHandle(handle, out var user))
        {
            return new Outcome(false, true, $"'{handle}' is not a handle.");
        }

        var recorded = await store.ReadStreamAsync(user.StreamId);
        var state = new UserState();
        foreach (var @event in recorded)
        {
            state.Apply((UserEvent)EventTypes.Deserialize(@event.Type, @event.Data));
        }

        UserEvent? decided;
        try
        {
            decided = grant ? state.GrantAdministrator(clock.GetUtcNow()) : state.RevokeAdministrator(clock.GetUtcNow());
        }
        catch (NotFoundException)
        {
            return new Outcome(false, true, $"There is no user '{user}': the user registers first, then is made an administrator.");
        }

        if (decided is null)
        {
            return new Outcome(false, false, grant ? $"'{user}' already is an administrator." : $"'{user}' is not an administrator.");
        }

        var version = recorded.Count == 0 ? 0 : recorded[^1].Version;
        var metadata = new EventMetadata(CorrelationId: $"operator-{Guid.NewGuid():N}", IdempotencyKey: null, UserId: null);
        await store.AppendAsync(user.StreamId, version, [new EventData(Guid.CreateVersion7(), EventTypes.NameOf(decided), EventTypes.Serialize(decided), metadata)]);
        return new Outcome(true, false, grant ? $"'{user}' is now an administrator." : $"'{user}' is no longer an administrator.");
    }

    /// <param name="Changed">The stream got the event.</param>
    /// <param name="Refused">Nothing could be done (no such user, not a handle).</param>
    /// <param name="Message">What to tell the operator.</param>
    public sealed record Outcome(bool Changed, bool Refused, string Message);
}
