using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Social.Api.Hosting;

/// <summary>
/// Stops the Orleans silo within the host's shutdown timeout (<see cref="HostOptions.ShutdownTimeout"/>), also when
/// PostgreSQL cannot be reached. It wraps Orleans's own hosted service: the silo stops gracefully as before, and only
/// a stop that overstays is cut short.
/// </summary>
/// <remarks>
/// <para>
/// The silo leaves the cluster by writing its status to the membership table in PostgreSQL. Orleans retries those
/// writes: the graceful one (ShuttingDown) until the stop's token is cancelled, then the ungraceful ones (Stopping,
/// then Dead) for up to a minute each, whatever the token says. The host awaits its hosted services without a limit of
/// its own, so with PostgreSQL down a SIGTERM took two minutes and more, far past the orchestrator's kill.
/// </para>
/// <para>
/// So, counted from the moment the host began stopping, the graceful stop gets the shutdown timeout but its last
/// <see cref="UngracefulShare"/> (20 s of 30 s); then the silo is told to stop at once (Orleans's ungraceful stop, which
/// does not wait for grains to deactivate); and when only the last <see cref="ExitShare"/> is left (at 25 s), the host
/// stops waiting for the silo and exits. A silo that exits that way has not marked itself dead: the other silos declare
/// it dead when it misses their probes, and its stream queues restart elsewhere from their last checkpoints, as after a
/// crash. With PostgreSQL up, a graceful stop takes a second or two and none of this comes into play.
/// </para>
/// </remarks>
internal sealed partial class SiloShutdown : IHostedService
{
    /// <summary>The end of the shutdown timeout not given to the graceful stop: the silo's ungraceful stop, then the exit.</summary>
    public const double UngracefulShare = 1 / 3.0;

    /// <summary>
    /// The end of the shutdown timeout left to the rest of the host once it stops waiting for the silo: the services
    /// stopped after it, and disposing them, which takes seconds when PostgreSQL hangs (Npgsql's cancellations then block
    /// threads of the pool while they try to reach the server).
    /// </summary>
    public const double ExitShare = 1 / 6.0;

    // The type that Orleans registers as the silo's hosted service (internal to Orleans.Runtime).
    private const string SiloHostedServiceType = "Orleans.Hosting.SiloHostedService";

    private readonly IHostedService _silo;
    private readonly TimeSpan _shutdownTimeout;
    private readonly TimeSpan _gracefulFor;
    private readonly TimeSpan _waitFor;
    private readonly ILogger _logger;
    private long _stoppingSince;

    public SiloShutdown(IHostedService silo, IOptions<HostOptions> host, IHostApplicationLifetime lifetime, ILogger<SiloShutdown> logger)
    {
        _silo = silo;
        _shutdownTimeout = host.Value.ShutdownTimeout;
        _gracefulFor = _shutdownTimeout * (1 - UngracefulShare);
        _waitFor = _shutdownTimeout * (1 - ExitShare);
        _logger = logger;
        // The host's shutdown timeout runs from here; hosted services stopped before the silo (Kestrel draining its
        // requests) use up part of it.
        lifetime.ApplicationStopping.Register(() => Interlocked.CompareExchange(ref _stoppingSince, Stopwatch.GetTimestamp(), 0));
    }

    /// <summary>Puts a <see cref="SiloShutdown"/> in place of the hosted service that Orleans registered for the silo.</summary>
    /// <exception cref="InvalidOperationException">Orleans registered no such service (it was not added, or renamed it).</exception>
    public static void Wrap(IServiceCollection services)
    {
        var orleans = typeof(Silo).Assembly.GetType(SiloHostedServiceType);
        var registered = services.SingleOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType is { } type && type == orleans)
            ?? throw new InvalidOperationException(
                $"The silo's hosted service ({SiloHostedServiceType}) is not registered; add Orleans first. Without it the silo's stop would not be bounded.");
        var index = services.IndexOf(registered);
        services[index] = ServiceDescriptor.Singleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<SiloShutdown>(
            provider, (IHostedService)ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!)));
    }

    public Task StartAsync(CancellationToken cancellationToken) => _silo.StartAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_shutdownTimeout == Timeout.InfiniteTimeSpan)
        {
            await _silo.StopAsync(cancellationToken);
            return;
        }

        var since = Interlocked.Read(ref _stoppingSince);
        var elapsed = since == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(since);
        using var graceful = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        graceful.CancelAfter(Remaining(_gracefulFor - elapsed));
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(Remaining(_waitFor - elapsed));
        using var ungraceful = graceful.Token.Register(() => LogUngraceful(_gracefulFor));

        var stopping = _silo.StopAsync(graceful.Token);
        try
        {
            await stopping.WaitAsync(wait.Token);
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested && !stopping.IsCompleted)
        {
            LogGivenUp(_waitFor);
            // It goes on until the process exits; what it throws then is of no interest.
            _ = stopping.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private static TimeSpan Remaining(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.Zero;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The silo did not leave the cluster gracefully within {Limit} of the host stopping (is PostgreSQL reachable?); stopping it at once.")]
    private partial void LogUngraceful(TimeSpan limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The silo did not stop within {Limit} of the host stopping; exiting without it. Other silos will declare it dead, and its stream queues restart from their last checkpoints.")]
    private partial void LogGivenUp(TimeSpan limit);
}
