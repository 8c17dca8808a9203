using Microsoft.Extensions.DependencyInjection;

namespace Ccx.Dns.DependencyInjection;

/// <summary>
/// A named reconciler's registrations (<c>AddDnsReconciler("public")</c>), kept in a collection of their own: its
/// provider, registry, lease, options and sources never mix with another reconciler's.
/// </summary>
/// <param name="Name">The reconciler's name, its service key.</param>
/// <param name="Services">Its own registrations (what its builder's <see cref="IDnsReconcilerBuilder.Services"/> receive).</param>
internal sealed record NamedDnsReconcilerRegistration(string Name, IServiceCollection Services);

/// <summary>A source resolved from the host's container (one instance shared by every reconciler that adds it).</summary>
/// <param name="SourceType">The source's service type in the host's container.</param>
internal sealed record SharedSourceRegistration(Type SourceType);

/// <summary>The builder returned by <c>AddDnsReconciler(name)</c>: registrations go to the reconciler's own collection.</summary>
internal sealed class NamedDnsReconcilerBuilder(NamedDnsReconcilerRegistration registration, IServiceCollection hostServices) : IDnsReconcilerBuilder
{
    public IServiceCollection Services => Registration.Services;

    public NamedDnsReconcilerRegistration Registration { get; } = registration;

    /// <summary>The host's collection (for services shared between reconcilers).</summary>
    public IServiceCollection HostServices { get; } = hostServices;
}
