using System.Net;

namespace Social.Api.Tests.Support;

/// <summary>An administrator's rebuild of every read model from the event store, awaited to its end.</summary>
public static class Rebuilds
{
    public static async Task RebuildReadModelsAsync(this ApiFixture api)
    {
        var admin = await api.AdminAsync();
        await ApiAssert.JsonAsync(await admin.SendAsync(HttpMethod.Post, "/api/admin/projections/rebuild"), HttpStatusCode.Accepted);
        await Eventually.ReadAsync(
            async () => (await ApiAssert.JsonAsync(await admin.GetPathAsync("/api/admin/projections"), HttpStatusCode.OK))
                .GetProperty("rebuild").GetProperty("state").GetString(),
            state => state == "completed", "the rebuild to complete", seconds: 30);
    }
}
