using System.Diagnostics.Metrics;

namespace Social.Abstractions.Diagnostics;

/// <summary>
/// The project's own metrics, on the meter <see cref="MeterName"/> (exported with ASP.NET Core's and Orleans's at
/// <c>/metrics</c>). Static, as meters are meant to be: recording with no listener costs next to nothing.
/// </summary>
public static class SocialMetrics
{
    /// <summary>The meter's name, for exporters.</summary>
    public const string MeterName = "Social";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Write requests handled, by route and status code.</summary>
    public static readonly Counter<long> Commands = Meter.CreateCounter<long>("social.commands", "{command}", "Write requests handled");

    /// <summary>Events committed to the event store, by stream kind.</summary>
    public static readonly Counter<long> EventsAppended = Meter.CreateCounter<long>("social.events.appended", "{event}", "Events committed to the event store");

    /// <summary>Appends written per group commit (one transaction, one fsync).</summary>
    public static readonly Histogram<int> AppendBatches = Meter.CreateHistogram<int>("social.append.batch.size", "{append}", "Appends written per event-store transaction");

    /// <summary>How long one group commit took, from taking the connection to settling every append.</summary>
    public static readonly Histogram<double> AppendBatchDuration = Meter.CreateHistogram<double>("social.append.batch.duration", "ms", "Time to write one batch of appends");

    /// <summary>Home-timeline entries written by fan-out.</summary>
    public static readonly Counter<long> FanOutDeliveries = Meter.CreateCounter<long>("social.fanout.deliveries", "{entry}", "Home-timeline entries written by fan-out");

    /// <summary>From an event's commit to its push leaving for the clients, by message.</summary>
    public static readonly Histogram<double> PushLatency = Meter.CreateHistogram<double>("social.push.latency", "ms", "Event committed to push sent");

    private static long _projectionLag;

    static SocialMetrics() =>
        Meter.CreateObservableGauge("social.projection.lag", () => Volatile.Read(ref _projectionLag), "{event}",
            "Committed events not yet delivered to the projections (sampled by the host)");

    /// <summary>Sets what the projection lag gauge reports (the host samples the event store, as a scrape must not).</summary>
    public static void SetProjectionLag(long events) => Volatile.Write(ref _projectionLag, events);
}
