using System.Diagnostics;
using Social.Testing;

namespace Social.Benchmarks.Hosted;

/// <summary>
/// CPU used by the host process and by this program (its clients and posters) from <see cref="Start"/> on, in cores:
/// on a machine where both run, a load generator that takes a core from the server is part of the result.
/// </summary>
internal sealed class ProcessCpu
{
    private readonly HostProcess _api;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly TimeSpan _server;
    private readonly TimeSpan _own;

    private ProcessCpu(HostProcess api)
    {
        _api = api;
        _server = api.CpuTime;
        _own = OwnCpuTime();
    }

    public static ProcessCpu Start(HostProcess api) => new(api);

    public (double Server, double Client) Cores()
    {
        var wall = Stopwatch.GetElapsedTime(_start);
        return ((_api.CpuTime - _server) / wall, (OwnCpuTime() - _own) / wall);
    }

    private static TimeSpan OwnCpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
