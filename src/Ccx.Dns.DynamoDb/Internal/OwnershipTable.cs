using System.Diagnostics.CodeAnalysis;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.DynamoDb.Internal;

/// <summary>
/// The ownership table's I/O: the schema check, the owner-filtered scan, and parameterised PartiQL statements run in
/// BatchExecuteStatement calls of at most <see cref="MaxBatchSize"/> with distinct keys — or, with a
/// <see cref="LeaseFence"/>, in ExecuteTransaction calls of as many statements plus the lease condition. Not
/// thread-safe (the registry serialises calls).
/// </summary>
internal sealed class OwnershipTable
{
    /// <summary>The most statements DynamoDB accepts in one BatchExecuteStatement call.</summary>
    public const int MaxBatchSize = 25;

    public const string OwnerAttribute = "o";
    public const string LabelsAttribute = "l";

    private readonly IAmazonDynamoDB _client;
    private readonly bool _createIfMissing;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _updateOwner;
    private readonly string _delete;
    private readonly LeaseFence? _fence;
    private bool _ready;

    public OwnershipTable(IAmazonDynamoDB client, string tableName, bool createIfMissing, TimeProvider timeProvider, ILogger logger, LeaseFence? fence = null)
    {
        _client = client;
        _fence = fence;
        Name = tableName;
        _createIfMissing = createIfMissing;
        _timeProvider = timeProvider;
        _logger = logger;

        // The table name is validated (letters, digits, '_', '-', '.'), so quoting it is enough; every value is a parameter.
        _insert = $"INSERT INTO \"{tableName}\" VALUE {{'k': ?, 'o': ?, 'l': ?}}";
        _update = $"UPDATE \"{tableName}\" SET \"l\"=? WHERE \"k\"=? AND \"o\"=?";
        _updateOwner = $"UPDATE \"{tableName}\" SET \"l\"=? SET \"o\"=? WHERE \"k\"=? AND \"o\"=?";
        _delete = $"DELETE FROM \"{tableName}\" WHERE \"k\"=? AND \"o\"=?";
    }

    public string Name { get; }

    /// <summary>Checks the table once (and creates it when missing and allowed); again after it was found missing.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await DynamoDbTables.EnsureAsync(_client, Name, _createIfMissing, _timeProvider, _logger, cancellationToken).ConfigureAwait(false);
        _ready = true;
    }

    /// <summary>Scans the items of the given owners (consistent read, every page).</summary>
    public async Task<(Dictionary<EndpointKey, OwnershipItem> Items, int Pages)> ScanAsync(string ownerId, string oldOwnerId, CancellationToken cancellationToken)
    {
        var request = new ScanRequest
        {
            TableName = Name,
            ConsistentRead = true,
            ProjectionExpression = "#k, #o, #l",
            ExpressionAttributeNames = new Dictionary<string, string>
            {
                ["#k"] = DynamoDbTables.KeyAttribute,
                ["#o"] = OwnerAttribute,
                ["#l"] = LabelsAttribute,
            },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":owner"] = new(ownerId) },
            FilterExpression = "#o = :owner",
        };
        if (oldOwnerId.Length > 0)
        {
            request.ExpressionAttributeValues[":old"] = new AttributeValue(oldOwnerId);
            request.FilterExpression = "#o IN (:owner, :old)";
        }

        var items = new Dictionary<EndpointKey, OwnershipItem>();
        var pages = 0;
        do
        {
            ScanResponse response;
            try
            {
                response = await _client.ScanAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _ready &= !DynamoDbErrors.IsTableMissing(ex);
                throw DynamoDbErrors.Wrap($"scanning DynamoDB table \"{Name}\"", ex);
            }

            pages++;
            foreach (var item in response.Items ?? [])
            {
                if (TryReadItem(item, out var key, out var parsed))
                {
                    items[key] = parsed;
                }
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);

        return (items, pages);
    }

    /// <summary>Reads who holds a key (consistent read): a duplicate INSERT does not say.</summary>
    public async Task<(bool Exists, string? Holder)> ReadHolderAsync(string keyText, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetItemAsync(
                new GetItemRequest
                {
                    TableName = Name,
                    Key = new Dictionary<string, AttributeValue> { [DynamoDbTables.KeyAttribute] = new(keyText) },
                    ConsistentRead = true,
                },
                cancellationToken).ConfigureAwait(false);
            return response.Item is { Count: > 0 } item
                ? (true, item.TryGetValue(OwnerAttribute, out var o) ? o.S : null)
                : (false, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw DynamoDbErrors.Wrap($"reading dynamodb record \"{keyText}\"", ex);
        }
    }

    /// <summary><c>INSERT</c>: fails with <c>DuplicateItem</c> when any owner holds the key.</summary>
    public OwnershipStatement Insert(string keyText, string owner, IReadOnlyDictionary<string, string> labels) =>
        new(keyText, "INSERT", _insert, [new(keyText), new(owner), Map(labels)]);

    /// <summary>
    /// <c>UPDATE</c> of the labels (and of the owner when it changes), conditioned on the stored owner: fails with
    /// <c>ConditionalCheckFailed</c> when the item is gone or another owner's.
    /// </summary>
    public OwnershipStatement Update(string keyText, string expectedOwner, string owner, IReadOnlyDictionary<string, string> labels) =>
        string.Equals(expectedOwner, owner, StringComparison.Ordinal)
            ? new(keyText, "UPDATE", _update, [Map(labels), new(keyText), new(owner)])
            : new(keyText, "UPDATE", _updateOwner, [Map(labels), new(owner), new(keyText), new(expectedOwner)]);

    /// <summary><c>DELETE</c> conditioned on the owner (a missing key succeeds).</summary>
    public OwnershipStatement Delete(string keyText, string owner) =>
        new(keyText, "DELETE", _delete, [new(keyText), new(owner)]);

    /// <summary>
    /// Executes statements in BatchExecuteStatement calls of at most <see cref="MaxBatchSize"/>, never with the same
    /// key twice in one call (DynamoDB rejects that); returns one response per statement, in order.
    /// </summary>
    /// <exception cref="DnsProviderException">A call failed, or the table is missing, or (fenced) the lease is lost.</exception>
    public async Task<IReadOnlyList<BatchStatementResponse>> ExecuteAsync(IReadOnlyList<OwnershipStatement> statements, CancellationToken cancellationToken)
    {
        if (_fence is not null)
        {
            return await ExecuteFencedAsync(statements, _fence, cancellationToken).ConfigureAwait(false);
        }

        var responses = new BatchStatementResponse[statements.Count];
        foreach (var batch in Chunk(statements))
        {
            var request = new BatchExecuteStatementRequest
            {
                Statements = [.. batch.Select(i => new BatchStatementRequest
                {
                    Statement = statements[i].Text,
                    Parameters = statements[i].Parameters,
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                })],
            };
            BatchExecuteStatementResponse response;
            try
            {
                response = await _client.BatchExecuteStatementAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _ready &= !DynamoDbErrors.IsTableMissing(ex);
                throw DynamoDbErrors.Wrap($"executing {batch.Count} statements on DynamoDB table \"{Name}\"", ex);
            }

            var results = response.Responses ?? [];
            if (results.Count != batch.Count)
            {
                throw new DnsProviderException($"DynamoDB answered {results.Count} responses to {batch.Count} statements", isTransient: true);
            }

            for (var j = 0; j < batch.Count; j++)
            {
                var result = results[j];
                if (result.Error is { } error && error.Code == BatchStatementErrorCodeEnum.ResourceNotFound)
                {
                    _ready = false;
                    throw new DnsProviderException(
                        $"DynamoDB table \"{Name}\" does not exist (a statement on {statements[batch[j]].KeyText} failed: {error.Message})",
                        isTransient: false);
                }

                responses[batch[j]] = result;
            }
        }

        return responses;
    }

    /// <summary>
    /// Executes statements like <see cref="ExecuteAsync"/>, each batch as one transaction with the lease condition:
    /// either every statement of the transaction is written while the lease item names this holder with its token, or
    /// none is. A statement DynamoDB refuses on its own (duplicate key, failed owner condition) gets that error as its
    /// response and the rest of its transaction is run again without it, so the results read as BatchExecuteStatement's.
    /// </summary>
    /// <exception cref="DnsProviderException">The lease is not held or was lost (nothing of the transaction written), a call failed, or the table is missing.</exception>
    private async Task<IReadOnlyList<BatchStatementResponse>> ExecuteFencedAsync(IReadOnlyList<OwnershipStatement> statements, LeaseFence fence, CancellationToken cancellationToken)
    {
        var responses = new BatchStatementResponse[statements.Count];
        foreach (var batch in Chunk(statements))
        {
            var pending = batch;
            while (pending.Count > 0)
            {
                var (condition, token) = fence.Condition();
                var request = new ExecuteTransactionRequest
                {
                    TransactStatements = [.. pending.Select(i => new ParameterizedStatement
                    {
                        Statement = statements[i].Text,
                        Parameters = statements[i].Parameters,
                        ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                    }), condition],
                };
                try
                {
                    await _client.ExecuteTransactionAsync(request, cancellationToken).ConfigureAwait(false);
                    foreach (var i in pending)
                    {
                        responses[i] = new BatchStatementResponse();
                    }

                    break;
                }
                catch (TransactionCanceledException ex)
                {
                    pending = Refused(statements, pending, ex, fence, token, responses);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    _ready &= !DynamoDbErrors.IsTableMissing(ex);
                    throw DynamoDbErrors.Wrap($"executing {pending.Count} statements in a transaction on DynamoDB table \"{Name}\" fenced by the lease in table \"{fence.TableName}\"", ex);
                }
            }
        }

        return responses;
    }

    /// <summary>Records the statements DynamoDB refused in a cancelled transaction; returns the others, to run again.</summary>
    private List<int> Refused(IReadOnlyList<OwnershipStatement> statements, List<int> pending, TransactionCanceledException ex, LeaseFence fence, long token, BatchStatementResponse[] responses)
    {
        var reasons = ex.CancellationReasons ?? [];
        if (reasons.Count != pending.Count + 1)
        {
            throw new DnsProviderException($"DynamoDB cancelled a transaction on table \"{Name}\" without a reason per statement: {ex.Message}", isTransient: true, ex);
        }

        var leaseReason = reasons[^1];
        if (!IsNone(leaseReason))
        {
            if (leaseReason.Code == "ConditionalCheckFailed")
            {
                throw fence.Lost(token, ex);
            }

            throw new DnsProviderException(
                $"DynamoDB cancelled a transaction on table \"{Name}\" at the lease condition ({leaseReason.Code}: {leaseReason.Message}); nothing of it was written",
                DynamoDbErrors.IsTransient(BatchStatementErrorCodeEnum.FindValue(leaseReason.Code)),
                ex);
        }

        var again = new List<int>(pending.Count);
        for (var j = 0; j < pending.Count; j++)
        {
            var reason = reasons[j];
            if (IsNone(reason))
            {
                again.Add(pending[j]);
                continue;
            }

            responses[pending[j]] = new BatchStatementResponse
            {
                Error = new BatchStatementError { Code = ErrorCode(statements[pending[j]], reason), Message = reason.Message, Item = reason.Item },
            };
        }

        if (again.Count == pending.Count)
        {
            throw new DnsProviderException($"DynamoDB cancelled a transaction on table \"{Name}\" without naming a statement: {ex.Message}", isTransient: true, ex);
        }

        return again;
    }

    private static bool IsNone(CancellationReason reason) => reason.Code is null or "None";

    /// <summary>
    /// The BatchExecuteStatement error code of a statement refused in a transaction. An INSERT of an existing key is
    /// <c>DuplicateItem</c> in BatchExecuteStatement; in a transaction DynamoDB Local reports it as a
    /// <c>ValidationError</c> "Duplicate primary key exists in table", which is mapped back.
    /// </summary>
    private static BatchStatementErrorCodeEnum ErrorCode(OwnershipStatement statement, CancellationReason reason) =>
        statement.Operation == "INSERT"
        && (reason.Code == "DuplicateItem" || (reason.Code == "ValidationError" && reason.Message?.Contains("Duplicate primary key", StringComparison.OrdinalIgnoreCase) == true))
            ? BatchStatementErrorCodeEnum.DuplicateItem
            : BatchStatementErrorCodeEnum.FindValue(reason.Code);

    /// <summary>Groups statement indexes into batches of at most 25 with distinct keys, in order.</summary>
    internal static List<List<int>> Chunk(IReadOnlyList<OwnershipStatement> statements)
    {
        var batches = new List<(List<int> Indexes, HashSet<string> Keys)>();
        var firstOpen = 0;
        for (var i = 0; i < statements.Count; i++)
        {
            var placed = false;
            for (var b = firstOpen; b < batches.Count && !placed; b++)
            {
                var (indexes, keys) = batches[b];
                if (indexes.Count < MaxBatchSize && keys.Add(statements[i].KeyText))
                {
                    indexes.Add(i);
                    placed = true;
                }
            }

            if (!placed)
            {
                batches.Add(([i], [statements[i].KeyText]));
            }

            while (firstOpen < batches.Count && batches[firstOpen].Indexes.Count == MaxBatchSize)
            {
                firstOpen++;
            }
        }

        return [.. batches.Select(b => b.Indexes)];
    }

    private static AttributeValue Map(IReadOnlyDictionary<string, string> labels) =>
        new() { M = labels.ToDictionary(l => l.Key, l => new AttributeValue(l.Value)) };

    private static bool TryReadItem(Dictionary<string, AttributeValue> item, out EndpointKey key, [NotNullWhen(true)] out OwnershipItem? parsed)
    {
        key = default;
        parsed = null;
        if (!item.TryGetValue(DynamoDbTables.KeyAttribute, out var k) || k.S is null
            || !item.TryGetValue(OwnerAttribute, out var o) || o.S is null
            || !OwnershipItem.TryParseKey(k.S, out var parsedKey))
        {
            return false;
        }

        var labels = new LabelMap.Builder();
        if (item.TryGetValue(LabelsAttribute, out var l) && l.M is not null)
        {
            foreach (var (name, value) in l.M)
            {
                if (value.S is not null && !string.Equals(name, EndpointLabels.OwnerKey, StringComparison.Ordinal))
                {
                    labels.Add(name, value.S);
                }
            }
        }

        key = parsedKey.Value;
        parsed = new OwnershipItem(k.S, o.S, labels.ToMap());
        return true;
    }
}

/// <summary>One parameterised PartiQL statement on one key.</summary>
/// <param name="KeyText">The item key it writes.</param>
/// <param name="Operation">INSERT, UPDATE or DELETE (for logs).</param>
/// <param name="Text">The statement with <c>?</c> placeholders.</param>
/// <param name="Parameters">The values, in placeholder order.</param>
internal sealed record OwnershipStatement(string KeyText, string Operation, string Text, List<AttributeValue> Parameters);
