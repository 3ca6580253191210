using Social.Api.Admin;
using Social.Api.AsyncApi;
using Social.Api.Auth;
using Social.Api.Hosting;
using Social.Api.Notifications;
using Social.Api.Posts;
using Social.Api.RealTime;
using Social.Api.Timelines;
using Social.Api.Users;

// An operator's command (Social.Api admin grant <handle>) runs and exits instead of the host.
if (AdministratorCommand.Matches(args))
{
    return await AdministratorCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddSocialServices();

var app = builder.Build();
await app.ApplyMigrationsAsync();
app.UseSocialPipeline();

app.MapAuthEndpoints();
app.MapUserEndpoints();
app.MapPostEndpoints();
app.MapTimelineEndpoints();
app.MapNotificationEndpoints();
app.MapAdminEndpoints();
app.MapAdminPages();
app.MapFeedHub();
app.MapHealthEndpoints();
app.MapMetrics();
app.MapOpenApi();
app.MapAsyncApi();

await app.RunAsync();
return 0;
