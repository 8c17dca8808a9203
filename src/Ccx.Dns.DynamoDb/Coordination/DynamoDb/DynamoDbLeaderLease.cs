using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ccx.Dns.Internal;
using Ccx.Dns.Providers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Coordination.DynamoDb;

/// <summary>
/// A leader lease kept as one DynamoDB item (<c>k = "#lease#" + LeaseName</c>, <c>holder</c>, <c>expiresAt</c> in Unix
/// milliseconds), taken and renewed with a conditional PutItem: only when the item is absent, expired, or already
/// ours. The lease expires <see cref="DynamoDbLeaderLeaseOptions.Duration"/> after the last renewal, so a stopped
/// leader is replaced within one duration.
/// </summary>
/// <remarks>
/// All time comes from the injected <see cref="TimeProvider"/>: the expiry is data this class writes and compares, and
/// DynamoDB's own clock plays no part. <see cref="IsHeld"/> turns false at the local expiry even when no renewal was
/// attempted. A renewal within <see cref="DynamoDbLeaderLeaseOptions.RenewInterval"/> of the last one is answered from
/// memory. Calls are serialised. Disposing asynchronously (as the generic host does on shutdown) releases a held lease,
/// so that a standby takes over at once after a graceful stop; after a crash it takes over when the lease expires.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore never creates a wait handle; the owned client is disposed in Dispose.")]
public sealed class DynamoDbLeaderLease : ILeaderLease, IDisposable, IAsyncDisposable
{
    /// <summary>The prefix of lease item keys; their name part is empty, which no record key has.</summary>
    public const string KeyPrefix = "#lease#";

    private const string HolderAttribute = "holder";
    private const string ExpiresAttribute = "expiresAt";

    private readonly IAmazonDynamoDB _client;
    private readonly bool _ownsClient;
    private readonly DynamoDbLeaderLeaseOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _key;
    private bool _tableReady;
    private bool _held;
    private long _expiresAtTicks;
    private DateTimeOffset _renewedAt;

    /// <summary>Creates a lease using a DynamoDB client it does not own.</summary>
    /// <param name="client">The DynamoDB client.</param>
    /// <param name="options">The options; validated with <see cref="DynamoDbLeaderLeaseOptionsValidator"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public DynamoDbLeaderLease(IAmazonDynamoDB client, DynamoDbLeaderLeaseOptions options, TimeProvider? timeProvider = null, ILogger<DynamoDbLeaderLease>? logger = null)
        : this(client, ownsClient: false, options, timeProvider, logger)
    {
    }

    /// <summary>Creates a lease with its own DynamoDB client (region and endpoint from the options, the SDK's default credentials).</summary>
    /// <param name="options">The options; validated with <see cref="DynamoDbLeaderLeaseOptionsValidator"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public DynamoDbLeaderLease(DynamoDbLeaderLeaseOptions options, TimeProvider? timeProvider = null, ILogger<DynamoDbLeaderLease>? logger = null)
        : this(CreateClient(options), ownsClient: true, options, timeProvider, logger)
    {
    }

    private DynamoDbLeaderLease(IAmazonDynamoDB client, bool ownsClient, DynamoDbLeaderLeaseOptions options, TimeProvider? timeProvider, ILogger<DynamoDbLeaderLease>? logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _client = client;
        _ownsClient = ownsClient;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<DynamoDbLeaderLease>.Instance;
        _key = KeyPrefix + options.LeaseName;
    }

    /// <summary>This instance's holder id.</summary>
    public string HolderId => _options.HolderId;

    /// <inheritdoc />
    public bool IsHeld => Volatile.Read(ref _held) && _timeProvider.GetUtcNow() < ExpiresAt;

    /// <summary>When the lease held by this instance expires unless renewed; meaningless while not held.</summary>
    public DateTimeOffset ExpiresAt => new(Volatile.Read(ref _expiresAtTicks), TimeSpan.Zero);

    /// <inheritdoc />
    public async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _timeProvider.GetUtcNow();
            if (_held && now < ExpiresAt && now - _renewedAt < _options.RenewInterval)
            {
                return true;
            }

            var wasHeld = _held && now < ExpiresAt;
            Volatile.Write(ref _held, false);
            if (!_tableReady)
            {
                await DynamoDbTables.EnsureAsync(_client, _options.TableName, _options.CreateTableIfMissing, _timeProvider, _logger, cancellationToken).ConfigureAwait(false);
                _tableReady = true;
            }

            var expiresAt = now + _options.Duration;
            try
            {
                await _client.PutItemAsync(
                    new PutItemRequest
                    {
                        TableName = _options.TableName,
                        Item = new Dictionary<string, AttributeValue>
                        {
                            [DynamoDbTables.KeyAttribute] = new(_key),
                            [HolderAttribute] = new(_options.HolderId),
                            [ExpiresAttribute] = new() { N = Milliseconds(expiresAt) },
                        },
                        ConditionExpression = "attribute_not_exists(#k) OR #e <= :now OR #h = :me",
                        ExpressionAttributeNames = new Dictionary<string, string>
                        {
                            ["#k"] = DynamoDbTables.KeyAttribute,
                            ["#e"] = ExpiresAttribute,
                            ["#h"] = HolderAttribute,
                        },
                        ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                        {
                            [":now"] = new() { N = Milliseconds(now) },
                            [":me"] = new(_options.HolderId),
                        },
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ConditionalCheckFailedException)
            {
                if (wasHeld)
                {
                    Log.LeaseLost(_logger, _options.LeaseName, _options.HolderId);
                }
                else
                {
                    Log.LeaseHeldElsewhere(_logger, _options.LeaseName);
                }

                return false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (DynamoDbErrors.IsTableMissing(ex))
                {
                    _tableReady = false;
                }

                throw DynamoDbErrors.Wrap($"renewing leader lease \"{_options.LeaseName}\" in DynamoDB table \"{_options.TableName}\"", ex);
            }

            Volatile.Write(ref _expiresAtTicks, expiresAt.UtcTicks);

            _renewedAt = now;
            Volatile.Write(ref _held, true);
            if (wasHeld)
            {
                Log.LeaseRenewed(_logger, _options.LeaseName, _options.HolderId, expiresAt);
            }
            else
            {
                Log.LeaseAcquired(_logger, _options.LeaseName, _options.HolderId, expiresAt);
            }

            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Gives the lease up at once (deletes the item when this instance holds it), so a standby takes over without waiting for the expiry.</summary>
    /// <param name="cancellationToken">Cancels the release.</param>
    /// <returns>A task that completes when the lease is released.</returns>
    /// <exception cref="DnsProviderException">DynamoDB failed; the lease then expires on its own.</exception>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Volatile.Write(ref _held, false);
            try
            {
                await _client.DeleteItemAsync(
                    new DeleteItemRequest
                    {
                        TableName = _options.TableName,
                        Key = new Dictionary<string, AttributeValue> { [DynamoDbTables.KeyAttribute] = new(_key) },
                        ConditionExpression = "#h = :me",
                        ExpressionAttributeNames = new Dictionary<string, string> { ["#h"] = HolderAttribute },
                        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":me"] = new(_options.HolderId) },
                    },
                    cancellationToken).ConfigureAwait(false);
                Log.LeaseReleased(_logger, _options.LeaseName, _options.HolderId);
            }
            catch (ConditionalCheckFailedException)
            {
                // Not ours (any more): nothing to release.
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw DynamoDbErrors.Wrap($"releasing leader lease \"{_options.LeaseName}\" in DynamoDB table \"{_options.TableName}\"", ex);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Disposes the DynamoDB client when the lease created it. The lease is not released (it expires).</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <summary>Releases the lease when held (best effort, at most 5 seconds), then disposes the client when the lease created it.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (IsHeld)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await ReleaseAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DnsProviderException or OperationCanceledException)
            {
                Log.LeaseReleaseFailed(_logger, _options.LeaseName, ex);
            }
        }

        Dispose();
    }

    private static string Milliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static void Validate(DynamoDbLeaderLeaseOptions options)
    {
        var validation = new DynamoDbLeaderLeaseOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(DynamoDbLeaderLeaseOptions), validation.Failures);
        }
    }

    private static AmazonDynamoDBClient CreateClient(DynamoDbLeaderLeaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        return DynamoDbClients.Create(options.Region, options.ServiceUrl);
    }
}
