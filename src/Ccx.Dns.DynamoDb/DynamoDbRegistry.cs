using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ccx.Dns.DynamoDb.Internal;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Registry;
using Ccx.Dns.Registry.Txt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Not 'Log': inside Ccx.Dns.DynamoDb that name finds the core's Ccx.Dns.Log first.
using DynamoDbLog = Ccx.Dns.DynamoDb.Internal.Log;

namespace Ccx.Dns.DynamoDb;

/// <summary>
/// ExternalDNS's DynamoDB registry: ownership is kept in a DynamoDB table instead of TXT records, one item per owned
/// record set — <c>k</c> = <c>name#TYPE#setIdentifier</c> (the hash key), <c>o</c> = owner id, <c>l</c> = the other
/// labels — so that this library and ExternalDNS can share a table.
/// </summary>
/// <remarks>
/// <para><b>Reading.</b> <see cref="GetRecordsAsync(CancellationToken)"/> checks the table once (DescribeTable: it must exist, or is
/// created with <see cref="DynamoDbRegistryOptions.CreateTableIfMissing"/>, with hash key <c>k</c> of type string and
/// no range key), scans this owner's items (<c>o = :owner</c>, consistent read, every page), reads the provider and
/// attaches the items' labels to the records they own. An item of ours whose record the provider does not have is an
/// <i>orphan</i>. ExternalDNS TXT ownership records found at the provider are consumed for migration: a record with no
/// item but with TXT ownership gets those labels and the <see cref="ProviderSpecificNames.DynamoDbNeedsMigration"/>
/// marker, so that the planner updates it and the update copies its ownership into the table. Ownership TXT records
/// that own nothing left to migrate (already migrated, or orphaned) are returned as TXT endpoints owned by
/// <see cref="OwnerId"/> when their text names this owner (or the old owner), so that the planner deletes them — only
/// when TXT is one of the reconciler's managed record types, as in ExternalDNS; others keep their own owner label and
/// are left alone.</para>
/// <para><b>Applying</b> runs in three steps, in an order chosen so that a failure or a crash at any point leaves a
/// state the next reconcile repairs:</para>
/// <list type="number">
/// <item><description><i>Claim</i> (before the provider): a PartiQL <c>INSERT</c> for every create (DynamoDB refuses
/// it with <c>DuplicateItem</c> when any owner holds the key), an owner-conditioned <c>UPDATE</c> of the labels for
/// every update whose labels change (or an <c>INSERT</c> when the record migrates from TXT ownership), and an
/// owner-conditioned <c>UPDATE</c> re-adopting our own orphan for a create of its key. Parameterised statements, in
/// BatchExecuteStatement calls of at most 25 with distinct keys. A create whose key another owner holds (or an update
/// whose item is no longer ours) is dropped from the provider's changes and reported in
/// <see cref="RegistryApplyResult.Rejected"/>; it is never applied. Any other statement error fails the apply before
/// the provider is called.</description></item>
/// <item><description><i>Provider</i>: the remaining changes are applied.</description></item>
/// <item><description><i>Release</i> (after the provider succeeded): an owner-conditioned <c>DELETE</c> for every
/// deleted record and every orphan.</description></item>
/// </list>
/// <para>Cut points: a failure after some claims and before (or inside) the provider call leaves items we own without
/// records — orphans, which never block us (a later create of the same key re-adopts them with an <c>UPDATE</c>) and are
/// deleted by our next apply, as ExternalDNS does. A failure after the provider and before or during the release
/// leaves the same kind of orphans for deleted records. A provider record never exists without its item first: the
/// item is written before the record and deleted after it, so we never lose the ownership of a record we created.
/// Any failure drops the registry's view, so that the next call reads the table and the provider again. An orphan can
/// block another owner's create of the same name only until our next apply. Orphan clean-up assumes that a single
/// instance per owner applies changes at a time (use a leader lease with several replicas).</para>
/// <para><b>Fencing.</b> Given a <see cref="DynamoDbLeaderLease"/> (the constructors taking one, or
/// <c>AddDynamoDbRegistry</c> together with <c>AddDynamoDbLeaderElection</c>), every ownership write — claims and
/// releases — runs in an ExecuteTransaction together with a PartiQL <c>EXISTS</c> condition on the lease item naming
/// this instance's holder id with the fencing token of its current grant. A leader that lost the lease (another
/// replica took it over while this one stalled) therefore writes no ownership item: DynamoDB refuses the whole
/// transaction and the apply fails with a transient <see cref="DnsProviderException"/> saying the lease was lost. The
/// provider is not called once the grant has run out locally. The lease table must be reachable with the registry's
/// DynamoDB client (same account and region); it may be the registry's table. Transactional writes cost twice the
/// write capacity of plain ones.</para>
/// <para><b>The kept view.</b> The registry keeps its view between calls — the provider's records indexed by name, this
/// owner's items, the TXT ownership records to migrate from, the labelled records and the orphans — and patches it
/// after each successful apply in O(changes); a failed apply drops it. With
/// <see cref="DynamoDbRegistryOptions.CacheInterval"/> above zero a full read serves it for the interval without any
/// DynamoDB or provider call; otherwise a full read scans the table and reads the provider, except that the records of
/// a <see cref="Providers.Caching.CachingDnsProvider"/> whose cache is unchanged since the view was built from it are
/// the view's own (and when the scan finds the items the view holds, the view is kept, labelled records and all). As an
/// <see cref="IScopedRegistry"/> it serves the records of a few names from the view in O(names), for targeted
/// reconciles — when fenced by a lease, only from a view read under the grant this instance holds now (a standby's view
/// misses the leader's writes). Calls are serialised.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore never creates a wait handle; the owned client is disposed in Dispose.")]
public sealed class DynamoDbRegistry : IScopedRegistry, IRegistryHousekeeping, IDisposable
{
    /// <summary>The most statements DynamoDB accepts in one BatchExecuteStatement call.</summary>
    public const int MaxBatchSize = OwnershipTable.MaxBatchSize;

    private readonly IDnsProvider _provider;
    private readonly IAmazonDynamoDB _client;
    private readonly bool _ownsClient;
    private readonly OwnershipTable _table;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _oldOwnerId;
    private readonly TimeSpan _cacheInterval;
    private readonly TxtNameMapper _mapper;
    private readonly TxtOwnershipCodec _codec;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LeaseFence? _fence;
    private DynamoDbOwnershipView? _view;
    private long _viewCacheVersion = -1;

    /// <summary>Creates a DynamoDB registry over a provider, using a DynamoDB client it does not own.</summary>
    /// <param name="provider">The DNS provider holding the records (and any TXT ownership records to migrate).</param>
    /// <param name="client">The DynamoDB client.</param>
    /// <param name="options">The options; validated with <see cref="DynamoDbRegistryOptionsValidator"/>. <see cref="DynamoDbRegistryOptions.Region"/> and <see cref="DynamoDbRegistryOptions.ServiceUrl"/> are not used.</param>
    /// <param name="timeProvider">The clock for the cache; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public DynamoDbRegistry(IDnsProvider provider, IAmazonDynamoDB client, DynamoDbRegistryOptions options, TimeProvider? timeProvider = null, ILogger<DynamoDbRegistry>? logger = null)
        : this(provider, client, ownsClient: false, options, lease: null, timeProvider, logger)
    {
    }

    /// <summary>
    /// Creates a DynamoDB registry over a provider whose ownership writes are fenced by a leader lease (see the remarks),
    /// using a DynamoDB client it does not own.
    /// </summary>
    /// <param name="provider">The DNS provider holding the records (and any TXT ownership records to migrate).</param>
    /// <param name="client">The DynamoDB client; it must reach the lease's table too.</param>
    /// <param name="options">The options; validated with <see cref="DynamoDbRegistryOptionsValidator"/>. <see cref="DynamoDbRegistryOptions.Region"/> and <see cref="DynamoDbRegistryOptions.ServiceUrl"/> are not used.</param>
    /// <param name="lease">The leader lease whose item and fencing token condition every ownership write.</param>
    /// <param name="timeProvider">The clock for the cache; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public DynamoDbRegistry(IDnsProvider provider, IAmazonDynamoDB client, DynamoDbRegistryOptions options, DynamoDbLeaderLease lease, TimeProvider? timeProvider = null, ILogger<DynamoDbRegistry>? logger = null)
        : this(provider, client, ownsClient: false, options, lease ?? throw new ArgumentNullException(nameof(lease)), timeProvider, logger)
    {
    }

    /// <summary>
    /// Creates a DynamoDB registry over a provider with its own DynamoDB client for <see cref="DynamoDbRegistryOptions.Region"/>
    /// and <see cref="DynamoDbRegistryOptions.ServiceUrl"/>, credentials from the AWS SDK's default chain.
    /// </summary>
    /// <param name="provider">The DNS provider.</param>
    /// <param name="options">The options; validated with <see cref="DynamoDbRegistryOptionsValidator"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public DynamoDbRegistry(IDnsProvider provider, DynamoDbRegistryOptions options, TimeProvider? timeProvider = null, ILogger<DynamoDbRegistry>? logger = null)
        : this(provider, CreateClient(options), ownsClient: true, options, lease: null, timeProvider, logger)
    {
    }

    /// <summary>
    /// Creates a DynamoDB registry whose ownership writes are fenced by a leader lease (see the remarks), with its own
    /// DynamoDB client for <see cref="DynamoDbRegistryOptions.Region"/> and <see cref="DynamoDbRegistryOptions.ServiceUrl"/>.
    /// </summary>
    /// <param name="provider">The DNS provider.</param>
    /// <param name="options">The options; validated with <see cref="DynamoDbRegistryOptionsValidator"/>.</param>
    /// <param name="lease">The leader lease whose item and fencing token condition every ownership write; its table must be reachable with this client.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public DynamoDbRegistry(IDnsProvider provider, DynamoDbRegistryOptions options, DynamoDbLeaderLease lease, TimeProvider? timeProvider = null, ILogger<DynamoDbRegistry>? logger = null)
        : this(provider, CreateClient(options), ownsClient: true, options, lease ?? throw new ArgumentNullException(nameof(lease)), timeProvider, logger)
    {
    }

    private DynamoDbRegistry(IDnsProvider provider, IAmazonDynamoDB client, bool ownsClient, DynamoDbRegistryOptions options, DynamoDbLeaderLease? lease, TimeProvider? timeProvider, ILogger<DynamoDbRegistry>? logger)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        _provider = provider;
        _client = client;
        _ownsClient = ownsClient;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<DynamoDbRegistry>.Instance;
        _fence = lease is null ? null : new LeaseFence(lease);
        _table = new OwnershipTable(client, options.TableName, options.CreateTableIfMissing, _timeProvider, _logger, _fence);
        OwnerId = options.OwnerId;
        _oldOwnerId = options.OldOwnerId ?? string.Empty;
        _cacheInterval = options.CacheInterval;
        _mapper = new TxtNameMapper(options.TxtPrefix, options.TxtSuffix, options.TxtWildcardReplacement);
        _codec = new TxtOwnershipCodec(options.TxtEncryptionAesKey);
    }

    /// <inheritdoc />
    public string OwnerId { get; }

    /// <inheritdoc />
    public DomainFilter DomainFilter => _provider.DomainFilter;

    /// <summary>The ownership table's name.</summary>
    public string TableName => _table.Name;

    /// <summary>Whether ownership writes are fenced by a leader lease.</summary>
    public bool IsFenced => _fence is not null;

    /// <summary>
    /// Checks the table now (and creates it when missing and allowed) instead of at the first read, for a start-up
    /// check. Reads check it anyway.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the table is usable.</returns>
    /// <exception cref="DnsProviderException">The table is missing or has another key schema, or DynamoDB failed.</exception>
    public async Task EnsureTableAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _table.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Within <see cref="DynamoDbRegistryOptions.CacheInterval"/> the kept view is served without any call. Otherwise
    /// the table is scanned and the provider read — except when the provider is a <see cref="Providers.Caching.CachingDnsProvider"/>
    /// whose cache has not changed since the view was built from it (and patched with every apply since): then its
    /// records are the view's, and when the scan finds the items the view holds, the view is kept as it is.
    /// </remarks>
    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var view = _view;
            var now = _timeProvider.GetUtcNow();
            if (view is not null && _cacheInterval > TimeSpan.Zero && now - view.ReadAt < _cacheInterval)
            {
                var cached = FullRead(view);
                DynamoDbLog.CacheHit(_logger, cached.Count, now - view.ReadAt);
                return cached;
            }

            view = await ReadViewAsync(view, cancellationToken).ConfigureAwait(false);
            return FullRead(view);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Served from the view the last full read built and every apply since patched, in O(names), never from DynamoDB or
    /// the provider: within <see cref="DynamoDbRegistryOptions.CacheInterval"/> when one is set, otherwise until the
    /// next full read. Changes others made are seen at the next full read; until then a write they conflict with is
    /// refused (claims are conditional, and so are the provider's writes), which drops the view. Also
    /// <see langword="null"/> when an apply changed what a read returns at a name that is not asked for: migrating a
    /// record into the table frees its TXT ownership record, which a full read then returns for deletion, and no plan
    /// has seen that yet. When fenced by a leader lease, <see langword="null"/> too unless the view was read under the
    /// grant this instance holds now: a standby's view misses the leader's writes.
    /// </remarks>
    public async Task<IReadOnlyList<DnsEndpoint>?> GetRecordsAsync(IReadOnlySet<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var view = _view;
            if (view is null || (_cacheInterval > TimeSpan.Zero && _timeProvider.GetUtcNow() - view.ReadAt >= _cacheInterval))
            {
                return null;
            }

            // Fenced: only a view read under the grant held now is known to hold every ownership write since (another
            // leader may have written while this instance was a standby or between two of its grants).
            if (_fence is not null && (view.ReadUnderToken == 0 || view.ReadUnderToken != _fence.Token))
            {
                DynamoDbLog.ViewFromAnotherGrant(_logger, view.ReadUnderToken, _fence.Token);
                return null;
            }

            foreach (var name in view.Unplanned)
            {
                if (!names.Contains(name))
                {
                    DynamoDbLog.UnplannedName(_logger, name);
                    return null;
                }
            }

            view.Unplanned.Clear();
            var keys = new List<EndpointKey>(names.Count * 2);
            foreach (var name in names)
            {
                view.KeysAt(name, keys);
            }

            var records = new List<DnsEndpoint>(keys.Count);
            foreach (var key in keys)
            {
                if (view.Labelled.TryGetValue(key, out var record))
                {
                    records.Add(record);
                }
            }

            return records;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<RegistryApplyResult> ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.UpdateOld.Count != changes.UpdateNew.Count)
        {
            throw new ArgumentException(
                $"update lists differ in length: {changes.UpdateOld.Count} old, {changes.UpdateNew.Count} new",
                nameof(changes));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var view = _view ?? await ReadViewAsync(last: null, cancellationToken).ConfigureAwait(false);
            try
            {
                return await ApplyCoreAsync(view, changes, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Nothing is known about what was written: read the table and the provider again next time.
                _view = null;
                _viewCacheVersion = -1;
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => _provider.AdjustEndpoints(endpoints);

    /// <summary>
    /// Whether the last read found items of this owner whose record no longer exists (orphans). The next
    /// <see cref="ApplyChangesAsync"/> deletes them, even with no record changes; the reconciler calls it for that.
    /// </summary>
    public bool HasPendingCleanup => _view?.Orphans is { Count: > 0 };

    /// <summary>How many times a record's labels were computed (a test hook: an apply must cost O(changes), not O(zone)).</summary>
    internal long LabelComputations { get; private set; }

    /// <summary>The records a full read would return from the kept view, without reading or changing anything (a test hook); <see langword="null"/> without a view.</summary>
    internal IReadOnlyList<DnsEndpoint>? KeptRecords => _view is { } view ? [.. view.Labelled] : null;

    /// <summary>Disposes the DynamoDB client when the registry created it.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private static void Validate(DynamoDbRegistryOptions options)
    {
        var validation = new DynamoDbRegistryOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(DynamoDbRegistryOptions), validation.Failures);
        }
    }

    private static AmazonDynamoDBClient CreateClient(DynamoDbRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        return DynamoDbClients.Create(options.Region, options.ServiceUrl);
    }

    private bool IsOurs(string? owner) =>
        owner is not null
        && (string.Equals(owner, OwnerId, StringComparison.Ordinal)
            || (_oldOwnerId.Length > 0 && string.Equals(owner, _oldOwnerId, StringComparison.Ordinal)));

    // ---------------------------------------------------------------- reading

    /// <summary>
    /// Scans the table and reads the provider into a new view. The provider is not read when it is a caching provider
    /// whose cache is exactly <paramref name="last"/>'s records; <paramref name="last"/> is then kept as it is when
    /// the scan finds the items it holds.
    /// </summary>
    private async Task<DynamoDbOwnershipView> ReadViewAsync(DynamoDbOwnershipView? last, CancellationToken cancellationToken)
    {
        var lastCacheVersion = _viewCacheVersion;
        _view = null;
        try
        {
            return await BuildViewAsync(last, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled (a full reconcile yielding to a failover, or the host stopping): as if the read had never begun,
            // the last view stands (nothing was written since it was patched last), so targeted reads go on.
            (_view, _viewCacheVersion) = (last, lastCacheVersion);
            throw;
        }
    }

    private async Task<DynamoDbOwnershipView> BuildViewAsync(DynamoDbOwnershipView? last, CancellationToken cancellationToken)
    {
        var token = _fence?.Token ?? 0;
        await _table.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var (items, pages) = await _table.ScanAsync(OwnerId, _oldOwnerId, cancellationToken).ConfigureAwait(false);
        IReadOnlyCollection<DnsEndpoint> records;
        if (last is not null && IsExactCopyOfProviderCache())
        {
            if (SameItems(last.Items, items))
            {
                last.ReadAt = _timeProvider.GetUtcNow();
                last.ReadUnderToken = token;
                DynamoDbLog.ViewKept(_logger, items.Count, _table.Name, pages, last.Records.Count);
                _view = last;
                return last;
            }

            records = last.Records;
        }
        else
        {
            var before = CacheVersion();
            records = await _provider.GetRecordsAsync(cancellationToken).ConfigureAwait(false);
            var after = CacheVersion();
            _viewCacheVersion = after >= 0 && (before == after || before < 0) ? after : -1;
        }

        var view = Build(items, records, out var migrations);
        view.ReadUnderToken = token;
        DynamoDbLog.ViewRead(_logger, items.Count, _table.Name, pages, records.Count, view.Orphans.Count, migrations);
        _view = view;
        return view;
    }

    /// <summary>Builds a view from the table's items and the provider's records: classifies, labels, finds orphans.</summary>
    private DynamoDbOwnershipView Build(Dictionary<EndpointKey, OwnershipItem> items, IReadOnlyCollection<DnsEndpoint> records, out int migrations)
    {
        var view = new DynamoDbOwnershipView(_timeProvider.GetUtcNow(), items, records.Count);
        foreach (var record in records)
        {
            view.SetRecord(record.WithoutLabels());
        }

        foreach (var record in view.Records)
        {
            Classify(view, record.Key, relabel: null);
        }

        migrations = 0;
        var pendingTxt = 0;
        foreach (var record in view.Records)
        {
            var key = record.Key;
            if (LabelAt(view, key) is not { } labelled)
            {
                continue;
            }

            view.Labelled.TryAdd(labelled);
            if (view.OldTxt.ContainsKey(key))
            {
                pendingTxt++;
            }
            else if (labelled.TryGetProviderSpecific(ProviderSpecificNames.DynamoDbNeedsMigration, out _))
            {
                migrations++;
            }
        }

        foreach (var key in items.Keys)
        {
            view.UpdateOrphan(key);
        }

        if (pendingTxt > 0)
        {
            DynamoDbLog.OldTxtPending(_logger, pendingTxt);
        }

        return view;
    }

    /// <summary>The view's records with their labels, as a full read returns them (shared while unchanged: read-only).</summary>
    private static System.Collections.ObjectModel.ReadOnlyCollection<DnsEndpoint> FullRead(DynamoDbOwnershipView view)
    {
        // A full read hands every name to the planner: nothing is left that no plan has seen.
        view.Unplanned.Clear();
        return view.LabelledList ??= Array.AsReadOnly(view.Labelled.ToArray());
    }

    /// <summary>
    /// Whether the view is known to hold exactly the records the provider's cache would return (built from it and
    /// patched with every apply since, nothing else having changed it): then a full read needs no provider read.
    /// </summary>
    private bool IsExactCopyOfProviderCache() => _viewCacheVersion >= 0 && CacheVersion() == _viewCacheVersion;

    private long CacheVersion() => _provider is Providers.Caching.CachingDnsProvider caching ? caching.CacheVersion : -1;

    private static bool SameItems(Dictionary<EndpointKey, OwnershipItem> kept, Dictionary<EndpointKey, OwnershipItem> scanned)
    {
        if (kept.Count != scanned.Count)
        {
            return false;
        }

        foreach (var (key, item) in kept)
        {
            if (!scanned.TryGetValue(key, out var other)
                || !string.Equals(item.KeyText, other.KeyText, StringComparison.Ordinal)
                || !string.Equals(item.Owner, other.Owner, StringComparison.Ordinal)
                || !item.Labels.SamePairs(other.Labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Classifies the provider record at a key after it or its item changed: an ExternalDNS TXT ownership record to
    /// migrate from, unless the table owns it as a record (whoever controls its text could otherwise forge ownership of
    /// other records), or a record. Adds the keys of the records whose ownership it may give or take to
    /// <paramref name="relabel"/>.
    /// </summary>
    private void Classify(DynamoDbOwnershipView view, EndpointKey key, HashSet<EndpointKey>? relabel)
    {
        view.Records.TryGetValue(key, out var record);
        view.OldTxt.TryGetValue(key, out var was);
        OldTxtRecord? now = null;
        if (record is not null && record.RecordType == RecordType.TXT && record.Targets.Count > 0 && !view.Items.ContainsKey(key))
        {
            if (was is not null && ReferenceEquals(was.Record, record))
            {
                now = was;
            }
            else if (_codec.TryParseMap(record.Targets[0], out var labels))
            {
                MigrationKey? owned = _mapper.TryParseTxtName(record.DnsName, out var name)
                    ? new MigrationKey(name.DnsName, name.RecordType?.Value ?? string.Empty, record.SetIdentifier)
                    : null;
                now = new OldTxtRecord(record, labels, owned);
            }
        }

        if (ReferenceEquals(was, now))
        {
            return;
        }

        if (was is not null)
        {
            view.RemoveOldTxt(key, out _);
            AddClaimants(view, was, relabel);
        }

        if (now is not null)
        {
            view.AddOldTxt(now);
            AddClaimants(view, now, relabel);
        }
    }

    /// <summary>Adds the keys of the records that may take their ownership from a TXT ownership record.</summary>
    private void AddClaimants(DynamoDbOwnershipView view, OldTxtRecord txt, HashSet<EndpointKey>? relabel)
    {
        if (relabel is null || txt.Owned is not { } owned)
        {
            return;
        }

        var keys = new List<EndpointKey>();
        view.KeysAt(ClaimantName(owned.DnsName), keys);

        foreach (var key in keys)
        {
            if (string.Equals(key.SetIdentifier, owned.SetIdentifier, StringComparison.Ordinal))
            {
                relabel.Add(key);
            }
        }
    }

    /// <summary>The record at a key with its ownership labels, as a full read returns it; <see langword="null"/> when a full read does not return it.</summary>
    private DnsEndpoint? LabelAt(DynamoDbOwnershipView view, EndpointKey key)
    {
        if (!view.Records.TryGetValue(key, out var record))
        {
            return null;
        }

        LabelComputations++;
        if (view.OldTxt.TryGetValue(key, out var txt))
        {
            // Consumed while a record migrates from it. Then (already migrated, or owning nothing) ours are returned as
            // owned so that the planner deletes them (when TXT is managed); another owner's keep that owner and are
            // left alone.
            if (IsUsed(view, txt))
            {
                return null;
            }

            var owner = IsOurs(txt.Owner) ? OwnerId : txt.Owner ?? string.Empty;
            return record.WithLabels(LabelMap.Empty.SetItem(EndpointLabels.OwnerKey, owner));
        }

        if (view.Items.TryGetValue(key, out var item))
        {
            var labelled = record.WithLabels(item.Labels.SetItem(EndpointLabels.OwnerKey, OwnerId));

            // An item of the old owner is handed over by the next reconcile: the marker makes the planner update it.
            return _oldOwnerId.Length > 0 && string.Equals(item.Owner, _oldOwnerId, StringComparison.Ordinal)
                ? labelled.WithProviderSpecific(ProviderSpecificNames.DynamoDbNeedsMigration, "true")
                : labelled;
        }

        if (view.ByOwned.Count > 0 && FindTxtOwnership(view, record) is { } found)
        {
            var labels = found.Labels.Remove(EndpointLabels.TxtEncryptionNonceKey);
            if (IsOurs(found.Owner))
            {
                labels = labels.SetItem(EndpointLabels.OwnerKey, OwnerId);
            }

            return record.WithLabels(labels).WithProviderSpecific(ProviderSpecificNames.DynamoDbNeedsMigration, "true");
        }

        return record;
    }

    /// <summary>Whether a record without an item takes its ownership from a TXT ownership record (it is then not returned).</summary>
    private bool IsUsed(DynamoDbOwnershipView view, OldTxtRecord txt)
    {
        if (txt.Owned is not { } owned)
        {
            return false;
        }

        var keys = new List<EndpointKey>();
        view.KeysAt(ClaimantName(owned.DnsName), keys);

        foreach (var key in keys)
        {
            if (string.Equals(key.SetIdentifier, owned.SetIdentifier, StringComparison.Ordinal)
                && (owned.RecordType.Length == 0 || string.Equals(key.RecordType.Value, owned.RecordType, StringComparison.Ordinal))
                && !view.OldTxt.ContainsKey(key)
                && !view.Items.ContainsKey(key)
                && ReferenceEquals(FindTxtOwnership(view, view.Records[key]), txt))
            {
                return true;
            }
        }

        return false;
    }

    private OldTxtRecord? FindTxtOwnership(DynamoDbOwnershipView view, DnsEndpoint record)
    {
        if (OwnedName(record.DnsName) is not { } name)
        {
            // A literal name at the wildcard replacement shares the wildcard's TXT ownership name: it is the wildcard's.
            return null;
        }

        if (view.ByOwned.TryGetValue(new MigrationKey(name, record.RecordType.Value, record.SetIdentifier), out var found))
        {
            return found;
        }

        // As the TXT registry: AAAA ownership is per type only; the others fall back to the legacy untyped format.
        return record.RecordType != RecordType.AAAA && view.ByOwned.TryGetValue(new MigrationKey(name, string.Empty, record.SetIdentifier), out found)
            ? found
            : null;
    }

    /// <summary>
    /// The name under which a record's TXT ownership is found: normalised, a leading wildcard replaced as configured;
    /// <see langword="null"/> for a literal name at the wildcard replacement.
    /// </summary>
    private string? OwnedName(string dnsName)
    {
        var name = DnsNames.Normalize(dnsName);
        var replacement = _mapper.WildcardReplacement;
        if (replacement.Length > 0 && (name == "*" || name.StartsWith("*.", StringComparison.Ordinal)))
        {
            return replacement + name[1..];
        }

        return replacement.Length > 0 && name.StartsWith(replacement, StringComparison.Ordinal)
            && (name.Length == replacement.Length || name[replacement.Length] == '.')
            ? null
            : name;
    }

    /// <summary>The name of the records whose TXT ownership is found under <paramref name="ownedName"/> (the inverse of <see cref="OwnedName"/>).</summary>
    private string ClaimantName(string ownedName)
    {
        var replacement = _mapper.WildcardReplacement;
        return replacement.Length > 0 && ownedName.StartsWith(replacement, StringComparison.Ordinal)
            && (ownedName.Length == replacement.Length || ownedName[replacement.Length] == '.')
            ? "*" + ownedName[replacement.Length..]
            : ownedName;
    }

    // ---------------------------------------------------------------- applying

    private async Task<RegistryApplyResult> ApplyCoreAsync(DynamoDbOwnershipView view, DnsChanges changes, CancellationToken cancellationToken)
    {
        var rejected = new List<RejectedEndpoint>();
        var claims = new List<Claim>();
        var releases = new Dictionary<EndpointKey, OwnershipItem>();
        var claimed = new HashSet<EndpointKey>();
        var itemKeys = new HashSet<EndpointKey>();

        // Creates: claim every key (INSERT), or re-adopt our own item (UPDATE when it differs).
        var creates = new List<DnsEndpoint?>(changes.Create.Count);
        foreach (var record in changes.Create)
        {
            if (ForgedOwnershipReason(view, record) is { } forged)
            {
                Refuse(rejected, record, forged + "; the record was not created");
                continue;
            }

            var owned = record.WithLabel(EndpointLabels.OwnerKey, OwnerId);
            creates.Add(owned);
            if (!claimed.Add(owned.Key))
            {
                continue;
            }

            var claim = new Claim(owned.Key, OwnershipItem.LabelsOf(owned), creates.Count - 1, isCreate: true);
            if (view.Items.TryGetValue(owned.Key, out var item))
            {
                claim.KeyText = item.KeyText;
                if (!string.Equals(item.Owner, OwnerId, StringComparison.Ordinal) || !item.Labels.SamePairs(claim.Labels))
                {
                    claim.ExpectedOwner = item.Owner;
                }
                else
                {
                    continue; // our orphan already says this: nothing to write
                }
            }

            claims.Add(claim);
        }

        // Updates: owner-filtered; labels rewritten when they change; records migrating from TXT are inserted.
        var updates = new List<(DnsEndpoint Old, DnsEndpoint New)?>(changes.UpdateNew.Count);
        for (var i = 0; i < changes.UpdateNew.Count; i++)
        {
            var old = changes.UpdateOld[i];
            if (!old.IsOwnedBy(OwnerId))
            {
                Refuse(rejected, changes.UpdateNew[i], NotOwnedReason(old));
                updates.Add(null);
                continue;
            }

            if (ForgedOwnershipReason(view, changes.UpdateNew[i]) is { } forged)
            {
                Refuse(rejected, changes.UpdateNew[i], forged + "; the record was not updated");
                updates.Add(null);
                continue;
            }

            var updated = changes.UpdateNew[i].WithLabel(EndpointLabels.OwnerKey, OwnerId);
            updates.Add((old.WithoutProviderSpecific(ProviderSpecificNames.DynamoDbNeedsMigration), updated));
            if (old.Key != updated.Key)
            {
                AddRelease(view, releases, old.Key);
            }

            if (!claimed.Add(updated.Key))
            {
                continue;
            }

            var claim = new Claim(updated.Key, OwnershipItem.LabelsOf(updated), updates.Count - 1, isCreate: false);
            if (view.Items.TryGetValue(updated.Key, out var item))
            {
                claim.KeyText = item.KeyText;
                if (string.Equals(item.Owner, OwnerId, StringComparison.Ordinal) && item.Labels.SamePairs(claim.Labels))
                {
                    continue; // unchanged labels: no statement, as in ExternalDNS
                }

                claim.ExpectedOwner = item.Owner;
            }

            // Not in the table: a migration from TXT ownership (or a view older than the item): INSERT.
            claims.Add(claim);
        }

        // Deletes: owner-filtered; their items are released after the provider deleted the records.
        var deletes = new List<DnsEndpoint>(changes.Delete.Count);
        foreach (var record in changes.Delete)
        {
            if (!record.IsOwnedBy(OwnerId))
            {
                Refuse(rejected, record, NotOwnedReason(record));
                continue;
            }

            deletes.Add(record);
            if (!view.OldTxt.ContainsKey(record.Key))
            {
                AddRelease(view, releases, record.Key);
            }
        }

        // Orphans not re-adopted above are released too (ExternalDNS deletes them on every apply).
        foreach (var orphan in view.Orphans)
        {
            if (!claimed.Contains(orphan))
            {
                AddRelease(view, releases, orphan);
            }
        }

        // A key claimed in this apply is never released by it (a delete and a create of one key in one change set).
        foreach (var key in claimed)
        {
            releases.Remove(key);
        }

        // Step 1: claims (two rounds at most: a lost INSERT of our own item becomes an UPDATE, a failed UPDATE of a
        // vanished item becomes an INSERT).
        var pending = claims;
        for (var round = 0; pending.Count > 0; round++)
        {
            var retry = await ClaimAsync(view, itemKeys, pending, canRetry: round == 0, cancellationToken).ConfigureAwait(false);
            pending = retry;
        }

        foreach (var claim in claims)
        {
            if (claim.RejectReason is not { } reason)
            {
                continue;
            }

            if (claim.IsCreate)
            {
                Refuse(rejected, creates[claim.Index]!, reason + "; the record was not created");
                creates[claim.Index] = null;
            }
            else if (updates[claim.Index] is { } pair)
            {
                Refuse(rejected, pair.New, reason + "; the record was not updated");
                updates[claim.Index] = null;
                releases.Remove(pair.Old.Key);
            }
        }

        var applied = new DnsChanges
        {
            Create = [.. creates.OfType<DnsEndpoint>().DistinctBy(e => e.Key)],
            UpdateOld = [.. updates.OfType<(DnsEndpoint Old, DnsEndpoint New)>().Select(p => p.Old)],
            UpdateNew = [.. updates.OfType<(DnsEndpoint Old, DnsEndpoint New)>().Select(p => p.New)],
            Delete = deletes,
        };

        // Step 2: the provider (never once the lease's grant has run out here: its writes cannot be fenced).
        if (applied.Count > 0)
        {
            if (_fence is { IsHeld: false } fence)
            {
                throw fence.NotHeld("the provider was not called (ownership items claimed for this apply stay as orphans until a later apply re-adopts or deletes them)");
            }

            var cacheBefore = CacheVersion();
            try
            {
                await _provider.ApplyChangesAsync(applied, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                DynamoDbLog.ProviderFailed(_logger, ex);
                throw;
            }

            // The provider's cache was patched with exactly these changes (one version step) and the view is patched
            // with them below: still a copy.
            var cacheAfter = CacheVersion();
            _viewCacheVersion = cacheBefore >= 0 && cacheBefore == _viewCacheVersion && cacheAfter == cacheBefore + 1 ? cacheAfter : -1;
        }
        else
        {
            DynamoDbLog.NothingToApply(_logger);
        }

        // Step 3: release the items of deleted records and of orphans.
        if (releases.Count > 0)
        {
            await ReleaseAsync(view, itemKeys, releases, cancellationToken).ConfigureAwait(false);
        }

        Patch(view, applied, itemKeys);
        return new RegistryApplyResult(applied, rejected);
    }

    private void AddRelease(DynamoDbOwnershipView view, Dictionary<EndpointKey, OwnershipItem> releases, EndpointKey key)
    {
        releases[key] = view.Items.TryGetValue(key, out var item)
            ? item
            : new OwnershipItem(key.ToString(), OwnerId, LabelMap.Empty);
    }

    /// <summary>Runs one round of claim statements; returns the claims to try again (only when <paramref name="canRetry"/>).</summary>
    private async Task<List<Claim>> ClaimAsync(DynamoDbOwnershipView view, HashSet<EndpointKey> itemKeys, List<Claim> claims, bool canRetry, CancellationToken cancellationToken)
    {
        var statements = claims.Select(c => c.ExpectedOwner is { } expected
            ? _table.Update(c.KeyText, expected, OwnerId, c.Labels)
            : _table.Insert(c.KeyText, OwnerId, c.Labels)).ToList();
        var responses = await _table.ExecuteAsync(statements, cancellationToken).ConfigureAwait(false);
        var retry = new List<Claim>();
        List<string>? failures = null;
        var transient = true;
        for (var i = 0; i < claims.Count; i++)
        {
            var claim = claims[i];
            var error = responses[i].Error;
            if (error is null)
            {
                DynamoDbLog.StatementApplied(_logger, statements[i].Operation, claim.KeyText);
                view.Items[claim.Key] = new OwnershipItem(claim.KeyText, OwnerId, claim.Labels);
                itemKeys.Add(claim.Key);
                continue;
            }

            var isInsert = claim.ExpectedOwner is null;
            if (error.Code == BatchStatementErrorCodeEnum.DuplicateItem || error.Code == BatchStatementErrorCodeEnum.ConditionalCheckFailed)
            {
                // Who holds the key now? A failed UPDATE condition returns the item (ALL_OLD) when it exists; a
                // duplicate INSERT returns nothing, so the holder is read (rare: only when losing a race).
                var (exists, holder) = error.Code == BatchStatementErrorCodeEnum.DuplicateItem
                    ? await _table.ReadHolderAsync(claim.KeyText, cancellationToken).ConfigureAwait(false)
                    : (error.Item is { Count: > 0 }, error.Item is { } existing && existing.TryGetValue(OwnershipTable.OwnerAttribute, out var o) ? o.S : null);
                if (canRetry && exists && IsOurs(holder))
                {
                    claim.ExpectedOwner = holder; // ours after all (written by an earlier, interrupted apply): update it
                    retry.Add(claim);
                    continue;
                }

                if (canRetry && !exists)
                {
                    claim.ExpectedOwner = null; // the item vanished: claim the key again
                    retry.Add(claim);
                    continue;
                }

                view.Items.Remove(claim.Key);
                itemKeys.Add(claim.Key);
                claim.RejectReason = holder is not null
                    ? $"the ownership item {claim.KeyText} in DynamoDB table \"{_table.Name}\" is held by owner '{holder}'"
                    : $"the ownership item {claim.KeyText} in DynamoDB table \"{_table.Name}\" could not be claimed ({error.Code}: {error.Message})";
                continue;
            }

            failures ??= [];
            failures.Add($"{(isInsert ? "inserting" : "updating")} dynamodb record \"{claim.KeyText}\": {error.Code}: {error.Message}");
            transient &= DynamoDbErrors.IsTransient(error.Code);
        }

        if (failures is not null)
        {
            // Items written by the statements that succeeded are orphans now; the next reconcile re-adopts or deletes them.
            throw new DnsProviderException(string.Join("; ", failures), transient);
        }

        return retry;
    }

    private async Task ReleaseAsync(DynamoDbOwnershipView view, HashSet<EndpointKey> itemKeys, Dictionary<EndpointKey, OwnershipItem> releases, CancellationToken cancellationToken)
    {
        var keys = releases.Keys.ToList();
        var statements = keys.Select(k => _table.Delete(releases[k].KeyText, releases[k].Owner)).ToList();
        IReadOnlyList<BatchStatementResponse> responses;
        try
        {
            responses = await _table.ExecuteAsync(statements, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsProviderException ex)
        {
            throw new DnsProviderException(
                "the record changes were applied, but releasing their ownership items failed (they stay as orphans until a later apply deletes them): " + ex.Message,
                ex.IsTransient,
                ex) { IsPartial = true };
        }

        List<string>? failures = null;
        var transient = true;
        for (var i = 0; i < keys.Count; i++)
        {
            var error = responses[i].Error;
            if (error is null || error.Code == BatchStatementErrorCodeEnum.ConditionalCheckFailed)
            {
                // A failed owner condition: another owner holds the key now; it is not ours to delete.
                DynamoDbLog.StatementApplied(_logger, error is null ? "DELETE" : "SKIP DELETE (not ours)", statements[i].KeyText);
                view.Items.Remove(keys[i]);
                itemKeys.Add(keys[i]);
                continue;
            }

            DynamoDbLog.DeleteFailed(_logger, statements[i].KeyText, $"{error.Code}: {error.Message}");
            failures ??= [];
            failures.Add($"deleting dynamodb record \"{statements[i].KeyText}\": {error.Code}: {error.Message}");
            transient &= DynamoDbErrors.IsTransient(error.Code);
        }

        if (failures is not null)
        {
            throw new DnsProviderException(
                "the record changes were applied, but releasing ownership items failed (they stay as orphans until a later apply deletes them): " + string.Join("; ", failures),
                transient) { IsPartial = true };
        }
    }

    /// <summary>
    /// Brings the view up to date after an apply, in O(changes): the provider records the provider applied, the keys
    /// whose items were written or deleted, their classification, orphans and labels, and the labels of the TXT
    /// ownership records they take (or no longer take) ownership from. A record whose labels changed although no
    /// applied change was at its key marks its name as <see cref="DynamoDbOwnershipView.Unplanned"/>.
    /// </summary>
    private void Patch(DynamoDbOwnershipView view, DnsChanges applied, HashSet<EndpointKey> itemKeys)
    {
        var direct = new HashSet<EndpointKey>();
        foreach (var record in applied.Delete.Concat(applied.UpdateOld))
        {
            direct.Add(record.Key);
            view.RemoveRecord(record.Key);
        }

        foreach (var record in applied.UpdateNew.Concat(applied.Create))
        {
            // Providers keep no labels; what they return next time is the record without them.
            direct.Add(record.Key);
            view.SetRecord(record.WithoutProviderSpecific(ProviderSpecificNames.DynamoDbNeedsMigration).WithoutLabels());
        }

        var relabel = new HashSet<EndpointKey>();
        foreach (var key in direct.Concat(itemKeys))
        {
            relabel.Add(key);
            Classify(view, key, relabel);
            view.UpdateOrphan(key);
            if (view.ByOwned.Count > 0 && OwnedName(key.DnsName) is { } name)
            {
                // The TXT ownership records this key's record may take its ownership from: whether one is still
                // taken (and so not returned) may have changed.
                foreach (var type in (string[])[key.RecordType.Value, string.Empty])
                {
                    if (view.ByOwned.TryGetValue(new MigrationKey(name, type, key.SetIdentifier), out var txt))
                    {
                        relabel.Add(txt.Record.Key);
                    }
                }
            }
        }

        foreach (var key in relabel)
        {
            view.Labelled.TryGetValue(key, out var before);
            var after = LabelAt(view, key);
            if (after is null)
            {
                view.Labelled.Remove(key);
            }
            else
            {
                view.Labelled.Set(after);
            }

            if (!direct.Contains(key) && !Equals(before, after))
            {
                view.Unplanned.Add(key.DnsName);
            }
        }

        if (relabel.Count > 0)
        {
            view.LabelledList = null;
        }
    }

    /// <summary>
    /// Why a desired TXT record would forge ownership: its text is ExternalDNS ownership text (it would be read as a TXT
    /// ownership record to migrate), or it would take the place of such a record. <see langword="null"/> otherwise.
    /// </summary>
    private string? ForgedOwnershipReason(DynamoDbOwnershipView view, DnsEndpoint record)
    {
        if (record.RecordType != RecordType.TXT)
        {
            return null;
        }

        foreach (var text in record.Targets)
        {
            if (_codec.TryParse(text, out _))
            {
                return "its text is ownership text (heritage=external-dns); a record may not carry it, or it would be read as the ownership of another record";
            }
        }

        return view.OldTxt.TryGetValue(record.Key, out var existing)
            ? $"{record.DnsName} is the TXT ownership record of {existing.Owned?.DnsName ?? "another record"} (owner '{existing.Owner ?? string.Empty}'); a record may not take its place"
            : null;
    }

    private string NotOwnedReason(DnsEndpoint record) =>
        $"the record is not owned by '{OwnerId}' (owner '{record.Owner ?? "none"}'); the registry does not change it";

    private void Refuse(List<RejectedEndpoint> rejected, DnsEndpoint record, string reason)
    {
        DynamoDbLog.Refused(_logger, record, reason);
        rejected.Add(new RejectedEndpoint(record, reason));
    }

    private sealed class Claim(EndpointKey key, LabelMap labels, int index, bool isCreate)
    {
        public EndpointKey Key { get; } = key;

        public string KeyText { get; set; } = key.ToString();

        public LabelMap Labels { get; } = labels;

        /// <summary>The index of the create or update pair the claim is for.</summary>
        public int Index { get; } = index;

        public bool IsCreate { get; } = isCreate;

        /// <summary>The owner the stored item must have for an UPDATE; <see langword="null"/> for an INSERT.</summary>
        public string? ExpectedOwner { get; set; }

        public string? RejectReason { get; set; }
    }
}
