namespace Ccx.Dns.Route53;

/// <summary>
/// Provider-specific property names the Route 53 provider reads and writes, as ExternalDNS's AWS provider names
/// them. Routing-policy properties require <see cref="Endpoints.DnsEndpoint.SetIdentifier"/>.
/// </summary>
public static class Route53ProviderSpecificNames
{
    /// <summary><c>aws/evaluate-target-health</c>: <c>true</c>/<c>false</c>, for alias records.</summary>
    public const string EvaluateTargetHealth = "aws/evaluate-target-health";

    /// <summary><c>aws/target-hosted-zone</c>: the alias target's hosted zone id, when it cannot be derived from the target name.</summary>
    public const string TargetHostedZone = "aws/target-hosted-zone";

    /// <summary><c>aws/hosted-zone-id</c>: pins a change to one managed hosted zone (public/private twins).</summary>
    public const string HostedZoneId = "aws/hosted-zone-id";

    /// <summary><c>aws/weight</c>: weighted routing, 0–255.</summary>
    public const string Weight = "aws/weight";

    /// <summary><c>aws/region</c>: latency routing region, for example <c>us-east-1</c>.</summary>
    public const string Region = "aws/region";

    /// <summary><c>aws/failover</c>: <c>PRIMARY</c> or <c>SECONDARY</c>.</summary>
    public const string Failover = "aws/failover";

    /// <summary><c>aws/geolocation-continent-code</c>: geolocation routing by continent (wins over country).</summary>
    public const string GeolocationContinentCode = "aws/geolocation-continent-code";

    /// <summary><c>aws/geolocation-country-code</c>: geolocation routing by country (<c>*</c> = default location).</summary>
    public const string GeolocationCountryCode = "aws/geolocation-country-code";

    /// <summary><c>aws/geolocation-subdivision-code</c>: geolocation routing by subdivision, with a country code.</summary>
    public const string GeolocationSubdivisionCode = "aws/geolocation-subdivision-code";

    /// <summary><c>aws/geoproximity-region</c>: geoproximity routing around an AWS region.</summary>
    public const string GeoProximityRegion = "aws/geoproximity-region";

    /// <summary><c>aws/geoproximity-local-zone-group</c>: geoproximity routing around an AWS Local Zone group.</summary>
    public const string GeoProximityLocalZoneGroup = "aws/geoproximity-local-zone-group";

    /// <summary><c>aws/geoproximity-coordinates</c>: geoproximity routing around <c>latitude,longitude</c> (−90..90, −180..180).</summary>
    public const string GeoProximityCoordinates = "aws/geoproximity-coordinates";

    /// <summary><c>aws/geoproximity-bias</c>: −99..99, expanding or shrinking the region; 0 when a location is set without it.</summary>
    public const string GeoProximityBias = "aws/geoproximity-bias";

    /// <summary><c>aws/multi-value-answer</c>: multivalue answer routing; presence counts, the canonical value is empty.</summary>
    public const string MultiValueAnswer = "aws/multi-value-answer";

    /// <summary><c>aws/health-check-id</c>: the Route 53 health check associated with the record set.</summary>
    public const string HealthCheckId = "aws/health-check-id";
}
