namespace Social.Api.Tests.Support;

/// <summary>Handles that no other test uses, so that tests sharing a host never collide.</summary>
public static class Handles
{
    /// <summary>The prefix (cut to fit), an underscore and eight random characters: valid and at most 30 long.</summary>
    public static string Unique(string prefix = "user")
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var head = prefix.Length > 21 ? prefix[..21] : prefix;
        return $"{head}_{suffix}";
    }
}
