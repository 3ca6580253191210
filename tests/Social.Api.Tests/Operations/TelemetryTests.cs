using System.Diagnostics;
using System.Net;
using Social.Api.Tests.Support;
using Xunit;

namespace Social.Api.Tests.Operations;

/// <summary>/metrics for Prometheus, and traces from an HTTP request into the grains.</summary>
public sealed class TelemetryTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Metrics_PrometheusTextWithHttpOrleansAndTheProjectsOwn()
    {
        var (author, authorHandle) = await api.SignUpAsync("author");
        var (follower, _) = await api.SignUpAsync("follower");
        await follower.SendAsync(HttpMethod.Put, $"/api/users/me/following/{authorHandle}");
        await using var feed = await FeedClient.ConnectAsync(author);
        var id = await author.CreatePostIdAsync("measured");
        await feed.WaitForAsync("postAdded", id);

        var text = "";
        foreach (var _ in Enumerable.Range(0, 50))
        {
            var response = await api.Factory.CreateMetricsClient().GetPathAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (text.Contains("social_fanout_deliveries", StringComparison.Ordinal) && text.Contains("social_push_latency", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        foreach (var metric in new[]
        {
            "http_server_request_duration_seconds", "orleans_", "social_commands_total", "social_events_appended_total",
            "social_fanout_deliveries_total", "social_push_latency_milliseconds", "social_projection_lag",
        })
        {
            Assert.Contains(metric, text);
        }
    }

    [Fact]
    public async Task Traces_APostRequestAndTheGrainCallsItMakesShareOneTrace()
    {
        var (author, _) = await api.SignUpAsync("traced");
        var activities = new List<Activity>();
        using var source = new ActivitySource("Social.Api.Tests");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name || s.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || s.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (activities)
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        // The test's own root: HttpClient sends it as traceparent, so this request is told apart from other tests'.
        ActivityTraceId trace;
        using (var root = source.StartActivity("create a post")!)
        {
            trace = root.TraceId;
            await author.CreatePostIdAsync("follow me through the grains");
        }

        await Task.Delay(200, TestContext.Current.CancellationToken);
        lock (activities)
        {
            var ours = activities.Where(a => a.TraceId == trace).ToList();
            Assert.Contains(ours, a => a.Source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
            Assert.Contains(ours, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.DisplayName.Contains("PostGrain", StringComparison.Ordinal));
        }
    }
}
