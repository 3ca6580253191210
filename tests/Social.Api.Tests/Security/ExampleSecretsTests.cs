using Microsoft.Extensions.Options;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Security;

/// <summary>
/// A published example secret must never sign tokens: the deployment files do not apply the example Secret, and a host
/// given its signing key (or one like it) refuses to start instead of accepting tokens anyone could forge.
/// </summary>
public sealed class ExampleSecretsTests(StoresFixture stores)
{
    [Theory]
    [InlineData("k8s/secret.example.yaml")]
    [InlineData("example-only-change-me-to-48-random-bytes-base64")]
    [InlineData("please-change-me-this-is-not-a-real-key-at-all-0123")]
    [InlineData("my-super-secret-key-for-hmac-sha256-signing-tokens")]
    public async Task Start_WithAnExampleSigningKey_RefusesToStart(string keyOrFile)
    {
        var key = keyOrFile.EndsWith(".yaml", StringComparison.Ordinal) ? ExampleSigningKey(keyOrFile) : keyOrFile;
        var settings = new Dictionary<string, string?> { ["Social:Jwt:SigningKey"] = key };

        var database = await stores.Postgres.CreateDatabaseAsync("example_key");
        var refused = Assert.ThrowsAny<Exception>(() =>
        {
            using var factory = SocialApiFactory.Start(database, stores.Redis.ConnectionString, settings);
        });

        var validation = Assert.IsType<OptionsValidationException>(Innermost(refused), exactMatch: false);
        Assert.Contains("Social:Jwt:SigningKey is an example value", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kustomization_AppliesNoExampleSecret()
    {
        var resources = File.ReadLines(Path.Combine(Repository.Root, "k8s/kustomization.yaml"))
            .Where(line => line.TrimStart().StartsWith("- ", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(resources);
        Assert.DoesNotContain(resources, resource => resource.Contains("secret", StringComparison.OrdinalIgnoreCase));
    }

    private static string ExampleSigningKey(string file) =>
        File.ReadLines(Path.Combine(Repository.Root, file))
            .Select(line => line.Trim())
            .Single(line => line.StartsWith("Social__Jwt__SigningKey:", StringComparison.Ordinal))
            .Split(':', 2)[1].Trim();

    private static Exception Innermost(Exception exception) =>
        exception is OptionsValidationException || exception.InnerException is null ? exception : Innermost(exception.InnerException);
}
