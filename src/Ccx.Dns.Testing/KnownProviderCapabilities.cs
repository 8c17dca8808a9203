using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Testing;

/// <summary>
/// The capability declarations of the providers shipped with Ccx.Dns — the one place they are stated. The
/// conformance tests run each provider against these, and <c>docs/providers.md</c> is generated from
/// <see cref="All"/>. A new provider adds one property here and one entry in <see cref="All"/>.
/// </summary>
public static class KnownProviderCapabilities
{
    /// <summary>The in-memory reference provider (<c>InMemoryDnsProvider</c>): stores whatever it is given.</summary>
    public static DnsProviderCapabilities InMemory { get; } = new()
    {
        Name = "In-memory",
        Package = "Ccx.Dns",
        RecordTypes = RecordType.Known,
        SetIdentifiers = true,
        Alias = false,
        MaxTxtLength = null,
        Notes =
        [
            "Reference provider for tests and samples; validates nothing beyond zone membership and duplicate keys.",
        ],
    };

    /// <summary>PowerDNS Authoritative through its HTTP API (<c>PowerDnsProvider</c>).</summary>
    public static DnsProviderCapabilities PowerDns { get; } = new()
    {
        Name = "PowerDNS",
        Package = "Ccx.Dns.PowerDns",
        RecordTypes = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT, RecordType.SRV, RecordType.NS, RecordType.PTR, RecordType.MX, RecordType.NAPTR, RecordType.CAA],
        SetIdentifiers = false,
        Alias = true,
        MaxTxtLength = null,
        Notes =
        [
            "A CNAME at the apex or with alias=true is written as a PowerDNS ALIAS (reported as written-as=ALIAS); it answers A/AAAA queries only when pdns_server runs with expand-alias=yes and a resolver= set.",
            "Set identifiers are refused: PowerDNS has no routing policies.",
            "One PATCH per zone per apply, atomic: a record and its ownership TXT change together.",
        ],
    };

    /// <summary>RFC 2136 dynamic updates with TSIG, read by AXFR (<c>Rfc2136DnsProvider</c>), against BIND 9.18.</summary>
    public static DnsProviderCapabilities Rfc2136 { get; } = new()
    {
        Name = "RFC 2136 (BIND)",
        Package = "Ccx.Dns.Rfc2136",
        RecordTypes = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT, RecordType.SRV, RecordType.NS, RecordType.PTR, RecordType.MX, RecordType.DNAME, RecordType.CAA],
        SetIdentifiers = false,
        Alias = false,
        MaxTxtLength = null,
        Notes =
        [
            "Updates are sent in batches of BatchSize endpoint changes; each UPDATE message is atomic, an apply of several batches is not.",
            "Every write is conditional (RFC 2136 prerequisites): a create over an existing record set, or an update or delete of a changed one, is refused as a conflict (see providers/rfc2136-atomicity.md).",
            "BIND refuses an MX or SRV whose in-zone host has no address record.",
        ],
    };

    /// <summary>RFC 2136 dynamic updates with TSIG, read by AXFR (<c>Rfc2136DnsProvider</c>), against Knot DNS 3.2.</summary>
    public static DnsProviderCapabilities Rfc2136Knot { get; } = Rfc2136 with
    {
        Name = "RFC 2136 (Knot)",
        Notes =
        [
            "Updates are sent in batches of BatchSize endpoint changes; each UPDATE message is atomic, an apply of several batches is not.",
            "Every write is conditional (RFC 2136 prerequisites): a create over an existing record set, or an update or delete of a changed one, is refused as a conflict (see providers/rfc2136-atomicity.md).",
            "Knot answers NOTAUTH (BIND: REFUSED) to an update its ACL does not admit, unsigned or for a zone without an update rule.",
            "Unlike BIND, Knot accepts an MX whose in-zone host has no address record.",
        ],
    };

    /// <summary>Amazon Route 53 through its REST API (<c>Route53Provider</c>; tested against moto_server behind the project's rule proxy).</summary>
    public static DnsProviderCapabilities Route53 { get; } = new()
    {
        Name = "Route 53",
        Package = "Ccx.Dns.Route53",
        RecordTypes = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT, RecordType.SRV, RecordType.NS, RecordType.PTR, RecordType.MX, RecordType.NAPTR, RecordType.CAA],
        SetIdentifiers = true,
        Alias = true,
        MaxTxtLength = 4000,
        Notes =
        [
            "Set identifiers need a routing policy property (aws/weight, aws/region, aws/failover, aws/geolocation-*, aws/geoproximity-*, aws/multi-value-answer).",
            "TXT values are quoted and split into 255-byte strings; Route 53 caps a value at 4,000 characters.",
            "Batches stay within 1,000 changes, 1,000 values and 32,000 value characters; a record and its ownership TXT share a batch.",
            "Each batch is atomic; writes are conditional: CREATE, DELETE of the exact values read, an update as DELETE+CREATE (see providers/route53-atomicity.md).",
            "The conformance run uses moto_server behind the project's rule proxy, which enforces Route 53's change rules; it serves no DNS queries.",
        ],
    };

    /// <summary>
    /// The ExternalDNS webhook client (<c>ExternalDnsWebhookProvider</c>) through Ccx.Dns's webhook server
    /// (<c>MapExternalDnsWebhook</c>) in front of the PowerDNS provider: a webhook target has the capabilities of the
    /// provider behind the server.
    /// </summary>
    public static DnsProviderCapabilities WebhookPowerDns { get; } = PowerDns with
    {
        Name = "Webhook → PowerDNS",
        Package = "Ccx.Dns.Webhook",
        Notes =
        [
            "The ExternalDNS webhook client through Ccx.Dns's webhook server (Ccx.Dns.Webhook.AspNetCore, real Kestrel on loopback) in front of the PowerDNS provider; a webhook provider has the capabilities of the provider behind the server.",
            "The protocol names no zones, so the client is not zone-aware; conflicts, partial applies and refused changes cross it in the server's problem-details body.",
            "Set identifiers are refused: PowerDNS has no routing policies.",
        ],
    };

    /// <summary>
    /// The ExternalDNS webhook client through Ccx.Dns's webhook server in front of the RFC 2136 provider on BIND 9.18.
    /// </summary>
    public static DnsProviderCapabilities WebhookRfc2136 { get; } = Rfc2136 with
    {
        Name = "Webhook → RFC 2136 (BIND)",
        Package = "Ccx.Dns.Webhook",
        Notes =
        [
            "The ExternalDNS webhook client through Ccx.Dns's webhook server (Ccx.Dns.Webhook.AspNetCore, real Kestrel on loopback) in front of the RFC 2136 provider on BIND; a webhook provider has the capabilities of the provider behind the server.",
            "The protocol names no zones, so the client is not zone-aware; conflicts, partial applies and refused changes cross it in the server's problem-details body.",
            "BIND refuses an MX or SRV whose in-zone host has no address record.",
        ],
    };

    /// <summary>Every declaration above, in documentation order.</summary>
    public static IReadOnlyList<DnsProviderCapabilities> All { get; } = [InMemory, PowerDns, Rfc2136, Rfc2136Knot, Route53, WebhookPowerDns, WebhookRfc2136];
}
