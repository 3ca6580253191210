using System.Net.Sockets;
using Npgsql;
using Social.Abstractions.EventStore;

namespace Social.Infrastructure.EventStore;

/// <summary>Tells a store that cannot be reached apart from an error in the request itself.</summary>
internal static class PostgresFailures
{
    public const string StoreName = "PostgreSQL";

    /// <summary>
    /// True for failures of the connection rather than of the statement: cannot connect, the server shut down or
    /// crashed, the socket broke, a timeout, no connection to be had from the pool.
    /// </summary>
    public static bool IsUnavailable(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        // The caller gave up; that is not the store's fault.
        OperationCanceledException when cancellationToken.IsCancellationRequested => false,
        PostgresException postgres => IsUnavailableState(postgres.SqlState)
            || (postgres.SqlState == PostgresErrorCodes.QueryCanceled && !cancellationToken.IsCancellationRequested), // statement_timeout
        // Every other NpgsqlException is raised by the client itself: connect, read or write failed, or timed out.
        NpgsqlException => true,
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// True when a pooled connection turns out to have been dropped by the server while it sat idle (PostgreSQL
    /// restarted): the first use fails on the socket, or with the shutdown notice the server left on it. Nothing was
    /// executed, so the work can be tried again on a new connection.
    /// </summary>
    public static bool IsStaleConnection(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown,
        NpgsqlException { InnerException: IOException or SocketException } => true,
        _ => false,
    };

    public static StoreUnavailableException Unavailable(Exception exception) => new(StoreName, exception);

    /// <summary>Runs <paramref name="work"/> on a connection of the pool; a store that cannot be reached is a <see cref="StoreUnavailableException"/>.</summary>
    public static async Task<T> RunAsync<T>(this NpgsqlDataSource dataSource, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await work(connection);
        }
        catch (Exception e) when (IsUnavailable(e, cancellationToken))
        {
            throw Unavailable(e);
        }
    }

    private static bool IsUnavailableState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
        || sqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources, too many connections
        || sqlState.StartsWith("57P", StringComparison.Ordinal) // admin or crash shutdown, cannot connect now
        || sqlState.StartsWith("58", StringComparison.Ordinal); // system error (I/O) on the server
}
