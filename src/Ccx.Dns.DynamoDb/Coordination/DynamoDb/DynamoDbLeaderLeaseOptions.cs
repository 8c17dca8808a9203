using System.Globalization;

namespace Ccx.Dns.Coordination.DynamoDb;

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
    /// How long a lease stays valid after it was taken or renewed; a stopped leader is replaced within this time.
    /// The instances' clocks must agree to well within <c>Duration - RenewInterval</c>.
    /// <value>The default is 15 seconds.</value>
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The least time between two renewals written by the holder: a call to
    /// <see cref="DynamoDbLeaderLease.TryAcquireOrRenewAsync"/> sooner after the last renewal answers from memory
    /// (the lease then has at least <c>Duration - RenewInterval</c> left). Must be shorter than
    /// <see cref="Duration"/>; keep the reconciler's <c>LeaseRenewInterval</c> (how often the hosted service renews)
    /// at or above it.
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
