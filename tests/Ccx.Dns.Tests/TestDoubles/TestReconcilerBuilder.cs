using Microsoft.Extensions.DependencyInjection;

namespace Ccx.Dns.Tests.TestDoubles;

/// <summary>The smallest builder: what <c>AddDnsReconciler()</c> returns, without the reconciler.</summary>
internal sealed class TestReconcilerBuilder(IServiceCollection services) : IDnsReconcilerBuilder
{
    public IServiceCollection Services { get; } = services;
}
