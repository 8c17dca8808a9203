namespace Ccx.Dns.Sources.Datastore;

/// <summary>The role of a datastore node.</summary>
public enum DatastoreNodeRole
{
    /// <summary>The node that takes writes; <c>&lt;uuid&gt;.&lt;domain&gt;</c> points at it.</summary>
    Primary,

    /// <summary>A read replica; <c>replica.&lt;uuid&gt;.&lt;domain&gt;</c> points at the replicas.</summary>
    Replica,
}

/// <summary>A node of a datastore cluster.</summary>
/// <param name="Address">Where clients reach the node: an IPv4 or IPv6 address, or a host name.</param>
/// <param name="Role">The node's role.</param>
public sealed record DatastoreNode(string Address, DatastoreNodeRole Role);

/// <summary>A datastore cluster: its id, the domain its names live under, and its nodes.</summary>
/// <param name="Id">The cluster's UUID; the first label of its names.</param>
/// <param name="UserDomain">The domain the cluster's names are published under, for example <c>db.example.org</c>.</param>
/// <param name="Nodes">The nodes; at most one is <see cref="DatastoreNodeRole.Primary"/>.</param>
public sealed record DatastoreCluster(Guid Id, string UserDomain, IReadOnlyList<DatastoreNode> Nodes)
{
    /// <summary>The primary node, or <see langword="null"/> when the cluster has none (for example mid-failover).</summary>
    public DatastoreNode? Primary => Nodes.FirstOrDefault(n => n.Role == DatastoreNodeRole.Primary);

    /// <summary>Returns a copy in which the node at <paramref name="address"/> is the primary and the former primary a replica.</summary>
    /// <param name="address">The address of the node to promote (compared case-insensitively).</param>
    /// <returns>The copy.</returns>
    /// <exception cref="ArgumentException">No node has that address.</exception>
    public DatastoreCluster Promote(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!Nodes.Any(n => string.Equals(n.Address, address, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"cluster {Id} has no node at '{address}'", nameof(address));
        }

        return this with
        {
            Nodes = [.. Nodes.Select(n => n with
            {
                Role = string.Equals(n.Address, address, StringComparison.OrdinalIgnoreCase) ? DatastoreNodeRole.Primary : DatastoreNodeRole.Replica,
            })],
        };
    }
}
