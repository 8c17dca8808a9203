using System.Globalization;

namespace Ccx.Dns.DynamoDb;

/// <summary>Options of the <see cref="DynamoDbLeaderLease"/>.</summary>
/// <remarks>
/// The lease lives in a table with ExternalDNS's schema (hash key <c>k</c>, string), by default the registry's own
/// table, as the item <c>k = "#lease#" + LeaseName</c>. Record items are keyed <c>name#TYPE#setIdentifier</c> with a
/// non-empty name, so the lease key (empty name) can never collide with one; the lease item has no <c>o</c>
/// attribute, so the owner-filtered scans of this library and of ExternalDNS never see it.
/// </remarks>
public sealed class DynamoDbLeaderLeaseOptions
{
    /// <summary>The table holding the lease item. <value>The default is <c>external-dns</c> (the registry's default table).</value></summary>
    public string TableName { get; set; } = "external-dns";

    /// <summary>
    /// The lease's name: instances with the same name compete for one lease. Use one name per set of replicas that
    /// must not apply at the same time (typically one per owner id).
    /// <value>The default is <c>ccx-dns</c>.</value>
    /// </summary>
    public string LeaseName { get; set; } = "ccx-dns";

    /// <summary>
    /// This instance's identity in the lease item. Must be unique among the competing instances.
    /// <value>The default is the machine name, the process id and a random GUID.</value>
    /// </summary>
    public string HolderId { get; set; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>
    /// How long a grant lasts, measured by each instance on its own clock: the holder acts on it until
    /// <c>Duration - SafetyMargin</c> after it <i>sent</i> the write that took or renewed it, and a standby takes the
    /// lease over only after it has itself seen the lease item unchanged for a full <c>Duration</c>. A crashed leader is
    /// therefore replaced between one and two durations after its last renewal (one duration plus the standby's renew
    /// pace). Wall-clock offsets between the instances play no part (see docs/lease-and-fencing.md).
    /// <value>The default is 15 seconds.</value>
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How much sooner than <see cref="Duration"/> the holder stops acting on a grant: it absorbs the difference in
    /// clock <i>rate</i> between the holder and a standby (a margin <c>m</c> tolerates rates that differ by up to about
    /// <c>m / (2 × Duration)</c>) and adds to the time an apply may overrun (see the reconciler's
    /// <c>LeaseApplyMargin</c>). Must be zero or more and shorter than <c>Duration - RenewInterval</c>.
    /// <value>The default is 2 seconds.</value>
    /// </summary>
    public TimeSpan SafetyMargin { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The least time between two renewals written by the holder: a call to
    /// <see cref="DynamoDbLeaderLease.TryAcquireOrRenewAsync"/> sooner after the last renewal answers from memory
    /// (the lease then has at least <c>Duration - SafetyMargin - RenewInterval</c> left). Must be shorter than
    /// <see cref="Duration"/>; keep the reconciler's <c>LeaseRenewInterval</c> (how often the hosted service renews,
    /// and how often a standby looks at the lease item) at or above it.
    /// <value>The default is 5 seconds.</value>
    /// </summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The AWS region, as for the registry. <value>The default is <see langword="null"/> (the SDK's default chain).</value></summary>
    public string? Region { get; set; }

    /// <summary>An endpoint URL such as DynamoDB Local's. <value>The default is <see langword="null"/>.</value></summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Whether a missing table is created (hash key <c>k</c>, on-demand billing). <value>The default is <see langword="false"/>.</value></summary>
    public bool CreateTableIfMissing { get; set; }
}
