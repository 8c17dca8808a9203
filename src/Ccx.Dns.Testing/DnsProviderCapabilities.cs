using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Testing;

/// <summary>
/// What a DNS provider can store faithfully, declared as code. The conformance runner runs a scenario only where
/// the declaration says it is supported (and lists the rest as skipped, with the reason); the provider table in
/// <c>docs/providers.md</c> is generated from the same declarations by <see cref="ProviderCapabilityTable"/>.
/// </summary>
/// <remarks>Our own providers' declarations are in <see cref="KnownProviderCapabilities"/>.</remarks>
public sealed record DnsProviderCapabilities
{
    /// <summary>The provider's display name, for example <c>PowerDNS</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The package that holds the provider, for example <c>Ccx.Dns.PowerDns</c>.</summary>
    public required string Package { get; init; }

    /// <summary>The record types the provider reads and writes.</summary>
    public required IReadOnlyList<RecordType> RecordTypes { get; init; }

    /// <summary>Whether several record sets may share a name and type, told apart by a set identifier (routing policies).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool SetIdentifiers { get; init; }

    /// <summary>Whether the provider has alias records (a name resolved server-side to another name's addresses).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Alias { get; init; }

    /// <summary>
    /// The longest TXT target, in UTF-8 bytes, the provider stores and returns intact; <see langword="null"/> when unbounded
    /// (texts over 255 bytes are split into character-strings on the wire and joined on read).
    /// </summary>
    /// <value>The default is <see langword="null"/> (unbounded).</value>
    public int? MaxTxtLength { get; init; }

    /// <summary>Whether a record set may hold several targets (round-robin A records, several MX hosts).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool MultipleTargets { get; init; } = true;

    /// <summary>Whether wildcard names (<c>*.example.org</c>) can be written.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Wildcard { get; init; } = true;

    /// <summary>Whether records may be written at the zone apex (A, MX and TXT at <c>example.org</c> itself).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Apex { get; init; } = true;

    /// <summary>Whether one apply may replace a CNAME with an A record at the same name, and back.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool TypeChange { get; init; } = true;

    /// <summary>Whether TTLs are stored per record set as given.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Ttl { get; init; } = true;

    /// <summary>Whether 500 record sets (plus their ownership records) can be created in one apply.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool LargeChangeSets { get; init; } = true;

    /// <summary>Free-form notes on limits and quirks, one sentence each, rendered in the documentation.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Whether the provider reads and writes <paramref name="recordType"/>.</summary>
    /// <param name="recordType">The record type.</param>
    /// <returns><see langword="true"/> when supported.</returns>
    public bool Supports(RecordType recordType) => RecordTypes.Contains(recordType);

    /// <summary>Whether a TXT target of <paramref name="utf8Length"/> bytes is stored intact.</summary>
    /// <param name="utf8Length">The text length in UTF-8 bytes.</param>
    /// <returns><see langword="true"/> when supported.</returns>
    public bool SupportsTxtLength(int utf8Length) => MaxTxtLength is null || utf8Length <= MaxTxtLength.Value;
}
