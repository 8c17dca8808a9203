using Amazon.Runtime;

namespace Ccx.Dns.Route53;

/// <summary>Options of the Route 53 provider (ExternalDNS's <c>--aws-*</c> flags and the zone filters).</summary>
public sealed class Route53ProviderOptions
{
    /// <summary>The Route 53 API endpoint. <value>The default is <c>https://route53.amazonaws.com</c>.</value></summary>
    /// <remarks>Point it at an emulator such as moto (<c>http://127.0.0.1:PORT</c>) for tests.</remarks>
    public Uri Endpoint { get; set; } = new("https://route53.amazonaws.com");

    /// <summary>The SigV4 signing region. <value>The default is <c>us-east-1</c> (the <c>aws</c> partition).</value></summary>
    public string SigningRegion { get; set; } = "us-east-1";

    /// <summary>A named profile of the shared AWS config/credentials files. <value>The default is none (the default chain).</value></summary>
    public string? Profile { get; set; }

    /// <summary>
    /// Explicit credentials, for example from STS. <value>The default is none: AWSSDK.Core's default chain
    /// (environment, profiles, web identity, container and instance metadata).</value>
    /// </summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// Identifies the AWS account for the shared request-rate budget; providers with the same value share one
    /// token bucket. <value>The default is none: the access key id of the credentials identifies the account.</value>
    /// </summary>
    public string? AccountId { get; set; }

    /// <summary>Domain names whose zones are managed (suffix match, ExternalDNS <c>--domain-filter</c>). <value>The default is empty (every zone).</value></summary>
    public IList<string> DomainFilter { get; } = [];

    /// <summary>Domain names excluded from <see cref="DomainFilter"/>. <value>The default is empty.</value></summary>
    public IList<string> ExcludeDomains { get; } = [];

    /// <summary>Also manage a zone that is a parent of a domain filter entry (<c>--aws-zone-match-parent</c>). <value>The default is <see langword="false"/>.</value></summary>
    public bool ZoneMatchParent { get; set; }

    /// <summary>Hosted zone ids to manage; a zone is kept when its id ends with one of them. <value>The default is empty (every zone).</value></summary>
    public IList<string> ZoneIdFilter { get; } = [];

    /// <summary>Zone visibility to manage. <value>The default is <see cref="Route53ZoneType.Any"/>.</value></summary>
    public Route53ZoneType ZoneType { get; set; } = Route53ZoneType.Any;

    /// <summary>Tag filters, <c>key</c> or <c>key=value</c>; a zone must carry all of them. <value>The default is empty.</value></summary>
    public IList<string> ZoneTags { get; } = [];

    /// <summary>How long the filtered zone list is cached; zero disables the cache. <value>The default is zero.</value></summary>
    public TimeSpan ZonesCacheDuration { get; set; } = TimeSpan.Zero;

    /// <summary>Maximum <c>Change</c> elements per ChangeResourceRecordSets call (1–1000). <value>The default is 1000.</value></summary>
    public int MaxChangesPerBatch { get; set; } = 1000;

    /// <summary>Maximum <c>ResourceRecord</c> values per call, UPSERT counting twice, an alias counting one (1–1000). <value>The default is 1000.</value></summary>
    public int MaxValuesPerBatch { get; set; } = 1000;

    /// <summary>Maximum characters summed over all values per call, UPSERT counting twice (1–32000). <value>The default is 32000.</value></summary>
    public int MaxValueCharactersPerBatch { get; set; } = 32000;

    /// <summary>The default <c>EvaluateTargetHealth</c> of alias records. <value>The default is <see langword="true"/>.</value></summary>
    public bool EvaluateTargetHealth { get; set; } = true;

    /// <summary>Keep CNAMEs to AWS load balancers and CloudFront as CNAMEs instead of aliases. <value>The default is <see langword="false"/>.</value></summary>
    public bool PreferCname { get; set; }

    /// <summary>
    /// Extra or overriding canonical hosted zones of alias targets: host-name suffix (for example
    /// <c>eu-west-1.elb.amazonaws.com</c>) to hosted zone id. <value>The default is empty (the built-in table applies).</value>
    /// </summary>
    public IDictionary<string, string> CanonicalHostedZones { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The TTL written for records whose TTL is unset. <value>The default is 300 seconds.</value></summary>
    public long DefaultTtl { get; set; } = 300;

    /// <summary>Requests per second allowed for the account, all providers together. <value>The default is 5 (the Route 53 quota).</value></summary>
    public double RequestsPerSecond { get; set; } = 5;

    /// <summary>How many requests may be sent at once before the rate applies. <value>The default is 5.</value></summary>
    public int RequestBurst { get; set; } = 5;

    /// <summary>Attempts per request, the first included (1–20). <value>The default is 5.</value></summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first retry delay; each further retry doubles it, with jitter. <value>The default is 500 milliseconds.</value></summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest retry delay. <value>The default is 20 seconds.</value></summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The timeout of one HTTP request. <value>The default is 30 seconds.</value></summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait after applying until Route 53 reports every submitted change INSYNC. <value>The default is <see langword="false"/>.</value></summary>
    public bool WaitForInSync { get; set; }

    /// <summary>How often GetChange is polled while waiting for INSYNC. <value>The default is 5 seconds.</value></summary>
    public TimeSpan InSyncPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for INSYNC before giving up with a warning. <value>The default is 3 minutes.</value></summary>
    public TimeSpan InSyncTimeout { get; set; } = TimeSpan.FromMinutes(3);
}
