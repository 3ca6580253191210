using Social.Api.Admin;
using Social.Api.Auth;
using Social.Api.Hosting;
using Social.Api.Posts;
using Social.Api.RealTime;
using Social.Api.Timelines;
using Social.Api.Users;

var builder = WebApplication.CreateBuilder(args);
builder.AddSocialServices();

var app = builder.Build();
await app.ApplyMigrationsAsync();
app.UseSocialPipeline();

app.MapAuthEndpoints();
app.MapUserEndpoints();
app.MapPostEndpoints();
app.MapTimelineEndpoints();
app.MapAdminEndpoints();
app.MapAdminPages();
app.MapFeedHub();
app.MapHealthEndpoints();
app.MapMetrics();
app.MapOpenApi();

await app.RunAsync();
