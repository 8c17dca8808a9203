using System.Globalization;
using System.Text;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Rfc2136.Transport;
using Ccx.Dns.Rfc2136.Updates;
using Ccx.Dns.Rfc2136.Tsig;
using Ccx.Dns.Rfc2136.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Rfc2136;

/// <summary>
/// A DNS provider for servers that accept RFC 2136 dynamic updates (BIND 9, Knot DNS and others). Records are read
/// by a TSIG-signed AXFR of each configured zone; changes are sent as TSIG-signed UPDATE messages over TCP, in
/// batches of <see cref="Rfc2136ProviderOptions.BatchSize"/> changes per message, each message applied
/// atomically by the server and only if its prerequisites hold.
/// </summary>
/// <remarks>
/// <para>
/// Every write is conditional (RFC 2136 §2.4), so that a plan computed from a stale view is refused instead of
/// merging into or overwriting records someone else wrote since the read: a create requires its record set to be
/// absent (and no CNAME at the name; a CNAME create requires the name to hold nothing else); an update and a delete
/// require the record set to hold exactly the data read. A refused message raises
/// <see cref="DnsRecordConflictException"/> naming its changes; the other messages are still sent.
/// </para>
/// <para>
/// A create adds one RR per target. An update deletes each old RR (class NONE) and adds each new target, in one
/// message. A delete removes the whole RRset (class ANY). Within a zone, changes are grouped by name (an ownership
/// TXT record goes with the record it owns) and each group is sent in one message, or refused as a whole before
/// sending; within a group, deletes are sent first, then updates, then creates. A name belongs to the most specific
/// configured zone containing it (by whole labels). All records of a zone are returned, SOA and NS included; the
/// planner filters by managed types. See <c>docs/providers/rfc2136-atomicity.md</c> for what is atomic and what is not.
/// </para>
/// </remarks>
public sealed class Rfc2136DnsProvider : IZoneAwareDnsProvider
{
    /// <summary>Leaves room under the 65,535-byte limit for the zone section and the TSIG record.</summary>
    private const int MaxUpdateSectionBytes = 60_000;

    private readonly Rfc2136ProviderOptions _options;
    private readonly string[] _zones;
    private readonly Rfc2136Client _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly RecordSetsAsRead _asRead = new();

    /// <summary>Creates the provider.</summary>
    /// <param name="options">The options; validated here as well as at start-up.</param>
    /// <param name="timeProvider">The clock for TSIG and timeouts; the system clock when omitted.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public Rfc2136DnsProvider(IOptions<Rfc2136ProviderOptions> options, TimeProvider? timeProvider = null, ILogger<Rfc2136DnsProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var validation = new Rfc2136ProviderOptionsValidator().Validate(Options.DefaultName, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(Rfc2136ProviderOptions), validation.Failures);
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;

        // Most labels first, so that the first zone containing a name is the most specific one.
        _zones = [.. _options.Zones.Select(z => DnsNames.Normalize(z.Trim()))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(z => z.Count(c => c == '.'))
            .ThenBy(z => z, StringComparer.Ordinal)];
        var key = string.IsNullOrWhiteSpace(_options.TsigKeyName)
            ? null
            : new TsigKey(_options.TsigKeyName, _options.TsigAlgorithm, _options.TsigSecret!);
        _client = new Rfc2136Client(_options.Host.Trim(), _options.Port, key, (ushort)_options.TsigFudgeSeconds, _options.Timeout, _timeProvider);
        DomainFilter = new DomainFilter(_zones);
    }

    /// <inheritdoc />
    public DomainFilter DomainFilter { get; }

    /// <summary>The client that talks to the server (for tests).</summary>
    internal Rfc2136Client Client => _client;

    /// <summary>The configured zones, normalised, most specific first.</summary>
    public IReadOnlyList<string> Zones => _zones;

    /// <inheritdoc />
    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        var endpoints = new List<DnsEndpoint>();
        foreach (var zone in _zones)
        {
            var started = _timeProvider.GetTimestamp();
            var transfer = await _client.TransferZoneAsync(zone, cancellationToken).ConfigureAwait(false);
            var records = transfer.Records;
            var elapsedMs = (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds;
            Log.ZoneTransferred(_logger, zone, _client.Server, records.Count, transfer.MessageCount, transfer.SignedMessageCount, elapsedMs);

            endpoints.AddRange(ToEndpoints(zone, records));
        }

        return endpoints;
    }

    /// <inheritdoc />
    /// <exception cref="DnsRecordConflictException">
    /// The server refused one or more UPDATE messages because a prerequisite failed: the records changed since they
    /// were read. <see cref="DnsProviderException.RejectedEndpoints"/> lists every change of those messages (and any
    /// change refused before sending), <see cref="DnsProviderException.IsPartial"/> whether other messages were applied.
    /// </exception>
    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.UpdateOld.Count != changes.UpdateNew.Count)
        {
            throw new DnsProviderException(
                $"update lists differ in length: {changes.UpdateOld.Count} old, {changes.UpdateNew.Count} new; nothing was changed");
        }

        var planned = new List<PlannedChange>(changes.Count);
        foreach (var endpoint in changes.Delete)
        {
            planned.Add(Plan(endpoint, DeleteChange));
        }

        for (var i = 0; i < changes.UpdateNew.Count; i++)
        {
            var old = changes.UpdateOld[i];
            planned.Add(Plan(changes.UpdateNew[i], updated => UpdateChange(old, updated)));
        }

        foreach (var endpoint in changes.Create)
        {
            planned.Add(Plan(endpoint, CreateChange));
        }

        var (byZone, rejected) = Admit(planned);
        foreach (var r in rejected)
        {
            Log.EndpointRejected(_logger, r.Endpoint.ToString(), r.Reason);
        }

        var applied = 0;
        var conflicts = new List<RejectedEndpoint>();
        var conflictingMessages = 0;
        foreach (var zone in _zones)
        {
            if (!byZone.TryGetValue(zone, out var zoneChanges))
            {
                continue;
            }

            var batches = Batch(zoneChanges);
            for (var b = 0; b < batches.Count; b++)
            {
                var batch = batches[b];
                var prerequisites = UpdatePrerequisiteBuilder.Build(batch.Select(c => c.Condition));
                var records = batch.SelectMany(c => c.Updates).ToList();
                DnsResponseCode answer;
                try
                {
                    answer = await _client.UpdateAsync(zone, prerequisites, records, cancellationToken).ConfigureAwait(false);
                }
                catch (DnsProviderException e)
                {
                    Log.BatchFailed(_logger, zone, _client.Server, b + 1, batches.Count, e.IsTransient ? "transient" : "permanent", e.Message);
                    throw Failure(e, zone, b, batches.Count, batch, applied, conflictingMessages, [.. conflicts, .. rejected]);
                }

                if (answer != DnsResponseCode.NoError)
                {
                    conflictingMessages++;
                    var code = DnsResponseCodes.Name(answer);
                    Log.BatchConflicted(_logger, zone, _client.Server, b + 1, batches.Count, code, batch.Count);
                    foreach (var change in batch)
                    {
                        conflicts.Add(new RejectedEndpoint(change.Endpoint, ConflictReason(change, answer, zone, b, batches.Count, batch.Count)));
                    }

                    continue;
                }

                applied++;
                _asRead.Forget(zone, batch.SelectMany(c => c.WrittenSets));
                Log.BatchApplied(_logger, zone, _client.Server, b + 1, batches.Count, batch.Count, records.Count);
            }
        }

        if (conflicts.Count > 0)
        {
            var message = new StringBuilder()
                .Append(conflicts.Count).Append(" change(s) in ").Append(conflictingMessages)
                .Append(" UPDATE message(s) were refused by ").Append(_client.Server)
                .Append(" because the records changed since they were read (a prerequisite failed; nothing of those messages was applied): ")
                .AppendJoin("; ", conflicts.Take(3).Select(c => $"{c.Endpoint.DnsName} {c.Endpoint.RecordType}"))
                .Append(conflicts.Count > 3 ? "; …" : string.Empty)
                .Append(applied > 0 ? $"; {applied} other message(s) were applied" : "; nothing was applied")
                .Append(rejected.Count > 0 ? $"; {rejected.Count} change(s) were refused before sending" : string.Empty)
                .Append("; read the records again before planning")
                .ToString();
            throw new DnsRecordConflictException(message, [.. conflicts, .. rejected], isPartial: applied > 0);
        }

        if (rejected.Count > 0)
        {
            throw new DnsProviderException(
                $"{rejected.Count} endpoint change(s) were refused and not sent ({string.Join("; ", rejected.Take(5))}){(applied > 0 ? "; the other changes were applied" : string.Empty)}",
                isTransient: false)
            {
                IsPartial = applied > 0,
                RejectedEndpoints = rejected,
            };
        }
    }

    /// <inheritdoc />
    /// <remarks>The configured zones (a zone the server does not serve fails every read, naming it).</remarks>
    public IReadOnlyCollection<string>? KnownZones => [.. _zones.Order(StringComparer.Ordinal)];

    /// <inheritdoc />
    public string? FindZone(string dnsName)
    {
        ArgumentNullException.ThrowIfNull(dnsName);
        return ZoneOf(dnsName);
    }

    /// <inheritdoc />
    /// <remarks>
    /// TXT targets lose one pair of surrounding quotes (the server stores the text, and reads return the text);
    /// configured TTLs below <see cref="Rfc2136ProviderOptions.MinTtl"/> are raised to it.
    /// </remarks>
    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var result = new List<DnsEndpoint>(endpoints.Count);
        foreach (var endpoint in endpoints)
        {
            var adjusted = endpoint;
            if (adjusted.IsTtlConfigured && adjusted.Ttl < _options.MinTtl)
            {
                adjusted = adjusted with { Ttl = _options.MinTtl };
            }

            if (adjusted.RecordType == RecordType.TXT && adjusted.Targets.Any(t => Rfc2136RecordMapper.Unquote(t).Length != t.Length))
            {
                adjusted = adjusted with { Targets = [.. adjusted.Targets.Select(Rfc2136RecordMapper.Unquote)] };
            }

            result.Add(adjusted);
        }

        return result;
    }

    /// <summary>The zone a name belongs to: the most specific configured zone containing it, by whole labels.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The zone, or <see langword="null"/> when none contains it.</returns>
    internal string? ZoneOf(string name) => ZoneOfNormalized(DnsNames.Normalize(name));

    private string? ZoneOfNormalized(string normalized)
    {
        foreach (var zone in _zones)
        {
            if (DnsNames.IsAtOrBelow(normalized, zone))
            {
                return zone;
            }
        }

        return null;
    }

    /// <summary>The name whose changes travel in one message: the owned record's name for an ownership record, else its own.</summary>
    private static string GroupOf(DnsEndpoint endpoint) =>
        DnsNames.Normalize(endpoint.Labels.TryGetValue(EndpointLabels.OwnedRecordKey, out var owned) ? owned : endpoint.DnsName);

    private static PlannedChange Plan(DnsEndpoint endpoint, Func<DnsEndpoint, Built> build)
    {
        var group = GroupOf(endpoint);
        var built = build(endpoint);
        if (built.Change is not { } change)
        {
            return new PlannedChange(endpoint, group, null, built.Refusal);
        }

        int size;
        try
        {
            size = change.EncodedSize;
        }
        catch (DnsFormatException e)
        {
            return new PlannedChange(endpoint, group, null, $"the change cannot be encoded: {e.Message}");
        }

        return size > MaxUpdateSectionBytes
            ? new PlannedChange(endpoint, group, null, $"the change needs {size} bytes, more than one UPDATE message holds ({MaxUpdateSectionBytes})")
            : new PlannedChange(endpoint, group, change, null);
    }

    /// <summary>
    /// Sorts planned changes by zone and collects the refused ones. A record and its ownership record, and every
    /// change at one name, are written together or not at all: a refused change holds back the rest of its name's
    /// changes, so that an ownership record is never written without its record (or the reverse).
    /// </summary>
    private static (Dictionary<string, List<RecordSetChange>> ByZone, List<RejectedEndpoint> Rejected) Admit(List<PlannedChange> planned)
    {
        var refusedGroups = new Dictionary<string, PlannedChange>(StringComparer.Ordinal);
        foreach (var p in planned)
        {
            if (p.Refusal is not null)
            {
                refusedGroups.TryAdd(p.Group, p);
            }
        }

        var byZone = new Dictionary<string, List<RecordSetChange>>(StringComparer.Ordinal);
        var rejected = new List<RejectedEndpoint>();
        foreach (var p in planned)
        {
            if (p.Refusal is { } reason)
            {
                rejected.Add(new RejectedEndpoint(p.Endpoint, reason));
            }
            else if (refusedGroups.TryGetValue(p.Group, out var first))
            {
                rejected.Add(new RejectedEndpoint(p.Endpoint,
                    $"not sent because the change of {first.Endpoint.DnsName} {first.Endpoint.RecordType} at the same name was refused ({first.Refusal}); a record and its ownership record are written together or not at all"));
            }
            else
            {
                var change = p.Change!;
                if (!byZone.TryGetValue(change.Zone, out var list))
                {
                    byZone[change.Zone] = list = [];
                }

                list.Add(change);
            }
        }

        return (byZone, rejected);
    }

    private static DnsProviderException Failure(DnsProviderException e, string zone, int batch, int batchCount, List<RecordSetChange> changes, int applied, int conflicting, List<RejectedEndpoint> rejected)
    {
        // A timeout or a broken connection after sending leaves this batch's outcome unknown.
        var unknown = e.IsTransient && e.InnerException is OperationCanceledException or IOException;
        var outcome = (applied, unknown) switch
        {
            (0, false) => "; nothing was applied",
            (0, true) => "; this batch may or may not have been applied, later batches were not sent",
            (_, false) => $"; {applied} earlier batch(es) were applied, this and later batches were not",
            _ => $"; {applied} earlier batch(es) were applied, this batch may or may not have been, later batches were not sent",
        };
        var message = new StringBuilder()
            .Append("UPDATE batch ").Append(batch + 1).Append(" of ").Append(batchCount).Append(" for zone ").Append(zone)
            .Append(" (").Append(changes.Count).Append(" changes: ").AppendJoin(", ", changes.Take(5).Select(c => c.Description))
            .Append(changes.Count > 5 ? ", …" : string.Empty).Append(") failed: ").Append(e.Message)
            .Append(outcome)
            .Append(conflicting > 0 ? $"; {conflicting} earlier batch(es) were refused because the records changed since they were read" : string.Empty)
            .ToString();
        return new DnsProviderException(message, e.IsTransient, e)
        {
            IsPartial = applied > 0 || unknown,
            RejectedEndpoints = rejected,
        };
    }

    private string ConflictReason(RecordSetChange change, DnsResponseCode answer, string zone, int batch, int batchCount, int changeCount)
    {
        var meaning = answer switch
        {
            DnsResponseCode.YXRRSet => "a record set expected to be absent exists",
            DnsResponseCode.NXRRSet => "a record set expected with the values read is missing or holds other values",
            DnsResponseCode.YXDomain => "a name expected to hold no records holds some",
            _ => "a name expected to hold records holds none",
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"the records changed since they were read: {_client.Server} refused UPDATE message {batch + 1} of {batchCount} for zone {zone} with {DnsResponseCodes.Name(answer)} ({meaning}); {change.Condition.Describe()}; none of the message's {changeCount} change(s) was applied");
    }

    /// <summary>Groups transferred records of a zone into endpoints (name + type), TTL of the first record, and remembers the sets their targets do not carry exactly.</summary>
    internal List<DnsEndpoint> ToEndpoints(string zone, List<DnsResourceRecord> records)
    {
        // Group by (name, type) in transfer order; TTL of the first RR of each set.
        var sets = new Dictionary<RecordSetKey, TransferredSet>();
        var order = new List<TransferredSet>();
        foreach (var record in records)
        {
            if (record.Class != DnsClass.IN || record.Type is DnsRecordType.TSIG or DnsRecordType.OPT)
            {
                continue;
            }

            var normalized = DnsNames.Normalize(record.Name);
            if (!string.Equals(ZoneOfNormalized(normalized), zone, StringComparison.Ordinal))
            {
                continue; // belongs to a more specific configured zone (or is outside every zone)
            }

            var key = new RecordSetKey(normalized, record.Type);
            if (!sets.TryGetValue(key, out var set))
            {
                sets[key] = set = new TransferredSet(key, record);
                order.Add(set);
            }

            set.Add(record.Data);
        }

        var endpoints = new List<DnsEndpoint>(order.Count);
        var remembered = new Dictionary<RecordSetKey, RecordSetAsRead>();
        foreach (var set in order)
        {
            endpoints.Add(new DnsEndpoint(set.First.Name, Rfc2136RecordMapper.ToRecordType(set.First.Type), set.Targets) { Ttl = set.First.Ttl });
            if (!set.CarriedByTargets)
            {
                remembered[set.Key] = new RecordSetAsRead(set.Targets, set.Data);
            }
        }

        _asRead.Replace(zone, remembered);
        return endpoints;
    }

    private uint TtlOf(DnsEndpoint endpoint)
    {
        var ttl = endpoint.Ttl > 0 ? endpoint.Ttl : _options.DefaultTtl;
        return (uint)Math.Clamp(Math.Max(ttl, _options.MinTtl), 0, Rfc2136ProviderOptionsValidator.MaxTtl);
    }

    private Built CreateChange(DnsEndpoint endpoint)
    {
        var (zone, refusal) = ZoneFor(endpoint);
        if (zone is null)
        {
            return Built.Refuse(refusal!);
        }

        var adds = Records(endpoint, DnsClass.IN, TtlOf(endpoint), out refusal);
        if (adds is null)
        {
            return Built.Refuse(refusal!);
        }

        var type = adds[0].Type;
        if (type == DnsRecordType.CNAME && string.Equals(DnsNames.Normalize(endpoint.DnsName), zone, StringComparison.Ordinal))
        {
            return Built.Refuse($"a CNAME cannot be written at the zone apex {zone}: it would share the name with the zone's SOA and NS records");
        }

        var condition = new RecordSetCondition(RecordSetExpectation.Absent, endpoint.DnsName, type, [], []);
        return new RecordSetChange(zone, endpoint, $"create {endpoint.DnsName} {endpoint.RecordType}", adds, condition);
    }

    private Built UpdateChange(DnsEndpoint old, DnsEndpoint updated)
    {
        var (zone, refusal) = ZoneFor(updated);
        if (zone is null)
        {
            return Built.Refuse(refusal!);
        }

        if (!string.Equals(ZoneOf(old.DnsName), zone, StringComparison.Ordinal))
        {
            return Built.Refuse($"the update moves {old.DnsName} to another zone; delete and create instead");
        }

        if (old.RecordType != updated.RecordType || !DnsNames.AreEqual(old.DnsName, updated.DnsName))
        {
            return Built.Refuse($"the update turns {old.DnsName} {old.RecordType} into {updated.DnsName} {updated.RecordType}; an update keeps the name and type, delete and create instead");
        }

        var adds = Records(updated, DnsClass.IN, TtlOf(updated), out refusal);
        if (adds is null)
        {
            return Built.Refuse(refusal!);
        }

        var type = adds[0].Type;
        var condition = ExistingSet(zone, old, type, out var asRead, out refusal);
        if (condition is null)
        {
            return Built.Refuse(refusal!);
        }

        if (asRead is not null)
        {
            // A target left unchanged keeps its data as read (a multi-string TXT keeps its strings).
            for (var i = 0; i < adds.Count; i++)
            {
                if (asRead.TryGetData(Rfc2136RecordMapper.ToTarget(adds[i].Data), out var exact))
                {
                    adds[i] = adds[i] with { Data = exact };
                }
            }
        }

        List<DnsResourceRecord> deletes = condition.Expectation == RecordSetExpectation.Exactly
            ? [.. condition.Data.Select(d => new DnsResourceRecord(old.DnsName, type, DnsClass.None, 0, d))]
            : [new DnsResourceRecord(old.DnsName, type, DnsClass.Any, 0, EmptyRecordData.Instance)];
        return new RecordSetChange(zone, updated, $"update {updated.DnsName} {updated.RecordType}", [.. deletes, .. adds], condition);
    }

    private Built DeleteChange(DnsEndpoint endpoint)
    {
        var (zone, refusal) = ZoneFor(endpoint);
        if (zone is null)
        {
            return Built.Refuse(refusal!);
        }

        if (!Rfc2136RecordMapper.TryGetWireType(endpoint.RecordType, out var type))
        {
            return Built.Refuse($"record type {endpoint.RecordType} is not supported by the RFC 2136 provider");
        }

        try
        {
            _ = DnsNameText.ToLabels(endpoint.DnsName);
        }
        catch (DnsFormatException e)
        {
            return Built.Refuse(e.Message);
        }

        var condition = ExistingSet(zone, endpoint, type, out _, out refusal);
        return condition is null
            ? Built.Refuse(refusal!)
            : new RecordSetChange(zone, endpoint, $"delete {endpoint.DnsName} {endpoint.RecordType}",
                [new DnsResourceRecord(endpoint.DnsName, type, DnsClass.Any, 0, EmptyRecordData.Instance)], condition);
    }

    /// <summary>
    /// The condition that a record set is still as read: its exact data (as transferred, when its targets do not
    /// carry all of it), or mere existence when the endpoint names no targets.
    /// </summary>
    private RecordSetCondition? ExistingSet(string zone, DnsEndpoint endpoint, DnsRecordType type, out RecordSetAsRead? asRead, out string? refusal)
    {
        asRead = null;
        refusal = null;
        if (endpoint.Targets.Count == 0)
        {
            return new RecordSetCondition(RecordSetExpectation.Present, endpoint.DnsName, type, [], []);
        }

        var key = new RecordSetKey(DnsNames.Normalize(endpoint.DnsName), type);
        List<DnsRecordData> data;
        if (_asRead.TryGet(zone, key, endpoint.Targets, out asRead))
        {
            data = [.. asRead.Data];
        }
        else
        {
            data = new List<DnsRecordData>(endpoint.Targets.Count);
            foreach (var target in endpoint.Targets)
            {
                if (!Rfc2136RecordMapper.TryParseExisting(endpoint.RecordType, target, out _, out var parsed, out var error))
                {
                    refusal = $"the record set's current value cannot be encoded as an UPDATE prerequisite, so it cannot be changed safely: {error}";
                    return null;
                }

                data.Add(parsed);
            }
        }

        return new RecordSetCondition(RecordSetExpectation.Exactly, endpoint.DnsName, type, [.. data.Distinct()], endpoint.Targets);
    }

    private (string? Zone, string? Refusal) ZoneFor(DnsEndpoint endpoint)
    {
        if (endpoint.SetIdentifier.Length > 0)
        {
            return (null, "set identifiers (routing policies) are not supported by RFC 2136 servers");
        }

        var zone = ZoneOf(endpoint.DnsName);
        return zone is null
            ? (null, $"no configured zone ({string.Join(", ", _zones)}) contains {endpoint.DnsName}")
            : (zone, null);
    }

    private static List<DnsResourceRecord>? Records(DnsEndpoint endpoint, DnsClass @class, uint ttl, out string? refusal)
    {
        refusal = null;
        try
        {
            _ = DnsNameText.ToLabels(endpoint.DnsName);
        }
        catch (DnsFormatException e)
        {
            refusal = e.Message;
            return null;
        }

        if (endpoint.Targets.Count == 0)
        {
            refusal = "the endpoint has no targets";
            return null;
        }

        var records = new List<DnsResourceRecord>(endpoint.Targets.Count);
        foreach (var target in endpoint.Targets)
        {
            if (!Rfc2136RecordMapper.TryParseTarget(endpoint.RecordType, target, out var type, out var data, out var error))
            {
                refusal = error;
                return null;
            }

            records.Add(new DnsResourceRecord(endpoint.DnsName, type, @class, ttl, data));
        }

        return records;
    }

    private List<List<RecordSetChange>> Batch(List<RecordSetChange> changes)
    {
        // A record and its ownership TXT record (which names it in the ownedRecord label), and every change at one
        // name (a CNAME deleted for an A created), go into the same message, so a failure between messages never
        // leaves a record without its ownership record or an ownership record without its record. A name's group
        // may make a message exceed BatchSize by a few changes; only the byte limit splits a group.
        var groups = new Dictionary<string, List<RecordSetChange>>(StringComparer.Ordinal);
        var order = new List<List<RecordSetChange>>();
        foreach (var change in changes)
        {
            var name = GroupOf(change.Endpoint);
            if (!groups.TryGetValue(name, out var group))
            {
                group = [];
                groups.Add(name, group);
                order.Add(group);
            }

            group.Add(change);
        }

        var batches = new List<List<RecordSetChange>>();
        var current = new List<RecordSetChange>();
        var size = 0;
        foreach (var group in order)
        {
            var groupSize = 0;
            foreach (var change in group)
            {
                groupSize += change.EncodedSize;
            }

            if (current.Count > 0 && (current.Count + group.Count > _options.BatchSize || size + groupSize > MaxUpdateSectionBytes))
            {
                batches.Add(current);
                current = [];
                size = 0;
            }

            foreach (var change in group)
            {
                // Only a single name's changes above the byte limit are split.
                if (current.Count > 0 && size + change.EncodedSize > MaxUpdateSectionBytes)
                {
                    batches.Add(current);
                    current = [];
                    size = 0;
                }

                current.Add(change);
                size += change.EncodedSize;
            }
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }

    /// <summary>A change ready to send, or why it is refused; <paramref name="Group"/> is the name whose changes travel together.</summary>
    private readonly record struct PlannedChange(DnsEndpoint Endpoint, string Group, RecordSetChange? Change, string? Refusal);

    /// <summary>What building one change gave: the change or the reason it is refused.</summary>
    private readonly record struct Built(RecordSetChange? Change, string? Refusal)
    {
        public static Built Refuse(string reason) => new(null, reason);

        public static implicit operator Built(RecordSetChange change) => new(change, null);
    }

    /// <summary>One record set being collected from a transfer.</summary>
    private sealed class TransferredSet(RecordSetKey key, DnsResourceRecord first)
    {
        public RecordSetKey Key { get; } = key;

        public DnsResourceRecord First { get; } = first;

        public List<string> Targets { get; } = [];

        public List<DnsRecordData> Data { get; } = [];

        public bool CarriedByTargets { get; private set; } = true;

        public void Add(DnsRecordData data)
        {
            var target = Rfc2136RecordMapper.ToTarget(data);
            Targets.Add(target);
            Data.Add(data);
            if (CarriedByTargets && !RecordSetsAsRead.IsCarriedByTarget(Key.Type, data, target))
            {
                CarriedByTargets = false;
            }
        }
    }
}
