using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ccx.Dns.Internal;
using Ccx.Dns.Providers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Coordination.DynamoDb;

using Log = Ccx.Dns.DynamoDb.Log;

/// <summary>
/// A leader lease kept as one DynamoDB item (<c>k = "#lease#" + LeaseName</c>) with a fencing token, in which no
/// instance ever compares a time written by another instance with its own clock.
/// </summary>
/// <remarks>
/// <para>The item holds <c>holder</c> (absent once released), <c>token</c> (the fencing token: it grows by one every
/// time the lease changes hands and is kept by renewals and releases), <c>renewals</c> (grows by one with every write,
/// so that every renewal changes the item) and <c>expiresAt</c> (the writer's own clock plus
/// <see cref="DynamoDbLeaderLeaseOptions.Duration"/>, in Unix milliseconds: informational, and what versions before the
/// fencing token read). Every write is a conditional PutItem on the exact item the writer last saw, so two instances
/// never both succeed from the same state.</para>
/// <para><b>Holder.</b> A grant is valid until <c>Duration - SafetyMargin</c> after this instance <i>sent</i> the
/// write that took or renewed it, measured with <see cref="TimeProvider.GetTimestamp"/> (monotonic; wall-clock steps
/// do not count). <see cref="IsHeld"/>, <see cref="RemainingTime"/> and <see cref="FencingToken"/> follow it without
/// any call. A renewal within <see cref="DynamoDbLeaderLeaseOptions.RenewInterval"/> of the last one is answered from
/// memory.</para>
/// <para><b>Standby.</b> An instance that does not hold the lease reads the item (consistent read) and notes the exact
/// value it found and the local time it first saw it. It takes the lease over (token + 1) only after it has seen that
/// same value for a full <c>Duration</c> on its own clock: since the holder's write was sent before the standby first
/// saw it, the holder's grant ended at least <c>SafetyMargin</c> earlier, whatever the two wall clocks say. An absent
/// or released item is taken at once; so is an item naming this instance's <see cref="HolderId"/> (its own grant, or
/// one of an earlier process with the same id, which is then fenced off with a new token).</para>
/// <para>Calls are serialised. Disposing asynchronously (as the generic host does on shutdown) releases a held lease
/// (the item stays, without holder, so the token keeps growing), so a standby takes over at once after a graceful stop;
/// after a crash it takes over one to two durations after the last renewal. See docs/lease-and-fencing.md.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore never creates a wait handle; the owned client is disposed in Dispose.")]
public sealed class DynamoDbLeaderLease : ILeaderLease, IDisposable, IAsyncDisposable
{
    /// <summary>The prefix of lease item keys; their name part is empty, which no record key has.</summary>
    public const string KeyPrefix = "#lease#";

    /// <summary>The item attribute naming the holder (absent when the lease is free).</summary>
    internal const string HolderAttribute = "holder";

    /// <summary>The item attribute holding the fencing token (a number).</summary>
    internal const string TokenAttribute = "token";

    private const string RenewalsAttribute = "renewals";
    private const string ExpiresAttribute = "expiresAt";

    private readonly IAmazonDynamoDB _client;
    private readonly bool _ownsClient;
    private readonly DynamoDbLeaderLeaseOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _key;
    private readonly TimeSpan _validity;
    private bool _tableReady;
    private Grant? _grant;
    private long _lastToken;
    private Observation? _observed;

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
        _validity = options.Duration - options.SafetyMargin;
    }

    /// <summary>This instance's holder id.</summary>
    public string HolderId => _options.HolderId;

    /// <summary>The lease's name (the item key is <see cref="KeyPrefix"/> followed by it).</summary>
    public string LeaseName => _options.LeaseName;

    /// <inheritdoc />
    public bool IsHeld => Remaining(Volatile.Read(ref _grant)) > TimeSpan.Zero;

    /// <summary>
    /// How much longer this instance may act as the holder: <c>Duration - SafetyMargin</c> after it sent the last
    /// successful acquire or renew, minus the time elapsed since on its own monotonic clock; zero when not held.
    /// </summary>
    public TimeSpan RemainingTime => Remaining(Volatile.Read(ref _grant));

    /// <summary>The fencing token of the grant this instance holds (1 for the first holder of a new item, one more at every change of holder); 0 when not held.</summary>
    public long FencingToken => Volatile.Read(ref _grant) is { } grant && Remaining(grant) > TimeSpan.Zero ? grant.Token : 0;

    /// <summary>
    /// The expiry written in the lease item at the last successful acquire or renew: this instance's wall clock when it
    /// sent the write plus <see cref="DynamoDbLeaderLeaseOptions.Duration"/>. Informational only (and read by versions
    /// before the fencing token); the instance acts on the grant until <see cref="RemainingTime"/> reaches zero, which is
    /// <see cref="DynamoDbLeaderLeaseOptions.SafetyMargin"/> sooner. Meaningless while not held.
    /// </summary>
    public DateTimeOffset ExpiresAt => Volatile.Read(ref _grant)?.ExpiresAt ?? DateTimeOffset.MinValue;

    /// <summary>The table holding the lease item.</summary>
    internal string TableName => _options.TableName;

    /// <summary>The lease item's key.</summary>
    internal string ItemKey => _key;

    /// <inheritdoc />
    public async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var grant = _grant;
            if (grant is not null && Remaining(grant) > TimeSpan.Zero && _timeProvider.GetElapsedTime(grant.SentAt) < _options.RenewInterval)
            {
                return true;
            }

            var wasHeld = Remaining(grant) > TimeSpan.Zero;
            try
            {
                if (!_tableReady)
                {
                    await DynamoDbTables.EnsureAsync(_client, _options.TableName, _options.CreateTableIfMissing, _timeProvider, _logger, cancellationToken).ConfigureAwait(false);
                    _tableReady = true;
                }

                if (grant is not null)
                {
                    // Ours as far as we know: renew on the exact item we wrote last (the token stays).
                    return await WriteAsync(grant.Value, grant.Token, wasHeld, takingOverFrom: null, cancellationToken).ConfigureAwait(false);
                }

                var (value, seenAt) = await ReadAsync(cancellationToken).ConfigureAwait(false);
                if (!value.Exists || value.Holder is null)
                {
                    return await WriteAsync(value, value.TokenNumber + 1, wasHeld: false, takingOverFrom: null, cancellationToken).ConfigureAwait(false);
                }

                if (string.Equals(value.Holder, _options.HolderId, StringComparison.Ordinal))
                {
                    // Our own grant (its renewal answer was lost, or it ran out locally): resume it with the same token.
                    // The same id with another token is an earlier process with our id: fence it off with a new token.
                    var token = _lastToken != 0 && value.TokenNumber == _lastToken ? _lastToken : value.TokenNumber + 1;
                    return await WriteAsync(value, token, wasHeld: false, takingOverFrom: null, cancellationToken).ConfigureAwait(false);
                }

                if (_observed is { } observed && observed.Value == value)
                {
                    var unchangedFor = _timeProvider.GetElapsedTime(observed.FirstSeen);
                    if (unchangedFor >= _options.Duration)
                    {
                        return await WriteAsync(value, value.TokenNumber + 1, wasHeld: false, takingOverFrom: value.Holder, cancellationToken).ConfigureAwait(false);
                    }

                    Log.LeaseHeldElsewhere(_logger, _options.LeaseName, value.Holder, value.TokenNumber, unchangedFor);
                    return false;
                }

                _observed = new Observation(value, seenAt);
                Log.LeaseHeldElsewhere(_logger, _options.LeaseName, value.Holder, value.TokenNumber, TimeSpan.Zero);
                return false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Volatile.Write(ref _grant, null);
                if (ex is DnsProviderException)
                {
                    throw;
                }

                if (DynamoDbErrors.IsTableMissing(ex))
                {
                    _tableReady = false;
                }

                throw DynamoDbErrors.Wrap($"renewing leader lease \"{_options.LeaseName}\" in DynamoDB table \"{_options.TableName}\"", ex);
            }
            catch
            {
                // Cancelled: whether a write landed is unknown, so the grant is not trusted any more.
                Volatile.Write(ref _grant, null);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Gives the lease up at once, so a standby takes over without waiting: the item keeps its fencing token and loses
    /// its holder, on condition that it still names this instance with the token of its grant.
    /// </summary>
    /// <param name="cancellationToken">Cancels the release.</param>
    /// <returns>A task that completes when the lease is released.</returns>
    /// <exception cref="DnsProviderException">DynamoDB failed; the lease then runs out on its own.</exception>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Volatile.Write(ref _grant, null);
            if (_lastToken == 0)
            {
                return; // never held: nothing to release
            }

            try
            {
                await _client.UpdateItemAsync(
                    new UpdateItemRequest
                    {
                        TableName = _options.TableName,
                        Key = new Dictionary<string, AttributeValue> { [DynamoDbTables.KeyAttribute] = new(_key) },
                        UpdateExpression = "REMOVE #h SET #e = :zero ADD #r :one",
                        ConditionExpression = "#h = :me AND #t = :token",
                        ExpressionAttributeNames = new Dictionary<string, string>
                        {
                            ["#h"] = HolderAttribute,
                            ["#t"] = TokenAttribute,
                            ["#r"] = RenewalsAttribute,
                            ["#e"] = ExpiresAttribute,
                        },
                        ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                        {
                            [":me"] = new(_options.HolderId),
                            [":token"] = Number(_lastToken),
                            [":zero"] = Number(0),
                            [":one"] = Number(1),
                        },
                    },
                    cancellationToken).ConfigureAwait(false);
                Log.LeaseReleased(_logger, _options.LeaseName, _options.HolderId, _lastToken);
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

    /// <summary>Disposes the DynamoDB client when the lease created it. The lease is not released (it runs out).</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <summary>Releases the lease when this instance has a grant (best effort, at most 5 seconds), then disposes the client when the lease created it.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _grant) is not null)
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

    private TimeSpan Remaining(Grant? grant)
    {
        if (grant is null)
        {
            return TimeSpan.Zero;
        }

        var left = _validity - _timeProvider.GetElapsedTime(grant.SentAt);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Reads the item (consistent read); the time it was seen is taken after the answer arrived.</summary>
    private async Task<(LeaseValue Value, long SeenAt)> ReadAsync(CancellationToken cancellationToken)
    {
        var response = await _client.GetItemAsync(
            new GetItemRequest
            {
                TableName = _options.TableName,
                Key = new Dictionary<string, AttributeValue> { [DynamoDbTables.KeyAttribute] = new(_key) },
                ConsistentRead = true,
            },
            cancellationToken).ConfigureAwait(false);
        var seenAt = _timeProvider.GetTimestamp();
        return (Parse(response.Item), seenAt);
    }

    /// <summary>
    /// Writes this instance as the holder with <paramref name="token"/>, on condition that the item is exactly
    /// <paramref name="expected"/>. The grant's time counts from before the write is sent.
    /// </summary>
    private async Task<bool> WriteAsync(LeaseValue expected, long token, bool wasHeld, string? takingOverFrom, CancellationToken cancellationToken)
    {
        var sentAt = _timeProvider.GetTimestamp();
        var expiresAt = _timeProvider.GetUtcNow() + _options.Duration;
        var written = new LeaseValue(
            Exists: true,
            Holder: _options.HolderId,
            Token: Text(token),
            Renewals: Text(expected.RenewalsNumber + 1),
            ExpiresAt: expiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        var request = new PutItemRequest
        {
            TableName = _options.TableName,
            Item = new Dictionary<string, AttributeValue>
            {
                [DynamoDbTables.KeyAttribute] = new(_key),
                [HolderAttribute] = new(written.Holder),
                [TokenAttribute] = new() { N = written.Token },
                [RenewalsAttribute] = new() { N = written.Renewals },
                [ExpiresAttribute] = new() { N = written.ExpiresAt },
            },
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };
        expected.AddCondition(request);
        try
        {
            await _client.PutItemAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException ex)
        {
            // Someone else wrote first: note what is there now, seen now.
            Volatile.Write(ref _grant, null);
            var now = Parse(ex.Item);
            _observed = now.Exists && now.Holder is not null && !string.Equals(now.Holder, _options.HolderId, StringComparison.Ordinal)
                ? new Observation(now, _timeProvider.GetTimestamp())
                : null;
            if (wasHeld || expected.Holder == _options.HolderId)
            {
                Log.LeaseLost(_logger, _options.LeaseName, _options.HolderId, now.Holder ?? "nobody", now.TokenNumber);
            }
            else
            {
                Log.LeaseHeldElsewhere(_logger, _options.LeaseName, now.Holder ?? "nobody", now.TokenNumber, TimeSpan.Zero);
            }

            return false;
        }

        var grant = new Grant(written, token, sentAt, expiresAt);
        Volatile.Write(ref _grant, grant);
        _lastToken = token;
        _observed = null;
        if (wasHeld)
        {
            Log.LeaseRenewed(_logger, _options.LeaseName, _options.HolderId, token, _validity);
        }
        else if (takingOverFrom is not null)
        {
            Log.LeaseTakenOver(_logger, _options.LeaseName, _options.HolderId, token, takingOverFrom, _options.Duration);
        }
        else
        {
            Log.LeaseAcquired(_logger, _options.LeaseName, _options.HolderId, token, _validity);
        }

        return true;
    }

    private LeaseValue Parse(Dictionary<string, AttributeValue>? item)
    {
        if (item is not { Count: > 0 })
        {
            return LeaseValue.Absent;
        }

        return new LeaseValue(
            Exists: true,
            Holder: Read(item, HolderAttribute, number: false),
            Token: Read(item, TokenAttribute, number: true),
            Renewals: Read(item, RenewalsAttribute, number: true),
            ExpiresAt: Read(item, ExpiresAttribute, number: true));
    }

    private string? Read(Dictionary<string, AttributeValue> item, string name, bool number)
    {
        if (!item.TryGetValue(name, out var value))
        {
            return null;
        }

        var text = number ? value.N : value.S;
        if (text is null || (number && !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
        {
            throw new DnsProviderException(
                $"the item \"{_key}\" in DynamoDB table \"{_options.TableName}\" is not a leader lease item: its attribute \"{name}\" is not {(number ? "an integer number" : "a string")}",
                isTransient: false);
        }

        return text;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static AttributeValue Number(long value) => new() { N = Text(value) };

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

    /// <summary>
    /// The lease item exactly as read or written (numbers as DynamoDB returns them). Items written before the fencing
    /// token have neither <c>token</c> nor <c>renewals</c>; they count as token 0.
    /// </summary>
    private sealed record LeaseValue(bool Exists, string? Holder, string? Token, string? Renewals, string? ExpiresAt)
    {
        public static readonly LeaseValue Absent = new(false, null, null, null, null);

        public long TokenNumber => Token is null ? 0 : long.Parse(Token, CultureInfo.InvariantCulture);

        public long RenewalsNumber => Renewals is null ? 0 : long.Parse(Renewals, CultureInfo.InvariantCulture);

        /// <summary>Adds a condition that holds only while the item is exactly this value.</summary>
        public void AddCondition(PutItemRequest request)
        {
            var names = new Dictionary<string, string>();
            var values = new Dictionary<string, AttributeValue>();
            if (!Exists)
            {
                names["#k"] = DynamoDbTables.KeyAttribute;
                request.ConditionExpression = "attribute_not_exists(#k)";
            }
            else
            {
                request.ConditionExpression = string.Join(
                    " AND ",
                    Clause("#h", HolderAttribute, ":h", Holder, number: false),
                    Clause("#t", TokenAttribute, ":t", Token, number: true),
                    Clause("#r", RenewalsAttribute, ":r", Renewals, number: true),
                    Clause("#e", ExpiresAttribute, ":e", ExpiresAt, number: true));
            }

            request.ExpressionAttributeNames = names;
            request.ExpressionAttributeValues = values.Count == 0 ? null : values;

            string Clause(string alias, string attribute, string placeholder, string? value, bool number)
            {
                names[alias] = attribute;
                if (value is null)
                {
                    return $"attribute_not_exists({alias})";
                }

                values[placeholder] = number ? new AttributeValue { N = value } : new AttributeValue(value);
                return $"{alias} = {placeholder}";
            }
        }
    }

    /// <summary>A grant this instance holds: the item it wrote, its token, and when (monotonic timestamp) it sent the write.</summary>
    private sealed record Grant(LeaseValue Value, long Token, long SentAt, DateTimeOffset ExpiresAt);

    /// <summary>A value of another holder and when (monotonic timestamp) this instance first saw it.</summary>
    private sealed record Observation(LeaseValue Value, long FirstSeen);
}
