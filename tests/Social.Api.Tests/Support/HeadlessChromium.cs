using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Social.Api.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, driven over the Chrome DevTools protocol (one WebSocket, flat sessions per page):
/// open pages, evaluate JavaScript in them, take screenshots. Just what the web client's tests need.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private int _nextId;
    private Task? _reader;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static async Task<HeadlessChromium> StartAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: the README's test command installs it (apt-get install chromium).");
        }

        // Under the test run's root when there is one, so that the test command's clean-up finds a browser left running.
        var profile = Environment.GetEnvironmentVariable("SOCIAL_TEST_ROOT") is { Length: > 0 } root
            ? Directory.CreateDirectory(Path.Combine(root, $"chromium-{Guid.NewGuid():N}")).FullName
            : Directory.CreateTempSubdirectory("social-chromium-").FullName;
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[]
        {
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--remote-debugging-port=0", $"--user-data-dir={profile}", "--window-size=1000,900", "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.ConnectAsync();
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }

        return browser;
    }

    /// <summary>Opens a new page (its own tab) at <paramref name="url"/>, once <paramref name="ready"/> holds in it.</summary>
    public async Task<Page> OpenAsync(Uri url, string ready = "true")
    {
        var target = await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var attached = await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true });
        var page = new Page(this, attached["sessionId"]!.GetValue<string>());
        await page.SendAsync("Page.enable");
        await page.SendAsync("Runtime.enable");
        await page.NavigateAsync(url, ready);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        if (_reader is not null)
        {
            await _reader;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium's helpers may still hold a file for a moment; the folder is a temporary one.
        }
    }

    private async Task ConnectAsync()
    {
        // Chromium writes the port it chose and the browser's WebSocket path into the profile.
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 2)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30) || _process.HasExited)
            {
                throw new InvalidOperationException("Chromium did not open its DevTools port within 30 s.");
            }

            await Task.Delay(50);
        }

        var lines = await File.ReadAllLinesAsync(portFile);
        await _socket.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0]}{lines[1]}"), _stop.Token);
        _reader = Task.Run(ReadAsync);
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject? parameters = null, string? session = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        if (session is not null)
        {
            message["sessionId"] = session;
        }

        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        }
        finally
        {
            _sendLock.Release();
        }

        return await reply.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var node = JsonNode.Parse(message.ToArray())!;
                message.SetLength(0);
                if (node["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var reply))
                {
                    if (node["error"] is { } error)
                    {
                        reply.SetException(new InvalidOperationException($"DevTools: {error.ToJsonString()}"));
                    }
                    else
                    {
                        reply.SetResult(node["result"] ?? new JsonObject());
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            foreach (var reply in _pending.Values)
            {
                reply.TrySetException(e);
            }
        }
    }

    /// <summary>One tab.</summary>
    public sealed class Page(HeadlessChromium browser, string session)
    {
        public Task<JsonNode> SendAsync(string method, JsonObject? parameters = null) => browser.SendAsync(method, parameters, session);

        /// <summary>Loads <paramref name="url"/> and waits until the document is complete and <paramref name="ready"/> holds.</summary>
        public async Task NavigateAsync(Uri url, string ready = "true")
        {
            await EvaluateAsync("window.navigationMarker = true");
            await SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
            await WaitForAsync($"window.navigationMarker !== true && document.readyState === 'complete' && ({ready})");
        }

        /// <summary>Evaluates <paramref name="expression"/> (awaiting a promise) and returns its value as JSON.</summary>
        public async Task<JsonNode?> EvaluateAsync(string expression)
        {
            var result = await SendAsync("Runtime.evaluate", new JsonObject
            {
                ["expression"] = expression,
                ["awaitPromise"] = true,
                ["returnByValue"] = true,
            });
            if (result["exceptionDetails"] is { } exception)
            {
                throw new InvalidOperationException($"The page threw: {exception.ToJsonString()}");
            }

            return result["result"]?["value"];
        }

        /// <summary>Waits until <paramref name="condition"/> is true in the page.</summary>
        public async Task WaitForAsync(string condition, TimeSpan? timeout = null)
        {
            var limit = timeout ?? TimeSpan.FromSeconds(20);
            var watch = Stopwatch.StartNew();
            while ((await EvaluateAsync($"!!({condition})"))?.GetValue<bool>() != true)
            {
                if (watch.Elapsed > limit)
                {
                    var text = await EvaluateAsync("document.body.innerText");
                    throw new TimeoutException($"'{condition}' still false after {limit.TotalSeconds} s; the page shows:\n{text}");
                }

                await Task.Delay(50);
            }
        }

        /// <summary>Sets an input's value and clicks a button, as a person would.</summary>
        public Task FillAsync(string selector, string value) =>
            EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).value = {JsonSerializer.Serialize(value)}");

        public Task ClickAsync(string selector) => EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).click()");

        /// <summary>A PNG of what the page shows.</summary>
        public async Task<byte[]> ScreenshotAsync() =>
            Convert.FromBase64String((await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }))["data"]!.GetValue<string>());
    }
}
