using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Runtime.ExceptionServices;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.PowerDns.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccx.Dns.Providers.PowerDns;

/// <summary>
/// A DNS provider backed by the PowerDNS Authoritative HTTP API (v1, PowerDNS 4.x). It reads every RRset of the
/// zones its domain filter selects and applies each <see cref="DnsChanges"/> as <b>one PATCH per zone</b>: all
/// deletes first, then the replaces, in a single PowerDNS transaction. A type change at one name (a CNAME replaced by
/// an A record) therefore works, and a record and its ownership TXT record change together or not at all.
/// </summary>
/// <remarks>
/// <para>Each endpoint goes to the most specific zone of the server that contains its name. Creates and updates are
/// <c>REPLACE</c>s of the whole RRset, deletes are <c>DELETE</c>s of the whole RRset (as in ExternalDNS). PowerDNS has no
/// routing policies: endpoints with a set identifier are refused. A CNAME marked as an alias (provider-specific
/// <c>alias=true</c>) or placed at a zone apex is written as a PowerDNS <c>ALIAS</c> record; <c>ALIAS</c> RRsets are
/// read back as CNAME endpoints with <c>alias=true</c>. SOA RRsets are maintained by PowerDNS and are not returned.</para>
/// <para>Targets are written in PowerDNS's presentation form (trailing dots on host names, MX as
/// <c>10 mail.example.org.</c>, SRV as <c>0 5 443 host.example.org.</c>, TXT as quoted character-strings) and read back
/// in ExternalDNS's form: no trailing dot except for SRV, TXT as the quoted presentation text. See
/// <see cref="AdjustEndpoints"/>.</para>
/// <para>Failures are <see cref="PowerDnsApiException"/>s: 4xx answers (422 validation errors with PowerDNS's reason,
/// 401, 404) are permanent; 5xx, 408, 429, timeouts and connection failures are transient. Redirects are never followed
/// (the API key would travel with them): a 3xx answer is a permanent failure. A malformed answer is a permanent
/// failure too, except for a single malformed RRset, which is skipped with a warning.</para>
/// <para>Before each apply the RRsets at the changed names are read again, and changes that would overwrite or delete
/// records other than those the plan was computed from are refused with a <see cref="DnsRecordConflictException"/>; see
/// <see cref="ApplyChangesAsync"/> and docs/providers/powerdns-atomicity.md for what is atomic and what is not.</para>
/// </remarks>
public sealed class PowerDnsProvider : IZoneAwareDnsProvider, IDisposable
{
    private const int MaxParallelReads = 4;

    /// <summary>
    /// Up to this many changed names in a zone are checked with one small read per name before the PATCH; more are
    /// checked with one read of the whole zone (fewer round trips; measured crossover on loopback: a name read costs
    /// about 1/20 of a 4,000-RRset zone read).
    /// </summary>
    private const int MaxNamesReadByName = 16;
    private static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;
    private readonly PowerDnsApiClient _client;
    private readonly ILogger _logger;
    private readonly long _defaultTtl;
    private readonly bool _createMissingZones;
    private readonly string[] _createdZoneNameservers;
    private readonly long _createdZoneSoaMinimum;
    private volatile PowerDnsZoneIndex? _lastZones;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _aliasesWarned = new(StringComparer.Ordinal);

    /// <summary>Creates a provider with its own pooled HTTP connection handler.</summary>
    /// <param name="options">The settings; checked by <see cref="PowerDnsProviderOptionsValidator"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock behind request timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PowerDnsProvider(PowerDnsProviderOptions options, ILogger<PowerDnsProvider>? logger = null, TimeProvider? timeProvider = null)
        : this(options, CreateHandler(), disposeHandler: true, logger, timeProvider)
    {
    }

    /// <summary>Creates a provider that sends its requests through the given handler.</summary>
    /// <param name="options">The settings; checked by <see cref="PowerDnsProviderOptionsValidator"/>.</param>
    /// <param name="handler">The HTTP handler (for a proxy, custom TLS or instrumentation). It should not follow
    /// redirects (<c>AllowAutoRedirect = false</c>): a handler that does sends the API key on to the redirect target
    /// before the provider sees the answer. The provider logs a warning for a .NET handler that follows redirects, and
    /// refuses any answer that comes from another origin than the request's.</param>
    /// <param name="disposeHandler">Whether disposing the provider disposes the handler.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock behind request timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PowerDnsProvider(
        PowerDnsProviderOptions options,
        HttpMessageHandler handler,
        bool disposeHandler,
        ILogger<PowerDnsProvider>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        var errors = PowerDnsProviderOptionsValidator.Collect(options);
        if (errors.Count > 0)
        {
            if (disposeHandler)
            {
                handler.Dispose();
            }

            throw new ArgumentException("Invalid PowerDNS provider options: " + string.Join(" ", errors), nameof(options));
        }

        _http = new HttpClient(handler, disposeHandler) { Timeout = Timeout.InfiniteTimeSpan };
        _client = new PowerDnsApiClient(
            _http,
            new Uri(options.ApiUrl!.Trim(), UriKind.Absolute),
            options.ServerId,
            options.ApiKey!,
            options.Timeout,
            timeProvider ?? TimeProvider.System);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _defaultTtl = options.DefaultTtl;
        _createMissingZones = options.CreateMissingZones;
        _createdZoneNameservers = [.. options.CreatedZoneNameservers.Select(n => DnsNames.Normalize(n.Trim()) + ".")];
        _createdZoneSoaMinimum = (long)options.CreatedZoneSoaMinimum.TotalSeconds;
        if (FollowsRedirects(handler))
        {
            Log.HandlerFollowsRedirects(_logger);
        }

        DomainFilter = new DomainFilter(options.IncludeDomains, options.ExcludeDomains);
    }

    /// <inheritdoc />
    public DomainFilter DomainFilter { get; }

    /// <summary>
    /// Reads every RRset (except SOA) of the managed zones: one endpoint per RRset with its name (no trailing dot),
    /// type, TTL and the contents of its enabled records, ordered by name and type. Names outside the domain filter,
    /// and names that a more specific zone of the server serves, are left out. A malformed RRset (a missing or null
    /// name, type, record or content, a value of the wrong JSON type) is left out too, with a warning in the log; the
    /// rest of its zone is read.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    /// <exception cref="PowerDnsApiException">An API call failed, or an answer is malformed as a whole (not JSON, not a
    /// zone list or zone, a zone list entry without an id or name).</exception>
    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        var zones = new PowerDnsZoneIndex(await _client.ListZonesAsync(cancellationToken).ConfigureAwait(false));
        if (_createMissingZones && await CreateMissingZonesAsync(zones, cancellationToken).ConfigureAwait(false))
        {
            zones = new PowerDnsZoneIndex(await _client.ListZonesAsync(cancellationToken).ConfigureAwait(false));
        }

        _lastZones = zones;
        var managed = zones.Names.Where(name => PowerDnsZoneIndex.IsManaged(DomainFilter, name)).ToArray();
        var perZone = new List<DnsEndpoint>[managed.Length];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, managed.Length),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelReads, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var rrsets = await _client.GetRrSetsAsync(zones[managed[i]].Id!, name: null, token).ConfigureAwait(false);
                var recordSets = PowerDnsRecordSets.Check(rrsets);
                if (recordSets.Malformed.Count > 0)
                {
                    Log.MalformedRecordSetsSkipped(_logger, managed[i], recordSets.Malformed.Count, recordSets.DescribeMalformed());
                }

                perZone[i] = ToEndpoints(recordSets, managed[i], zones);
            }).ConfigureAwait(false);

        var records = perZone.SelectMany(z => z)
            .OrderBy(e => DnsNames.Normalize(e.DnsName), StringComparer.Ordinal)
            .ThenBy(e => e.RecordType)
            .ToArray();
        Log.RecordsRead(_logger, records.Length, managed.Length);
        return records;
    }

    /// <summary>
    /// Applies the changes with one PATCH per zone: the zone's deletes (<see cref="DnsChanges.Delete"/>, and the old
    /// RRset of an update whose PowerDNS type changes) first, then a <c>REPLACE</c> of the whole RRset for every update
    /// and create. Each PATCH is atomic. Right before the PATCHes, the RRsets at the changed names are read again, and a
    /// change the server's records no longer allow is refused (see the remarks). Endpoints without a zone, outside the
    /// domain filter, with a set identifier or an out-of-range TTL are not applied either. A refused change is refused
    /// together with its name group (a record and its ownership record); the rest is applied, and the call then fails
    /// naming what was refused.
    /// </summary>
    /// <param name="changes">The changes.</param>
    /// <param name="cancellationToken">Cancels the apply.</param>
    /// <returns>A task that completes when every zone accepted its changes.</returns>
    /// <remarks>
    /// <para>PowerDNS has no conditional PATCH, and a REPLACE overwrites whatever is there. So that a plan computed from
    /// a stale view (a cache, or another writer in between) never overwrites or deletes someone else's record, the
    /// provider first reads the RRsets at every changed name again (one <c>GET …?rrset_name=</c> per name for a few
    /// names, one GET of the whole zone for more) and refuses: a create whose RRset now exists, or that would put a
    /// CNAME next to other data or other data next to a CNAME; an update whose RRset is gone or holds other values than
    /// the old side of the update; a delete whose RRset holds other values than the deleted endpoint (values are
    /// compared as sets, in the canonical form <see cref="GetRecordsAsync"/> returns). A delete whose RRset is already
    /// gone is not refused. The refusals are reported as a <see cref="DnsRecordConflictException"/>. A change made by
    /// another writer between that read and the PATCH is not detected: see docs/providers/powerdns-atomicity.md.</para>
    /// <para>After a timeout or a lost connection during a PATCH, PowerDNS may or may not have applied that zone's
    /// changes; the failure is transient and the next read shows which.</para>
    /// </remarks>
    /// <exception cref="DnsRecordConflictException">Some changes were refused because the server's records are not what
    /// the plan was computed from; <see cref="DnsProviderException.RejectedEndpoints"/> lists every change not applied
    /// (with any other refusal of the same call), <see cref="DnsProviderException.IsPartial"/> tells whether other
    /// changes were applied.</exception>
    /// <exception cref="PowerDnsApiException">The only zone to change refused the changes (nothing was applied), or a
    /// read before the PATCHes failed (nothing was applied).</exception>
    /// <exception cref="DnsProviderException">Several zones failed, or some endpoints were refused;
    /// <see cref="DnsProviderException.IsPartial"/> tells whether other zones were changed.</exception>
    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.UpdateOld.Count != changes.UpdateNew.Count)
        {
            throw new DnsProviderException(
                $"update lists differ in length: {changes.UpdateOld.Count} old, {changes.UpdateNew.Count} new; nothing was changed");
        }

        if (changes.Count == 0)
        {
            return;
        }

        var zones = new PowerDnsZoneIndex(await _client.ListZonesAsync(cancellationToken).ConfigureAwait(false));
        _lastZones = zones;
        var plan = PowerDnsChangePlan.Build(changes, zones, DomainFilter, _defaultTtl);
        foreach (var endpoint in changes.Create.Concat(changes.UpdateNew))
        {
            var name = DnsNames.Normalize(endpoint.DnsName);
            if (PowerDnsType(endpoint, zones.IsApex(name)) == PowerDnsContent.AliasType && _aliasesWarned.TryAdd(name, 0))
            {
                Log.WrittenAsAlias(_logger, endpoint.DnsName, string.Join(", ", endpoint.Targets));
            }
        }

        foreach (var (reason, count, names) in Summarize(plan.Rejected))
        {
            Log.EndpointsRejected(_logger, count, reason, names);
        }

        // Every zone is read before any is written, so that a name group spread over two zones is refused in both.
        var server = await ReadCurrentAsync(plan, cancellationToken).ConfigureAwait(false);
        plan.RefuseConflicts(server);
        foreach (var conflict in plan.Conflicts)
        {
            Log.ChangeConflicted(_logger, conflict.Endpoint.ToString(), conflict.Reason);
        }

        var applied = new List<string>();
        var failures = new List<(PowerDnsZoneBatch Batch, DnsProviderException Error)>();
        foreach (var batch in plan.Batches.ToArray())
        {
            var (patch, deletes, replaces) = batch.BuildPatch();
            Log.PatchingZone(_logger, batch.ZoneName, deletes, replaces);
            try
            {
                await _client.PatchRrSetsAsync(batch.ZoneId, patch, cancellationToken).ConfigureAwait(false);
                applied.Add(batch.ZoneName);
                Log.ZonePatched(_logger, batch.ZoneName, deletes, replaces);
            }
            catch (DnsProviderException ex)
            {
                Log.ZonePatchFailed(_logger, batch.ZoneName, ex.IsTransient, ex.Message);
                failures.Add((batch, ex));
            }
        }

        if (failures.Count == 0 && plan.Rejected.Count == 0 && plan.Conflicts.Count == 0)
        {
            return;
        }

        if (failures.Count == 1 && plan.Rejected.Count == 0 && plan.Conflicts.Count == 0 && applied.Count == 0)
        {
            // One zone, refused as a whole: PowerDNS's own error says it best.
            ExceptionDispatchInfo.Throw(failures[0].Error);
        }

        throw Aggregate(applied, failures, plan);
    }

    /// <inheritdoc />
    /// <remarks>The zone is the most specific zone of the PowerDNS server (as of the last read or apply) that holds the
    /// name, whether or not the domain filter manages it; <see langword="null"/> before the first read or apply.</remarks>
    /// <remarks>The server's zones the domain filter selects, as listed by the last read or apply.</remarks>
    public IReadOnlyCollection<string>? KnownZones => _lastZones is { } zones
        ? [.. zones.Names.Where(name => PowerDnsZoneIndex.IsManaged(DomainFilter, name))]
        : null;

    /// <inheritdoc />
    public string? FindZone(string dnsName)
    {
        ArgumentNullException.ThrowIfNull(dnsName);
        return _lastZones?.ZoneOf(DnsNames.Normalize(dnsName));
    }

    /// <summary>
    /// Canonicalises desired endpoints so that they compare equal to what <see cref="GetRecordsAsync"/> returns after
    /// they are written: IP addresses in canonical text, no trailing dot on host names (MX included) except SRV, which
    /// keeps it, TXT targets as quoted character-strings (plain text is quoted, <c>"</c> and <c>\</c> escaped), and
    /// duplicate targets removed. Provider-specific properties are reduced to what PowerDNS reads back: <c>alias=true</c>
    /// on a CNAME that is written as an <c>ALIAS</c> (marked as an alias, or at the apex of a zone seen by the last read
    /// or apply); every other property is dropped. TTLs are left alone (0 means the provider default).
    /// </summary>
    /// <param name="endpoints">The desired endpoints.</param>
    /// <returns>The adjusted endpoints, in the same order; an endpoint already canonical is returned as is.</returns>
    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var zones = _lastZones;
        var result = new DnsEndpoint[endpoints.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var endpoint = endpoints[i];
            var atApex = zones is not null && zones.IsApex(DnsNames.Normalize(endpoint.DnsName));
            var type = PowerDnsType(endpoint, atApex);
            var targets = CanonicalTargets(endpoint.RecordType, type, endpoint.Targets);
            var isAlias = type == PowerDnsContent.AliasType;
            var adjusted = endpoint;
            if (!targets.SequenceEqual(endpoint.Targets, StringComparer.Ordinal))
            {
                adjusted = adjusted with { Targets = targets };
            }

            var aliasProperty = endpoint.TryGetProviderSpecific(ProviderSpecificNames.Alias, out var alias) ? alias : null;
            var writtenAs = endpoint.TryGetProviderSpecific(ProviderSpecificNames.WrittenAs, out var written) ? written : null;
            if (endpoint.ProviderSpecific.Count != (isAlias ? 2 : 0) || (isAlias && (aliasProperty != "true" || writtenAs != PowerDnsContent.AliasType)))
            {
                adjusted = adjusted with { ProviderSpecific = isAlias ? AliasProperties : [] };
            }

            result[i] = adjusted;
        }

        return result;
    }

    /// <summary>Releases the HTTP client (and the handler, when the provider owns it).</summary>
    public void Dispose() => _http.Dispose();

    private static SocketsHttpHandler CreateHandler() => new()
    {
        // Re-resolve the API host now and then (DNS changes, load balancers), as IHttpClientFactory would.
        PooledConnectionLifetime = PooledConnectionLifetime,
        AutomaticDecompression = DecompressionMethods.All,

        // Never follow a redirect: .NET would send the X-API-Key header on to the redirect target, another host maybe.
        AllowAutoRedirect = false,
    };

    /// <summary>Whether the handler (or a handler it delegates to) is a .NET handler that follows redirects.</summary>
    private static bool FollowsRedirects(HttpMessageHandler handler)
    {
        for (var current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            switch (current)
            {
                case SocketsHttpHandler sockets:
                    return sockets.AllowAutoRedirect;
                case HttpClientHandler client:
                    return client.AllowAutoRedirect;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the RRsets at every changed name, per zone: one <c>GET …?rrset_name=</c> per name when a zone has at most
    /// <see cref="MaxNamesReadByName"/> changed names, else one GET of the whole zone. A zone whose answer holds a
    /// malformed RRset without a usable name cannot be checked: its changes are refused.
    /// </summary>
    private async Task<Dictionary<PowerDnsZoneBatch, PowerDnsRecordSets>> ReadCurrentAsync(PowerDnsChangePlan plan, CancellationToken cancellationToken)
    {
        var reads = new List<(PowerDnsZoneBatch Batch, string? Name)>();
        foreach (var batch in plan.Batches)
        {
            var names = batch.Names;
            if (names.Count <= MaxNamesReadByName)
            {
                reads.AddRange(names.Select(name => (batch, (string?)name)));
            }
            else
            {
                reads.Add((batch, null));
            }
        }

        var answers = new PowerDnsRrSetList[reads.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, reads.Count),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelReads, CancellationToken = cancellationToken },
            async (i, token) => answers[i] = await _client.GetRrSetsAsync(reads[i].Batch.ZoneId, reads[i].Name, token).ConfigureAwait(false))
            .ConfigureAwait(false);

        var server = new Dictionary<PowerDnsZoneBatch, PowerDnsRecordSets>();
        for (var i = 0; i < reads.Count; i++)
        {
            var (batch, name) = reads[i];
            if (!server.TryGetValue(batch, out var recordSets))
            {
                server.Add(batch, recordSets = new PowerDnsRecordSets());
            }

            recordSets.Add(answers[i], name);
        }

        foreach (var (batch, recordSets) in server)
        {
            if (recordSets.Malformed.Count > 0)
            {
                Log.MalformedRecordSetsSkipped(_logger, batch.ZoneName, recordSets.Malformed.Count, recordSets.DescribeMalformed());
            }

            if (recordSets.HasUnnamedMalformed)
            {
                plan.RefuseBatch(batch, $"PowerDNS returned malformed record sets without a usable name for zone {batch.ZoneName} "
                    + $"({recordSets.DescribeMalformed()}), so changes to the zone cannot be checked against them; nothing is written there");
            }
        }

        return server;
    }

    private List<DnsEndpoint> ToEndpoints(PowerDnsRecordSets recordSets, string zoneName, PowerDnsZoneIndex zones)
    {
        var endpoints = new List<DnsEndpoint>(recordSets.Valid.Count);
        foreach (var rrset in recordSets.Valid)
        {
            if (rrset.Type == "SOA" || rrset.Contents.Length == 0)
            {
                continue;
            }

            if (!string.Equals(zones.ZoneOf(rrset.Name), zoneName, StringComparison.Ordinal) || !DomainFilter.Match(rrset.Name))
            {
                continue;
            }

            var isAlias = rrset.Type == PowerDnsContent.AliasType;
            var endpoint = new DnsEndpoint(rrset.Name, isAlias ? RecordType.CNAME : new RecordType(rrset.Type), rrset.Contents) { Ttl = rrset.Ttl };
            endpoints.Add(isAlias ? endpoint with { ProviderSpecific = AliasProperties } : endpoint);
        }

        return endpoints;
    }

    /// <summary>The properties of a CNAME written as an ALIAS: <c>alias=true</c> and <c>written-as=ALIAS</c>, in name order.</summary>
    private static readonly ImmutableArray<ProviderSpecificProperty> AliasProperties =
        [new(ProviderSpecificNames.Alias, "true"), new(ProviderSpecificNames.WrittenAs, PowerDnsContent.AliasType)];

    private static string PowerDnsType(DnsEndpoint endpoint, bool atApex) =>
        endpoint.RecordType == RecordType.CNAME && (atApex || endpoint.IsAlias) ? PowerDnsContent.AliasType : endpoint.RecordType.Value;

    private static ImmutableArray<string> CanonicalTargets(RecordType recordType, string powerDnsType, IReadOnlyList<string> targets)
    {
        var comparer = recordType == RecordType.TXT ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        var seen = new HashSet<string>(comparer);
        var builder = ImmutableArray.CreateBuilder<string>(targets.Count);
        foreach (var target in targets)
        {
            var canonical = PowerDnsContent.CanonicalTarget(recordType, powerDnsType, target);
            if (seen.Add(canonical))
            {
                builder.Add(canonical);
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>Groups refused endpoints by reason: the reason, how many, and the first few names.</summary>
    /// <remarks>An endpoint refused only because another of its record group was (an ownership record with its record)
    /// counts under that endpoint's reason.</remarks>
    internal static IEnumerable<(string Reason, int Count, string Names)> Summarize(IReadOnlyList<RejectedEndpoint> rejected)
    {
        const int Shown = 3;
        const string Companion = " of the same record group was refused: ";
        static (string Root, bool IsCompanion) Root(string reason) =>
            reason.StartsWith("not applied because ", StringComparison.Ordinal) && reason.IndexOf(Companion, StringComparison.Ordinal) is var at and >= 0
                ? (reason[(at + Companion.Length)..], true)
                : (reason, false);

        foreach (var group in rejected.Select(r => (r.Endpoint, Reason: Root(r.Reason))).GroupBy(r => r.Reason.Root, StringComparer.Ordinal))
        {
            var all = group.OrderBy(r => r.Reason.IsCompanion).Select(r => $"{r.Endpoint.DnsName} {r.Endpoint.RecordType}").ToList();
            var names = string.Join(", ", all.Take(Shown)) + (all.Count > Shown ? $" and {all.Count - Shown} more" : string.Empty);
            yield return (group.Key, all.Count, names);
        }
    }

    /// <summary>Creates the zones <see cref="PowerDnsProviderOptions.CreateMissingZones"/> asks for; returns whether any was created.</summary>
    private async Task<bool> CreateMissingZonesAsync(PowerDnsZoneIndex zones, CancellationToken cancellationToken)
    {
        var created = false;
        foreach (var include in DomainFilter.Include)
        {
            if (include.StartsWith('.') || zones.Names.Any(zone => DnsNames.IsAtOrBelow(include, zone) || DnsNames.IsAtOrBelow(zone, include)))
            {
                continue;
            }

            var mname = _createdZoneNameservers.Length > 0 ? _createdZoneNameservers[0] : "ns1." + include + ".";
            var soa = string.Create(CultureInfo.InvariantCulture, $"{mname} hostmaster.{include}. 1 10800 3600 604800 {_createdZoneSoaMinimum}");
            var zone = new PowerDnsZoneCreation
            {
                Name = include + ".",
                Nameservers = _createdZoneNameservers,
                ApiRectify = false,
                RrSets = [new PowerDnsRrSet { Name = include + ".", Type = "SOA", Ttl = 3600, ChangeType = "REPLACE", Records = [new PowerDnsRecord { Content = soa }] }],
            };
            try
            {
                await _client.CreateZoneAsync(zone, cancellationToken).ConfigureAwait(false);
                Log.ZoneCreated(_logger, include, _createdZoneSoaMinimum);
            }
            catch (PowerDnsApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
            {
                // Created meanwhile by someone else: as good.
            }

            created = true;
        }

        return created;
    }

    private static DnsProviderException Aggregate(
        List<string> applied,
        List<(PowerDnsZoneBatch Batch, DnsProviderException Error)> failures,
        PowerDnsChangePlan plan)
    {
        var parts = new List<string>();
        if (plan.Conflicts.Count > 0)
        {
            parts.Add($"{plan.Conflicts.Count} change(s) refused because the records at the PowerDNS server are not what the plan was computed from "
                + $"(they changed since they were read): {string.Join("; ", plan.Conflicts)}");
        }

        if (applied.Count > 0)
        {
            parts.Add($"applied to zone(s) {string.Join(", ", applied)}");
        }

        foreach (var (batch, error) in failures)
        {
            parts.Add($"zone {batch.ZoneName} refused its changes, nothing applied there: {error.Message}");
        }

        if (plan.Rejected.Count > 0)
        {
            // One line per reason, not one per endpoint: a missing zone refuses every endpoint for the same reason.
            parts.Add($"{plan.Rejected.Count} endpoint(s) not applied: "
                + string.Join("; ", Summarize(plan.Rejected).Select(g => $"{g.Reason} ({g.Count}: {g.Names})")));
        }

        var isPartial = applied.Count > 0;
        var all = new List<RejectedEndpoint>(plan.Conflicts);
        all.AddRange(plan.Rejected);
        foreach (var (batch, error) in failures)
        {
            all.AddRange(batch.Endpoints.Select(e => new RejectedEndpoint(e, error.Message)));
        }

        var inner = failures.Count > 0 ? failures[0].Error : null;
        if (plan.Conflicts.Count > 0)
        {
            return new DnsRecordConflictException(
                "PowerDNS apply " + (isPartial ? "partly applied; " : "refused; ") + string.Join("; ", parts),
                all,
                isPartial,
                inner);
        }

        return new DnsProviderException(
            "PowerDNS apply " + (isPartial ? "partly failed: " : "failed: ") + string.Join("; ", parts),
            isTransient: plan.Rejected.Count == 0 && failures.All(f => f.Error.IsTransient),
            inner)
        {
            IsPartial = isPartial,
            RejectedEndpoints = isPartial ? all : [],
        };
    }
}
