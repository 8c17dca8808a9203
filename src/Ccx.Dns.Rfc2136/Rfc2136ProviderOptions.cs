namespace Ccx.Dns.Rfc2136;

/// <summary>Options of <see cref="Rfc2136DnsProvider"/>, named after ExternalDNS's <c>--rfc2136-*</c> flags.</summary>
public sealed class Rfc2136ProviderOptions
{
    /// <summary>The DNS server's host name or IP address (<c>--rfc2136-host</c>).</summary>
    /// <value>The default is empty; it must be set.</value>
    public string Host { get; set; } = string.Empty;

    /// <summary>The DNS server's TCP port (<c>--rfc2136-port</c>).</summary>
    /// <value>The default is 53.</value>
    public int Port { get; set; } = 53;

    /// <summary>
    /// The zones to manage (<c>--rfc2136-zone</c>), for example <c>example.org</c>. Records are read by AXFR of
    /// each zone; a name belongs to the most specific zone that contains it.
    /// </summary>
    /// <value>The default is empty; at least one zone must be set.</value>
    public IList<string> Zones { get; } = [];

    /// <summary>The TSIG key name (<c>--rfc2136-tsig-keyname</c>). Leave empty (with no secret) to send unsigned requests.</summary>
    /// <value>The default is empty.</value>
    public string? TsigKeyName { get; set; }

    /// <summary>The TSIG shared secret, base64 (<c>--rfc2136-tsig-secret</c>). Never logged.</summary>
    /// <value>The default is empty.</value>
    public string? TsigSecret { get; set; }

    /// <summary>
    /// The TSIG algorithm (<c>--rfc2136-tsig-secret-alg</c>): <c>hmac-sha256</c>, <c>hmac-sha512</c>,
    /// <c>hmac-sha384</c> or <c>hmac-sha1</c>.
    /// </summary>
    /// <value>The default is <c>hmac-sha256</c>.</value>
    public string TsigAlgorithm { get; set; } = "hmac-sha256";

    /// <summary>The allowed clock skew between this host and the server for TSIG, in seconds.</summary>
    /// <value>The default is 300.</value>
    public int TsigFudgeSeconds { get; set; } = 300;

    /// <summary>
    /// The most endpoint changes (a create, an update pair or a delete) sent in one UPDATE message
    /// (<c>--rfc2136-batch-change-size</c>). Each message is applied atomically by the server, and only if its prerequisites hold. All changes at one
    /// name (a record and its ownership TXT record included) always share a message, which may therefore carry a
    /// few more changes than this.
    /// </summary>
    /// <value>The default is 50.</value>
    public int BatchSize { get; set; } = 50;

    /// <summary>The time allowed for one UPDATE exchange or one whole zone transfer.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The smallest TTL written, in seconds (<c>--rfc2136-min-ttl</c>); larger endpoint TTLs are kept.</summary>
    /// <value>The default is 0 (no minimum).</value>
    public long MinTtl { get; set; }

    /// <summary>The TTL written, in seconds, for endpoints whose TTL is unset (0).</summary>
    /// <value>The default is 300.</value>
    public long DefaultTtl { get; set; } = 300;
}
