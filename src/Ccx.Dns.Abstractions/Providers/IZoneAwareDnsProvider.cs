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

    /// <summary>
    /// The zones the provider serves after its own domain filter, as found by its last successful read (or configured,
    /// for a provider that does not discover them), normalised; <see langword="null"/> when not known (before the first
    /// read of a provider that discovers them, or a provider that cannot tell). Used to report the zones found at start
    /// and to warn when a domain filter matches no zone. Decorators forward it.
    /// </summary>
    IReadOnlyCollection<string>? KnownZones => null;
}
