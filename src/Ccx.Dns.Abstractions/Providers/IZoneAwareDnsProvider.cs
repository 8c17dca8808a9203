namespace Ccx.Dns.Providers;

/// <summary>
/// A provider that knows the zones it writes to, so that a registry can tell whether a record and its ownership
/// record fall in the same zone (and so travel in one atomic write). Decorators forward it.
/// </summary>
public interface IZoneAwareDnsProvider : IDnsProvider
{
    /// <summary>The zone that holds a name: the longest of the provider's zones the name equals or lies under.</summary>
    /// <param name="dnsName">The name, with or without a trailing dot, any case.</param>
    /// <returns>The zone's name, normalised (lower case, no trailing dot); <see langword="null"/> when no known zone holds
    /// the name or the zones are not known yet (before the first read of a provider that discovers them).</returns>
    string? FindZone(string dnsName);
}
