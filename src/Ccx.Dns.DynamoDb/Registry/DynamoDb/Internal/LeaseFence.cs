using Amazon.DynamoDBv2.Model;
using Ccx.Dns.Coordination.DynamoDb;
using Ccx.Dns.Internal;
using Ccx.Dns.Providers;

namespace Ccx.Dns.Registry.DynamoDb.Internal;

/// <summary>
/// The condition that fences the registry's ownership writes: a PartiQL <c>EXISTS</c> on the lease item naming this
/// instance with the fencing token of its current grant, run in the same transaction as the writes.
/// </summary>
internal sealed class LeaseFence
{
    private readonly DynamoDbLeaderLease _lease;
    private readonly string _statement;

    public LeaseFence(DynamoDbLeaderLease lease)
    {
        _lease = lease;

        // The table name is validated by the lease's options (letters, digits, '_', '-', '.'); every value is a parameter.
        _statement = $"EXISTS(SELECT * FROM \"{lease.TableName}\" WHERE \"{DynamoDbTables.KeyAttribute}\"=? AND \"{DynamoDbLeaderLease.HolderAttribute}\"=? AND \"{DynamoDbLeaderLease.TokenAttribute}\"=?)";
    }

    /// <summary>Whether this instance holds a grant now (on its own clock).</summary>
    public bool IsHeld => _lease.FencingToken != 0;

    /// <summary>The fencing token of the grant this instance holds now (on its own clock); 0 when it holds none.</summary>
    public long Token => _lease.FencingToken;

    /// <summary>The lease table (for error messages).</summary>
    public string TableName => _lease.TableName;

    /// <summary>The condition statement for the grant held now.</summary>
    /// <exception cref="DnsProviderException">This instance does not hold the lease (any more): nothing may be written.</exception>
    public (ParameterizedStatement Statement, long Token) Condition()
    {
        var token = _lease.FencingToken;
        if (token == 0)
        {
            throw NotHeld("no ownership item was written");
        }

        return (new ParameterizedStatement
        {
            Statement = _statement,
            Parameters = [new AttributeValue(_lease.ItemKey), new AttributeValue(_lease.HolderId), new AttributeValue { N = token.ToString(System.Globalization.CultureInfo.InvariantCulture) }],
        }, token);
    }

    /// <summary>The failure when this instance's grant ran out locally.</summary>
    public DnsProviderException NotHeld(string consequence) => new(
        $"the leader lease \"{_lease.LeaseName}\" is not held by this instance ('{_lease.HolderId}') any more; {consequence}",
        isTransient: true);

    /// <summary>The failure when DynamoDB refused the condition: another instance holds the lease now.</summary>
    public DnsProviderException Lost(long token, Exception cause) => new(
        $"the leader lease \"{_lease.LeaseName}\" was lost: the lease item \"{_lease.ItemKey}\" in DynamoDB table \"{_lease.TableName}\" "
        + $"no longer names holder '{_lease.HolderId}' with fencing token {token}, so DynamoDB refused the ownership writes and none of them was written",
        isTransient: true,
        cause);
}
