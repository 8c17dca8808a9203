using Ccx.Dns.Sources.Datastore;

namespace Ccx.Dns.Patroni;

/// <summary>What the last read of a datastore's Patroni cluster found.</summary>
public enum PatroniClusterCondition
{
    /// <summary>The datastore has not been read yet.</summary>
    NotRead,

    /// <summary>A leader (or a standby leader) was found and reached; what the cluster looks like is published.</summary>
    Published,

    /// <summary>
    /// Members answered, but none is the leader (Patroni is between leaders); the last published state is kept (with
    /// <see cref="PatroniSourceOptions.WithdrawPrimaryWithoutLeader"/>, the primary record is withdrawn instead).
    /// </summary>
    NoLeader,

    /// <summary>Patroni names a leader, but its REST API did not answer this read (or Patroni reports no host for it); the last published state is kept.</summary>
    LeaderUnreachable,

    /// <summary>No member gave a usable <c>/cluster</c> answer (unreachable, timed out, an HTTP error, malformed); the last published state is kept.</summary>
    NoReachableMember,

    /// <summary>Members named different leaders in the same read; the last published state is kept until they agree.</summary>
    ConflictingLeaders,
}

/// <summary>The state of one datastore as the <see cref="PatroniSource"/> last saw it.</summary>
/// <param name="DatastoreId">The datastore's id.</param>
/// <param name="Condition">What the last read found.</param>
/// <param name="Detail">A sentence saying what was found (the leader, or why nothing was published).</param>
public sealed record PatroniDatastoreStatus(Guid DatastoreId, PatroniClusterCondition Condition, string Detail)
{
    /// <summary>The member name of the leader (or standby leader) the published state follows; <see langword="null"/> before one was found.</summary>
    public string? Leader { get; init; }

    /// <summary>
    /// The cluster as published now — the last published state while <see cref="IsHolding"/> — or
    /// <see langword="null"/> when nothing is published for the datastore.
    /// </summary>
    public DatastoreCluster? Published { get; init; }

    /// <summary>Whether <see cref="Published"/> was taken from the records in DNS at start, because the cluster could not be read then.</summary>
    public bool PublishedFromDns { get; init; }

    /// <summary>When the last read finished.</summary>
    public DateTimeOffset? LastReadAt { get; init; }

    /// <summary>When a read last published the cluster's state (whether or not it changed anything).</summary>
    public DateTimeOffset? LastPublishedAt { get; init; }

    /// <summary>Since when the datastore has been keeping its last published state (the first read that could not publish); <see langword="null"/> while reads publish.</summary>
    public DateTimeOffset? HoldingSince { get; init; }

    /// <summary>Whether the datastore is keeping its last published state because the last read could not publish.</summary>
    public bool IsHolding => HoldingSince is not null;
}
