using System.Globalization;
using Npgsql;

namespace Social.Testing;

/// <summary>
/// A throwaway PostgreSQL server on a free loopback port, made with initdb and started with pg_ctl.
/// Tests take a fresh database each with <see cref="CreateDatabaseAsync"/>, so they never see each other's rows.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly string[] s_binaryRoots = ["/usr/lib/postgresql"];
    private readonly string _directory;
    private readonly string _pgCtl;
    private int _databaseCounter;
    private int[] _paused = [];

    private readonly bool _durable;

    private PostgresServer(string directory, string pgCtl, int port, bool durable)
    {
        _directory = directory;
        _pgCtl = pgCtl;
        Port = port;
        _durable = durable;
    }

    public int Port { get; }

    public bool IsRunning { get; private set; }

    /// <summary>The connection string of the maintenance database.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    /// <param name="durable">
    /// Commits wait for the disk (fsync, full page writes), as in production: for benchmarks, whose figures must include
    /// it. Tests leave it off; see <see cref="StartAgainAsync"/>.
    /// </param>
    public static async Task<PostgresServer> StartAsync(bool durable = false)
    {
        var initdb = LocalProcess.FindBinary("initdb", s_binaryRoots);
        var pgCtl = LocalProcess.FindBinary("pg_ctl", s_binaryRoots);
        var directory = LocalProcess.NewServerDirectory("pg");
        if (LocalProcess.IsRoot)
        {
            await LocalProcess.RunAsync("chown", ["-R", "postgres:postgres", directory]);
        }

        var data = Path.Combine(directory, "data");
        await LocalProcess.RunAsync(initdb,
            ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync", "--locale=C.UTF-8"],
            asPostgresUser: true);

        var server = new PostgresServer(directory, pgCtl, LocalProcess.FreeTcpPort(), durable);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server again on the same port and data (after <see cref="StopAsync"/>).</summary>
    public async Task StartAgainAsync()
    {
        // No fsync: a test server survives a process crash (as the kill tests need) but not a machine crash, which is fine.
        var durability = _durable ? "" : "-c fsync=off -c full_page_writes=off ";
        var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 {durability}-c max_connections=300";
        await LocalProcess.RunAsync(_pgCtl,
            ["start", "-w", "-t", "60", "-D", Path.Combine(_directory, "data"), "-l", Path.Combine(_directory, "server.log"), "-o", options],
            asPostgresUser: true);
        IsRunning = true;
    }

    /// <summary>Stops the server at once, as a crash or an outage would.</summary>
    public async Task StopAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        // A paused server would not act on pg_ctl's signal.
        await ResumeAsync();
        IsRunning = false;
        await LocalProcess.RunAsync(_pgCtl, ["stop", "-w", "-m", "immediate", "-D", Path.Combine(_directory, "data")], asPostgresUser: true);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>
    /// Freezes the server (SIGSTOP to the postmaster and every process of it) without closing anything: connecting still
    /// succeeds at the TCP level and every open connection stays up, but no query or connection attempt is ever answered,
    /// as when a server hangs or the network between drops packets.
    /// </summary>
    public async Task PauseAsync()
    {
        if (!IsRunning || _paused.Length > 0)
        {
            return;
        }

        var postmaster = int.Parse(File.ReadLines(Path.Combine(_directory, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        _paused = [postmaster, .. ChildrenOf(postmaster)];
        await LocalProcess.RunAsync("kill", ["-STOP", .. _paused.Select(pid => pid.ToString(CultureInfo.InvariantCulture))]);
    }

    /// <summary>Lets a paused server go on (<see cref="PauseAsync"/>).</summary>
    public async Task ResumeAsync()
    {
        if (_paused.Length == 0)
        {
            return;
        }

        var paused = _paused;
        _paused = [];
        await LocalProcess.RunAsync("kill", ["-CONT", .. paused.Select(pid => pid.ToString(CultureInfo.InvariantCulture))]);
    }

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = true,
        MaxPoolSize = 50,
        Timeout = 5,
    }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databaseCounter)}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 40)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            TryDelete(_directory);
        }
    }

    // The processes whose parent is the given one, from /proc (field 4 of /proc/PID/stat, after the parenthesized name).
    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // ended meanwhile
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
            {
                yield return pid;
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover folder in the run's temp root is harmless; the test command removes the root.
        }
    }
}
