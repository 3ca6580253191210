using static Social.Benchmarks.OptionValues;

namespace Social.Benchmarks.Writes;

/// <summary>The options of <c>writes</c>, the write-path scenario (see <see cref="Usage"/>).</summary>
internal sealed record WritesOptions(
    int Authors, int Followers, int Clients, int Rate, int Seconds, double Overload, TimeSpan Timeout, string? Host,
    IReadOnlyDictionary<string, string> HostEnvironment, bool SkipLimits, int Warmup, int Mentions)
{
    public const string Usage = """
        Social.Benchmarks writes: the write path of one real Social.Api process at a rate and past it. First the
        physical limits of the PostgreSQL server the host uses (durable inserts/s into a table shaped like events: one
        row per transaction from 1 and from 8 connections, 100 rows per transaction from 1), then a round of posts over
        HTTP at the rate and one at a multiple of it (open loop), each with its outcomes (201, 503, 429, other,
        timeout, transport error), Retry-After on refusals, POST latency, pushes to the connected followers and CPU;
        then what the host logged. The program starts its own PostgreSQL and Redis.

        dotnet run -c Release --project tests/Social.Benchmarks -- writes [options]

          --authors A          authors, posting in turn (default 150)
          --followers F        followers each author has among the readers (default 10); A × F must be a multiple
                               of K: reader r follows authors (r·m + k) mod A for k < m = A × F / K
          --clients K          readers, each connected to /hubs/feed (default 300)
          --rate R             posts per second in the first round, open loop (default 1500)
          --seconds S          length of each round (default 15)
          --overload X         the second round posts at X × R (default 2; 0 skips it)
          --mentions M         after the first round, one at the same rate whose posts each mention M readers (M
                               mention notifications, each pushed) and carry two tags, then a plain one again: the
                               cost of mentions, tags and notifications beside the same posts without them, in a
                               bracket (default 0: no such rounds)
          --warmup W           seconds of posting at R / 2 before the rounds, not reported (default 10): the host's
                               code is compiled and tiered up, as on a server that has run for a while
          --timeout T          seconds a POST may take before it counts as a timeout (default 10)
          --host PATH          the Social.Api.dll to run (default: the repository's Release build), e.g. an older
                               build as a baseline
          --host-env KEY=VALUE more environment for the host (repeatable), e.g. Social__Admission__MaxWritesInFlight=512
          --skip-limits        do not measure PostgreSQL's own limits
          --help
        """;

    /// <summary>Authors each reader follows (m).</summary>
    public int FollowsPerReader => (int)((long)Authors * Followers / Clients);

    public static WritesOptions Parse(string[] args)
    {
        var options = new WritesOptions(150, 10, 300, 1500, 15, 2, TimeSpan.FromSeconds(10), null, new Dictionary<string, string>(), false, 10, 0);
        var environment = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--authors" => options with { Authors = Int(name, Value(), 1, 100_000) },
                "--followers" => options with { Followers = Int(name, Value(), 0, 100_000) },
                "--clients" => options with { Clients = Int(name, Value(), 1, 100_000) },
                "--rate" => options with { Rate = Int(name, Value(), 1, 100_000) },
                "--seconds" => options with { Seconds = Int(name, Value(), 1, 600) },
                "--overload" => options with { Overload = Double(name, Value(), 0, 20) },
                "--timeout" => options with { Timeout = TimeSpan.FromSeconds(Double(name, Value(), 0.1, 120)) },
                "--host" => options with { Host = ExistingFile(name, Value()) },
                "--host-env" => AddEnvironment(options, environment, Value()),
                "--skip-limits" => options with { SkipLimits = true },
                "--warmup" => options with { Warmup = Int(name, Value(), 0, 600) },
                "--mentions" => options with { Mentions = Int(name, Value(), 0, 10) },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }

        if ((long)options.Authors * options.Followers % options.Clients != 0)
        {
            throw new ArgumentException(
                $"--authors × --followers ({options.Authors} × {options.Followers}) must be a multiple of --clients ({options.Clients}), so that every reader follows the same number of authors.");
        }

        return options.Followers > options.Clients
            ? throw new ArgumentException($"--followers ({options.Followers}) cannot exceed --clients ({options.Clients}).")
            : options with { HostEnvironment = environment };
    }

    private static WritesOptions AddEnvironment(WritesOptions options, Dictionary<string, string> environment, string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals < 1)
        {
            throw new ArgumentException($"--host-env: '{pair}' is not KEY=VALUE.");
        }

        environment[pair[..equals]] = pair[(equals + 1)..];
        return options;
    }

    private static string ExistingFile(string name, string path) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new ArgumentException($"{name}: '{path}' does not exist.");
}
