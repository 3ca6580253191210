using Microsoft.Extensions.Logging;
using Social.Abstractions.EventStore;
using Social.Abstractions.ReadModels;
using Social.Domain.Errors;

namespace Social.Grains.Projections;

/// <summary>
/// When a projection gives up on an event, and the record it leaves. A store that is down is waited for, however long
/// (the transport retries, and nothing is skipped); any other failure is the event's or the code's (a payload that
/// cannot be read, a bug), and retrying it forever would hold up every stream of its queue: after
/// <see cref="MaxAttempts"/> the stream is parked instead, its projection stopped before the event, and an operator
/// re-drives it once the cause is fixed.
/// </summary>
public sealed partial class ProjectionParking(IParkedStreams parked, TimeProvider clock, ILogger<ProjectionParking> logger)
{
    /// <summary>Deliveries of one event that fail before its stream is parked; the transport's retries are a few seconds apart at most.</summary>
    public const int MaxAttempts = 5;

    // A conflict is another writer at the same moment (the erasure's commands against users' own): worth retrying.
    public static bool IsPoison(Exception exception) => exception is not (
        StoreUnavailableException or TimeoutException or OperationCanceledException or ConflictException
        or SiloUnavailableException or OrleansMessageRejectionException);

    /// <exception cref="StoreUnavailableException">The record could not be written: the stream is not parked.</exception>
    public async Task ParkAsync(string streamId, RecordedEvent? failing, int attempts, Exception error)
    {
        LogParked(error, streamId, failing?.Version, failing?.Type, attempts);
        await parked.ParkAsync(new ParkedStream(
            streamId, failing?.Version ?? 0, failing?.Type ?? "unknown", $"{error.GetType().Name}: {error.Message}", attempts, clock.GetUtcNow()));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Parked the projection of stream {StreamId} at version {Version} ({EventType}) after {Attempts} failed attempts; re-drive it from the admin API once the cause is fixed.")]
    private partial void LogParked(Exception error, string streamId, long? version, string? eventType, int attempts);
}
