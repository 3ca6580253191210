using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Social.Infrastructure.Configuration;
using Social.Abstractions.Users;
using Social.Domain.Ids;

namespace Social.Api.Auth;

/// <summary>Bearer tokens signed with the configured key; administrators are the users an operator made so (<c>Social.Api admin grant</c>).</summary>
internal static class AuthSetup
{
    public const string AdminPolicy = "admin";

    public static void AddSocialAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<JwtOptions>(configuration, JwtOptions.Section);
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<Credentials>();
        services.AddSingleton<SecurityStamps>();
        services.AddAuthentication(AdminCookie.Selector).AddJwtBearer().AddAdminCookie();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, TimeProvider>((bearer, options, clock) =>
            {
                var jwt = options.Value;
                bearer.MapInboundClaims = false;
                // The challenge names the scheme and nothing more: why a token failed ("The signature key was not
                // found", the time it expired) would tell a forger what to change.
                bearer.IncludeErrorDetails = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = SigningKey(jwt),
                    NameClaimType = TokenIssuer.HandleClaim,
                    ClockSkew = TokenLifetime.ClockSkew,
                    // Only the algorithm this host signs with: a token under any other, even with the right key, is refused.
                    ValidAlgorithms = [TokenIssuer.Algorithm],
                    LifetimeValidator = (notBefore, expires, _, _) => TokenLifetime.IsValid(notBefore, expires, jwt.AccessTokenLifetime, clock),
                };
                // SignalR clients send the token in the query string, where headers cannot go.
                bearer.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"] is [{ } token])
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    // A well-signed token is not enough: its subject must be an account that exists, and no password
                    // change may have happened since it was issued.
                    OnTokenValidated = async context =>
                    {
                        var stamps = context.HttpContext.RequestServices.GetRequiredService<SecurityStamps>();
                        if (!await stamps.IsCurrentAsync(context.Principal))
                        {
                            context.Fail("The token was revoked, or its user does not exist.");
                        }
                    },
                    // The check above cannot be made while the user's grain is unreachable (its silo just died, its store
                    // is down): that is a 503 to retry, not a 401 that would make a client sign its user out.
                    OnChallenge = async context =>
                    {
                        if (context.AuthenticateFailure is { } failure && TransientFailure.Is(failure))
                        {
                            context.HandleResponse();
                            await TransientFailure.WriteAsync(context.HttpContext, failure);
                        }
                    },
                };
            });

        // Administrators are what their user streams say (AdministratorCommand), checked on every request, so a grant or
        // a revocation counts at once and needs no new token.
        services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(async context => context.Resource is HttpContext http
                && context.User.Identity?.Name is { } name && UserId.TryFromHandle(name, out var user)
                && await http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(user.Value).IsAdministratorAsync()));
    }

    public static SymmetricSecurityKey SigningKey(JwtOptions jwt)
    {
        if (string.IsNullOrWhiteSpace(jwt.SigningKey))
        {
            throw new InvalidOperationException(
                "Social:Jwt:SigningKey is not set. The run command generates a development key; in production set Social__Jwt__SigningKey.");
        }

        var bytes = Encoding.UTF8.GetBytes(jwt.SigningKey);
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Social:Jwt:SigningKey must be at least 32 bytes.");
        }

        return new SymmetricSecurityKey(bytes);
    }
}
