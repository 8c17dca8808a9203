namespace Ccx.Dns.Providers.Caching;

/// <summary>Options of the <see cref="CachingDnsProvider"/> (ExternalDNS <c>--provider-cache-time</c>).</summary>
public sealed class CachingDnsProviderOptions
{
    /// <summary>
    /// How long records read from the provider are served without reading again. Zero turns the cache off
    /// (concurrent reads are still shared and empty applies still skipped).
    /// <value>The default is one minute.</value>
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(1);
}
