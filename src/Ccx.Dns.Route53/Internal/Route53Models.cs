namespace Ccx.Dns.Route53.Internal;

/// <summary>A hosted zone: bare id (no <c>/hostedzone/</c> prefix), decoded name without trailing dot, visibility.</summary>
internal sealed record HostedZone(string Id, string Name, bool IsPrivate)
{
    /// <summary>The id as Route 53 returns it, used by the zone id filter (suffix match, as ExternalDNS does).</summary>
    public string FullId => "/hostedzone/" + Id;
}

/// <summary>One page of ListHostedZones.</summary>
internal sealed record HostedZonePage(IReadOnlyList<HostedZone> Zones, string? NextMarker);

/// <summary>The tags of one hosted zone.</summary>
internal sealed record HostedZoneTags(string ZoneId, IReadOnlyDictionary<string, string> Tags);

/// <summary>The ListResourceRecordSets cursor, passed back verbatim (wire form, escapes included).</summary>
internal sealed record RecordSetCursor(string Name, string Type, string? Identifier);

/// <summary>One page of ListResourceRecordSets.</summary>
internal sealed record RecordSetPage(IReadOnlyList<ResourceRecordSet> RecordSets, RecordSetCursor? Next);

/// <summary>An alias target.</summary>
internal sealed record AliasTarget(string HostedZoneId, string DnsName, bool EvaluateTargetHealth);

/// <summary>A geolocation routing location.</summary>
internal sealed record GeoLocation(string? ContinentCode, string? CountryCode, string? SubdivisionCode);

/// <summary>A geoproximity routing location: an AWS region, a Local Zone group or coordinates (text as on the wire), with a bias.</summary>
internal sealed record GeoProximityLocation(string? AwsRegion, string? LocalZoneGroup, string? Latitude, string? Longitude, long? Bias);

/// <summary>
/// A resource record set. <see cref="Name"/> is decoded (octal escapes resolved) and has no trailing dot; the
/// client escapes it on the way out.
/// </summary>
internal sealed record ResourceRecordSet
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public string? SetIdentifier { get; init; }

    public long? Weight { get; init; }

    public string? Region { get; init; }

    public GeoLocation? GeoLocation { get; init; }

    public string? Failover { get; init; }

    public bool? MultiValueAnswer { get; init; }

    public long? Ttl { get; init; }

    public IReadOnlyList<string> Values { get; init; } = [];

    public AliasTarget? AliasTarget { get; init; }

    public string? HealthCheckId { get; init; }

    public GeoProximityLocation? GeoProximityLocation { get; init; }
}

/// <summary>A change action; the wire text is the upper-case name.</summary>
internal enum ChangeAction
{
    Delete,
    Upsert,
    Create,
}

/// <summary>One change of a ChangeResourceRecordSets batch.</summary>
internal sealed record RecordSetChange(ChangeAction Action, ResourceRecordSet RecordSet);

/// <summary>The status of a submitted change.</summary>
internal sealed record ChangeInfo(string Id, string Status)
{
    public bool IsInSync => string.Equals(Status, "INSYNC", StringComparison.Ordinal);
}
