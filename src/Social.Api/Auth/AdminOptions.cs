namespace Social.Api.Auth;

/// <summary>The <c>Social</c> section's list of administrators.</summary>
public sealed class AdminOptions
{
    /// <summary>The configuration section (the list sits at its top: <c>Social__Admins__0=alice</c>).</summary>
    public const string Section = "Social";

    /// <summary>Handles of the administrators.</summary>
    public List<string> Admins { get; set; } = [];
}
