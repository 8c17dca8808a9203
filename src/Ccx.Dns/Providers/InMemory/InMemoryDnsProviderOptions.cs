namespace Ccx.Dns.Providers.InMemory;

/// <summary>Options of the <see cref="InMemoryDnsProvider"/> registered by <c>.AddInMemoryProvider()</c>.</summary>
public sealed class InMemoryDnsProviderOptions
{
    /// <summary>
    /// The zones the provider serves, for example <c>db.example.org</c>. Names outside them are not planned.
    /// <value>The default is empty; at least one zone is required.</value>
    /// </summary>
    public IList<string> Zones { get; } = [];
}
