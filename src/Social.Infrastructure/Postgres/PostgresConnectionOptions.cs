using System.ComponentModel.DataAnnotations;

namespace Social.Infrastructure.Postgres;

/// <summary>
/// The <c>Social:Postgres</c> configuration section: the PostgreSQL connections one instance may hold, by role. The sum
/// is fixed (<see cref="PerInstance"/>), so a cluster of N instances needs N × that, plus a few for administration, below
/// the server's <c>max_connections</c>; under load a role waits for one of its own connections (at most
/// <see cref="ConnectionWait"/>, then 503) instead of opening more.
/// </summary>
public sealed class PostgresConnectionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Social:Postgres";

    /// <summary>The group commit's own connection: one, whatever the load (appends queue for it, they never take another).</summary>
    public const int Appender = 1;

    /// <summary>The stream transport's LISTEN connection, outside every pool.</summary>
    public const int Listener = 1;

    /// <summary>Reads of the event store: grains loading their streams, projections catching up, the admin figures (8).</summary>
    [Range(1, 1000)]
    public int EventStoreReads { get; set; } = 8;

    /// <summary>Claiming <c>Idempotency-Key</c>s and recording their responses (4).</summary>
    [Range(1, 1000)]
    public int Idempotency { get; set; } = 4;

    /// <summary>The stream transport's queue reads and checkpoints (4; its queues take turns).</summary>
    [Range(1, 1000)]
    public int Streams { get; set; } = 4;

    /// <summary>Orleans's cluster membership table (2).</summary>
    [Range(1, 1000)]
    public int Membership { get; set; } = 2;

    /// <summary>Orleans's grain storage (2).</summary>
    [Range(1, 1000)]
    public int GrainStorage { get; set; } = 2;

    /// <summary>How long a caller waits for a free connection of its role before the store counts as unavailable (5 s).</summary>
    public TimeSpan ConnectionWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Every connection one instance may open.</summary>
    public int PerInstance => Appender + Listener + EventStoreReads + Idempotency + Streams + Membership + GrainStorage;
}
