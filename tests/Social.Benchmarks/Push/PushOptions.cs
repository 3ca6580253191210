using System.Globalization;

namespace Social.Benchmarks.Push;

/// <summary>The options of <c>push</c>, the real-time scenario (see <see cref="Usage"/>).</summary>
internal sealed record PushOptions(int Clients, int Authors, int Rate, int Seconds, int Idle, int IdleUsers)
{
    public const string Usage = """
        Social.Benchmarks push: post accepted → postAdded received by connected SignalR clients, against one real
        Social.Api process (started by the program over its own PostgreSQL and Redis).

        dotnet run -c Release --project tests/Social.Benchmarks -- push [options]

          --clients K        connected clients, each a user following one author (default 1000)
          --authors A        authors, each followed by K / A of the clients (default 100)
          --rate R           posts per second over all authors, open loop (default 1000)
          --seconds S        how long to post at that rate, per round (default 20)
          --idle N           idle connections opened after the first round, then a second round is measured with
                             them open (default 10000; 0 skips it)
          --idle-users U     users the idle connections belong to (default 100, N / U connections each)
          --help
        """;

    public static PushOptions Parse(string[] args)
    {
        var options = new PushOptions(1000, 100, 1000, 20, 10_000, 100);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            var number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0
                ? n
                : throw new ArgumentException($"{args[i]}: '{value}' is not a whole number");
            options = args[i] switch
            {
                "--clients" => options with { Clients = number },
                "--authors" => options with { Authors = number },
                "--rate" => options with { Rate = number },
                "--seconds" => options with { Seconds = number },
                "--idle" => options with { Idle = number },
                "--idle-users" => options with { IdleUsers = number },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
            i++;
        }

        return options.Clients < 1 || options.Authors < 1 || options.Rate < 1 || options.Seconds < 1 || options.IdleUsers < 1
            ? throw new ArgumentException("--clients, --authors, --rate, --seconds and --idle-users must be at least 1")
            : options;
    }
}
