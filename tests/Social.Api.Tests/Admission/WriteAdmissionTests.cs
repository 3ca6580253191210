using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Social.Abstractions.EventStore;
using Social.Abstractions.Idempotency;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Admission;

/// <summary>
/// An instance whose write path is saturated (here: the writes it admits are held inside their appends) refuses further
/// writes at once with 503 and Retry-After, keeps serving reads, and finishes the writes it admitted.
/// </summary>
public sealed class WriteAdmissionTests(WriteAdmissionTests.Fixture api) : IClassFixture<WriteAdmissionTests.Fixture>
{
    private const int MaxWritesInFlight = 3;

    // Generous against a loaded machine; a refusal that waited for the held writes would take until they are released.
    private static readonly TimeSpan s_prompt = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Post_WhileTheAdmittedWritesAreStuck_503WithRetryAfterAtOnceAndReadsServed()
    {
        var (client, handle) = await api.SignUpAsync("busy");
        var existing = await client.CreatePostIdAsync("before the rush");

        using (api.Gate.Hold())
        {
            var admitted = Enumerable.Range(0, MaxWritesInFlight).Select(i => client.PostJsonAsync("/api/posts", new { text = $"admitted {i}" })).ToList();
            await api.Gate.WaitUntilHeldAsync(MaxWritesInFlight);

            var watch = Stopwatch.StartNew();
            var refused = await client.PostJsonAsync("/api/posts", new { text = "one too many" });
            var refusedIn = watch.Elapsed;

            var problem = await ApiAssert.ProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.True(refusedIn < s_prompt, $"refused after {refusedIn}");
            Assert.Equal("1", Assert.Single(refused.Headers.GetValues("Retry-After")));
            Assert.Contains("retry", ApiAssert.String(problem, "detail"), StringComparison.OrdinalIgnoreCase);

            watch.Restart();
            Assert.Equal(handle, ApiAssert.String(await client.GetUserAsync(handle), "handle"));
            Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync($"/api/posts/{existing}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync("/api/timelines/home")).StatusCode);
            Assert.True(watch.Elapsed < s_prompt, $"reads took {watch.Elapsed} while writes were held");

            api.Gate.Release();
            foreach (var write in admitted)
            {
                await ApiAssert.JsonAsync(await write, HttpStatusCode.Created);
            }
        }

        // Room again: the next write is admitted.
        await ApiAssert.JsonAsync(await client.PostJsonAsync("/api/posts", new { text = "after the rush" }), HttpStatusCode.Created);
        // Every write admitted went through, the refused one left nothing (registration is anonymous, so not counted).
        Assert.Equal(1 + MaxWritesInFlight + 1, await api.Factory.EventsAppendedByAsync(handle));
    }

    public sealed class Fixture(StoresFixture stores) : ApiFixture(stores)
    {
        public AppendGate Gate { get; } = new();

        protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
        {
            ["Social:Admission:MaxWritesInFlight"] = MaxWritesInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        protected override void ConfigureServices(IServiceCollection services) =>
            services.Decorate<IEventStore>((store, _) => new GatedStore(store, Gate));
    }

    /// <summary>While held, appends to posts' streams wait inside the store, as they would behind a saturated disk.</summary>
    public sealed class AppendGate
    {
        private readonly SemaphoreSlim _waiting = new(0);
        private TaskCompletionSource? _released;

        public IDisposable Hold()
        {
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new Releaser(this);
        }

        public void Release() => _released?.TrySetResult();

        public async Task WaitUntilHeldAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(await _waiting.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "the writes never reached the store");
            }
        }

        public async Task PassAsync(string streamId)
        {
            if (_released is { } released && streamId.StartsWith("post-", StringComparison.Ordinal))
            {
                _waiting.Release();
                await released.Task;
            }
        }

        private sealed class Releaser(AppendGate gate) : IDisposable
        {
            public void Dispose()
            {
                gate.Release();
                gate._released = null;
            }
        }
    }

    private sealed class GatedStore(IEventStore inner, AppendGate gate) : IEventStore
    {
        public async Task<long> AppendAsync(
            string streamId, long expectedVersion, IReadOnlyList<EventData> events, IdempotencyMark? idempotency = null,
            CancellationToken cancellationToken = default)
        {
            await gate.PassAsync(streamId);
            return await inner.AppendAsync(streamId, expectedVersion, events, idempotency, cancellationToken);
        }

        public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default) =>
            inner.ReadStreamAsync(streamId, afterVersion, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadStreamPageAsync(string streamId, long afterVersion, int maxCount, CancellationToken cancellationToken = default) =>
            inner.ReadStreamPageAsync(streamId, afterVersion, maxCount, cancellationToken);

        public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(GlobalPosition after, int maxCount, CancellationToken cancellationToken = default) =>
            inner.ReadAllAsync(after, maxCount, cancellationToken);
    }
}
