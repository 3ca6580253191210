namespace Social.Api.Tests.Support;

/// <summary>Files a test keeps for people to look at (screenshots): in $SOCIAL_TEST_ARTIFACTS, which the test command sets.</summary>
public static class Artifacts
{
    public static string Save(string name, byte[] content)
    {
        var folder = Environment.GetEnvironmentVariable("SOCIAL_TEST_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
