namespace Social.Grains.EventSourcing;

public static class LogConsistency
{
    /// <summary>The name the silo registers the CustomStorage log-consistency provider under.</summary>
    public const string ProviderName = "EventStore";
}
