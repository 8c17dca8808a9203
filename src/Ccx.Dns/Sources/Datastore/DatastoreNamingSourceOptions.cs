namespace Ccx.Dns.Sources.Datastore;

/// <summary>Options of the <see cref="DatastoreNamingSource"/>.</summary>
public sealed class DatastoreNamingSourceOptions
{
    /// <summary>
    /// The TTL of the published records. Low, so resolvers follow a failover quickly.
    /// <value>The default is 30 seconds.</value>
    /// </summary>
    public TimeSpan RecordTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The first label of the replica name (<c>&lt;label&gt;.&lt;uuid&gt;.&lt;domain&gt;</c>): one DNS label, not a UUID.
    /// <value>The default is <c>replica</c>.</value>
    /// </summary>
    public string ReplicaLabel { get; set; } = "replica";
}
