using System.Text;
using static Social.Benchmarks.OptionValues;

namespace Social.Benchmarks;

/// <summary>How the follower graph of a scenario is made.</summary>
internal enum GraphMode
{
    /// <summary>Every follow through <c>IUserGrain.FollowAsync</c> (event store, stream, user projection).</summary>
    Grains,

    /// <summary>Followers registered through the grains; the follow edges written straight into the Redis follower sets.</summary>
    Direct,

    /// <summary>Through the grains while a scenario's follows fit in <see cref="BenchmarkOptions.GrainFollowBudget"/>, else direct.</summary>
    Auto,
}

/// <summary>The command line. Every value is bounded, so that a run is bounded in time and count.</summary>
internal sealed class BenchmarkOptions
{
    public int Authors { get; private set; } = 20;

    public IReadOnlyList<int> Followers { get; private set; } = [1_000, 10_000, 100_000];

    public int Posts { get; private set; } = 200;

    public double Rate { get; private set; } = 50;

    public GraphMode Graph { get; private set; } = GraphMode.Auto;

    /// <summary>The most follows one scenario makes through the grains in <see cref="GraphMode.Auto"/>.</summary>
    public int GrainFollowBudget { get; private set; } = 50_000;

    public int SeedConcurrency { get; private set; } = 64;

    /// <summary>Isolated posts per scenario, one at a time on an idle system, for the fan-out time of one post.</summary>
    public int SinglePosts { get; private set; } = 3;

    /// <summary>Followers checked with ZSCORE for every post (plus the first and the last follower by handle).</summary>
    public int VerifySample { get; private set; } = 20;

    /// <summary>Home timelines written per baseline round trip; the fan-out's batch size unless given.</summary>
    public int? BaselineBatch { get; private set; }

    /// <summary>How many baseline batches are in flight at once (each variant is measured with each).</summary>
    public IReadOnlyList<int> BaselineParallel { get; private set; } = [1, 4];

    /// <summary>How often each baseline variant is measured; the best is kept.</summary>
    public int BaselineRepeats { get; private set; } = 1;

    /// <summary>The least number of ZADDs a baseline measurement makes.</summary>
    public int BaselineMinWrites { get; private set; } = 500_000;

    /// <summary>Whether to time the parts of one post's fan-out apart (read, write, both), outside Orleans.</summary>
    public bool Breakdown { get; private set; } = true;

    /// <summary>How many fan-outs the breakdown runs at once outside Orleans, one measurement each.</summary>
    public IReadOnlyList<int> BreakdownConcurrency { get; private set; } = [4];

    /// <summary>Null: above the largest follower count, so that every post is fanned out on write.</summary>
    public long? MergeAtReadThreshold { get; private set; }

    public TimeSpan ScenarioTimeout { get; private set; } = TimeSpan.FromMinutes(5);

    public TimeSpan SeedTimeout { get; private set; } = TimeSpan.FromMinutes(15);

    public bool Verbose { get; private set; }

    /// <summary>The arguments as given, to print the command that reproduces the run.</summary>
    public string CommandLine { get; private set; } = "";

    public static string Usage => """
        Social.Benchmarks: end-to-end fan-out of the read side, against raw pipelined ZADDs on the same Redis.

        dotnet run -c Release --project tests/Social.Benchmarks -- [options]

        Two more scenarios run the real Social.Api process, each with options of its own (give --help after it):
          push                      post accepted → postAdded received by connected SignalR clients
          writes                    the write path at a rate and past it (outcomes, Retry-After, latency, pushes,
                                    the host's log), beside PostgreSQL's own insert limits; --host runs another build

          --authors N               authors per scenario, each followed by all F followers (default 20)
          --followers F1,F2,...     follower counts, one scenario each (default 1000,10000,100000)
          --posts N                 posts per scenario at the steady rate (default 200)
          --rate R                  posts per second, spread over the scenario's authors (default 50)
          --graph grains|direct|auto
                                    how follows are made (default auto): grains = IUserGrain.FollowAsync each;
                                    direct = followers registered through the grains, follow edges written straight
                                    into the Redis follower sets; auto = grains while a scenario needs at most
                                    --grain-follow-budget follows, with fewer authors if that makes it fit, else direct
                                    (direct leaves followers not yet registered unregistered)
          --grain-follow-budget N   follows per scenario through the grains in auto mode (default 50000)
          --seed-concurrency N      grain calls in flight while seeding (default 64)
          --single-posts N          isolated posts per scenario for the one-post fan-out time (default 3)
          --verify-sample N         random followers checked with ZSCORE per post (default 20)
          --baseline-batch N        home timelines per baseline round trip (default: TimelineOptions.FanOutBatchSize)
          --baseline-parallel P,... baseline batches in flight (default 1,4)
          --baseline-repeats N      measurements of each baseline variant, the best kept (default 1)
          --baseline-min-writes N   ZADDs per baseline measurement, at least (default 500000)
          --merge-threshold N       TimelineOptions.MergeAtReadThreshold (default: above the largest F, so that every
                                    post is fanned out on write; the product default is 10000)
          --scenario-timeout S      seconds a scenario's posts may take to complete (default 300)
          --seed-timeout S          seconds a scenario's follower graph may take (default 900)
          --no-breakdown            skip timing the parts of one post's fan-out (read, write, both) outside Orleans
          --breakdown-concurrency N,...
                                    fan-outs the breakdown runs at once outside Orleans (default 4)
          --verbose                 show the silo's warnings
          --help
        """;

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions { CommandLine = string.Join(' ', args) };
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--authors":
                    options.Authors = Int(name, Value(), 1, 1_000);
                    break;
                case "--followers":
                    options.Followers = IntList(name, Value(), 1, 1_000_000);
                    break;
                case "--posts":
                    options.Posts = Int(name, Value(), 1, 100_000);
                    break;
                case "--rate":
                    options.Rate = Double(name, Value(), 0.1, 10_000);
                    break;
                case "--graph":
                    options.Graph = Value() switch
                    {
                        "grains" => GraphMode.Grains,
                        "direct" => GraphMode.Direct,
                        "auto" => GraphMode.Auto,
                        var other => throw new ArgumentException($"--graph: '{other}' is not grains, direct or auto."),
                    };
                    break;
                case "--grain-follow-budget":
                    options.GrainFollowBudget = Int(name, Value(), 0, 10_000_000);
                    break;
                case "--seed-concurrency":
                    options.SeedConcurrency = Int(name, Value(), 1, 1_024);
                    break;
                case "--single-posts":
                    options.SinglePosts = Int(name, Value(), 0, 100);
                    break;
                case "--verify-sample":
                    options.VerifySample = Int(name, Value(), 0, 10_000);
                    break;
                case "--baseline-batch":
                    options.BaselineBatch = Int(name, Value(), 1, 100_000);
                    break;
                case "--baseline-parallel":
                    options.BaselineParallel = IntList(name, Value(), 1, 64);
                    break;
                case "--baseline-repeats":
                    options.BaselineRepeats = Int(name, Value(), 1, 20);
                    break;
                case "--baseline-min-writes":
                    options.BaselineMinWrites = Int(name, Value(), 1_000, 100_000_000);
                    break;
                case "--merge-threshold":
                    options.MergeAtReadThreshold = Int(name, Value(), 0, int.MaxValue);
                    break;
                case "--scenario-timeout":
                    options.ScenarioTimeout = TimeSpan.FromSeconds(Int(name, Value(), 1, 86_400));
                    break;
                case "--seed-timeout":
                    options.SeedTimeout = TimeSpan.FromSeconds(Int(name, Value(), 1, 86_400));
                    break;
                case "--breakdown-concurrency":
                    options.BreakdownConcurrency = IntList(name, Value(), 1, 1_000);
                    break;
                case "--no-breakdown":
                    options.Breakdown = false;
                    break;
                case "--verbose":
                    options.Verbose = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        return options;
    }

    /// <summary>The command that reproduces this run, for the README.</summary>
    public string ReproduceCommand()
    {
        var command = new StringBuilder("dotnet run -c Release --project tests/Social.Benchmarks");
        if (CommandLine.Length > 0)
        {
            command.Append(" -- ").Append(CommandLine);
        }

        return command.ToString();
    }
}
