using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Social.Benchmarks;

/// <summary>CPU time spent between two snapshots by this process (the silo and the benchmark) and by the Redis server.</summary>
internal readonly record struct CpuUse(TimeSpan Wall, TimeSpan Process, TimeSpan Redis, double MachineCores)
{
    public double ProcessCores => Process / Wall;

    public double RedisCores => Redis / Wall;

    /// <summary>Cores busy with anything else: PostgreSQL, and whatever else runs on the machine (NaN where /proc/stat is missing).</summary>
    public double OtherCores => MachineCores - ProcessCores - RedisCores;

    /// <summary>Microseconds of CPU per unit of work (a delivery, a write), in this process and in Redis.</summary>
    public (double Process, double Redis) MicrosPer(long units) =>
        units == 0 ? (0, 0) : (Process.TotalMicroseconds / units, Redis.TotalMicroseconds / units);

    public string Describe(long units, string unit)
    {
        var (process, redis) = MicrosPer(units);
        var other = double.IsNaN(OtherCores) ? "" : string.Create(CultureInfo.InvariantCulture, $", anything else {Math.Max(0, OtherCores):N2} of {Environment.ProcessorCount}");
        return string.Create(CultureInfo.InvariantCulture,
            $"CPU: this process {ProcessCores:N2} cores ({process:N2} µs/{unit}), Redis {RedisCores:N2} cores ({redis:N2} µs/{unit}){other}");
    }
}

/// <summary>
/// Takes snapshots of the CPU time of this process, of Redis (INFO cpu) and of the whole machine (/proc/stat), so that
/// a run disturbed by other work on the machine shows it.
/// </summary>
internal sealed class CpuMeter(ConnectionMultiplexer redis)
{
    public async Task<Func<Task<CpuUse>>> StartAsync()
    {
        var wall = Stopwatch.StartNew();
        var process = Process.GetCurrentProcess().TotalProcessorTime;
        var server = await RedisCpuAsync();
        var machine = MachineTicks();
        return async () =>
        {
            var redisNow = await RedisCpuAsync();
            var processNow = Process.GetCurrentProcess().TotalProcessorTime;
            var machineNow = MachineTicks();
            var cores = machine is { } before && machineNow is { } after && after.Total > before.Total
                ? (double)(after.Busy - before.Busy) / (after.Total - before.Total) * Environment.ProcessorCount
                : double.NaN;
            return new CpuUse(wall.Elapsed, processNow - process, redisNow - server, cores);
        };
    }

    /// <summary>The machine's busy and total CPU ticks (user, nice, system, irq, softirq, steal; plus idle and iowait).</summary>
    private static (long Busy, long Total)? MachineTicks()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
            return (busy, busy + fields[3] + fields[4]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private async Task<TimeSpan> RedisCpuAsync()
    {
        var info = await redis.GetServers()[0].InfoAsync("cpu");
        var seconds = info.SelectMany(group => group)
            .Where(pair => pair.Key is "used_cpu_sys" or "used_cpu_user")
            .Sum(pair => double.Parse(pair.Value, CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(seconds);
    }
}
