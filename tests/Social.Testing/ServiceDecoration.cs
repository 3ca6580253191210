using Microsoft.Extensions.DependencyInjection;

namespace Social.Testing;

/// <summary>Wraps a registered service in a decorator (fault injection around the real implementation).</summary>
public static class ServiceDecoration
{
    public static IServiceCollection Decorate<T>(this IServiceCollection services, Func<T, IServiceProvider, T> decorate)
        where T : class
    {
        var registered = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(registered);
        services.AddSingleton(provider => decorate(Inner<T>(registered, provider), provider));
        return services;
    }

    private static T Inner<T>(ServiceDescriptor registered, IServiceProvider provider)
        where T : class => registered switch
        {
            { ImplementationInstance: T instance } => instance,
            { ImplementationFactory: { } factory } => (T)factory(provider),
            { ImplementationType: { } type } => (T)ActivatorUtilities.CreateInstance(provider, type),
            _ => throw new InvalidOperationException($"Cannot decorate {typeof(T).Name}: it is registered in no way this knows."),
        };
}
