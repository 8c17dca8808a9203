using System.Diagnostics;
using System.Text;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Rfc2136.Transport;
using Ccx.Dns.Rfc2136.Tsig;
using Ccx.Dns.Rfc2136.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Rfc2136;

/// <summary>
/// A DNS provider for servers that accept RFC 2136 dynamic updates (BIND 9 and others). Records are read by a
/// TSIG-signed AXFR of each configured zone; changes are sent as TSIG-signed UPDATE messages over TCP, in
/// batches of <see cref="Rfc2136ProviderOptions.BatchSize"/> changes per message, each message applied
/// atomically by the server.
/// </summary>
/// <remarks>
/// A create adds one RR per target. An update deletes each old target's exact RR (class NONE) and adds each new
/// target, in one message. A delete removes the whole RRset (class ANY). Within a zone, changes are grouped by
/// name (an ownership TXT record goes with the record it owns) and each group is sent in one message; within a
/// group, deletes are sent first, then updates, then creates. A name belongs to the most specific configured zone containing it (by whole
/// labels). All records of a zone are returned, SOA and NS included; the planner filters by managed types.
/// </remarks>
public sealed class Rfc2136DnsProvider : IDnsProvider
{
    /// <summary>Leaves room under the 65,535-byte limit for the zone section and the TSIG record.</summary>
    private const int MaxUpdateSectionBytes = 60_000;

    private readonly Rfc2136ProviderOptions _options;
    private readonly string[] _zones;
    private readonly Rfc2136Client _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

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
    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.UpdateOld.Count != changes.UpdateNew.Count)
        {
            throw new DnsProviderException(
                $"update lists differ in length: {changes.UpdateOld.Count} old, {changes.UpdateNew.Count} new; nothing was changed");
        }

        var rejected = new List<RejectedEndpoint>();
        var byZone = new Dictionary<string, List<ZoneChange>>(StringComparer.Ordinal);
        foreach (var endpoint in changes.Delete)
        {
            Add(byZone, rejected, DeleteChange(endpoint, rejected));
        }

        for (var i = 0; i < changes.UpdateNew.Count; i++)
        {
            Add(byZone, rejected, UpdateChange(changes.UpdateOld[i], changes.UpdateNew[i], rejected));
        }

        foreach (var endpoint in changes.Create)
        {
            Add(byZone, rejected, CreateChange(endpoint, rejected));
        }

        foreach (var r in rejected)
        {
            Log.EndpointRejected(_logger, r.Endpoint.ToString(), r.Reason);
        }

        var applied = 0;
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
                var records = batch.SelectMany(c => c.Records).ToList();
                try
                {
                    await _client.UpdateAsync(zone, records, cancellationToken).ConfigureAwait(false);
                }
                catch (DnsProviderException e)
                {
                    Log.BatchFailed(_logger, zone, _client.Server, b + 1, batches.Count, e.IsTransient ? "transient" : "permanent", e.Message);

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
                        .Append("UPDATE batch ").Append(b + 1).Append(" of ").Append(batches.Count).Append(" for zone ").Append(zone)
                        .Append(" (").Append(batch.Count).Append(" changes: ").AppendJoin(", ", batch.Take(5).Select(c => c.Description))
                        .Append(batch.Count > 5 ? ", …" : string.Empty).Append(") failed: ").Append(e.Message)
                        .Append(outcome)
                        .ToString();
                    throw new DnsProviderException(message, e.IsTransient, e)
                    {
                        IsPartial = applied > 0 || unknown,
                        RejectedEndpoints = rejected,
                    };
                }

                applied++;
                Log.BatchApplied(_logger, zone, _client.Server, b + 1, batches.Count, batch.Count, records.Count);
            }
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

    private static void Add(Dictionary<string, List<ZoneChange>> byZone, List<RejectedEndpoint> rejected, ZoneChange? change)
    {
        if (change is null)
        {
            return;
        }

        int size;
        try
        {
            size = change.EncodedSize;
        }
        catch (DnsFormatException e)
        {
            rejected.Add(new RejectedEndpoint(change.Endpoint, $"the change cannot be encoded: {e.Message}"));
            return;
        }

        if (size > MaxUpdateSectionBytes)
        {
            rejected.Add(new RejectedEndpoint(change.Endpoint, $"the change needs {size} bytes, more than one UPDATE message holds ({MaxUpdateSectionBytes})"));
            return;
        }

        if (!byZone.TryGetValue(change.Zone, out var list))
        {
            byZone[change.Zone] = list = [];
        }

        list.Add(change);
    }

    /// <summary>Groups transferred records of a zone into endpoints (name + type), TTL of the first record.</summary>
    internal IEnumerable<DnsEndpoint> ToEndpoints(string zone, List<DnsResourceRecord> records)
    {
        // Group by (name, type) in transfer order; TTL of the first RR of each set.
        var sets = new Dictionary<(string Name, DnsRecordType Type), (DnsResourceRecord First, List<string> Targets)>();
        var order = new List<(string, DnsRecordType)>();
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

            var key = (normalized, record.Type);
            if (!sets.TryGetValue(key, out var set))
            {
                sets[key] = set = (record, []);
                order.Add(key);
            }

            set.Targets.Add(Rfc2136RecordMapper.ToTarget(record.Data));
        }

        foreach (var key in order)
        {
            var (first, targets) = sets[key];
            yield return new DnsEndpoint(first.Name, Rfc2136RecordMapper.ToRecordType(first.Type), targets) { Ttl = first.Ttl };
        }
    }

    private uint TtlOf(DnsEndpoint endpoint)
    {
        var ttl = endpoint.Ttl > 0 ? endpoint.Ttl : _options.DefaultTtl;
        return (uint)Math.Clamp(Math.Max(ttl, _options.MinTtl), 0, Rfc2136ProviderOptionsValidator.MaxTtl);
    }

    private ZoneChange? CreateChange(DnsEndpoint endpoint, List<RejectedEndpoint> rejected)
    {
        var zone = ZoneFor(endpoint, rejected);
        var adds = zone is null ? null : Records(endpoint, DnsClass.IN, TtlOf(endpoint), rejected);
        return adds is null ? null : new ZoneChange(zone!, endpoint, $"create {endpoint.DnsName} {endpoint.RecordType}", adds);
    }

    private ZoneChange? UpdateChange(DnsEndpoint old, DnsEndpoint updated, List<RejectedEndpoint> rejected)
    {
        var zone = ZoneFor(updated, rejected);
        if (zone is null)
        {
            return null;
        }

        if (!string.Equals(ZoneOf(old.DnsName), zone, StringComparison.Ordinal))
        {
            rejected.Add(new RejectedEndpoint(updated, $"the update moves {old.DnsName} to another zone; delete and create instead"));
            return null;
        }

        var deletes = Records(old, DnsClass.None, 0, rejected);
        var adds = deletes is null ? null : Records(updated, DnsClass.IN, TtlOf(updated), rejected);
        return adds is null ? null : new ZoneChange(zone, updated, $"update {updated.DnsName} {updated.RecordType}", [.. deletes!, .. adds]);
    }

    private ZoneChange? DeleteChange(DnsEndpoint endpoint, List<RejectedEndpoint> rejected)
    {
        var zone = ZoneFor(endpoint, rejected);
        if (zone is null)
        {
            return null;
        }

        if (!Rfc2136RecordMapper.TryGetWireType(endpoint.RecordType, out var type))
        {
            rejected.Add(new RejectedEndpoint(endpoint, $"record type {endpoint.RecordType} is not supported by the RFC 2136 provider"));
            return null;
        }

        try
        {
            _ = DnsNameText.ToLabels(endpoint.DnsName);
        }
        catch (DnsFormatException e)
        {
            rejected.Add(new RejectedEndpoint(endpoint, e.Message));
            return null;
        }

        return new ZoneChange(zone, endpoint, $"delete {endpoint.DnsName} {endpoint.RecordType}",
            [new DnsResourceRecord(endpoint.DnsName, type, DnsClass.Any, 0, EmptyRecordData.Instance)]);
    }

    private string? ZoneFor(DnsEndpoint endpoint, List<RejectedEndpoint> rejected)
    {
        if (endpoint.SetIdentifier.Length > 0)
        {
            rejected.Add(new RejectedEndpoint(endpoint, "set identifiers (routing policies) are not supported by RFC 2136 servers"));
            return null;
        }

        var zone = ZoneOf(endpoint.DnsName);
        if (zone is null)
        {
            rejected.Add(new RejectedEndpoint(endpoint, $"no configured zone ({string.Join(", ", _zones)}) contains {endpoint.DnsName}"));
        }

        return zone;
    }

    private static List<DnsResourceRecord>? Records(DnsEndpoint endpoint, DnsClass @class, uint ttl, List<RejectedEndpoint> rejected)
    {
        try
        {
            _ = DnsNameText.ToLabels(endpoint.DnsName);
        }
        catch (DnsFormatException e)
        {
            rejected.Add(new RejectedEndpoint(endpoint, e.Message));
            return null;
        }

        if (endpoint.Targets.Count == 0)
        {
            rejected.Add(new RejectedEndpoint(endpoint, "the endpoint has no targets"));
            return null;
        }

        var records = new List<DnsResourceRecord>(endpoint.Targets.Count);
        foreach (var target in endpoint.Targets)
        {
            if (!Rfc2136RecordMapper.TryParseTarget(endpoint.RecordType, target, out var type, out var data, out var error))
            {
                rejected.Add(new RejectedEndpoint(endpoint, error));
                return null;
            }

            records.Add(new DnsResourceRecord(endpoint.DnsName, type, @class, ttl, data));
        }

        return records;
    }

    private List<List<ZoneChange>> Batch(List<ZoneChange> changes)
    {
        // A record and its ownership TXT record (which names it in the ownedRecord label), and every change at one
        // name (a CNAME deleted for an A created), go into the same message, so a failure between messages never
        // leaves a record without its ownership record or an ownership record without its record. A name's group
        // may make a message exceed BatchSize by a few changes; only the byte limit splits a group.
        var groups = new Dictionary<string, List<ZoneChange>>(StringComparer.Ordinal);
        var order = new List<List<ZoneChange>>();
        foreach (var change in changes)
        {
            var endpoint = change.Endpoint;
            var name = DnsNames.Normalize(endpoint.Labels.TryGetValue(EndpointLabels.OwnedRecordKey, out var owned) ? owned : endpoint.DnsName);
            if (!groups.TryGetValue(name, out var group))
            {
                group = [];
                groups.Add(name, group);
                order.Add(group);
            }

            group.Add(change);
        }

        var batches = new List<List<ZoneChange>>();
        var current = new List<ZoneChange>();
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

    [DebuggerDisplay("{Description}")]
    private sealed class ZoneChange(string zone, DnsEndpoint endpoint, string description, List<DnsResourceRecord> records)
    {
        private int _encodedSize = -1;

        public string Zone { get; } = zone;

        public DnsEndpoint Endpoint { get; } = endpoint;

        public string Description { get; } = description;

        public List<DnsResourceRecord> Records { get; } = records;

        /// <summary>The uncompressed size of this change's records: an upper bound of what it adds to a message.</summary>
        public int EncodedSize
        {
            get
            {
                if (_encodedSize < 0)
                {
                    var writer = new DnsWireWriter(compress: false);
                    foreach (var record in Records)
                    {
                        record.Write(writer);
                    }

                    _encodedSize = writer.Length;
                }

                return _encodedSize;
            }
        }
    }
}
