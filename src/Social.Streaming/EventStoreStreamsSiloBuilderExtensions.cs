using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Providers;
using Orleans.Streams;
using Social.Infrastructure.Postgres;

namespace Social.Streaming;

public static class EventStoreStreamsSiloBuilderExtensions
{
    // The pulling agent's timer only restarts a queue's pump after the receiver answered empty (which it does only to
    // let deliveries be reported, see EventStoreQueueReceiver), so a short period costs nothing while the pump waits
    // for commits and keeps that rare pause short.
    private static readonly TimeSpan s_pumpRestartPeriod = TimeSpan.FromMilliseconds(10);

    private static readonly RetryDelays s_deliveryRetries = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
    private static readonly RetryDelays s_readRetries = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));

    /// <summary>
    /// Adds the persistent stream provider <paramref name="name"/> whose queues read the committed events of the
    /// PostgreSQL event store, so that every committed event reaches every implicit subscriber at least once, in order
    /// per event-store stream, even when silos die. Event-store stream <c>post-01J…</c> is the Orleans stream with
    /// namespace <c>post</c> and key <c>01J…</c> (see <c>EventStreams.Split</c>), and its items are <c>RecordedEvent</c>s.
    /// Appends wake the queues through PostgreSQL NOTIFY, so delivery normally follows a commit within milliseconds.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Subscriptions are implicit only by default (<see cref="StreamPubSubType.ImplicitOnly"/>): the pulling agent then
    /// finds a stream's consumers in the silo's table of <c>[ImplicitStreamSubscription]</c> types and keeps no pub-sub
    /// state, so no <c>PubSubStore</c> grain storage is needed, and a new stream (every new post) costs no pub-sub grain
    /// call or write. Orleans's own check (<c>PersistentStreamStorageConfigurationValidator</c>) asks for that storage
    /// only for the explicit pub-sub types; with <see cref="EventStoreStreamOptions.ExplicitSubscriptions"/> the silo
    /// must add a grain storage named <c>PubSubStore</c> (or named like the provider), or it does not start.
    /// </para>
    /// <para>
    /// The database needs the migrations of <c>SchemaMigrations</c> (the <c>events</c> table and, from 0007,
    /// <c>stream_checkpoints</c>). The provider's name keys its checkpoints, so it must stay the same across deployments.
    /// </para>
    /// </remarks>
    /// <param name="builder">The silo.</param>
    /// <param name="name">The stream provider's name, by which grains get it (<c>this.GetStreamProvider(name)</c>).</param>
    /// <param name="configureOptions">Sets the connection string and, if need be, the tuning options.</param>
    /// <param name="configureStream">Further Orleans configuration of the provider, such as its pulling agent or queue balancer.</param>
    public static ISiloBuilder AddEventStoreStreams(
        this ISiloBuilder builder,
        string name,
        Action<EventStoreStreamOptions> configureOptions,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configureOptions);

        builder.Services.AddOptions<EventStoreStreamOptions>(name)
            .Configure(configureOptions)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), $"Stream provider '{name}' needs a connection string.")
            .Validate(o => o.QueueCount is > 0 and <= 1024, $"Stream provider '{name}': QueueCount must be between 1 and 1024.")
            .Validate(o => o.BatchSize > 0, $"Stream provider '{name}': BatchSize must be positive.")
            .Validate(o => o.CacheSize >= 10, $"Stream provider '{name}': CacheSize must be at least 10.")
            .Validate(o => o.PollTimeout > TimeSpan.Zero, $"Stream provider '{name}': PollTimeout must be positive.")
            .Validate(o => o.CheckpointInterval >= TimeSpan.Zero, $"Stream provider '{name}': CheckpointInterval must not be negative.")
            .Validate(
                o => o.MaxDeliveryTime > TimeSpan.Zero || o.MaxDeliveryTime == Timeout.InfiniteTimeSpan,
                $"Stream provider '{name}': MaxDeliveryTime must be positive or infinite.");

        // Registered before the caller's configureStream, so that its own settings of these options win.
        builder.Services.AddOptions<StreamPubSubOptions>(name)
            .Configure<IOptionsMonitor<EventStoreStreamOptions>>((pubSub, all) => pubSub.PubSubType = all.Get(name).ExplicitSubscriptions
                ? StreamPubSubType.ExplicitGrainBasedAndImplicit
                : StreamPubSubType.ImplicitOnly);
        builder.Services.AddOptions<StreamPullingAgentOptions>(name)
            .Configure<IOptionsMonitor<EventStoreStreamOptions>>((agent, all) =>
            {
                agent.GetQueueMsgsTimerPeriod = s_pumpRestartPeriod;
                agent.MaxEventDeliveryTime = all.Get(name).MaxDeliveryTime;
            });

        builder.AddPersistentStreams(name, EventStoreQueueAdapterFactory.Create, stream =>
        {
            stream.ConfigureBackoffProvider((_, _) => (IMessageDeliveryBackoffProvider)s_deliveryRetries);
            stream.ConfigureBackoffProvider((_, _) => (IQueueReaderBackoffProvider)s_readRetries);
            configureStream?.Invoke(stream);
        });
        return builder;
    }

    /// <summary>
    /// The event transport (<see cref="AddEventStoreStreams"/>) on the streams' pool of the connection budget
    /// (<see cref="PostgresConnections"/>, registered by <c>AddPostgresStores</c>), unless <paramref name="configure"/>
    /// gives it a connection string of its own.
    /// </summary>
    public static ISiloBuilder AddPostgresEventStreams(this ISiloBuilder silo, string name, Action<EventStoreStreamOptions>? configure = null)
    {
        silo.AddEventStoreStreams(name, options => configure?.Invoke(options));
        silo.Services.AddOptions<EventStoreStreamOptions>(name).Configure<PostgresConnections>((streams, connections) =>
        {
            if (string.IsNullOrWhiteSpace(streams.ConnectionString))
            {
                streams.ConnectionString = connections.Streams;
            }
        });
        return silo;
    }
}
