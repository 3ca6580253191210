namespace Social.Testing;

/// <summary>The repository's root folder (the one holding Social.sln), found from the running program's folder.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Social.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Social.sln not found above the program's folder.");
    }
}
