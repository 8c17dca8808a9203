namespace Ccx.Dns.Providers.PowerDns;

/// <summary>Settings of <see cref="PowerDnsProvider"/>: where the PowerDNS Authoritative HTTP API is and how to use it.</summary>
/// <remarks>
/// Bind from configuration with <c>AddPowerDnsProvider(configuration.GetSection("PowerDns"))</c>; the section's keys
/// are the property names. <see cref="ApiKey"/> is a secret: it is sent only in the <c>X-API-Key</c> header and
/// never appears in a log line or an exception message.
/// </remarks>
public sealed class PowerDnsProviderOptions
{
    /// <summary>The default <see cref="ServerId"/>.</summary>
    public const string DefaultServerId = "localhost";

    /// <summary>
    /// The base URL of the PowerDNS web server, for example <c>http://127.0.0.1:8081</c>. It may carry a path prefix
    /// (for a reverse proxy); <c>/api/v1/servers/{ServerId}/…</c> is appended to it. Required: an absolute
    /// <c>http</c> or <c>https</c> URL.
    /// </summary>
#pragma warning disable CA1056 // A string binds from configuration without a converter; the validator checks it.
    public string? ApiUrl { get; set; }
#pragma warning restore CA1056

    /// <summary>The API key (PowerDNS setting <c>api-key</c>), sent as the <c>X-API-Key</c> header. Required.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The server id in the API paths.</summary>
    /// <value>The default is <c>localhost</c>, the only id PowerDNS Authoritative serves.</value>
    public string ServerId { get; set; } = DefaultServerId;

    /// <summary>The TTL in seconds written for endpoints whose TTL is unset (0).</summary>
    /// <value>The default is 300, as in ExternalDNS.</value>
    public int DefaultTtl { get; set; } = 300;

    /// <summary>
    /// Domain suffixes this provider manages (ExternalDNS <c>--domain-filter</c>); empty means every zone of the server.
    /// A leading dot (<c>.example.org</c>) matches names below the suffix but not the suffix itself.
    /// </summary>
    /// <value>The default is empty.</value>
    public IList<string> IncludeDomains { get; } = [];

    /// <summary>Domain suffixes excluded from management (ExternalDNS <c>--exclude-domains</c>).</summary>
    /// <value>The default is empty.</value>
    public IList<string> ExcludeDomains { get; } = [];

    /// <summary>
    /// When <see langword="true"/>, every <see cref="IncludeDomains"/> entry (without a leading dot) that no zone of the
    /// server serves — no zone at, above or below it — is created as a plain Native zone when the provider reads: with
    /// <see cref="CreatedZoneNameservers"/> as apex NS records, an SOA whose minimum (the negative-cache TTL) is
    /// <see cref="CreatedZoneSoaMinimum"/>, and <c>api_rectify</c> off (only DNSSEC needs rectifying). Without it, a
    /// domain filter without a zone is reported in one log line and its records cannot be written.
    /// </summary>
    /// <value>The default is <see langword="false"/>: zones are the DNS operator's to create.</value>
    public bool CreateMissingZones { get; set; }

    /// <summary>The apex NS names of zones created by <see cref="CreateMissingZones"/> (with or without a trailing dot).</summary>
    /// <value>The default is empty: no NS records.</value>
    public IList<string> CreatedZoneNameservers { get; } = [];

    /// <summary>
    /// The SOA minimum of zones created by <see cref="CreateMissingZones"/>: how long resolvers cache "no such name"
    /// (RFC 2308). Keep it low, so that a name looked up just before it was created is found soon after.
    /// </summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan CreatedZoneSoaMinimum { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one API request may take before it is abandoned as a transient failure.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
