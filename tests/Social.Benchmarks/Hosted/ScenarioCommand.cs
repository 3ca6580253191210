namespace Social.Benchmarks.Hosted;

/// <summary>The command line of a scenario over the real host: its options parsed, or its usage shown.</summary>
internal static class ScenarioCommand
{
    /// <summary>
    /// Runs <paramref name="run"/> with the parsed options; with --help or -h only prints the usage (exit code 0), and
    /// after a bad option prints the problem and the usage (exit code 2).
    /// </summary>
    public static async Task<int> RunAsync<TOptions>(
        string[] args, string usage, Func<string[], TOptions> parse, Func<TOptions, CancellationToken, Task<int>> run, CancellationToken cancellationToken)
    {
        TOptions options;
        try
        {
            if (args.Contains("--help") || args.Contains("-h"))
            {
                Console.WriteLine(usage);
                return 0;
            }

            options = parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(usage);
            return 2;
        }

        return await run(options, cancellationToken);
    }
}
