using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ccx.Dns.Providers;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Internal;

using Log = Ccx.Dns.DynamoDb.Log;

/// <summary>
/// Checks (and optionally creates) a table with ExternalDNS's schema: hash key <c>k</c> of type string and no range
/// key. The error texts are ExternalDNS's.
/// </summary>
internal static class DynamoDbTables
{
    public const string KeyAttribute = "k";

    /// <summary>Describes the table, creates it when missing and allowed, and validates its key schema.</summary>
    /// <exception cref="DnsProviderException">The table is missing, has another schema, or DynamoDB failed.</exception>
    public static async Task EnsureAsync(IAmazonDynamoDB client, string tableName, bool createIfMissing, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        TableDescription table;
        try
        {
            table = (await client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken).ConfigureAwait(false)).Table;
        }
        catch (ResourceNotFoundException) when (createIfMissing)
        {
            table = await CreateAsync(client, tableName, timeProvider, cancellationToken).ConfigureAwait(false);
            Log.TableCreated(logger, tableName);
        }
        catch (ResourceNotFoundException ex)
        {
            throw new DnsProviderException(
                $"DynamoDB table \"{tableName}\" does not exist; create it with hash key \"{KeyAttribute}\" of type \"S\" and no range key, or enable CreateTableIfMissing",
                isTransient: false,
                ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw DynamoDbErrors.Wrap($"describing DynamoDB table \"{tableName}\"", ex);
        }

        if (Validate(tableName, table) is { } error)
        {
            throw new DnsProviderException(error, isTransient: false);
        }
    }

    /// <summary>ExternalDNS's schema checks, in its order and words.</summary>
    /// <returns>The error, or <see langword="null"/> when the schema fits.</returns>
    public static string? Validate(string tableName, TableDescription table)
    {
        var definition = table.AttributeDefinitions?.FirstOrDefault(a => a.AttributeName == KeyAttribute);
        if (definition is null)
        {
            return $"table \"{tableName}\" must have attribute \"{KeyAttribute}\" of type \"S\"";
        }

        if (definition.AttributeType != ScalarAttributeType.S)
        {
            return $"table \"{tableName}\" attribute \"{KeyAttribute}\" must have type \"S\"";
        }

        var hash = table.KeySchema?.FirstOrDefault(k => k.KeyType == KeyType.HASH);
        if (hash is null || hash.AttributeName != KeyAttribute)
        {
            return $"table \"{tableName}\" must have hash key \"{KeyAttribute}\"";
        }

        if (table.KeySchema!.Any(k => k.KeyType == KeyType.RANGE))
        {
            return $"table \"{tableName}\" must not have a range key";
        }

        return null;
    }

    private static async Task<TableDescription> CreateAsync(IAmazonDynamoDB client, string tableName, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        TableDescription table;
        try
        {
            var created = await client.CreateTableAsync(
                new CreateTableRequest
                {
                    TableName = tableName,
                    AttributeDefinitions = [new AttributeDefinition(KeyAttribute, ScalarAttributeType.S)],
                    KeySchema = [new KeySchemaElement(KeyAttribute, KeyType.HASH)],
                    BillingMode = BillingMode.PAY_PER_REQUEST,
                },
                cancellationToken).ConfigureAwait(false);
            table = created.TableDescription;
        }
        catch (ResourceInUseException)
        {
            // Created meanwhile by another replica.
            table = (await client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken).ConfigureAwait(false)).Table;
        }
        catch (AmazonDynamoDBException ex)
        {
            throw DynamoDbErrors.Wrap($"creating DynamoDB table \"{tableName}\"", ex);
        }

        // Real DynamoDB creates tables asynchronously; DynamoDB Local answers ACTIVE at once.
        for (var attempt = 0; table.TableStatus != TableStatus.ACTIVE; attempt++)
        {
            if (attempt >= 120)
            {
                throw new DnsProviderException($"DynamoDB table \"{tableName}\" is still {table.TableStatus} after creation", isTransient: true);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), timeProvider, cancellationToken).ConfigureAwait(false);
            table = (await client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken).ConfigureAwait(false)).Table;
        }

        return table;
    }
}
