using System.Diagnostics;
using System.Net.Sockets;

namespace Social.Testing;

/// <summary>A throwaway nginx on a free loopback port, serving the <c>http</c>-level configuration it is given.</summary>
public sealed class NginxServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Process _process;

    private NginxServer(string directory, int port, Process process)
    {
        _directory = directory;
        Port = port;
        _process = process;
    }

    public int Port { get; }

    /// <summary>Starts nginx with <paramref name="serverConfig"/> (upstreams, maps and servers), whose <c>{port}</c> is replaced by the port it listens on.</summary>
    public static async Task<NginxServer> StartAsync(string serverConfig)
    {
        var binary = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : LocalProcess.FindBinary("nginx");
        var directory = LocalProcess.NewServerDirectory("nginx");
        var port = LocalProcess.FreeTcpPort();
        var config = Path.Combine(directory, "nginx.conf");
        // As root, nginx's workers would run as nobody, who cannot use this run's folders.
        await File.WriteAllTextAsync(config, $$"""
            {{(LocalProcess.IsRoot ? "user root;" : "")}}
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                {{serverConfig.Replace("{port}", port.ToString(), StringComparison.Ordinal)}}
            }
            """);
        var process = LocalProcess.Start(binary, ["-c", config, "-p", directory, "-g", "daemon off;"], asPostgresUser: false, redirect: false);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return new NginxServer(directory, port, process);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"nginx did not start: {await ReadLogAsync(directory)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the test command's cleanup of the run's temp root.
        }
    }

    private static async Task<string> ReadLogAsync(string directory)
    {
        var log = Path.Combine(directory, "error.log");
        return File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no error log)";
    }
}
