using System.Collections.Immutable;
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
/// 401, 404) are permanent; 5xx, 408, 429, timeouts and connection failures are transient.</para>
/// </remarks>
public sealed class PowerDnsProvider : IDnsProvider, IDisposable
{
    private const int MaxParallelZoneReads = 4;
    private static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;
    private readonly PowerDnsApiClient _client;
    private readonly ILogger _logger;
    private readonly long _defaultTtl;
    private volatile PowerDnsZoneIndex? _lastZones;

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
    /// <param name="handler">The HTTP handler (for a proxy, custom TLS or instrumentation).</param>
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
        DomainFilter = new DomainFilter(options.IncludeDomains, options.ExcludeDomains);
    }

    /// <inheritdoc />
    public DomainFilter DomainFilter { get; }

    /// <summary>
    /// Reads every RRset (except SOA) of the managed zones: one endpoint per RRset with its name (no trailing dot),
    /// type, TTL and the contents of its enabled records, ordered by name and type. Names outside the domain filter,
    /// and names that a more specific zone of the server serves, are left out.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    /// <exception cref="PowerDnsApiException">An API call failed.</exception>
    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        var zones = new PowerDnsZoneIndex(await _client.ListZonesAsync(cancellationToken).ConfigureAwait(false));
        _lastZones = zones;
        var managed = zones.Names.Where(name => PowerDnsZoneIndex.IsManaged(DomainFilter, name)).ToArray();
        var perZone = new List<DnsEndpoint>[managed.Length];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, managed.Length),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelZoneReads, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var zone = await _client.GetZoneAsync(zones[managed[i]].Id, token).ConfigureAwait(false);
                perZone[i] = ToEndpoints(zone, managed[i], zones);
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
    /// and create. Each PATCH is atomic. Endpoints without a zone, outside the domain filter, with a set identifier or
    /// an out-of-range TTL are not applied; the rest is, and the call then fails naming them.
    /// </summary>
    /// <param name="changes">The changes.</param>
    /// <param name="cancellationToken">Cancels the apply.</param>
    /// <returns>A task that completes when every zone accepted its changes.</returns>
    /// <remarks>
    /// After a timeout or a lost connection during a PATCH, PowerDNS may or may not have applied that zone's changes;
    /// the failure is transient and the next read shows which. Repeating a PATCH is harmless: REPLACE and DELETE are
    /// idempotent.
    /// </remarks>
    /// <exception cref="PowerDnsApiException">The only zone to change refused the changes (nothing was applied).</exception>
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
        var plan = new PatchPlan(this, zones);

        // PowerDNS refuses a name with '*' inside a label (such as "cname-*.example.org", the ownership record of a
        // wildcard record when the TXT registry has no wildcard replacement), and one such name fails the zone's whole
        // PATCH. Those endpoints are refused instead, each together with every endpoint of its name (a record and the
        // ownership record naming it), so that neither is written without the other and the rest still applies.
        var refused = RefusedNames(changes);
        foreach (var endpoint in changes.Delete)
        {
            if (!plan.RejectIfRefused(endpoint, refused))
            {
                plan.Delete(endpoint);
            }
        }

        for (var i = 0; i < changes.UpdateNew.Count; i++)
        {
            if (changes.UpdateOld[i].Equals(changes.UpdateNew[i]))
            {
                continue; // Not a change (ExternalDNS drops these too).
            }

            if (!plan.RejectIfRefused(changes.UpdateOld[i], refused, changes.UpdateNew[i]) && !plan.RejectIfRefused(changes.UpdateNew[i], refused))
            {
                plan.Update(changes.UpdateOld[i], changes.UpdateNew[i]);
            }
        }

        foreach (var endpoint in changes.Create)
        {
            if (!plan.RejectIfRefused(endpoint, refused))
            {
                plan.Replace(endpoint);
            }
        }

        foreach (var rejected in plan.Rejected)
        {
            Log.EndpointRejected(_logger, rejected.Endpoint.ToString(), rejected.Reason);
        }

        var applied = new List<string>();
        var failures = new List<(ZoneBatch Batch, DnsProviderException Error)>();
        foreach (var batch in plan.Batches.Where(b => b.Deletes.Count + b.Replaces.Count > 0))
        {
            var deletes = batch.Deletes.Values.ToArray();
            var replaces = batch.Replaces.Values.ToArray();
            Log.PatchingZone(_logger, batch.ZoneName, deletes.Length, replaces.Length);
            try
            {
                await _client.PatchRrSetsAsync(batch.ZoneId, new PowerDnsPatch { RrSets = [.. deletes, .. replaces] }, cancellationToken)
                    .ConfigureAwait(false);
                applied.Add(batch.ZoneName);
                Log.ZonePatched(_logger, batch.ZoneName, deletes.Length, replaces.Length);
            }
            catch (DnsProviderException ex)
            {
                Log.ZonePatchFailed(_logger, batch.ZoneName, ex.IsTransient, ex.Message);
                failures.Add((batch, ex));
            }
        }

        if (failures.Count == 0 && plan.Rejected.Count == 0)
        {
            return;
        }

        if (failures.Count == 1 && plan.Rejected.Count == 0 && applied.Count == 0)
        {
            // One zone, refused as a whole: PowerDNS's own error says it best.
            ExceptionDispatchInfo.Throw(failures[0].Error);
        }

        throw Aggregate(applied, failures, plan.Rejected);
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
            if (endpoint.ProviderSpecific.Count != (isAlias ? 1 : 0) || (isAlias && aliasProperty != "true"))
            {
                adjusted = adjusted with
                {
                    ProviderSpecific = isAlias ? [new ProviderSpecificProperty(ProviderSpecificNames.Alias, "true")] : [],
                };
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
    };

    private List<DnsEndpoint> ToEndpoints(PowerDnsZone zone, string zoneName, PowerDnsZoneIndex zones)
    {
        var endpoints = new List<DnsEndpoint>(zone.RrSets?.Count ?? 0);
        foreach (var rrset in zone.RrSets ?? [])
        {
            if (string.Equals(rrset.Type, "SOA", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = DnsNames.Normalize(rrset.Name);
            if (!string.Equals(zones.ZoneOf(name), zoneName, StringComparison.Ordinal) || !DomainFilter.Match(name))
            {
                continue;
            }

            var contents = (rrset.Records ?? []).Where(r => !r.Disabled).Select(r => r.Content).ToArray();
            if (contents.Length == 0)
            {
                continue;
            }

            var isAlias = string.Equals(rrset.Type, PowerDnsContent.AliasType, StringComparison.OrdinalIgnoreCase);
            var endpoint = new DnsEndpoint(name, isAlias ? RecordType.CNAME : new RecordType(rrset.Type), contents) { Ttl = rrset.Ttl ?? 0 };
            endpoints.Add(isAlias ? endpoint.WithProviderSpecific(ProviderSpecificNames.Alias, "true") : endpoint);
        }

        return endpoints;
    }

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

    /// <summary>The name group (the owned record's name for an ownership record) of every endpoint whose name PowerDNS refuses, with the reason.</summary>
    private static Dictionary<string, string> RefusedNames(DnsChanges changes)
    {
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in changes.Delete.Concat(changes.UpdateOld).Concat(changes.UpdateNew).Concat(changes.Create))
        {
            var name = DnsNames.Normalize(endpoint.DnsName);
            if (HasWildcardInsideLabel(name))
            {
                refused.TryAdd(NameGroup(endpoint),
                    $"PowerDNS refuses the name {name}: '*' is only allowed as the whole leftmost label"
                    + (endpoint.Labels.ContainsKey(EndpointLabels.OwnedRecordKey)
                        ? " (this is the ownership record of a wildcard record: set TxtRegistryOptions.WildcardReplacement)"
                        : string.Empty));
            }
        }

        return refused;
    }

    private static bool HasWildcardInsideLabel(string name)
    {
        var star = name.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
        {
            return false;
        }

        // Only "*" as the whole first label is a wildcard; any other '*' is a literal PowerDNS rejects.
        var rest = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name == "*" ? string.Empty : name;
        return rest.Contains('*', StringComparison.Ordinal);
    }

    private static string NameGroup(DnsEndpoint endpoint) =>
        DnsNames.Normalize(endpoint.Labels.TryGetValue(EndpointLabels.OwnedRecordKey, out var owned) ? owned : endpoint.DnsName);

    private static DnsProviderException Aggregate(
        List<string> applied,
        List<(ZoneBatch Batch, DnsProviderException Error)> failures,
        List<RejectedEndpoint> rejected)
    {
        var parts = new List<string>();
        if (applied.Count > 0)
        {
            parts.Add($"applied to zone(s) {string.Join(", ", applied)}");
        }

        foreach (var (batch, error) in failures)
        {
            parts.Add($"zone {batch.ZoneName} refused its changes, nothing applied there: {error.Message}");
        }

        if (rejected.Count > 0)
        {
            parts.Add($"{rejected.Count} endpoint(s) not applied: {string.Join("; ", rejected)}");
        }

        var isPartial = applied.Count > 0;
        var all = new List<RejectedEndpoint>(rejected);
        foreach (var (batch, error) in failures)
        {
            all.AddRange(batch.Endpoints.Select(e => new RejectedEndpoint(e, error.Message)));
        }

        return new DnsProviderException(
            "PowerDNS apply " + (isPartial ? "partly failed: " : "failed: ") + string.Join("; ", parts),
            isTransient: rejected.Count == 0 && failures.All(f => f.Error.IsTransient),
            failures.Count > 0 ? failures[0].Error : null)
        {
            IsPartial = isPartial,
            RejectedEndpoints = isPartial ? all : [],
        };
    }

    /// <summary>The RRset changes for one zone, keyed by normalised name and PowerDNS type, in a stable order.</summary>
    private sealed class ZoneBatch(string zoneName, string zoneId)
    {
        public string ZoneName { get; } = zoneName;

        public string ZoneId { get; } = zoneId;

        public SortedDictionary<string, PowerDnsRrSet> Deletes { get; } = new(StringComparer.Ordinal);

        public SortedDictionary<string, PowerDnsRrSet> Replaces { get; } = new(StringComparer.Ordinal);

        public List<DnsEndpoint> Endpoints { get; } = [];
    }

    /// <summary>Sorts endpoints into per-zone batches, refusing those that cannot be written.</summary>
    private sealed class PatchPlan(PowerDnsProvider provider, PowerDnsZoneIndex zones)
    {
        private readonly SortedDictionary<string, ZoneBatch> _batches = new(StringComparer.Ordinal);

        public IEnumerable<ZoneBatch> Batches => _batches.Values;

        public List<RejectedEndpoint> Rejected { get; } = [];

        public void Delete(DnsEndpoint endpoint)
        {
            if (Route(endpoint) is not { } target)
            {
                return;
            }

            AddDelete(target.Batch, target.Name, target.Type);
            target.Batch.Endpoints.Add(endpoint);
        }

        public void Update(DnsEndpoint oldEndpoint, DnsEndpoint newEndpoint)
        {
            if (Route(oldEndpoint) is not { } old || Route(newEndpoint) is not { } updated)
            {
                return;
            }

            if (!ReferenceEquals(old.Batch, updated.Batch) || old.Key != updated.Key)
            {
                // The PowerDNS RRset changes (an alias CNAME becoming a plain one, say): remove the old one first.
                AddDelete(old.Batch, old.Name, old.Type);
                old.Batch.Endpoints.Add(oldEndpoint);
            }

            AddReplace(updated, newEndpoint);
        }

        public void Replace(DnsEndpoint endpoint)
        {
            if (Route(endpoint) is { } target)
            {
                AddReplace(target, endpoint);
            }
        }

        private void AddReplace(Target target, DnsEndpoint endpoint)
        {
            if (target.Batch.Replaces.ContainsKey(target.Key))
            {
                Reject(endpoint, "another change in the same apply already writes this record set");
                return;
            }

            var contents = CanonicalTargetsAsContent(endpoint, target.Type);
            target.Batch.Replaces.Add(target.Key, new PowerDnsRrSet
            {
                Name = target.Name + ".",
                Type = target.Type,
                Ttl = endpoint.Ttl > 0 ? endpoint.Ttl : provider._defaultTtl,
                ChangeType = "REPLACE",
                Records = [.. contents.Select(c => new PowerDnsRecord { Content = c, Disabled = false })],
            });
            target.Batch.Endpoints.Add(endpoint);
        }

        private static void AddDelete(ZoneBatch batch, string name, string type) =>
            batch.Deletes.TryAdd(name + "/" + type, new PowerDnsRrSet { Name = name + ".", Type = type, ChangeType = "DELETE" });

        private static List<string> CanonicalTargetsAsContent(DnsEndpoint endpoint, string type)
        {
            var comparer = endpoint.RecordType == RecordType.TXT ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
            var seen = new HashSet<string>(comparer);
            var contents = new List<string>(endpoint.Targets.Count);
            foreach (var target in endpoint.Targets)
            {
                var content = PowerDnsContent.ToContent(type, target);
                if (seen.Add(content))
                {
                    contents.Add(content);
                }
            }

            return contents;
        }

        private Target? Route(DnsEndpoint endpoint)
        {
            var name = DnsNames.Normalize(endpoint.DnsName);
            string? reason = null;
            string? zoneName = null;
            if (endpoint.SetIdentifier.Length > 0)
            {
                reason = $"PowerDNS has no routing policies; set identifier '{endpoint.SetIdentifier}' is not supported";
            }
            else if (endpoint.RecordType.Value.Length == 0)
            {
                reason = "the record type is empty";
            }
            else if (endpoint.Ttl is < 0 or > int.MaxValue)
            {
                reason = $"TTL {endpoint.Ttl} is outside 0..{int.MaxValue}";
            }
            else if (!provider.DomainFilter.Match(name))
            {
                reason = $"the name is outside the domain filter ({provider.DomainFilter})";
            }
            else if ((zoneName = zones.ZoneOf(name)) is null)
            {
                reason = "no zone of the PowerDNS server contains the name";
            }

            if (reason is not null || zoneName is null)
            {
                Reject(endpoint, reason ?? "no zone");
                return null;
            }

            var zone = zones[zoneName];
            if (!_batches.TryGetValue(zoneName, out var batch))
            {
                batch = new ZoneBatch(zoneName, zone.Id);
                _batches.Add(zoneName, batch);
            }

            var type = PowerDnsType(endpoint, atApex: string.Equals(name, zoneName, StringComparison.Ordinal));
            return new Target(batch, name, type);
        }

        private void Reject(DnsEndpoint endpoint, string reason) => Rejected.Add(new RejectedEndpoint(endpoint, reason));

        /// <summary>Rejects <paramref name="report"/> (or <paramref name="endpoint"/>) when the endpoint's name group is refused.</summary>
        public bool RejectIfRefused(DnsEndpoint endpoint, Dictionary<string, string> refused, DnsEndpoint? report = null)
        {
            if (refused.Count == 0 || !refused.TryGetValue(NameGroup(endpoint), out var reason))
            {
                return false;
            }

            Reject(report ?? endpoint, reason);
            return true;
        }
    }

    private sealed record Target(ZoneBatch Batch, string Name, string Type)
    {
        public string Key => Name + "/" + Type;
    }
}
