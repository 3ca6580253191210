using Orleans.Placement;

namespace Social.Infrastructure.Tests.OrleansProviders;

/// <summary>Reports where it runs, and calls another probe so a test can make a call cross silos.</summary>
public interface IPlacementProbeGrain : IGrainWithStringKey
{
    Task<string> GetSiloAsync();

    Task<string> GetSiloOfAsync(string otherKey);
}

/// <summary>Random placement spreads the probes over every silo of the cluster.</summary>
[RandomPlacement]
public sealed class PlacementProbeGrain : Grain, IPlacementProbeGrain
{
    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);

    public Task<string> GetSiloOfAsync(string otherKey) =>
        GrainFactory.GetGrain<IPlacementProbeGrain>(otherKey).GetSiloAsync();
}

/// <summary>A counter kept in the ADO.NET grain storage.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> AddAsync(int amount);

    Task<int> GetAsync();

    Task<string?> GetETagAsync();

    Task<string> GetActivationIdAsync();

    Task ClearAsync();

    Task DeactivateAsync();
}

[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public int Value { get; set; }
}

public sealed class CounterGrain([PersistentState("counter", SqlBackedCluster.StorageName)] IPersistentState<CounterState> counter)
    : Grain, ICounterGrain
{
    public async Task<int> AddAsync(int amount)
    {
        counter.State.Value += amount;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(counter.State.Value);

    public Task<string?> GetETagAsync() => Task.FromResult(counter.Etag);

    public Task<string> GetActivationIdAsync() => Task.FromResult(GrainContext.ActivationId.ToString());

    public Task ClearAsync() => counter.ClearStateAsync();

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>A grain that registers reminders in the ADO.NET reminder table and counts their ticks.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period);

    Task<bool> UnregisterAsync(string name);

    Task<IReadOnlyList<string>> GetReminderNamesAsync();

    Task<int> GetTicksAsync(string name);
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    private readonly Dictionary<string, int> _ticks = [];

    public Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period) =>
        this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task<bool> UnregisterAsync(string name)
    {
        var reminder = await this.GetReminder(name);
        if (reminder is null)
        {
            return false;
        }

        await this.UnregisterReminder(reminder);
        return true;
    }

    public async Task<IReadOnlyList<string>> GetReminderNamesAsync()
    {
        var reminders = await this.GetReminders();
        return [.. reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal)];
    }

    public Task<int> GetTicksAsync(string name) => Task.FromResult(_ticks.GetValueOrDefault(name));

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ticks[reminderName] = _ticks.GetValueOrDefault(reminderName) + 1;
        return Task.CompletedTask;
    }
}
