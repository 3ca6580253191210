using Microsoft.Extensions.Options;
using Npgsql;

namespace Social.Infrastructure.Postgres;

/// <summary>
/// The connection string of each role that talks to PostgreSQL: the configured database, with the role's own pool size
/// from the connection budget (<see cref="PostgresConnectionOptions"/>) and its name in <c>pg_stat_activity</c>.
/// </summary>
public sealed class PostgresConnections(string connectionString, IOptions<PostgresConnectionOptions> options)
{
    private readonly PostgresConnectionOptions _budget = options.Value;

    /// <summary>The database as configured, for the schema migrations.</summary>
    public string Database => connectionString;

    public string EventStoreReads => For("reads", _budget.EventStoreReads);

    public string Appender => For("appender", PostgresConnectionOptions.Appender);

    // Claims and responses commit without waiting for their fsync: a claim is made durable by the append that marks
    // it (WAL is flushed in order, up to that commit), and a lost response is rebuilt from the write it records.
    public string Idempotency => For("idempotency", _budget.Idempotency, "-c synchronous_commit=off");

    public string Streams => For("streams", _budget.Streams);

    public string Membership => For("membership", _budget.Membership);

    public string GrainStorage => For("grain-storage", _budget.GrainStorage);

    private string For(string role, int maxPoolSize, string? serverSettings = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = maxPoolSize,
            MinPoolSize = 0,
            Timeout = Math.Max(1, (int)Math.Ceiling(_budget.ConnectionWait.TotalSeconds)),
            ApplicationName = $"social-{role}",
            // The same few statements run thousands of times a second (stream reads, appends, stream loads): prepared
            // once per connection, PostgreSQL stops parsing and planning them each time.
            MaxAutoPrepare = 32,
        };
        if (serverSettings is not null)
        {
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? serverSettings : $"{builder.Options} {serverSettings}";
        }

        return builder.ConnectionString;
    }
}
