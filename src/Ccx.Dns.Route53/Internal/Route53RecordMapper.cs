using System.Collections.Immutable;
using System.Globalization;
using Ccx.Dns.Endpoints;
using Microsoft.Extensions.Logging;
using Names = Ccx.Dns.Route53.Route53ProviderSpecificNames;

namespace Ccx.Dns.Route53.Internal;

/// <summary>
/// Maps Route 53 record sets to endpoints and back, and canonicalises desired endpoints the way
/// <see cref="ToEndpoint"/> renders what exists, so that an applied endpoint reads back equal:
/// routing policies become provider-specific properties with the set identifier, aliases become
/// <c>alias=true</c> endpoints with TTL 300, CNAMEs get <c>alias=false</c>, TXT values take their quoted,
/// 255-byte-split form, and provider-specific properties are sorted by name.
/// </summary>
internal sealed class Route53RecordMapper
{
    /// <summary>The TTL given to alias endpoints (alias record sets have none on the wire).</summary>
    public const long AliasTtl = 300;

    private static readonly HashSet<string> SupportedTypes = new(StringComparer.Ordinal)
    {
        "A", "AAAA", "CNAME", "TXT", "SRV", "NS", "MX", "NAPTR", "PTR", "CAA",
    };

    private readonly Route53ProviderOptions _options;
    private readonly Route53CanonicalHostedZones _aliasZones;
    private readonly ILogger _logger;

    public Route53RecordMapper(Route53ProviderOptions options, Route53CanonicalHostedZones aliasZones, ILogger logger)
    {
        _options = options;
        _aliasZones = aliasZones;
        _logger = logger;
    }

    /// <summary>The endpoint for a record set, or null for a type the provider does not manage (SOA, DS, …).</summary>
    public DnsEndpoint? ToEndpoint(ResourceRecordSet rs, HostedZone zone)
    {
        if (!SupportedTypes.Contains(rs.Type))
        {
            return null;
        }

        var type = new RecordType(rs.Type);
        var ps = new List<ProviderSpecificProperty>();
        DnsEndpoint endpoint;
        if (rs.AliasTarget is { } alias)
        {
            endpoint = new DnsEndpoint(rs.Name, type, alias.DnsName) { Ttl = AliasTtl };
            ps.Add(new(ProviderSpecificNames.Alias, "true"));
            ps.Add(new(Names.EvaluateTargetHealth, alias.EvaluateTargetHealth ? "true" : "false"));
            if (!string.Equals(alias.HostedZoneId, DerivedAliasZone(alias.DnsName, zone), StringComparison.Ordinal))
            {
                ps.Add(new(Names.TargetHostedZone, alias.HostedZoneId));
            }
        }
        else
        {
            var values = type == RecordType.TXT ? rs.Values.Select(Route53TxtValues.Canonicalize) : rs.Values;
            endpoint = new DnsEndpoint(rs.Name, type, values) { Ttl = rs.Ttl ?? 0 };
            if (type == RecordType.CNAME)
            {
                ps.Add(new(ProviderSpecificNames.Alias, "false"));
            }
        }

        if (rs.Weight is { } weight)
        {
            ps.Add(new(Names.Weight, weight.ToString(CultureInfo.InvariantCulture)));
        }

        if (rs.Region is not null)
        {
            ps.Add(new(Names.Region, rs.Region));
        }

        if (rs.Failover is not null)
        {
            ps.Add(new(Names.Failover, rs.Failover));
        }

        if (rs.GeoLocation is { } geo)
        {
            if (geo.ContinentCode is not null)
            {
                ps.Add(new(Names.GeolocationContinentCode, geo.ContinentCode));
            }
            else
            {
                if (geo.CountryCode is not null)
                {
                    ps.Add(new(Names.GeolocationCountryCode, geo.CountryCode));
                }

                if (geo.SubdivisionCode is not null)
                {
                    ps.Add(new(Names.GeolocationSubdivisionCode, geo.SubdivisionCode));
                }
            }
        }

        if (rs.MultiValueAnswer == true)
        {
            ps.Add(new(Names.MultiValueAnswer, string.Empty));
        }

        if (rs.GeoProximityLocation is { } proximity)
        {
            if (proximity.AwsRegion is not null)
            {
                ps.Add(new(Names.GeoProximityRegion, proximity.AwsRegion));
            }

            if (proximity.LocalZoneGroup is not null)
            {
                ps.Add(new(Names.GeoProximityLocalZoneGroup, proximity.LocalZoneGroup));
            }

            if (proximity.Latitude is not null && proximity.Longitude is not null)
            {
                ps.Add(new(Names.GeoProximityCoordinates, proximity.Latitude + "," + proximity.Longitude));
            }

            ps.Add(new(Names.GeoProximityBias, (proximity.Bias ?? 0).ToString(CultureInfo.InvariantCulture)));
        }

        if (rs.HealthCheckId is not null)
        {
            ps.Add(new(Names.HealthCheckId, rs.HealthCheckId));
        }

        ps.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        // ImmutableArray on purpose: DnsEndpoint.WithProviderSpecific casts the stored list to ImmutableArray.
        return endpoint with { SetIdentifier = rs.SetIdentifier ?? string.Empty, ProviderSpecific = ps.ToImmutableArray() };
    }

    /// <summary>Whether the endpoint is written as an alias record set (A/AAAA/CNAME with <c>alias=true</c>; never TXT).</summary>
    public static bool IsAliasRecord(DnsEndpoint endpoint) =>
        endpoint.IsAlias && endpoint.Targets.Count > 0
        && (endpoint.RecordType == RecordType.A || endpoint.RecordType == RecordType.AAAA || endpoint.RecordType == RecordType.CNAME);

    /// <summary>The record set for an endpoint written to <paramref name="zone"/>.</summary>
    public ResourceRecordSet ToRecordSet(DnsEndpoint endpoint, HostedZone zone)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        GeoLocation? geo = null;
        if (endpoint.TryGetProviderSpecific(Names.GeolocationContinentCode, out var continent) && continent.Length > 0)
        {
            geo = new GeoLocation(continent, null, null);
        }
        else if (endpoint.TryGetProviderSpecific(Names.GeolocationCountryCode, out var country) && country.Length > 0)
        {
            endpoint.TryGetProviderSpecific(Names.GeolocationSubdivisionCode, out var subdivision);
            geo = new GeoLocation(null, country, string.IsNullOrEmpty(subdivision) ? null : subdivision);
        }

        long? weight = null;
        if (endpoint.TryGetProviderSpecific(Names.Weight, out var weightText))
        {
            if (long.TryParse(weightText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var w))
            {
                weight = w;
            }
            else
            {
                Log.InvalidProperty(_logger, endpoint.DnsName, Names.Weight, weightText, "weight 0 is used");
                weight = 0;
            }
        }

        AliasTarget? alias = null;
        if (IsAliasRecord(endpoint))
        {
            var target = endpoint.Targets[0];
            var zoneId = endpoint.TryGetProviderSpecific(Names.TargetHostedZone, out var explicitZone) && explicitZone.Length > 0
                ? explicitZone
                : DerivedAliasZone(target, zone);
            var evaluate = endpoint.TryGetProviderSpecific(Names.EvaluateTargetHealth, out var eval) && bool.TryParse(eval, out var e)
                ? e
                : _options.EvaluateTargetHealth;
            alias = new AliasTarget(zoneId, target, evaluate);
        }

        endpoint.TryGetProviderSpecific(Names.Region, out var region);
        endpoint.TryGetProviderSpecific(Names.Failover, out var failover);
        endpoint.TryGetProviderSpecific(Names.HealthCheckId, out var healthCheck);
        var multiValue = endpoint.TryGetProviderSpecific(Names.MultiValueAnswer, out var mv) && !string.Equals(mv, "false", StringComparison.OrdinalIgnoreCase);
        return new ResourceRecordSet
        {
            Name = endpoint.DnsName,
            Type = endpoint.RecordType.Value,
            SetIdentifier = endpoint.SetIdentifier.Length > 0 ? endpoint.SetIdentifier : null,
            Weight = weight,
            Region = string.IsNullOrEmpty(region) ? null : region,
            GeoLocation = geo,
            Failover = string.IsNullOrEmpty(failover) ? null : failover.ToUpperInvariant(),
            MultiValueAnswer = multiValue ? true : null,
            Ttl = alias is null ? (endpoint.Ttl > 0 ? endpoint.Ttl : _options.DefaultTtl) : null,
            Values = alias is not null ? [] : endpoint.RecordType == RecordType.TXT ? [.. endpoint.Targets.Select(Route53TxtValues.Canonicalize)] : endpoint.Targets,
            AliasTarget = alias,
            HealthCheckId = string.IsNullOrEmpty(healthCheck) ? null : healthCheck,
            GeoProximityLocation = GeoProximity(endpoint),
        };
    }

    /// <summary>Parses <c>latitude,longitude</c> within −90..90 and −180..180; the canonical text has no spaces.</summary>
    public static bool TryParseCoordinates(string text, out string latitude, out string longitude)
    {
        ArgumentNullException.ThrowIfNull(text);
        latitude = longitude = string.Empty;
        var parts = text.Split(',');
        if (parts.Length != 2
            || !double.TryParse(parts[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) || lat is < -90 or > 90
            || !double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) || lon is < -180 or > 180)
        {
            return false;
        }

        latitude = parts[0].Trim();
        longitude = parts[1].Trim();
        return true;
    }

    private GeoProximityLocation? GeoProximity(DnsEndpoint endpoint)
    {
        endpoint.TryGetProviderSpecific(Names.GeoProximityRegion, out var region);
        endpoint.TryGetProviderSpecific(Names.GeoProximityLocalZoneGroup, out var localZoneGroup);
        string? latitude = null, longitude = null;
        if (endpoint.TryGetProviderSpecific(Names.GeoProximityCoordinates, out var coordinates))
        {
            if (TryParseCoordinates(coordinates, out var lat, out var lon))
            {
                (latitude, longitude) = (lat, lon);
            }
            else
            {
                Log.InvalidProperty(_logger, endpoint.DnsName, Names.GeoProximityCoordinates, coordinates, "the coordinates are ignored");
            }
        }

        if (string.IsNullOrEmpty(region) && string.IsNullOrEmpty(localZoneGroup) && latitude is null)
        {
            return null;
        }

        long bias = 0;
        if (endpoint.TryGetProviderSpecific(Names.GeoProximityBias, out var biasText)
            && !long.TryParse(biasText, NumberStyles.Integer, CultureInfo.InvariantCulture, out bias))
        {
            Log.InvalidProperty(_logger, endpoint.DnsName, Names.GeoProximityBias, biasText, "bias 0 is used");
            bias = 0;
        }

        return new GeoProximityLocation(
            string.IsNullOrEmpty(region) ? null : region,
            string.IsNullOrEmpty(localZoneGroup) ? null : localZoneGroup,
            latitude,
            longitude,
            bias);
    }

    /// <summary>Canonicalises desired endpoints (see the class remarks); CNAMEs to AWS targets become A and AAAA aliases.</summary>
    public IReadOnlyList<DnsEndpoint> Adjust(IReadOnlyList<DnsEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var result = new List<DnsEndpoint>(endpoints.Count);
        foreach (var original in endpoints)
        {
            var endpoint = original;
            endpoint.TryGetProviderSpecific(ProviderSpecificNames.Alias, out var aliasValue);
            if (endpoint.RecordType == RecordType.CNAME)
            {
                var target = endpoint.Targets.Count == 1 ? endpoint.Targets[0] : null;
                var explicitAlias = aliasValue is "true" or "A" or "AAAA";
                var toAlias = target is not null
                    && (explicitAlias || (aliasValue is null && !_options.PreferCname && _aliasZones.Lookup(target) is not null));
                if (toAlias)
                {
                    RecordType[] types = aliasValue switch
                    {
                        "A" => [RecordType.A],
                        "AAAA" => [RecordType.AAAA],
                        _ => [RecordType.A, RecordType.AAAA],
                    };
                    foreach (var type in types)
                    {
                        result.Add(Finish(CanonicalAlias(endpoint with { RecordType = type })));
                    }

                    continue;
                }

                endpoint = endpoint.WithProviderSpecific(ProviderSpecificNames.Alias, "false");
            }
            else if (endpoint.RecordType == RecordType.A || endpoint.RecordType == RecordType.AAAA)
            {
                endpoint = endpoint.IsAlias && endpoint.Targets.Count > 0
                    ? CanonicalAlias(endpoint)
                    : endpoint.WithoutProviderSpecific(ProviderSpecificNames.Alias);
            }
            else if (endpoint.RecordType == RecordType.TXT)
            {
                endpoint = endpoint with { Targets = [.. endpoint.Targets.Select(Route53TxtValues.Canonicalize)] };
            }

            result.Add(Finish(endpoint));
        }

        return result;
    }

    private DnsEndpoint CanonicalAlias(DnsEndpoint endpoint)
    {
        var evaluate = endpoint.TryGetProviderSpecific(Names.EvaluateTargetHealth, out var eval) && bool.TryParse(eval, out var e)
            ? e
            : _options.EvaluateTargetHealth;
        endpoint = endpoint
            .WithProviderSpecific(ProviderSpecificNames.Alias, "true")
            .WithProviderSpecific(Names.EvaluateTargetHealth, evaluate ? "true" : "false");
        if (endpoint.TryGetProviderSpecific(Names.TargetHostedZone, out var zone)
            && (zone.Length == 0 || string.Equals(zone, _aliasZones.Lookup(endpoint.Targets[0]), StringComparison.Ordinal)))
        {
            endpoint = endpoint.WithoutProviderSpecific(Names.TargetHostedZone);
        }

        return endpoint with { Ttl = AliasTtl };
    }

    private static DnsEndpoint Finish(DnsEndpoint endpoint)
    {
        if (endpoint.TryGetProviderSpecific(Names.Weight, out var weight)
            && long.TryParse(weight, NumberStyles.Integer, CultureInfo.InvariantCulture, out var w))
        {
            endpoint = endpoint.WithProviderSpecific(Names.Weight, w.ToString(CultureInfo.InvariantCulture));
        }

        if (endpoint.TryGetProviderSpecific(Names.Failover, out var failover))
        {
            endpoint = endpoint.WithProviderSpecific(Names.Failover, failover.ToUpperInvariant());
        }

        if (endpoint.TryGetProviderSpecific(Names.MultiValueAnswer, out var multi))
        {
            endpoint = string.Equals(multi, "false", StringComparison.OrdinalIgnoreCase)
                ? endpoint.WithoutProviderSpecific(Names.MultiValueAnswer)
                : endpoint.WithProviderSpecific(Names.MultiValueAnswer, string.Empty);
        }

        if (endpoint.TryGetProviderSpecific(Names.GeolocationContinentCode, out var continent) && continent.Length > 0)
        {
            // Route 53 holds either a continent or a country (+ subdivision); the continent wins, as on write.
            endpoint = endpoint.WithoutProviderSpecific(Names.GeolocationCountryCode).WithoutProviderSpecific(Names.GeolocationSubdivisionCode);
        }

        var hasProximity = false;
        foreach (var name in (string[])[Names.GeoProximityRegion, Names.GeoProximityLocalZoneGroup, Names.GeoProximityCoordinates])
        {
            hasProximity |= endpoint.TryGetProviderSpecific(name, out var v) && v.Length > 0;
        }

        if (endpoint.TryGetProviderSpecific(Names.GeoProximityCoordinates, out var coordinates) && TryParseCoordinates(coordinates, out var lat, out var lon))
        {
            endpoint = endpoint.WithProviderSpecific(Names.GeoProximityCoordinates, lat + "," + lon);
        }

        if (hasProximity)
        {
            var bias = endpoint.TryGetProviderSpecific(Names.GeoProximityBias, out var b) && long.TryParse(b, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
            endpoint = endpoint.WithProviderSpecific(Names.GeoProximityBias, bias.ToString(CultureInfo.InvariantCulture));
        }

        var sorted = endpoint.ProviderSpecific.OrderBy(p => p.Name, StringComparer.Ordinal).ToImmutableArray();
        return endpoint with { ProviderSpecific = sorted };
    }

    private string DerivedAliasZone(string target, HostedZone zone) => _aliasZones.Lookup(target) ?? zone.Id;
}
