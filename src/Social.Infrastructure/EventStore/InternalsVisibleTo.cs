using System.Runtime.CompilerServices;

// The event store's tests reach its commit seam (PostgresEventStore's internal constructor).
[assembly: InternalsVisibleTo("Social.Infrastructure.Tests")]
