using System.Diagnostics;
using System.Globalization;

namespace Social.Testing;

/// <summary>
/// One real <c>Social.Api</c> process (the Release build of the repository's sources, or another build's dll), configured
/// with the given settings as environment variables, on a free loopback port. It can be killed (SIGKILL) or stopped
/// (SIGTERM) as an orchestrator would; its CPU time and memory are read from /proc.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, Uri address, int siloPort, Uri metricsAddress)
    {
        _process = process;
        Address = address;
        SiloPort = siloPort;
        MetricsAddress = metricsAddress;
    }

    public Uri Address { get; }

    /// <summary>Where the host serves <c>/metrics</c> (a port of its own, beside the API's).</summary>
    public Uri MetricsAddress { get; }

    /// <summary>The port of its silo (silo-to-silo), as the membership table records it.</summary>
    public int SiloPort { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The repository's Release build of the host, which <see cref="StartAsync"/> runs unless given another.</summary>
    public static string DefaultDll => Path.Combine(Repository.Root, "src", "Social.Api", "bin", "Release", "net10.0", "Social.Api.dll");

    /// <summary>Free loopback ports for a host's HTTP endpoint, metrics, silo and gateway.</summary>
    public static int FreePort() => LocalProcess.FreeTcpPort();

    /// <param name="settings">Environment variables in configuration form (<c>ConnectionStrings__Postgres</c>, …).</param>
    /// <param name="echo">Where the host's output (its log, warnings and up) goes, line by line (null: nowhere).</param>
    /// <param name="cancellationToken">Stops waiting for the host to answer.</param>
    /// <param name="dll">The <c>Social.Api.dll</c> to run (null: the repository's Release build), e.g. an older build as a baseline.</param>
    public static async Task<HostProcess> StartAsync(
        IReadOnlyDictionary<string, string> settings, Action<string>? echo = null, CancellationToken cancellationToken = default, string? dll = null)
    {
        dll ??= DefaultDll;
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution in Release first (dotnet build -c Release).");
        }

        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var siloPort = FreePort();
        var metricsAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        start.Environment["Social__Metrics__Port"] = metricsAddress.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["Social__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Social__Cluster__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Social.Api did not start.");
        DataReceivedEventHandler forward = (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                echo?.Invoke(line);
            }
        };
        process.OutputDataReceived += forward;
        process.ErrorDataReceived += forward;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, address, siloPort, metricsAddress);
        try
        {
            await host.WaitUntilLiveAsync(cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>CPU time the process has used so far (user + system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident memory in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>SIGKILL: the process ends at once, as when a machine dies.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod; answers the exit code, or null if it had not ended within <paramref name="timeout"/>.</summary>
    public async Task<int?> StopAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilLiveAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Social.Api exited with {_process.ExitCode} while starting.");
            }

            try
            {
                if ((await http.GetAsync("/health/live", cancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException("Social.Api did not answer /health/live within 90 s.");
    }
}
