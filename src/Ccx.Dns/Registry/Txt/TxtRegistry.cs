using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Registry.Txt;

/// <summary>
/// ExternalDNS's TXT registry: ownership is kept in a TXT record beside every owned record
/// (<c>a-foo.example.com TXT "heritage=external-dns,external-dns/owner=…,external-dns/resource=…"</c>), so that this
/// library and ExternalDNS can share a zone and read each other's ownership.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="GetRecordsAsync(CancellationToken)"/> reads the provider, consumes every ownership TXT record (typed and legacy
/// untyped names, plain or AES-GCM encrypted), attaches their labels to the records they own and returns the
/// other records. Records owned by <see cref="TxtRegistryOptions.OldOwnerId"/> are reported as owned by
/// <see cref="OwnerId"/>; owned records of a managed type that lack a typed ownership record carry
/// <see cref="ProviderSpecificNames.TxtForceUpdate"/> so that the planner rewrites them.
/// </para>
/// <para>
/// <see cref="ApplyChangesAsync"/> refuses updates and deletes of records not owned by <see cref="OwnerId"/>,
/// claims created records, and sends the record changes together with their ownership TXT changes to the
/// provider in one call. Ownership records are deleted and updated with the exact text that was read (gzip output
/// of Go and .NET differs, so encrypted text cannot be regenerated); creates whose ownership name would exceed DNS
/// limits, or whose ownership name is held by another owner or by a foreign TXT record, are refused with a reason.
/// </para>
/// <para>
/// The registry keeps its view of the zones between calls. With <see cref="TxtRegistryOptions.CacheInterval"/>
/// above zero, <see cref="GetRecordsAsync(CancellationToken)"/> serves that view for the interval; successful applies patch it, a
/// failed apply drops it. Calls are serialised.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore never creates a wait handle, so it holds nothing to dispose.")]
public sealed class TxtRegistry : IScopedRegistry, IRegistryHousekeeping
{
    private readonly IDnsProvider _provider;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TxtNameMapper _mapper;
    private readonly TxtOwnershipCodec _codec;
    private readonly string _oldOwnerId;
    private readonly TimeSpan _cacheInterval;
    private readonly HashSet<RecordType> _forceUpdateTypes;
    private readonly HashSet<EndpointKey> _legacyAliasWarned = [];
    // A patch this large (the first bulk creation) sizes the view's indexes once, and may drop its labelled records.
    private const int LargePatch = 1_024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private TxtOwnershipView? _view;
    private long _viewCacheVersion = -1;

    // Parsed label text by TXT text, kept from one read to the next: parsing (and decrypting) is a pure function of
    // the text, and most ownership records do not change between reads. Null labels mark a non-ownership text. The
    // text is kept too, so that ownership records this registry writes with the same text share one string.
    private Dictionary<string, ParsedText> _parsedTexts = new(StringComparer.Ordinal);

    /// <summary>Views of at least this many records are labelled in two halves at once (tests lower it).</summary>
    internal int ParallelLabelFrom { get; init; } = 50_000;

    // The mark of the last full labelling (see OwnershipRecord.ClaimMark); under the gate.
    private int _claimMark;

    // The label map last formatted as ownership text, and that text (never with encryption: each text has its own nonce).
    private (IReadOnlyDictionary<string, string>? Labels, string Text) _lastOwnershipText = (null, string.Empty);

    /// <summary>Creates a TXT registry over a provider.</summary>
    /// <param name="provider">The DNS provider holding the records and their ownership records.</param>
    /// <param name="options">The options; validated with <see cref="TxtRegistryOptionsValidator"/>.</param>
    /// <param name="timeProvider">The clock for the cache; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public TxtRegistry(IDnsProvider provider, TxtRegistryOptions options, TimeProvider? timeProvider = null, ILogger<TxtRegistry>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new TxtRegistryOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TxtRegistryOptions), validation.Failures);
        }

        _provider = provider;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<TxtRegistry>.Instance;
        OwnerId = options.OwnerId;
        _oldOwnerId = options.OldOwnerId;
        _cacheInterval = options.CacheInterval;
        _mapper = new TxtNameMapper(options.Prefix, options.Suffix, options.WildcardReplacement);
        _codec = new TxtOwnershipCodec(options.EncryptionAesKey, options.EncryptionEnabled);
        IEnumerable<RecordType> managed = options.ManagedRecordTypes.Count == 0
            ? RecordType.DefaultManaged
            : options.ManagedRecordTypes.Select(RecordType.Parse);
        _forceUpdateTypes = [.. managed];
        _forceUpdateTypes.ExceptWith(options.ExcludedRecordTypes.Select(RecordType.Parse));
    }

    /// <inheritdoc />
    public string OwnerId { get; }

    /// <inheritdoc />
    public DomainFilter DomainFilter => _provider.DomainFilter;

    /// <summary>The name mapper used for ownership record names.</summary>
    public TxtNameMapper NameMapper => _mapper;

    /// <summary>
    /// Whether the last read found ownership records of this owner whose record no longer exists (left behind when a
    /// provider applied the ownership record but not the record, or the record was deleted by hand). The next
    /// <see cref="ApplyChangesAsync"/> deletes them, even with no record changes.
    /// </summary>
    public bool HasPendingCleanup => _view?.Orphans is { Count: > 0 };

    /// <inheritdoc />
    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var view = _view;
            var now = _timeProvider.GetUtcNow();
            if (view is not null
                && ((_cacheInterval > TimeSpan.Zero && now - view.ReadAt < _cacheInterval) || IsExactCopyOfProviderCache()))
            {
                var cached = Labelled(view, cancellationToken);
                Log.CacheHit(_logger, cached.Count, now - view.ReadAt);
                return cached;
            }

            view = await ReadViewAsync(cancellationToken).ConfigureAwait(false);
            return Labelled(view, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Served from the view the last full read built and every apply since patched (never from the provider): within
    /// <see cref="TxtRegistryOptions.CacheInterval"/> when one is set, otherwise until the next full read. Changes made
    /// at the provider by others are seen at the next full read; until then a write they conflict with is refused by
    /// the provider (creates are create-if-absent), which drops the view.
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

            var records = new List<DnsEndpoint>(names.Count * 2);
            foreach (var name in names)
            {
                view.RecordsAt(name, records);
            }

            for (var i = 0; i < records.Count; i++)
            {
                records[i] = LabelOne(view, records[i], claimMark: 0);
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
            var view = _view ?? await ReadViewAsync(cancellationToken).ConfigureAwait(false);
            var batch = new ApplyBatch(changes.Create.Count + changes.UpdateNew.Count, changes.Create.Count, AnyTxt(changes.Create) || AnyTxt(changes.UpdateNew));
            var createTxtNames = CollectOwnershipKeys(batch, changes.Create);
            if (batch.OwnershipKeys is not null)
            {
                CollectOwnershipKeys(batch, changes.UpdateNew);
            }
            foreach (var record in changes.Delete)
            {
                PlanDelete(view, batch, record);
            }

            for (var i = 0; i < changes.UpdateOld.Count; i++)
            {
                PlanUpdate(view, batch, changes.UpdateOld[i], changes.UpdateNew[i]);
            }

            for (var i = 0; i < changes.Create.Count; i++)
            {
                PlanCreate(view, batch, changes.Create[i], createTxtNames[i]);
            }

            PlanOrphanDeletes(view, batch);

            var applied = new DnsChanges
            {
                Create = batch.Create,
                UpdateOld = batch.UpdateOld,
                UpdateNew = batch.UpdateNew,
                Delete = batch.Delete,
            };
            var providerChanges = new DnsChanges
            {
                Create = [.. batch.Create, .. batch.TxtCreate],
                UpdateOld = [.. batch.UpdateOld, .. batch.TxtUpdateOld],
                UpdateNew = [.. batch.UpdateNew, .. batch.TxtUpdateNew],
                Delete = [.. batch.Delete, .. batch.TxtDelete],
            };
            if (providerChanges.Count + batch.TxtCreateFirst.Count + batch.TxtDeleteLast.Count == 0)
            {
                Log.NothingToApply(_logger);
                return new RegistryApplyResult(applied, batch.Rejected);
            }

            Log.Applying(_logger, applied, batch.TxtCreate.Count + batch.TxtCreateFirst.Count, batch.TxtUpdateNew.Count, batch.TxtDelete.Count + batch.TxtDeleteLast.Count);

            // An ownership record in another zone than its record cannot travel in the same atomic write: it is
            // created before the record and deleted after it, so that a failure in between leaves an ownership record
            // without its record (cleaned up as an orphan) and never a record without its ownership (stuck for good).
            var calls = 0;
            foreach (var call in (DnsChanges[])[new DnsChanges { Create = batch.TxtCreateFirst }, providerChanges, new DnsChanges { Delete = batch.TxtDeleteLast }])
            {
                if (call.Count == 0)
                {
                    continue;
                }

                var cacheBefore = CacheVersion();
                try
                {
                    await _provider.ApplyChangesAsync(call, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // Nothing is known about what was applied: read everything again next time.
                    Log.ApplyFailed(_logger, ex);
                    _view = null;
                    if (calls > 0 && ex is DnsProviderException { IsPartial: false } failure)
                    {
                        throw AsPartial(failure);
                    }

                    throw;
                }

                calls++;
                Patch(view, call);

                // The provider's cache was patched with exactly this call (one version step) and ours too: still a copy.
                var cacheAfter = CacheVersion();
                _viewCacheVersion = cacheBefore >= 0 && cacheBefore == _viewCacheVersion && cacheAfter == cacheBefore + 1 ? cacheAfter : -1;
            }

            return new RegistryApplyResult(applied, batch.Rejected);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => _provider.AdjustEndpoints(endpoints);

    /// <summary>
    /// Whether the view is known to hold exactly the records the provider's cache would return (built from it and
    /// patched with every apply since, nothing else having changed it): then a full read needs no re-read.
    /// </summary>
    private bool IsExactCopyOfProviderCache() => _viewCacheVersion >= 0 && CacheVersion() == _viewCacheVersion;

    private long CacheVersion() => _provider is Providers.Caching.CachingDnsProvider caching ? caching.CacheVersion : -1;

    private async Task<TxtOwnershipView> ReadViewAsync(CancellationToken cancellationToken)
    {
        var (last, lastParsed, lastCacheVersion) = (_view, _parsedTexts, _viewCacheVersion);
        _view = null;
        try
        {
            return await BuildViewAsync(last, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled (a full reconcile yielding to a failover, or the host stopping): as if the read had never begun,
            // the last view stands (nothing was written since it was patched last), so targeted reads go on.
            (_view, _parsedTexts, _viewCacheVersion) = (last, lastParsed, lastCacheVersion);
            throw;
        }
    }

    private async Task<TxtOwnershipView> BuildViewAsync(TxtOwnershipView? last, CancellationToken cancellationToken)
    {
        var before = CacheVersion();
        var records = await _provider.GetRecordsAsync(cancellationToken).ConfigureAwait(false);
        var after = CacheVersion();
        _viewCacheVersion = after >= 0 && (before == after || before < 0) ? after : -1;

        // Most zones hold about as many ownership records as records; the last view is a better guess.
        var view = last is null
            ? new TxtOwnershipView(_timeProvider.GetUtcNow(), records.Count / 2, records.Count / 2)
            : new TxtOwnershipView(_timeProvider.GetUtcNow(), last.Records.Count, last.OwnershipRecords.Count);
        var previous = _parsedTexts;
        _parsedTexts = new Dictionary<string, ParsedText>(previous.Count, StringComparer.Ordinal);

        // Records first, ownership records after: an ownership record then shares its owned record's name string.
        var seen = 0;
        foreach (var record in records)
        {
            PeriodicCancellation.ThrowAt(seen++, cancellationToken);
            if (record.RecordType != RecordType.TXT)
            {
                Add(view, record, previous);
            }
        }

        foreach (var record in records)
        {
            PeriodicCancellation.ThrowAt(seen++, cancellationToken);
            if (record.RecordType == RecordType.TXT)
            {
                Add(view, record, previous);
            }
        }

        DemoteOwnedTxtRecords(view);
        Log.ViewRead(_logger, view.Records.Count, view.OwnershipRecords.Count);
        _view = view;
        return view;
    }

    /// <summary>Adds a record as the provider holds it: ownership records are consumed, the others kept.</summary>
    /// <param name="view">The view.</param>
    /// <param name="record">The record as the provider keeps it.</param>
    /// <param name="previous">Texts already parsed.</param>
    /// <param name="ownedName">The name of the record an ownership record was written for (its <see cref="EndpointLabels.OwnedRecordKey"/> label), when known.</param>
    private void Add(TxtOwnershipView view, DnsEndpoint record, Dictionary<string, ParsedText> previous, string? ownedName = null)
    {
        if (record.RecordType == RecordType.TXT)
        {
            if (record.Targets.Count == 0)
            {
                Log.TxtWithoutTargets(_logger, record.DnsName);
                return;
            }

            if (TryParseOwnership(view, record, previous, ownedName, out var ownership))
            {
                view.RemoveRecord(record.Key);
                view.AddOwnership(ownership);
                return;
            }
        }

        view.RemoveOwnership(record.Key);
        view.SetRecord(record);
    }

    /// <summary>
    /// A TXT record that is itself owned as a record (an ownership record names it with type TXT) is a record, whatever
    /// its text says: otherwise whoever controls its text could forge ownership of other records.
    /// </summary>
    private static void DemoteOwnedTxtRecords(TxtOwnershipView view)
    {
        if (view.OwnershipRecords.Count == 0)
        {
            return;
        }

        List<OwnershipRecord>? demoted = null;
        foreach (var byOwned in view.ByOwned)
        {
            var owned = byOwned.Owned!.Value;
            if (string.Equals(owned.RecordType, RecordType.TXT.Value, StringComparison.Ordinal)
                && view.OwnershipRecords.TryGetValue(new EndpointKey(owned.DnsName, RecordType.TXT, owned.SetIdentifier), out var ownership))
            {
                (demoted ??= []).Add(ownership);
            }
        }

        foreach (var ownership in demoted ?? [])
        {
            view.RemoveOwnership(ownership.Record.Key);
            view.SetRecord(ownership.Record);
        }
    }

    private bool TryParseOwnership(
        TxtOwnershipView view,
        DnsEndpoint txt,
        Dictionary<string, ParsedText> previous,
        string? ownedNameHint,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OwnershipRecord? ownership)
    {
        ownership = null;
        var text = txt.Targets[0];
        if (!previous.TryGetValue(text, out var parsed) && !_parsedTexts.TryGetValue(text, out parsed))
        {
            parsed = new ParsedText(text, ParseLabels(text));
        }

        _parsedTexts[text] = parsed;
        if (parsed.Labels is not { } labels)
        {
            return false;
        }

        OwnedKey? owned = null;
        if (ownedNameHint is not null && _mapper.TryParseTxtNameOf(txt.DnsName, ownedNameHint, out var hinted))
        {
            // Written by this registry for that record: the parse would give this very name (the record's own string).
            owned = new OwnedKey(ownedNameHint, hinted.Value.Value, txt.SetIdentifier);
        }
        else if (_mapper.TryParseTxtName(txt.DnsName, out var name))
        {
            // The owned record's own name string when it is in the view: one string per name, not two.
            var ownedName = name.DnsName;
            if (name.RecordType is { } type
                && view.Records.TryGetValue(new EndpointKey(ownedName, type, txt.SetIdentifier), out var record)
                && string.Equals(record.DnsName, ownedName, StringComparison.Ordinal))
            {
                ownedName = record.DnsName;
            }

            owned = new OwnedKey(ownedName, name.RecordType?.Value ?? string.Empty, txt.SetIdentifier);
        }

        ownership = new OwnershipRecord(txt, labels, owned);
        return true;
    }

    private LabelMap? ParseLabels(string text) =>
        _codec.TryParseMap(text, out var labels) ? labels : null;

    /// <summary>Attaches ownership labels to the records of a view, and finds its orphans.</summary>
    private void Label(TxtOwnershipView view, CancellationToken cancellationToken)
    {
        var result = new KeyedSet<EndpointKey, DnsEndpoint>(EndpointsByKey.Instance, view.Records.Count);
        var anyOwnership = view.OwnershipRecords.Count > 0;

        // Each claimed ownership record is marked with this labelling's mark (no set of them: a first identity hash per
        // object is costly, and a set of 200k records is 4 MB).
        var mark = anyOwnership ? NextClaimMark() : 0;
        IReadOnlyList<DnsEndpoint>? list = null;
        if (view.Records.Count < ParallelLabelFrom || Environment.ProcessorCount < 2)
        {
            var seen = 0;
            foreach (var record in view.Records)
            {
                PeriodicCancellation.ThrowAt(seen++, cancellationToken);
                result.TryAdd(LabelOne(view, record, mark));
            }
        }
        else
        {
            // A large view (the first full read after a bulk creation) is labelled in two halves at once: labelling a
            // record only reads the view (and marks the ownership record it claims, with the same mark from either
            // thread). The labelled records are added in the view's order, as the loop above adds them.
            var records = new DnsEndpoint[view.Records.Count];
            var at = 0;
            foreach (var record in view.Records)
            {
                records[at++] = record;
            }

            var labelled = new DnsEndpoint[records.Length];
            var half = records.Length / 2;
            Parallel.Invoke(
                () => LabelRange(view, records, labelled, 0, half, mark, cancellationToken),
                () => LabelRange(view, records, labelled, half, records.Length, mark, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested(); // a range stopped early leaves its part unlabelled
            foreach (var record in labelled)
            {
                result.TryAdd(record);
            }

            // The records keep their keys, so every one was added: the array is the list a full read returns.
            list = result.Count == labelled.Length ? Array.AsReadOnly(labelled) : null;
        }

        view.Orphans = anyOwnership ? FindOrphans(view, mark) : [];
        view.LabelledByKey = result;
        view.LabelledWithOwnership = anyOwnership;
        view.Labelled = list;
    }

    private void LabelRange(TxtOwnershipView view, DnsEndpoint[] records, DnsEndpoint[] labelled, int from, int to, int mark, CancellationToken cancellationToken)
    {
        for (var i = from; i < to; i++)
        {
            if (PeriodicCancellation.IsCheckpoint(i - from) && cancellationToken.IsCancellationRequested)
            {
                return;
            }

            labelled[i] = LabelOne(view, records[i], mark);
        }
    }

    /// <summary>A claim mark no recent labelling used (never zero; wraps after about two billion full labellings).</summary>
    private int NextClaimMark()
    {
        _claimMark = _claimMark == int.MaxValue ? 1 : _claimMark + 1;
        return _claimMark;
    }

    /// <summary>The view's records with their ownership labels, as a full read returns them (shared while unchanged: read-only).</summary>
    private IReadOnlyList<DnsEndpoint> Labelled(TxtOwnershipView view, CancellationToken cancellationToken)
    {
        if (view.LabelledByKey is null)
        {
            Label(view, cancellationToken); // cancelled part-way, the view stays unlabelled (and labels at the next read)
        }

        return view.Labelled ??= view.LabelledByKey!.ToArray().AsReadOnly();
    }

    /// <summary>One record with its ownership labels, as a full read returns it.</summary>
    /// <param name="view">The view.</param>
    /// <param name="record">The record.</param>
    /// <param name="claimMark">When not zero, marks the ownership records the record claims with it.</param>
    private DnsEndpoint LabelOne(TxtOwnershipView view, DnsEndpoint record, int claimMark)
    {
        if (view.OwnershipRecords.Count == 0)
        {
            return record;
        }

        var found = FindOwnership(view, record);
        if (found is not null && claimMark != 0)
        {
            found.ClaimMark = claimMark;
        }

        // A legacy `cname-` ownership record of an A alias stays in place after migration, as in ExternalDNS.
        if (claimMark != 0 && record.RecordType == RecordType.A && IsAAlias(record)
            && view.ByOwned.TryGetValue(new OwnedKey(OwnedName(record), RecordType.CNAME.Value, record.SetIdentifier), out var legacy))
        {
            legacy.ClaimMark = claimMark;
        }

        var labels = (LabelMap)record.Labels;
        if (found is not null)
        {
            labels = labels.Count == 0 ? found.Labels : labels.SetItems(found.Labels);
        }

        var migrated = false;
        if (_oldOwnerId.Length > 0
            && labels.TryGetValue(EndpointLabels.OwnerKey, out var owner)
            && string.Equals(owner, _oldOwnerId, StringComparison.Ordinal))
        {
            labels = labels.SetItem(EndpointLabels.OwnerKey, OwnerId);
            migrated = true;
        }

        var labelled = ReferenceEquals(labels, record.Labels) ? record : record with { Labels = labels };

        // Without a template, a typed ownership record of the record's own type can only have the name it would be
        // written to (the mapping is one-to-one): nothing to force, and no name to compute.
        var typed = !_mapper.HasRecordTypeTemplate
            && found?.Owned is { } owned
            && string.Equals(owned.RecordType, record.RecordType.Value, StringComparison.Ordinal);

        // A record whose ownership still names the old owner needs its ownership record rewritten too; the
        // marker makes the planner's update pair differ even when the desired record equals the current one.
        if ((migrated && _forceUpdateTypes.Contains(record.RecordType)) || (!typed && NeedsForceUpdate(view, labelled)))
        {
            labelled = labelled.WithProviderSpecific(ProviderSpecificNames.TxtForceUpdate, "true");
        }

        return labelled;
    }

    private Dictionary<EndpointKey, OwnershipRecord> FindOrphans(TxtOwnershipView view, int claimMark)
    {
        var orphans = new Dictionary<EndpointKey, OwnershipRecord>();
        foreach (var ownership in view.OwnershipRecords)
        {
            if (ownership.ClaimMark != claimMark && CanBeOrphan(ownership))
            {
                orphans.Add(ownership.Record.Key, ownership);
            }
        }

        return orphans;
    }

    /// <summary>
    /// Only typed ownership records of our own, for a managed type, naming a record inside the provider's domain
    /// filter: for those, the provider's full listing is authoritative about whether the record exists.
    /// </summary>
    private bool CanBeOrphan(OwnershipRecord ownership) =>
        ownership.Owned is { RecordType.Length: > 0 } owned
        && IsOurs(ownership.Owner)
        && _forceUpdateTypes.Contains(RecordType.Parse(owned.RecordType))
        && _provider.DomainFilter.Match(owned.DnsName);

    /// <summary>Whether a record of the view claims an ownership record (the per-record form of what <see cref="Label"/> finds).</summary>
    private bool IsClaimed(TxtOwnershipView view, OwnershipRecord ownership)
    {
        var owned = ownership.Owned!.Value;
        var type = RecordType.Parse(owned.RecordType);
        foreach (var name in ClaimantNames(owned.DnsName))
        {
            if (view.Records.TryGetValue(new EndpointKey(name, type, owned.SetIdentifier), out var record)
                && ReferenceEquals(FindOwnership(view, record), ownership))
            {
                return true;
            }

            if (type == RecordType.CNAME
                && view.Records.TryGetValue(new EndpointKey(name, RecordType.A, owned.SetIdentifier), out var alias)
                && IsAAlias(alias)
                && (ReferenceEquals(FindOwnership(view, alias), ownership)
                    || (view.ByOwned.TryGetValue(new OwnedKey(OwnedName(alias), RecordType.CNAME.Value, alias.SetIdentifier), out var legacy) && ReferenceEquals(legacy, ownership))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The names of the records whose ownership name is <paramref name="ownedName"/> (the inverse of <see cref="OwnedName"/>).</summary>
    private IEnumerable<string> ClaimantNames(string ownedName)
    {
        var replacement = _mapper.WildcardReplacement;
        if (replacement.Length > 0 && IsAtWildcardReplacement(ownedName))
        {
            yield return ownedName.Length == replacement.Length ? "*" : "*" + ownedName[replacement.Length..];
            yield break;
        }

        yield return ownedName;
    }

    /// <summary>Re-evaluates, after a patch, whether the ownership records a changed name involves are orphans.</summary>
    private void UpdateOrphans(TxtOwnershipView view, HashSet<OwnedKey> touched, HashSet<EndpointKey> removedOwnership)
    {
        if (view.Orphans is not { } orphans)
        {
            return;
        }

        foreach (var key in removedOwnership)
        {
            orphans.Remove(key);
        }

        foreach (var ownedKey in touched)
        {
            if (!view.ByOwned.TryGetValue(ownedKey, out var ownership))
            {
                continue;
            }

            if (CanBeOrphan(ownership) && !IsClaimed(view, ownership))
            {
                orphans[ownership.Record.Key] = ownership;
            }
            else
            {
                orphans.Remove(ownership.Record.Key);
            }
        }
    }

    private void PlanOrphanDeletes(TxtOwnershipView view, ApplyBatch batch)
    {
        if (view.Orphans is not { } orphans)
        {
            // Not known until a full read labels the view (after a bulk creation, or a full read that was cancelled):
            // an apply does not label the whole zone to find them (a failover would wait for it); the next full read
            // finds them, and the apply after it deletes them.
            return;
        }

        foreach (var orphan in orphans.Values)
        {
            var key = orphan.Record.Key;
            if (batch.Claimed.Contains(key) || !batch.TouchedTxt.Add(key))
            {
                continue;
            }

            var owned = orphan.Owned!.Value;
            Log.DeletingOrphan(_logger, orphan.Record.DnsName, owned.DnsName, owned.RecordType);
            batch.TxtDelete.Add(orphan.Record.WithLabel(EndpointLabels.OwnedRecordKey, owned.DnsName));
        }
    }

    private string OwnedName(DnsEndpoint record)
    {
        var name = DnsNames.Normalize(record.DnsName);
        if (_mapper.WildcardReplacement.Length > 0 && name.StartsWith("*.", StringComparison.Ordinal))
        {
            name = _mapper.WildcardReplacement + name[1..];
        }
        else if (_mapper.WildcardReplacement.Length > 0 && name == "*")
        {
            name = _mapper.WildcardReplacement;
        }

        return name;
    }

    private OwnershipRecord? FindOwnership(TxtOwnershipView view, DnsEndpoint record)
    {
        if (IsAtWildcardReplacement(record.DnsName))
        {
            // Its ownership name is the wildcard's: an ownership record there belongs to the wildcard, never to it.
            return null;
        }

        var name = OwnedName(record);
        var type = record.RecordType;
        if (view.ByOwned.TryGetValue(new OwnedKey(name, type.Value, record.SetIdentifier), out var found))
        {
            return found;
        }

        if (type == RecordType.A && IsAAlias(record)
            && view.ByOwned.TryGetValue(new OwnedKey(name, RecordType.CNAME.Value, record.SetIdentifier), out found))
        {
            bool first;
            lock (_legacyAliasWarned)
            {
                first = _legacyAliasWarned.Add(record.Key);
            }

            if (first)
            {
                Log.LegacyAliasOwnership(
                    _logger,
                    record.DnsName,
                    found.Record.DnsName,
                    _mapper.ToTxtName(record.DnsName, RecordType.A));
            }

            return found;
        }

        // AAAA ownership is per type only (dual-stack records in clusters sharing a zone); the others fall back to
        // the legacy untyped ownership record.
        if (type != RecordType.AAAA
            && view.ByOwned.TryGetValue(new OwnedKey(name, string.Empty, record.SetIdentifier), out found))
        {
            return found;
        }

        return null;
    }

    /// <summary>Whether a literal name's first label is the configured wildcard replacement (so it shares the ownership name of a wildcard).</summary>
    private bool IsAtWildcardReplacement(string dnsName)
    {
        var replacement = _mapper.WildcardReplacement;
        if (replacement.Length == 0 || dnsName.Length < replacement.Length)
        {
            return false;
        }

        var name = DnsNames.Normalize(dnsName);
        return name.StartsWith(replacement, StringComparison.OrdinalIgnoreCase)
            && (name.Length == replacement.Length || name[replacement.Length] == '.');
    }

    private bool NeedsForceUpdate(TxtOwnershipView view, DnsEndpoint record)
    {
        if (!record.IsOwnedBy(OwnerId) || !_forceUpdateTypes.Contains(record.RecordType))
        {
            return false;
        }

        // Too long a name has no ownership record to write, hence nothing to force.
        return _mapper.TryGetTxtName(record.DnsName, record.RecordType, out var txtName, out _)
            && !view.OwnershipRecords.ContainsKey(new EndpointKey(txtName, RecordType.TXT, record.SetIdentifier));
    }

    private static bool IsAAlias(DnsEndpoint record) =>
        record.TryGetProviderSpecific(ProviderSpecificNames.Alias, out var alias) && alias is "true" or "A";

    private bool IsOurs(string? owner) =>
        owner is not null
        && (string.Equals(owner, OwnerId, StringComparison.Ordinal)
            || (_oldOwnerId.Length > 0 && string.Equals(owner, _oldOwnerId, StringComparison.Ordinal)));

    private void PlanDelete(TxtOwnershipView view, ApplyBatch batch, DnsEndpoint record)
    {
        if (!record.IsOwnedBy(OwnerId))
        {
            Refuse(batch, record, NotOwnedReason(record));
            return;
        }

        batch.Delete.Add(record);
        if (FindOwnOwnershipRecord(view, record) is { } ownership && batch.TouchedTxt.Add(ownership.Record.Key))
        {
            var zones = ZonesOf(record.DnsName, ownership.Record.DnsName);
            (zones is { Record: { } recordZone, Ownership: { } txtZone } && recordZone != txtZone ? batch.TxtDeleteLast : batch.TxtDelete)
                .Add(AsWritten(ownership.Record, record));
        }
    }

    private void PlanUpdate(TxtOwnershipView view, ApplyBatch batch, DnsEndpoint old, DnsEndpoint updated)
    {
        if (!old.IsOwnedBy(OwnerId))
        {
            Refuse(batch, updated, NotOwnedReason(old));
            return;
        }

        if (updated.Owner is { } newOwner && !IsOurs(newOwner))
        {
            Refuse(batch, updated, $"the update would hand the record to owner '{newOwner}'; the registry only writes records owned by '{OwnerId}'");
            return;
        }

        if (ForgedOwnershipReason(view, batch, updated) is { } forged)
        {
            Refuse(batch, updated, forged + "; the record was not updated");
            return;
        }

        var claimed = updated.WithLabel(EndpointLabels.OwnerKey, OwnerId);
        batch.UpdateOld.Add(old);
        batch.UpdateNew.Add(claimed);
        var oldOwnership = FindOwnOwnershipRecord(view, old);
        if (!_mapper.TryGetTxtName(claimed.DnsName, claimed.RecordType, out var txtName, out var reason))
        {
            Log.OwnershipNotWritten(_logger, claimed, reason);
            return;
        }

        var txtKey = new EndpointKey(txtName, RecordType.TXT, claimed.SetIdentifier);
        if (oldOwnership is not null && oldOwnership.Record.Key != txtKey && batch.TouchedTxt.Add(oldOwnership.Record.Key))
        {
            // The record changed type or set identifier: its old ownership record goes with it.
            batch.TxtDelete.Add(AsWritten(oldOwnership.Record, old));
        }

        if (WriteOwnership(view, batch, claimed, txtName, txtKey) is { } blocked)
        {
            Log.OwnershipNotWritten(_logger, claimed, blocked);
        }
    }

    /// <param name="view">The view.</param>
    /// <param name="batch">The batch being planned.</param>
    /// <param name="record">The record to create.</param>
    /// <param name="txtName">Its ownership name as already mapped, or null to map it (and learn why it has none).</param>
    private void PlanCreate(TxtOwnershipView view, ApplyBatch batch, DnsEndpoint record, string? txtName)
    {
        var claimed = Claim(batch, record);
        string? reason = null;
        if (txtName is null && !_mapper.TryGetTxtName(claimed.DnsName, claimed.RecordType, out txtName, out reason))
        {
            Refuse(batch, record, reason + "; the record was not created");
            return;
        }

        if (ForgedOwnershipReason(view, batch, record) is { } forged)
        {
            Refuse(batch, record, forged + "; the record was not created");
            return;
        }

        if (IsAtWildcardReplacement(record.DnsName))
        {
            Refuse(batch, record, $"its name starts with the WildcardReplacement '{_mapper.WildcardReplacement}', so its ownership record {txtName} would be the one of the wildcard record at the same place; choose a WildcardReplacement that no desired name uses; the record was not created");
            return;
        }

        var filter = _provider.DomainFilter;
        var zones = ZonesOf(claimed.DnsName, txtName);
        if ((filter.IsConfigured && filter.Match(claimed.DnsName) && !filter.Match(txtName))
            || zones is { Record: not null, Ownership: null })
        {
            // ExternalDNS's default ownership name for an apex record (a-example.org) lies outside the zone: the
            // provider would refuse it and, with it, the rest of the apply.
            Refuse(batch, record, $"its ownership record {txtName} would lie outside the provider's zones; for records at a zone apex set a Prefix ending in '.', such as '%{{record_type}}-owner.'; the record was not created");
            return;
        }

        var txtKey = new EndpointKey(txtName, RecordType.TXT, claimed.SetIdentifier);
        var crossZone = zones is { Record: { } recordZone, Ownership: { } txtZone } && recordZone != txtZone;
        if (WriteOwnership(view, batch, claimed, txtName, txtKey, crossZone) is { } blocked)
        {
            Refuse(batch, record, blocked + "; the record was not created");
            return;
        }

        batch.Create.Add(claimed);
    }

    /// <summary>The record labelled with this registry's owner id; records sharing one label map share the labelled map too.</summary>
    private DnsEndpoint Claim(ApplyBatch batch, DnsEndpoint record)
    {
        // A resource's records (a datastore's primary and replica names) usually share one label map and come one after
        // the other: one owner-labelled map for them all, and with it one ownership text.
        if (!ReferenceEquals(record.Labels, batch.LastClaim.From))
        {
            batch.LastClaim = (record.Labels, record.WithLabel(EndpointLabels.OwnerKey, OwnerId).Labels);
        }

        return ReferenceEquals(record.Labels, batch.LastClaim.To) ? record : record.WithLabels(batch.LastClaim.To!);
    }

    /// <summary>The zones holding a record's name and its ownership record's name, when the provider knows its zones.</summary>
    private (string? Record, string? Ownership)? ZonesOf(string recordName, string txtName)
    {
        if (_provider is not IZoneAwareDnsProvider zoned || zoned.FindZone(recordName) is not { } recordZone)
        {
            return null;
        }

        return (recordZone, zoned.FindZone(txtName));
    }

    /// <summary>Ownership record keys every create and update of a batch writes to (a desired TXT record may not take one).</summary>
    /// <returns>The ownership name of each record (null where it has none), for the plan to reuse.</returns>
    private string?[] CollectOwnershipKeys(ApplyBatch batch, IReadOnlyList<DnsEndpoint> records)
    {
        var txtNames = new string?[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (_mapper.TryGetTxtName(record.DnsName, record.RecordType, out var txtName, out _))
            {
                batch.OwnershipKeys?.Add(new EndpointKey(txtName, RecordType.TXT, record.SetIdentifier));
                txtNames[i] = txtName;
            }
        }

        return txtNames;
    }

    /// <summary>
    /// Why a desired TXT record would forge ownership: its text is ownership text, or it would sit where an ownership
    /// record is (or is being written). <see langword="null"/> for every other record.
    /// </summary>
    private string? ForgedOwnershipReason(TxtOwnershipView view, ApplyBatch batch, DnsEndpoint record)
    {
        if (record.RecordType != RecordType.TXT)
        {
            return null;
        }

        foreach (var text in record.Targets)
        {
            if (ParseLabels(text) is not null)
            {
                return "its text is ownership text (heritage=external-dns); a record may not carry it, or it would be read as the ownership of another record";
            }
        }

        if (view.OwnershipRecords.TryGetValue(record.Key, out var existing))
        {
            return $"{record.DnsName} is the ownership record of {existing.Owned?.DnsName ?? "another record"} (owner '{existing.Owner ?? string.Empty}'); a record may not take its place";
        }

        if (batch.OwnershipKeys?.Contains(record.Key) == true)
        {
            return $"{record.DnsName} is where the ownership record of another record of this change set is written; a record may not take its place";
        }

        return null;
    }

    /// <summary>
    /// Plans writing the ownership record of <paramref name="owned"/>: a create when none exists, an update (of the
    /// text as read) when ours differs, nothing when ours is current.
    /// </summary>
    /// <returns>Why it cannot be written, or <see langword="null"/>.</returns>
    private string? WriteOwnership(TxtOwnershipView view, ApplyBatch batch, DnsEndpoint owned, string txtName, EndpointKey txtKey, bool crossZone = false)
    {
        batch.Claimed.Add(txtKey);
        if (view.OwnershipRecords.TryGetValue(txtKey, out var existing))
        {
            if (!IsOurs(existing.Owner))
            {
                return $"the ownership record {existing.Record.DnsName} belongs to owner '{existing.Owner ?? string.Empty}'";
            }

            if (IsCurrent(existing, owned) || !batch.TouchedTxt.Add(txtKey))
            {
                return null;
            }

            batch.TxtUpdateOld.Add(AsWritten(existing.Record, owned));
            batch.TxtUpdateNew.Add(NewOwnershipRecord(owned, txtName));
            return null;
        }

        if (view.Records.ContainsKey(txtKey))
        {
            return $"a TXT record that is not an ownership record exists at {txtName}";
        }

        if (batch.TouchedTxt.Add(txtKey))
        {
            (crossZone ? batch.TxtCreateFirst : batch.TxtCreate).Add(NewOwnershipRecord(owned, txtName));
        }

        return null;
    }

    /// <summary>Our typed ownership record of a record (the one it would be written to), if present.</summary>
    private OwnershipRecord? FindOwnOwnershipRecord(TxtOwnershipView view, DnsEndpoint record)
    {
        if (!_mapper.TryGetTxtName(record.DnsName, record.RecordType, out var txtName, out _)
            || !view.OwnershipRecords.TryGetValue(new EndpointKey(txtName, RecordType.TXT, record.SetIdentifier), out var ownership))
        {
            return null;
        }

        return IsOurs(ownership.Owner) ? ownership : null;
    }

    /// <summary>Whether an existing ownership record already says what <paramref name="owned"/> would write.</summary>
    private bool IsCurrent(OwnershipRecord existing, DnsEndpoint owned)
    {
        if (existing.IsEncrypted != _codec.Encrypts
            || !SameLabels(existing.Labels, (LabelMap)owned.Labels)
            || !existing.Record.ProviderSpecific.SequenceEqual(OwnershipProviderSpecific(owned)))
        {
            return false;
        }

        return true;
    }

    /// <summary>Whether two label maps say the same ownership: the same pairs, apart from the encryption nonce.</summary>
    private static bool SameLabels(LabelMap left, LabelMap right)
    {
        static int Count(LabelMap labels) =>
            labels.Count - (labels.ContainsKey(EndpointLabels.TxtEncryptionNonceKey) ? 1 : 0);

        if (Count(left) != Count(right))
        {
            return false;
        }

        foreach (var (key, value) in left)
        {
            if (!string.Equals(key, EndpointLabels.TxtEncryptionNonceKey, StringComparison.Ordinal)
                && (!right.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    private DnsEndpoint NewOwnershipRecord(DnsEndpoint owned, string txtName)
    {
        // Labelled from the unlabelled record, which is then what providers and views keep (no second copy).
        return new DnsEndpoint(txtName, RecordType.TXT, OwnershipText(owned))
        {
            SetIdentifier = owned.SetIdentifier,
            ProviderSpecific = OwnershipProviderSpecific(owned),
        }.WithLabel(EndpointLabels.OwnedRecordKey, owned.DnsName);
    }

    /// <summary>
    /// The ownership text of a record. Records with the same labels (a datastore's primary and replica names) share one
    /// text string; the text is parsed here, once, and when it says exactly the labels that wrote it, those labels are
    /// what the view keeps for it (their strings shared with the desired records, not parsed copies).
    /// </summary>
    private string OwnershipText(DnsEndpoint owned)
    {
        // The records of one resource usually share one label map and are written one after the other.
        if (!_codec.Encrypts && ReferenceEquals(owned.Labels, _lastOwnershipText.Labels))
        {
            return _lastOwnershipText.Text;
        }

        var text = _codec.Format(owned.Labels);
        if (_parsedTexts.TryGetValue(text, out var parsed))
        {
            text = parsed.Text;
        }
        else
        {
            var labels = owned.Labels is LabelMap written
                ? (_codec.TryParseMapLike(text, written, out var parsedLabels) ? parsedLabels : null)
                : ParseLabels(text);

            _parsedTexts[text] = new ParsedText(text, labels);
        }

        if (!_codec.Encrypts)
        {
            _lastOwnershipText = (owned.Labels, text);
        }

        return text;
    }

    /// <summary>The ownership record as read, tagged with the record it owns (providers group changes by it).</summary>
    private static DnsEndpoint AsWritten(DnsEndpoint txt, DnsEndpoint owned) =>
        txt.WithLabel(EndpointLabels.OwnedRecordKey, owned.DnsName);

    /// <summary>The owned record's provider-specific properties travel with its ownership record, minus registry markers.</summary>
    private static IReadOnlyList<ProviderSpecificProperty> OwnershipProviderSpecific(DnsEndpoint owned) =>
        owned.WithoutProviderSpecific(ProviderSpecificNames.TxtForceUpdate).ProviderSpecific;

    private string NotOwnedReason(DnsEndpoint record) =>
        $"the record is not owned by '{OwnerId}' (owner '{record.Owner ?? "none"}'); the registry does not change it";

    private void Refuse(ApplyBatch batch, DnsEndpoint record, string reason)
    {
        Log.Refused(_logger, record, reason);
        batch.Rejected.Add(new RejectedEndpoint(record, reason));
    }

    /// <summary>Brings the view up to date with changes the provider applied, in O(changes).</summary>
    private void Patch(TxtOwnershipView view, DnsChanges applied)
    {
        // What a patch touched matters only to a view that keeps orphans or labelled records. A patch larger than the
        // view (the first reconcile's bulk creation) drops them instead: the next full read labels the view once,
        // which costs what relabelling every name here would, without a set of every name written.
        if (applied.Count > LargePatch && applied.Count > view.Records.Count + view.OwnershipRecords.Count)
        {
            view.LabelledByKey = null;
            view.Orphans = null;
        }

        var track = view.Orphans is not null || view.LabelledByKey is not null;
        var touched = track ? new HashSet<OwnedKey>() : null;
        var removedOwnership = track ? new HashSet<EndpointKey>() : null;
        foreach (var record in applied.Delete.Concat(applied.UpdateOld))
        {
            if (view.OwnershipRecords.TryGetValue(record.Key, out var ownership))
            {
                view.RemoveOwnership(record.Key);
                removedOwnership?.Add(record.Key);
                Touch(touched, ownership);
            }
            else if (view.RemoveRecord(record.Key))
            {
                Touch(touched, record);
            }
        }

        if (applied.Create.Count > LargePatch)
        {
            var ownershipRecords = 0;
            foreach (var record in applied.Create)
            {
                ownershipRecords += record.RecordType == RecordType.TXT ? 1 : 0;
            }

            view.Reserve(applied.Create.Count - ownershipRecords, ownershipRecords);
        }

        foreach (var record in applied.UpdateNew.Concat(applied.Create))
        {
            // Providers keep no labels; what they return next time is the record without them.
            var stored = record.WithoutLabels();
            Add(view, stored, _parsedTexts, record.RecordType == RecordType.TXT && record.Labels.TryGetValue(EndpointLabels.OwnedRecordKey, out var ownedName) ? ownedName : null);
            if (view.OwnershipRecords.TryGetValue(stored.Key, out var ownership))
            {
                removedOwnership?.Remove(stored.Key);
                Touch(touched, ownership);
            }
            else
            {
                Touch(touched, stored);
            }
        }

        if (touched is null)
        {
            view.Labelled = null;
            return;
        }

        UpdateOrphans(view, touched, removedOwnership!);
        Relabel(view, applied, touched);
    }

    /// <summary>Brings the labelled records up to date after a patch: the records at every name the patch touched, in O(changes).</summary>
    private void Relabel(TxtOwnershipView view, DnsChanges applied, HashSet<OwnedKey> touched)
    {
        view.Labelled = null;
        if (view.LabelledByKey is not { } labelled)
        {
            return;
        }

        if (view.LabelledWithOwnership != view.OwnershipRecords.Count > 0)
        {
            // The first ownership record appeared or the last one went: every record's labels may change.
            view.LabelledByKey = null;
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in applied.Delete.Concat(applied.UpdateOld))
        {
            labelled.Remove(record.Key);
            names.Add(record.Key.DnsName);
        }

        foreach (var record in applied.UpdateNew.Concat(applied.Create))
        {
            names.Add(record.Key.DnsName);
        }

        foreach (var owned in touched)
        {
            foreach (var name in ClaimantNames(owned.DnsName))
            {
                names.Add(name);
            }
        }

        var records = new List<DnsEndpoint>();
        foreach (var name in names)
        {
            view.RecordsAt(name, records);
        }

        foreach (var record in records)
        {
            labelled.Set(LabelOne(view, record, claimMark: 0));
        }
    }

    private static void Touch(HashSet<OwnedKey>? touched, OwnershipRecord ownership)
    {
        if (touched is not null && ownership.Owned is { } owned)
        {
            touched.Add(owned);
        }
    }

    private void Touch(HashSet<OwnedKey>? touched, DnsEndpoint record)
    {
        if (touched is null)
        {
            return;
        }

        var name = OwnedName(record);
        touched.Add(new OwnedKey(name, record.RecordType.Value, record.SetIdentifier));
        if (record.RecordType == RecordType.A)
        {
            touched.Add(new OwnedKey(name, RecordType.CNAME.Value, record.SetIdentifier));
        }
    }

    /// <summary>The same failure, saying that an earlier write of the same apply went through.</summary>
    private static DnsProviderException AsPartial(DnsProviderException failure)
    {
        var message = failure.Message + " (ownership records in other zones were already written)";
        return failure is DnsRecordConflictException
            ? new DnsRecordConflictException(message, failure.RejectedEndpoints, isPartial: true, failure)
            : new DnsProviderException(message, failure.IsTransient, failure) { IsPartial = true, RejectedEndpoints = failure.RejectedEndpoints };
    }

    /// <summary>Whether any of the records is a TXT record (only those can forge ownership).</summary>
    private static bool AnyTxt(IReadOnlyList<DnsEndpoint> records)
    {
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].RecordType == RecordType.TXT)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A set of ownership (TXT) record keys, the batch's bookkeeping: a key without a set identifier (nearly all) is kept
    /// by its name alone, 16 bytes an entry where a set of keys takes 32; any other key in a set of keys.
    /// </summary>
    /// <param name="capacity">The expected number of keys.</param>
    private sealed class TxtKeySet(int capacity)
    {
        private readonly HashSet<string> _plainTxtNames = new(capacity, StringComparer.Ordinal);
        private HashSet<EndpointKey>? _others;

        /// <summary>Adds a key.</summary>
        /// <param name="key">The key.</param>
        /// <returns>Whether it was not in the set.</returns>
        public bool Add(EndpointKey key) => IsPlainTxt(key) ? _plainTxtNames.Add(key.DnsName) : (_others ??= []).Add(key);

        /// <summary>Whether the set holds a key.</summary>
        /// <param name="key">The key.</param>
        /// <returns><see langword="true"/> when it does.</returns>
        public bool Contains(EndpointKey key) => IsPlainTxt(key) ? _plainTxtNames.Contains(key.DnsName) : _others?.Contains(key) == true;

        private static bool IsPlainTxt(EndpointKey key) => key.RecordType == RecordType.TXT && key.SetIdentifier.Length == 0;
    }

    private sealed class ApplyBatch(int records, int creates, bool anyTxt)
    {
        public List<DnsEndpoint> Create { get; } = new(creates);

        public List<DnsEndpoint> UpdateOld { get; } = [];

        public List<DnsEndpoint> UpdateNew { get; } = [];

        public List<DnsEndpoint> Delete { get; } = [];

        public List<DnsEndpoint> TxtCreate { get; } = new(creates);

        public List<DnsEndpoint> TxtUpdateOld { get; } = [];

        public List<DnsEndpoint> TxtUpdateNew { get; } = [];

        public List<DnsEndpoint> TxtDelete { get; } = [];

        /// <summary>Ownership records created in another zone than their record: written before the records.</summary>
        public List<DnsEndpoint> TxtCreateFirst { get; } = [];

        /// <summary>Ownership records deleted in another zone than their record: deleted after the records.</summary>
        public List<DnsEndpoint> TxtDeleteLast { get; } = [];

        /// <summary>
        /// Where the creates and updates of the batch write their ownership records; kept only when the batch writes a
        /// TXT record, the one kind that could take such a place (<see langword="null"/> otherwise).
        /// </summary>
        public TxtKeySet? OwnershipKeys { get; } = anyTxt ? new(records) : null;

        public TxtKeySet TouchedTxt { get; } = new(records);

        /// <summary>Ownership records a record in this batch is written under (kept even when already current).</summary>
        public TxtKeySet Claimed { get; } = new(records);

        public List<RejectedEndpoint> Rejected { get; } = [];

        /// <summary>The label map the last create claimed, and its owner-labelled form.</summary>
        public (IReadOnlyDictionary<string, string>? From, IReadOnlyDictionary<string, string>? To) LastClaim { get; set; }
    }
}
