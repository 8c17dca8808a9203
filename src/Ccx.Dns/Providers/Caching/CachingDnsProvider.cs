using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Providers.Caching;

/// <summary>
/// A provider decorator that caches <see cref="GetRecordsAsync"/> for <see cref="CachingDnsProviderOptions.CacheDuration"/>
/// (ExternalDNS's <c>CachedProvider</c>, improved): concurrent readers share one in-flight read, and a successful
/// apply patches the cached records with the applied changes instead of dropping them, so the next reconcile reads
/// nothing from the provider. A failed or partial apply drops the cache. An apply without changes is not forwarded.
/// </summary>
/// <remarks>
/// Patching assumes the provider returns records as they were written, minus labels (as a DNS server would); a
/// provider that fills in defaults (TTLs, alias properties) must canonicalise desired records accordingly in
/// <see cref="AdjustEndpoints"/>, which it must do anyway to plan without spurious updates. The shared read is not
/// cancelled by one caller's token (each caller stops waiting on its own token); providers bound their own reads
/// with timeouts.
/// </remarks>
public sealed class CachingDnsProvider : IZoneAwareDnsProvider
{
    private readonly IDnsProvider _inner;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private IReadOnlyList<DnsEndpoint>? _cached;          // the records as last read or rebuilt
    private List<DnsChanges> _pending = [];                // applies not yet folded into _cached, oldest first
    private int _pendingCount;
    private DateTimeOffset _readAt;
    private long _version;
    private Task<IReadOnlyList<DnsEndpoint>>? _inflight;
    private long _inflightGeneration; // the apply generation _inflight began in
    private long _generation;

    /// <summary>Creates the decorator.</summary>
    /// <param name="inner">The provider to cache.</param>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public CachingDnsProvider(IDnsProvider inner, CachingDnsProviderOptions options, TimeProvider? timeProvider = null, ILogger<CachingDnsProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new CachingDnsProviderOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(CachingDnsProviderOptions), validation.Failures);
        }

        _inner = inner;
        _duration = options.CacheDuration;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<CachingDnsProvider>.Instance;
    }

    /// <summary>The decorated provider.</summary>
    public IDnsProvider Inner => _inner;

    /// <inheritdoc />
    public DomainFilter DomainFilter => _inner.DomainFilter;

    /// <inheritdoc />
    public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<IReadOnlyList<DnsEndpoint>>? owned = null;
        Task<IReadOnlyList<DnsEndpoint>> shared;
        long generation;
        DateTimeOffset startedAt;
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (_cached is not null && now - _readAt < _duration)
            {
                // Applies are folded in here, once, not at every apply.
                Fold();
                Log.CacheHit(_logger, _cached.Count, now - _readAt);
                return Task.FromResult(_cached);
            }

            // A read that began before an apply may or may not see it: a caller that arrives after the apply starts a read
            // of its own rather than join that one (a full reconcile starting again after a targeted one applied).
            if (_inflight is null || _inflightGeneration != _generation)
            {
                owned = new TaskCompletionSource<IReadOnlyList<DnsEndpoint>>(TaskCreationOptions.RunContinuationsAsynchronously);
                _inflight = owned.Task;
                _inflightGeneration = _generation;
            }

            shared = _inflight;
            generation = _generation;
            startedAt = now;
        }

        if (owned is not null)
        {
            _ = ReadAsync(owned, generation, startedAt);
        }

        return shared.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (!changes.HasChanges)
        {
            Log.NoChanges(_logger);
            return;
        }

        lock (_gate)
        {
            // A read in flight now may or may not see these changes: it must not fill the cache.
            _generation++;
        }

        try
        {
            await _inner.ApplyChangesAsync(changes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.Dropped(_logger, ex);
            lock (_gate)
            {
                _generation++;
                _version++;
                Drop();
            }

            throw;
        }

        lock (_gate)
        {
            _generation++;
            _version++;
            if (_cached is not null)
            {
                // O(changes): remembered and folded in at the next read, or once they reach an eighth of the cache
                // (so that a cache nobody reads does not grow without bound; amortised O(1) per change).
                _pending.Add(changes);
                _pendingCount += changes.Count;
                if (_pendingCount > Math.Max(1024, _cached.Count / 8))
                {
                    Fold();
                }

                Log.Patched(_logger, changes);
            }
        }
    }

    /// <summary>
    /// A number that changes whenever the cached records may change (a read, a patch, a drop), or -1 when nothing valid is
    /// cached: a caller that built a view from the records at version <c>v</c>, and patched it with every apply since,
    /// holds exactly the cached records while the version is still <c>v</c>.
    /// </summary>
    internal long CacheVersion
    {
        get
        {
            lock (_gate)
            {
                return _cached is not null && _timeProvider.GetUtcNow() - _readAt < _duration ? _version : -1;
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => _inner.AdjustEndpoints(endpoints);

    /// <inheritdoc />
    /// <remarks>Forwarded to the decorated provider; <see langword="null"/> when it does not know its zones.</remarks>
    public string? FindZone(string dnsName) => (_inner as IZoneAwareDnsProvider)?.FindZone(dnsName);

    /// <inheritdoc />
    /// <remarks>Forwarded to the decorated provider.</remarks>
    public IReadOnlyCollection<string>? KnownZones => (_inner as IZoneAwareDnsProvider)?.KnownZones;

    /// <summary>The cached records with the applied changes: deletes and old updates removed by key, creates and new updates added without labels.</summary>
    internal static IReadOnlyList<DnsEndpoint> Patch(IReadOnlyList<DnsEndpoint> cached, IEnumerable<DnsChanges> applied)
    {
        var added = 0;
        foreach (var changes in applied)
        {
            added += changes.Create.Count;
        }

        // Keyed by the records themselves: 16 bytes an entry, where a dictionary by key takes 40.
        var byKey = new KeyedSet<EndpointKey, DnsEndpoint>(EndpointsByKey.Instance, cached.Count + added);
        foreach (var record in cached)
        {
            byKey.Set(record);
        }

        foreach (var changes in applied)
        {
            foreach (var record in changes.Delete.Concat(changes.UpdateOld))
            {
                byKey.Remove(record.Key);
            }

            foreach (var record in changes.UpdateNew.Concat(changes.Create))
            {
                byKey.Set(record.WithoutLabels());
            }
        }

        // Shared by every caller while cached: read-only.
        return byKey.ToArray().AsReadOnly();
    }

    /// <summary>Folds the pending applies into the cached records (under the gate).</summary>
    private void Fold()
    {
        if (_pending.Count == 0 || _cached is null)
        {
            return;
        }

        _cached = Patch(_cached, _pending);
        _pending = [];
        _pendingCount = 0;
    }

    /// <summary>Forgets the cache (under the gate).</summary>
    private void Drop()
    {
        _cached = null;
        _pending = [];
        _pendingCount = 0;
    }

    private async Task ReadAsync(TaskCompletionSource<IReadOnlyList<DnsEndpoint>> owned, long generation, DateTimeOffset startedAt)
    {
        try
        {
            Log.Reading(_logger);
            var records = await _inner.GetRecordsAsync(CancellationToken.None).ConfigureAwait(false);
            lock (_gate)
            {
                if (ReferenceEquals(_inflight, owned.Task))
                {
                    _inflight = null;
                }

                if (_generation == generation)
                {
                    _cached = records;
                    _pending = [];
                    _pendingCount = 0;
                    _readAt = startedAt;
                    _version++;
                }
            }

            owned.SetResult(records);
        }
#pragma warning disable CA1031 // The failure is handed to every waiting caller.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            lock (_gate)
            {
                if (ReferenceEquals(_inflight, owned.Task))
                {
                    _inflight = null;
                    Drop();
                    _version++;
                }
            }

            owned.SetException(ex);
        }
    }
}
