using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Social.Testing;

/// <summary>Runs the system binaries that the throwaway servers are made of.</summary>
internal static class LocalProcess
{
    /// <summary>PostgreSQL refuses to run as root, so as root its tools run as the postgres system user.</summary>
    public static bool IsRoot => Environment.UserName == "root";

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string FindBinary(string name, params string[] searchGlobs)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        foreach (var root in searchGlobs)
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            var found = Directory.GetDirectories(root)
                .Select(version => Path.Combine(version, "bin", name))
                .Where(File.Exists)
                .OrderDescending()
                .FirstOrDefault();
            if (found is not null)
            {
                return found;
            }
        }

        throw new InvalidOperationException(
            $"'{name}' was not found. Install it (apt-get install postgresql redis-server) or run the README's test command, which does.");
    }

    public static async Task RunAsync(string fileName, IEnumerable<string> arguments, bool asPostgresUser = false)
    {
        var start = Start(fileName, arguments, asPostgresUser, redirect: true);
        var stdout = start.StandardOutput.ReadToEndAsync();
        var stderr = start.StandardError.ReadToEndAsync();
        await start.WaitForExitAsync();
        if (start.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} exited with {start.ExitCode}: {await stderr}{await stdout}");
        }
    }

    public static Process Start(string fileName, IEnumerable<string> arguments, bool asPostgresUser, bool redirect)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = redirect,
            RedirectStandardError = redirect,
            UseShellExecute = false,
        };
        if (asPostgresUser && IsRoot)
        {
            info.FileName = "runuser";
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add("postgres");
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(fileName);
        }
        else
        {
            info.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
    }

    /// <summary>A folder for one server, under the run's root so that the test command can clean up after a crash.</summary>
    public static string NewServerDirectory(string kind)
    {
        var root = Environment.GetEnvironmentVariable("SOCIAL_TEST_ROOT") ?? Path.Combine(Path.GetTempPath(), "social-tests");
        var dir = Path.Combine(root, $"{kind}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
