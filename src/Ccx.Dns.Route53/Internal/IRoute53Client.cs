namespace Ccx.Dns.Route53.Internal;

/// <summary>
/// The Route 53 operations the provider uses. Kept small so that another transport (for example the official
/// AWS SDK) can be plugged in. Failures are <see cref="Route53ApiException"/>s.
/// </summary>
internal interface IRoute53Client
{
    /// <summary>ListHostedZones: one page (at most 100 zones).</summary>
    Task<HostedZonePage> ListHostedZonesAsync(string? marker, CancellationToken cancellationToken = default);

    /// <summary>ListTagsForResources for hosted zones: 1 to 10 bare ids per call.</summary>
    Task<IReadOnlyList<HostedZoneTags>> ListTagsForHostedZonesAsync(IReadOnlyList<string> zoneIds, CancellationToken cancellationToken = default);

    /// <summary>ListResourceRecordSets: one page (at most 300 record sets) from the cursor, or from the start.</summary>
    Task<RecordSetPage> ListResourceRecordSetsAsync(string zoneId, RecordSetCursor? start, CancellationToken cancellationToken = default);

    /// <summary>ChangeResourceRecordSets: one atomic batch.</summary>
    Task<ChangeInfo> ChangeResourceRecordSetsAsync(string zoneId, IReadOnlyList<RecordSetChange> changes, CancellationToken cancellationToken = default);

    /// <summary>GetChange.</summary>
    Task<ChangeInfo> GetChangeAsync(string changeId, CancellationToken cancellationToken = default);
}
