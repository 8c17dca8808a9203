namespace Ccx.Dns.Registry.DynamoDb;

/// <summary>
/// Options of the <see cref="DynamoDbRegistry"/>, named after ExternalDNS's flags (<c>--dynamodb-table</c>,
/// <c>--dynamodb-region</c>, <c>--txt-owner-id</c>, <c>--txt-cache-interval</c>, <c>--migrate-from-txt-owner</c> and,
/// for migration from TXT ownership, <c>--txt-prefix</c>, <c>--txt-suffix</c>, <c>--txt-wildcard-replacement</c>,
/// <c>--txt-encrypt-aes-key</c>).
/// </summary>
/// <remarks>
/// Credentials come from the AWS SDK's default chain (environment, profile, container or instance role), or from an
/// <c>Amazon.DynamoDBv2.IAmazonDynamoDB</c> registered in the service collection, which is then used as is and
/// <see cref="Region"/> and <see cref="ServiceUrl"/> are ignored.
/// </remarks>
public sealed class DynamoDbRegistryOptions
{
    /// <summary>
    /// The ownership table: hash key <c>k</c> (string), no range key; shareable with ExternalDNS.
    /// <value>The default is <c>external-dns</c>, as in ExternalDNS.</value>
    /// </summary>
    public string TableName { get; set; } = "external-dns";

    /// <summary>
    /// The AWS region of the table, for example <c>eu-west-1</c>.
    /// <value>The default is <see langword="null"/>: the SDK's default region chain (<c>AWS_REGION</c>, profile).</value>
    /// </summary>
    public string? Region { get; set; }

    /// <summary>
    /// An endpoint URL replacing the regional endpoint, for example <c>http://127.0.0.1:8000</c> for DynamoDB Local.
    /// <value>The default is <see langword="null"/> (the regional endpoint).</value>
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>
    /// The owner id written into the table's <c>o</c> attribute and required to update or delete a record.
    /// <value>The default is <c>default</c>, as in ExternalDNS.</value>
    /// </summary>
    public string OwnerId { get; set; } = "default";

    /// <summary>
    /// A previous owner id (ExternalDNS <c>--migrate-from-txt-owner</c>): its items are read as owned by
    /// <see cref="OwnerId"/> and handed over (their <c>o</c> rewritten) by the next reconcile, which updates every such
    /// record; its TXT ownership is migrated likewise. The one setting a migration needs; remove it afterwards.
    /// <value>The default is <see langword="null"/> (no owner migration).</value>
    /// </summary>
    public string? OldOwnerId { get; set; }

    /// <summary>
    /// How long the registry serves its view of the provider's records and of the table without reading either
    /// again; successful applies patch the view, a failed one drops it. Zero reads both on every call. With several
    /// replicas behind a leader lease keep it short: a new leader sees the old leader's last writes only after it.
    /// <value>The default is zero (read every time).</value>
    /// </summary>
    public TimeSpan CacheInterval { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Whether a missing table is created (hash key <c>k</c> string, on-demand billing). Otherwise a missing table
    /// is an error naming it.
    /// <value>The default is <see langword="false"/>.</value>
    /// </summary>
    public bool CreateTableIfMissing { get; set; }

    /// <summary>The TXT prefix of ExternalDNS TXT ownership records to migrate from. <value>The default is empty.</value></summary>
    public string TxtPrefix { get; set; } = string.Empty;

    /// <summary>The TXT suffix of ExternalDNS TXT ownership records to migrate from. <value>The default is empty.</value></summary>
    public string TxtSuffix { get; set; } = string.Empty;

    /// <summary>The wildcard replacement of ExternalDNS TXT ownership records to migrate from. <value>The default is empty.</value></summary>
    public string TxtWildcardReplacement { get; set; } = string.Empty;

    /// <summary>
    /// The AES-256 key of encrypted TXT ownership records to migrate from (32 characters, or base64 of 32 bytes). A
    /// secret: never logged.
    /// <value>The default is <see langword="null"/> (plain text ownership only).</value>
    /// </summary>
    public string? TxtEncryptionAesKey { get; set; }
}
