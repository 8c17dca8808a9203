using System.Text.RegularExpressions;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.Route53.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Providers.Route53;

/// <summary>
/// Amazon Route 53 as an <see cref="IDnsProvider"/>, with ExternalDNS's AWS semantics: hosted zones selected by
/// domain, id, type and tags (optionally cached); each name written to its most specific zone; routing policies
/// and aliases as provider-specific properties; changes applied per zone in batches within the Route 53 limits,
/// a record and its ownership TXT records always in the same batch, and a refused batch split until the failing
/// record sets are isolated and reported by name while the rest is applied.
/// </summary>
/// <remarks>
/// Writes are conditional on what was read: a create is a CREATE (refused when the record set exists), a delete is a
/// DELETE of the exact values read, and an update is DELETE (old values) + CREATE (new values) in one batch, which
/// Route 53 applies atomically or not at all. A refusal because the zone changed since it was read is a
/// <see cref="DnsRecordConflictException"/>; a refused batch that the zone already holds exactly (an earlier attempt
/// whose answer was lost) counts as applied. Redirects are never followed. See docs/providers/route53-atomicity.md.
/// </remarks>
public sealed partial class Route53Provider : IZoneAwareDnsProvider, IDisposable
{
    private readonly Route53ProviderOptions _options;
    private readonly IRoute53Client _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Route53RecordMapper _mapper;
    private readonly HttpClient? _ownedHttpClient;
    private readonly IReadOnlyList<(string Key, string? Value)> _tagFilters;
    private readonly SemaphoreSlim _zonesGate = new(1, 1);
    private (IReadOnlyList<HostedZone> Zones, DateTimeOffset ReadAt)? _zonesCache;
    private volatile IReadOnlyList<HostedZone>? _knownZones;
    private volatile HashSet<string>? _knownZoneNames;
    private volatile Route53KnownRecordSets? _knownRecordSets;

    /// <summary>Creates the provider.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock for retry delays, signing and the zones cache. <value>The default is <see cref="TimeProvider.System"/>.</value></param>
    /// <param name="loggerFactory">Logging. <value>The default is none.</value></param>
    /// <param name="httpMessageHandler">
    /// The HTTP handler to send requests through (proxies, tests); not disposed by the provider. It should not follow
    /// redirects (<c>AllowAutoRedirect = false</c>): an answer it got by following one is refused, but by then it has sent
    /// the request elsewhere. <value>The default is a pooled <see cref="SocketsHttpHandler"/> that never follows redirects.</value>
    /// </param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public Route53Provider(Route53ProviderOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, HttpMessageHandler? httpMessageHandler = null)
        : this(options, timeProvider ?? TimeProvider.System, loggerFactory ?? NullLoggerFactory.Instance, httpMessageHandler, Route53AccountRateLimiters.Shared)
    {
    }

    internal Route53Provider(Route53ProviderOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory, HttpMessageHandler? httpMessageHandler, Route53AccountRateLimiters rateLimiters)
        : this(options, timeProvider, loggerFactory, CreateHttpClient(Validated(options), httpMessageHandler), rateLimiters)
    {
        if (FollowsRedirects(httpMessageHandler))
        {
            Log.HandlerFollowsRedirects(_logger);
        }
    }

    private Route53Provider(Route53ProviderOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory, HttpClient httpClient, Route53AccountRateLimiters rateLimiters)
        : this(
            options,
            new Route53RestClient(httpClient, new Route53RequestSigner(Validated(options), timeProvider), rateLimiters, options, timeProvider, loggerFactory.CreateLogger<Route53Provider>()),
            timeProvider,
            loggerFactory.CreateLogger<Route53Provider>())
    {
        _ownedHttpClient = httpClient;
    }

    internal Route53Provider(Route53ProviderOptions options, IRoute53Client client, TimeProvider timeProvider, ILogger logger)
    {
        _options = Validated(options);
        _client = client;
        _timeProvider = timeProvider;
        _logger = logger;
        _mapper = new Route53RecordMapper(options, new Route53CanonicalHostedZones(options.CanonicalHostedZones), logger);
        DomainFilter = options.DomainFilter.Count == 0 && options.ExcludeDomains.Count == 0
            ? DomainFilter.All
            : new DomainFilter(options.DomainFilter, options.ExcludeDomains);
        _tagFilters = [.. options.ZoneTags.Select(ParseTag)];
    }

    /// <inheritdoc />
    public DomainFilter DomainFilter { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        var zones = await GetZonesAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<DnsEndpoint>();
        var known = new Route53KnownRecordSets(zones.Select(z => z.Id));
        foreach (var zone in zones)
        {
            var seen = new HashSet<(string, string, string)>();
            RecordSetCursor? cursor = null;
            do
            {
                var page = await CallAsync(zone, c => _client.ListResourceRecordSetsAsync(zone.Id, cursor, c), cancellationToken).ConfigureAwait(false);
                foreach (var rs in page.RecordSets)
                {
                    // Pages resume at (name, type, identifier); servers without identifier paging repeat a straddling group.
                    if (!seen.Add((DnsNames.Normalize(rs.Name), rs.Type, rs.SetIdentifier ?? string.Empty)))
                    {
                        continue;
                    }

                    if (_mapper.ToEndpoint(rs, zone) is { } endpoint)
                    {
                        result.Add(endpoint);
                        known.Set(RecordSetKey.Of(zone.Id, rs), rs, endpoint);
                    }
                }

                cursor = page.Next;
            }
            while (cursor is not null);
        }

        _knownRecordSets = known;
        return result;
    }

    /// <inheritdoc />
    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.UpdateOld.Count != changes.UpdateNew.Count)
        {
            throw new DnsProviderException($"update lists differ in length: {changes.UpdateOld.Count} old, {changes.UpdateNew.Count} new; nothing was changed");
        }

        if (!changes.HasChanges)
        {
            return;
        }

        var zones = await GetZonesAsync(cancellationToken).ConfigureAwait(false);
        var zonesByName = new Dictionary<string, List<HostedZone>>(StringComparer.Ordinal);
        foreach (var zone in zones)
        {
            var key = DnsNames.Normalize(zone.Name);
            if (!zonesByName.TryGetValue(key, out var sameName))
            {
                zonesByName[key] = sameName = [];
            }

            sameName.Add(zone);
        }

        var byZone = new Dictionary<HostedZone, List<PendingChange>>();
        void Add(HostedZone zone, ChangeAction action, ResourceRecordSet set, DnsEndpoint endpoint, ChangeIntent intent)
        {
            if (!byZone.TryGetValue(zone, out var list))
            {
                byZone[zone] = list = [];
            }

            list.Add(new PendingChange(new RecordSetChange(action, set), endpoint, intent));
        }

        var known = _knownRecordSets;
        foreach (var endpoint in changes.Delete)
        {
            foreach (var zone in ZonesHolding(endpoint, ZonesFor(endpoint, zonesByName), known))
            {
                Add(zone, ChangeAction.Delete, RecordSetAsStored(endpoint, zone, known), endpoint, ChangeIntent.Delete);
            }
        }

        for (var i = 0; i < changes.UpdateNew.Count; i++)
        {
            // DELETE the old values and CREATE the new ones in the same batch: Route 53 applies both or neither, and
            // refuses the DELETE when the record set no longer holds exactly the old values (another writer changed it).
            var (old, @new) = (changes.UpdateOld[i], changes.UpdateNew[i]);
            var holding = ZonesHolding(old, ZonesFor(old, zonesByName), known);
            var targets = ZonesFor(@new, zonesByName);
            foreach (var zone in targets)
            {
                var created = _mapper.ToRecordSet(@new, zone);
                var oldHere = holding.Contains(zone) ? RecordSetAsStored(old, zone, known) : null;
                if (oldHere is not null && Route53RecordSetContent.Same(oldHere, created))
                {
                    continue; // nothing Route 53 stores would change
                }

                if (oldHere is not null)
                {
                    Add(zone, ChangeAction.Delete, oldHere, old, ChangeIntent.UpdateOld);
                }

                Add(zone, ChangeAction.Create, created, @new, ChangeIntent.UpdateNew);
            }

            foreach (var zone in holding.Where(z => !targets.Contains(z)))
            {
                Add(zone, ChangeAction.Delete, RecordSetAsStored(old, zone, known), old, ChangeIntent.UpdateOld);
            }
        }

        foreach (var endpoint in changes.Create)
        {
            foreach (var zone in ZonesFor(endpoint, zonesByName))
            {
                Add(zone, ChangeAction.Create, _mapper.ToRecordSet(endpoint, zone), endpoint, ChangeIntent.Create);
            }
        }

        var state = new ApplyState();
        var limits = new BatchLimits(_options.MaxChangesPerBatch, _options.MaxValuesPerBatch, _options.MaxValueCharactersPerBatch);
        try
        {
            foreach (var (zone, pending) in byZone.OrderBy(z => z.Key.Name, StringComparer.Ordinal).ThenBy(z => z.Key.Id, StringComparer.Ordinal))
            {
                var (batches, oversized) = Route53ChangeBatcher.Pack(pending, limits);
                foreach (var group in oversized)
                {
                    state.Reject(zone, group, "the record set and its ownership records together exceed the Route 53 batch limits "
                        + $"({limits.MaxChanges} changes, {limits.MaxValues} values, {limits.MaxCharacters} characters)", _logger);
                }

                foreach (var batch in batches)
                {
                    await SubmitAsync(zone, batch, state, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (DnsProviderException e) when (state.AppliedChanges > 0 || state.Rejected.Count > 0)
        {
            throw new DnsProviderException($"{e.Message} ({state.AppliedChanges} change(s) had been applied before)", e.IsTransient, e)
            {
                RejectedEndpoints = state.Rejected,
                IsPartial = state.AppliedChanges > 0,
            };
        }

        if (_options.WaitForInSync)
        {
            await WaitForInSyncAsync(state.ChangeIds, cancellationToken).ConfigureAwait(false);
        }

        if (state.Rejected.Count > 0)
        {
            var names = string.Join(", ", state.Rejected.Select(r => $"{r.Endpoint.DnsName} {r.Endpoint.RecordType}").Distinct(StringComparer.Ordinal));
            if (state.OnlyConflicts)
            {
                // Every refusal says the zone is no longer what the plan was computed from: re-reading fixes the plan.
                throw new DnsRecordConflictException(
                    $"Route 53 refused {state.Rejected.Count} record change(s) because the records changed since they were read: {names}; "
                        + $"{state.AppliedChanges} other change(s) were applied; the zone is read again on the next run",
                    state.Rejected,
                    isPartial: state.AppliedChanges > 0);
            }

            throw new DnsProviderException($"Route 53 refused {state.Rejected.Count} record set(s): {names}; {state.AppliedChanges} other change(s) were applied", isTransient: false)
            {
                RejectedEndpoints = state.Rejected,
                IsPartial = state.AppliedChanges > 0,
            };
        }
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string>? KnownZones => _knownZoneNames is { } names ? [.. names.Order(StringComparer.Ordinal)] : null;

    /// <inheritdoc />
    public string? FindZone(string dnsName)
    {
        ArgumentNullException.ThrowIfNull(dnsName);
        if (_knownZoneNames is not { } names)
        {
            return null;
        }

        for (var candidate = DnsNames.Normalize(dnsName); ;)
        {
            if (names.Contains(candidate))
            {
                return candidate;
            }

            var dot = candidate.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                return null;
            }

            candidate = candidate[(dot + 1)..];
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => _mapper.Adjust(endpoints);

    /// <summary>Releases the HTTP client the provider created.</summary>
    public void Dispose()
    {
        _ownedHttpClient?.Dispose();
        _zonesGate.Dispose();
    }

    /// <summary>The hosted zones selected by the filters (cached for <see cref="Route53ProviderOptions.ZonesCacheDuration"/>).</summary>
    internal async Task<IReadOnlyList<HostedZone>> GetZonesAsync(CancellationToken cancellationToken)
    {
        await _zonesGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _timeProvider.GetUtcNow();
            if (_zonesCache is { } cached && _options.ZonesCacheDuration > TimeSpan.Zero && now - cached.ReadAt < _options.ZonesCacheDuration)
            {
                return cached.Zones;
            }

            var result = new List<HostedZone>();
            string? marker = null;
            do
            {
                var page = await _client.ListHostedZonesAsync(marker, cancellationToken).ConfigureAwait(false);
                var candidates = page.Zones.Where(MatchesIdTypeAndDomain).ToList();
                if (_tagFilters.Count > 0)
                {
                    candidates = await FilterByTagsAsync(candidates, cancellationToken).ConfigureAwait(false);
                }

                result.AddRange(candidates);
                marker = page.NextMarker;
            }
            while (marker is not null);

            Log.ZonesSelected(_logger, result.Count);
            _zonesCache = (result, now);
            Know(result);
            return result;
        }
        finally
        {
            _zonesGate.Release();
        }
    }

    private static Route53ProviderOptions Validated(Route53ProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new Route53ProviderOptionsValidator().Validate(Options.DefaultName, options);
        return result.Failed
            ? throw new OptionsValidationException(Options.DefaultName, typeof(Route53ProviderOptions), result.Failures)
            : options;
    }

    private static HttpClient CreateHttpClient(Route53ProviderOptions options, HttpMessageHandler? handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = handler is null
#pragma warning disable CA2000 // the HttpClient owns and disposes the handler it is given
            ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false }, disposeHandler: true)
#pragma warning restore CA2000
            : new HttpClient(handler, disposeHandler: false);
        client.Timeout = options.RequestTimeout;
        return client;
    }

    private void Know(IReadOnlyList<HostedZone> zones)
    {
        _knownZoneNames = zones.Select(z => DnsNames.Normalize(z.Name)).ToHashSet(StringComparer.Ordinal);
        _knownZones = zones;
    }

    /// <summary>Whether a caller's handler chain ends in a handler that follows redirects.</summary>
    private static bool FollowsRedirects(HttpMessageHandler? handler)
    {
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        return handler switch
        {
            SocketsHttpHandler sockets => sockets.AllowAutoRedirect,
            HttpClientHandler client => client.AllowAutoRedirect,
            _ => false,
        };
    }

    private static (string Key, string? Value) ParseTag(string tag)
    {
        var parts = tag.Split('=', 2);
        return (parts[0].Trim(), parts.Length == 2 ? parts[1].Trim() : null);
    }

    private bool MatchesIdTypeAndDomain(HostedZone zone)
    {
        if (_options.ZoneIdFilter.Count > 0 && !_options.ZoneIdFilter.Any(f => zone.FullId.EndsWith(f.Trim(), StringComparison.Ordinal)))
        {
            return false;
        }

        if ((_options.ZoneType == Route53ZoneType.Public && zone.IsPrivate) || (_options.ZoneType == Route53ZoneType.Private && !zone.IsPrivate))
        {
            return false;
        }

        return DomainFilter.Match(zone.Name) || (_options.ZoneMatchParent && DomainFilter.MatchParent(zone.Name));
    }

    private async Task<List<HostedZone>> FilterByTagsAsync(List<HostedZone> zones, CancellationToken cancellationToken)
    {
        var kept = new List<HostedZone>();
        foreach (var chunk in zones.Chunk(Route53RestClient.TagsBatchSize))
        {
            var sets = await _client.ListTagsForHostedZonesAsync([.. chunk.Select(z => z.Id)], cancellationToken).ConfigureAwait(false);
            var tagsById = sets.ToDictionary(s => s.ZoneId, s => s.Tags, StringComparer.Ordinal);
            foreach (var zone in chunk)
            {
                if (tagsById.TryGetValue(zone.Id, out var tags)
                    && _tagFilters.All(f => tags.TryGetValue(f.Key, out var v) && (f.Value is null || string.Equals(v, f.Value, StringComparison.Ordinal))))
                {
                    kept.Add(zone);
                }
            }
        }

        return kept;
    }

    /// <summary>
    /// The zones a name is written to: the one pinned by <c>aws/hosted-zone-id</c> if it is managed and contains the
    /// name; otherwise the most specific managed zone containing the name (every zone of that name, for
    /// public/private twins). Walks the name's labels upwards through an index of zone names.
    /// </summary>
    private List<HostedZone> ZonesFor(DnsEndpoint endpoint, Dictionary<string, List<HostedZone>> zonesByName)
    {
        var name = DnsNames.Normalize(endpoint.DnsName);
        string? pinned = endpoint.TryGetProviderSpecific(Route53ProviderSpecificNames.HostedZoneId, out var pin) && pin.Length > 0
            ? Route53Xml.BareId(pin)
            : null;
        for (var candidate = name; ;)
        {
            if (zonesByName.TryGetValue(candidate, out var zones))
            {
                if (pinned is null)
                {
                    return zones;
                }

                if (zones.Find(z => string.Equals(z.Id, pinned, StringComparison.Ordinal)) is { } zone)
                {
                    return [zone];
                }
            }

            var dot = candidate.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                Log.NoZoneForName(_logger, endpoint.DnsName);
                return [];
            }

            candidate = candidate[(dot + 1)..];
        }
    }

    /// <summary>
    /// Of the zones a record would be written to, those that held it when last read: public/private twins need not
    /// all hold it, and a DELETE where it is absent would be refused. All of them when none is known to hold it (then
    /// Route 53 decides).
    /// </summary>
    private static List<HostedZone> ZonesHolding(DnsEndpoint endpoint, List<HostedZone> zones, Route53KnownRecordSets? known)
    {
        if (zones.Count <= 1 || known is null)
        {
            return zones;
        }

        var name = DnsNames.Normalize(endpoint.DnsName);
        var holding = zones.FindAll(z => !known.Covers(z.Id)
            || known.TryGet(new RecordSetKey(z.Id, name, endpoint.RecordType.Value, endpoint.SetIdentifier), out _));
        return holding.Count > 0 ? holding : zones;
    }

    /// <summary>
    /// The record set to DELETE for an endpoint: exactly as Route 53 returned it when the endpoint is the one read (so
    /// the exact-match rule holds), else as the endpoint maps (so a stale endpoint is refused, not applied).
    /// </summary>
    private ResourceRecordSet RecordSetAsStored(DnsEndpoint endpoint, HostedZone zone, Route53KnownRecordSets? known)
    {
        var key = new RecordSetKey(zone.Id, DnsNames.Normalize(endpoint.DnsName), endpoint.RecordType.Value, endpoint.SetIdentifier);
        return known is not null && known.TryGet(key, out var stored) && Route53KnownRecordSets.IsSameRecord(stored.Endpoint, endpoint)
            ? stored.Set
            : _mapper.ToRecordSet(endpoint, zone);
    }

    private async Task SubmitAsync(HostedZone zone, List<ChangeGroup> groups, ApplyState state, CancellationToken cancellationToken)
    {
        var changes = Route53ChangeBatcher.Order(groups);
        try
        {
            var info = await CallAsync(zone, c => _client.ChangeResourceRecordSetsAsync(zone.Id, changes, c), cancellationToken).ConfigureAwait(false);
            Applied(zone, groups, state);
            state.ChangeIds.Add(info.Id);
            Log.BatchApplied(_logger, zone.Id, changes.Count);
        }
        catch (Route53ApiException e) when (e.IsBatchContentError)
        {
            var conflict = Route53Conflicts.AreConflicts(e);
            if (conflict && e.EarlierAttemptUnanswered && await HoldsAsync(zone, changes, cancellationToken).ConfigureAwait(false))
            {
                // An earlier attempt went unanswered and the zone holds exactly what the batch wanted: that attempt
                // was applied and its answer lost, and the retry met our own write.
                Applied(zone, groups, state);
                Log.BatchFoundApplied(_logger, zone.Id, changes.Count);
                return;
            }

            if (groups.Count == 1)
            {
                state.Reject(zone, groups[0], e.Messages.Count > 0 ? string.Join("; ", e.Messages) : e.Message, conflict, _logger);
                return;
            }

            Log.SplittingBatch(_logger, zone.Id, groups.Count, e.ErrorCode);
            var named = NamedInMessages(groups, e.Messages);
            List<ChangeGroup> first, second;
            if (named.Count > 0 && named.Count < groups.Count)
            {
                // The refusal names the culprits: send the others at once, then the named ones on their own.
                first = [.. groups.Where(g => !named.Contains(g))];
                second = [.. named];
            }
            else
            {
                first = groups[..(groups.Count / 2)];
                second = groups[(groups.Count / 2)..];
            }

            await SubmitAsync(zone, first, state, cancellationToken).ConfigureAwait(false);
            await SubmitAsync(zone, second, state, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Applied(HostedZone zone, List<ChangeGroup> groups, ApplyState state)
    {
        var applied = groups.SelectMany(g => g.Changes).ToList();
        state.AppliedChanges += applied.Count;
        _knownRecordSets?.Apply(zone.Id, applied);
    }

    /// <summary>Whether the zone now holds exactly the result of the batch: every record set it writes, and none it deletes.</summary>
    private async Task<bool> HoldsAsync(HostedZone zone, List<RecordSetChange> changes, CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<RecordSetKey, ResourceRecordSet?>();
        foreach (var change in changes)
        {
            wanted[RecordSetKey.Of(zone.Id, change.RecordSet)] = change.Action == ChangeAction.Delete ? null : change.RecordSet;
        }

        var current = await ReadNamesAsync(zone, [.. wanted.Keys.Select(k => k.Name).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        foreach (var (key, set) in wanted)
        {
            var present = current.TryGetValue(key, out var now);
            if (set is null ? present : !present || !Route53RecordSetContent.Same(now!, set))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The record sets of some names of a zone: one listing per name, or the whole zone for many names.</summary>
    private async Task<Dictionary<RecordSetKey, ResourceRecordSet>> ReadNamesAsync(HostedZone zone, List<string> names, CancellationToken cancellationToken)
    {
        const int ListingsPerNameUpTo = 20;
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<RecordSetKey, ResourceRecordSet>();
        List<string?> starts = names.Count <= ListingsPerNameUpTo ? [.. names] : [null];
        foreach (var start in starts)
        {
            var cursor = start is null ? null : new RecordSetCursor(Route53Names.Encode(start), string.Empty, null);
            do
            {
                var page = await CallAsync(zone, c => _client.ListResourceRecordSetsAsync(zone.Id, cursor, c), cancellationToken).ConfigureAwait(false);
                var pastName = false;
                foreach (var rs in page.RecordSets)
                {
                    var key = RecordSetKey.Of(zone.Id, rs);
                    if (wanted.Contains(key.Name))
                    {
                        result[key] = rs;
                    }

                    pastName |= start is not null && !string.Equals(key.Name, start, StringComparison.Ordinal);
                }

                cursor = pastName ? null : page.Next;
            }
            while (cursor is not null);
        }

        return result;
    }

    private static HashSet<ChangeGroup> NamedInMessages(List<ChangeGroup> groups, IReadOnlyList<string> messages)
    {
        var named = new HashSet<(string Name, string? Type)>();
        foreach (var message in messages)
        {
            foreach (Match m in QuotedNameRegex().Matches(message))
            {
                named.Add((DnsNames.Normalize(Route53Names.Decode(m.Groups["name"].Value)), m.Groups["type"].Success ? m.Groups["type"].Value : null));
            }

            foreach (Match m in DnsNameRegex().Matches(message))
            {
                named.Add((DnsNames.Normalize(Route53Names.Decode(m.Groups["name"].Value)), null));
            }
        }

        var result = new HashSet<ChangeGroup>();
        if (named.Count == 0)
        {
            return result;
        }

        foreach (var group in groups)
        {
            foreach (var change in group.Changes)
            {
                var rs = change.Change.RecordSet;
                var name = DnsNames.Normalize(rs.Name);
                if (named.Contains((name, rs.Type)) || named.Contains((name, null)))
                {
                    result.Add(group);
                    break;
                }
            }
        }

        return result;
    }

    private async Task<T> CallAsync<T>(HostedZone zone, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (Route53ApiException e) when (e.ErrorCode == Route53ErrorCodes.NoSuchHostedZone)
        {
            Log.ZoneVanished(_logger, zone.Id);
            _zonesCache = null;
            if (_knownZones is { } known)
            {
                Know([.. known.Where(z => !string.Equals(z.Id, zone.Id, StringComparison.Ordinal))]);
            }

            throw new DnsProviderException($"Route 53 hosted zone {zone.Id} ({zone.Name}) no longer exists; zones are re-read on the next call", isTransient: true, e);
        }
    }

    private async Task WaitForInSyncAsync(IEnumerable<string> changeIds, CancellationToken cancellationToken)
    {
        var deadline = _timeProvider.GetUtcNow() + _options.InSyncTimeout;
        foreach (var id in changeIds.Distinct(StringComparer.Ordinal))
        {
            while (true)
            {
                var info = await _client.GetChangeAsync(id, cancellationToken).ConfigureAwait(false);
                if (info.IsInSync)
                {
                    break;
                }

                if (_timeProvider.GetUtcNow() >= deadline)
                {
                    Log.InSyncTimeout(_logger, id, _options.InSyncTimeout);
                    return;
                }

                await Task.Delay(_options.InSyncPollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [GeneratedRegex(@"name='(?<name>[^']+)'(?:\s*,\s*type='(?<type>[^']+)')?", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedNameRegex();

    [GeneratedRegex(@"DNS name (?<name>[^\s,]+)", RegexOptions.CultureInvariant)]
    private static partial Regex DnsNameRegex();

    private sealed class ApplyState
    {
        private readonly HashSet<DnsEndpoint> _rejectedEndpoints = new(ReferenceEqualityComparer.Instance);

        public int AppliedChanges { get; set; }

        public List<string> ChangeIds { get; } = [];

        public List<RejectedEndpoint> Rejected { get; } = [];

        /// <summary>Whether every refusal so far was a conflict (the zone changed since it was read).</summary>
        public bool OnlyConflicts { get; private set; } = true;

        public void Reject(HostedZone zone, ChangeGroup group, string reason, ILogger logger) => Reject(zone, group, reason, conflict: false, logger);

        public void Reject(HostedZone zone, ChangeGroup group, string reason, bool conflict, ILogger logger)
        {
            OnlyConflicts &= conflict;
            foreach (var change in group.Changes)
            {
                // An update is reported once, by its new value; the DELETE of its old value travels with it.
                if (change.Intent == ChangeIntent.UpdateOld && group.Changes.Any(c => c.Intent == ChangeIntent.UpdateNew && DnsNames.AreEqual(c.Endpoint.DnsName, change.Endpoint.DnsName)))
                {
                    continue;
                }

                if (_rejectedEndpoints.Add(change.Endpoint))
                {
                    var text = conflict
                        ? $"zone {zone.Name} ({zone.Id}): the {Describe(change.Intent)} was refused because the records at Route 53 are no longer what it was planned from (another writer changed them since they were read); nothing of this record was written: {reason}"
                        : $"zone {zone.Name} ({zone.Id}): {reason}";
                    Rejected.Add(new RejectedEndpoint(change.Endpoint, text));
                    if (conflict)
                    {
                        Log.RecordConflict(logger, zone.Id, change.Endpoint.DnsName, reason);
                    }
                    else
                    {
                        Log.RecordRejected(logger, zone.Id, change.Endpoint.DnsName, reason);
                    }
                }
            }
        }

        private static string Describe(ChangeIntent intent) => intent switch
        {
            ChangeIntent.Create => "create",
            ChangeIntent.Delete => "delete",
            _ => "update",
        };
    }
}
