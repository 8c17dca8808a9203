using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Providers.PowerDns.Internal;

/// <summary>
/// One RRset operation of a planned change: a <c>DELETE</c> (<see cref="Replacement"/> is <see langword="null"/>) or a
/// <c>REPLACE</c>, with what the RRset must hold at the server for the operation to be safe.
/// </summary>
/// <param name="Batch">The zone whose PATCH carries the operation.</param>
/// <param name="Name">The normalised owner name.</param>
/// <param name="Type">The PowerDNS type (<c>ALIAS</c> for alias CNAMEs).</param>
/// <param name="Endpoint">The endpoint this operation writes or deletes (reported when its zone refuses the PATCH).</param>
/// <param name="Replacement">The RRset a <c>REPLACE</c> writes; <see langword="null"/> for a <c>DELETE</c>.</param>
/// <param name="Expected">The value the RRset must have at the server (the endpoint being deleted, or the old side of an
/// update); <see langword="null"/> when the RRset must be absent (a create).</param>
internal sealed record PowerDnsOperation(
    PowerDnsZoneBatch Batch,
    string Name,
    string Type,
    DnsEndpoint Endpoint,
    PowerDnsRrSet? Replacement,
    DnsEndpoint? Expected)
{
    /// <summary>Whether this is a <c>DELETE</c>.</summary>
    public bool IsDelete => Replacement is null;

    /// <summary>The RRset's key (name and type).</summary>
    public string Key => PowerDnsRecordSets.Key(Name, Type);
}

/// <summary>One change of the caller's <see cref="DnsChanges"/> (a create, an update or a delete) and its RRset operations.</summary>
/// <param name="kind">"create", "update" or "delete".</param>
/// <param name="reported">The endpoint named when the change is refused (the new side of an update).</param>
/// <param name="group">The name group: the owned record's name for an ownership record, else the endpoint's own name.</param>
internal sealed class PowerDnsPlannedChange(string kind, DnsEndpoint reported, string group)
{
    /// <summary>"create", "update" or "delete".</summary>
    public string Kind { get; } = kind;

    /// <summary>The endpoint named when the change is refused.</summary>
    public DnsEndpoint Reported { get; } = reported;

    /// <summary>The name group, refused as a whole.</summary>
    public string Group { get; } = group;

    /// <summary>The RRset operations, one or two (a delete of the old RRset and a replace when an update changes the
    /// PowerDNS RRset).</summary>
    public List<PowerDnsOperation> Operations { get; } = [];

    /// <summary>Whether the change was refused (and is not sent).</summary>
    public bool IsRefused { get; set; }
}

/// <summary>The changes for one zone, sent as one PATCH.</summary>
/// <param name="zoneName">The normalised zone name.</param>
/// <param name="zoneId">The zone id for the API path.</param>
internal sealed class PowerDnsZoneBatch(string zoneName, string zoneId)
{
    /// <summary>The normalised zone name.</summary>
    public string ZoneName { get; } = zoneName;

    /// <summary>The zone id for the API path.</summary>
    public string ZoneId { get; } = zoneId;

    /// <summary>The operations of this zone, refused ones included, in plan order.</summary>
    public List<(PowerDnsPlannedChange Change, PowerDnsOperation Operation)> Operations { get; } = [];

    /// <summary>The operations still to send.</summary>
    public IEnumerable<PowerDnsOperation> Accepted => Operations.Where(o => !o.Change.IsRefused).Select(o => o.Operation);

    /// <summary>The endpoints the PATCH writes or deletes, reported when the zone refuses it.</summary>
    public IEnumerable<DnsEndpoint> Endpoints => Accepted.Select(o => o.Endpoint);

    /// <summary>The distinct names of the accepted operations, in ordinal order.</summary>
    public IReadOnlyList<string> Names => [.. Accepted.Select(o => o.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The keys the PATCH deletes.</summary>
    public HashSet<string> DeletedKeys => [.. Accepted.Where(o => o.IsDelete).Select(o => o.Key)];

    /// <summary>
    /// The PATCH body: every <c>DELETE</c> (once per RRset) first, then every <c>REPLACE</c>, each group ordered by
    /// name and type so that the body does not depend on the order of the changes.
    /// </summary>
    /// <returns>The body, with the number of deletes and replaces.</returns>
    public (PowerDnsPatch Patch, int Deletes, int Replaces) BuildPatch()
    {
        var deletes = new SortedDictionary<string, PowerDnsRrSet>(StringComparer.Ordinal);
        var replaces = new SortedDictionary<string, PowerDnsRrSet>(StringComparer.Ordinal);
        foreach (var operation in Accepted)
        {
            if (operation.Replacement is { } replacement)
            {
                replaces.TryAdd(operation.Key, replacement);
            }
            else
            {
                deletes.TryAdd(operation.Key, new PowerDnsRrSet { Name = operation.Name + ".", Type = operation.Type, ChangeType = "DELETE" });
            }
        }

        return (new PowerDnsPatch { RrSets = [.. deletes.Values, .. replaces.Values] }, deletes.Count, replaces.Count);
    }
}

/// <summary>
/// Sorts a <see cref="DnsChanges"/> into one batch per zone, refuses what cannot be written (no zone, outside the
/// filter, set identifiers, names PowerDNS refuses, two writes of one RRset) and, after the affected RRsets were read
/// again, what would overwrite or delete something other than what the plan was computed from. A refusal always takes
/// the whole name group with it: a record and its ownership record are applied together or not at all.
/// </summary>
internal sealed class PowerDnsChangePlan
{
    private const int MaxValuesShown = 5;
    private readonly PowerDnsZoneIndex _zones;
    private readonly DomainFilter _filter;
    private readonly long _defaultTtl;
    private readonly SortedDictionary<string, PowerDnsZoneBatch> _batches = new(StringComparer.Ordinal);
    private readonly List<PowerDnsPlannedChange> _changes = [];
    private readonly HashSet<string> _replacedKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DnsEndpoint Endpoint, string Reason)> _refusedGroups = new(StringComparer.Ordinal);

    private PowerDnsChangePlan(PowerDnsZoneIndex zones, DomainFilter filter, long defaultTtl)
    {
        _zones = zones;
        _filter = filter;
        _defaultTtl = defaultTtl;
    }

    /// <summary>Endpoints refused for what they are (no zone, set identifier, …), and the rest of their name groups.</summary>
    public List<RejectedEndpoint> Rejected { get; } = [];

    /// <summary>Changes refused because the server's RRsets are not what the plan expects, and the rest of their name groups.</summary>
    public List<RejectedEndpoint> Conflicts { get; } = [];

    /// <summary>The zones with changes still to send.</summary>
    public IEnumerable<PowerDnsZoneBatch> Batches => _batches.Values.Where(b => b.Accepted.Any());

    /// <summary>Plans the changes.</summary>
    /// <param name="changes">The changes; the update lists have the same length.</param>
    /// <param name="zones">The server's zones.</param>
    /// <param name="filter">The provider's domain filter.</param>
    /// <param name="defaultTtl">The TTL written for endpoints without one.</param>
    /// <returns>The plan.</returns>
    public static PowerDnsChangePlan Build(DnsChanges changes, PowerDnsZoneIndex zones, DomainFilter filter, long defaultTtl)
    {
        var plan = new PowerDnsChangePlan(zones, filter, defaultTtl);

        // PowerDNS refuses a name with '*' inside a label (such as "cname-*.example.org", the ownership record of a
        // wildcard record when the TXT registry has no wildcard replacement), and one such name fails the zone's whole
        // PATCH. Those endpoints are refused instead, each together with its name group.
        plan.RefuseUnwritableNames(changes);
        foreach (var endpoint in changes.Delete)
        {
            plan.PlanDelete(endpoint);
        }

        for (var i = 0; i < changes.UpdateNew.Count; i++)
        {
            if (!changes.UpdateOld[i].Equals(changes.UpdateNew[i]))
            {
                plan.PlanUpdate(changes.UpdateOld[i], changes.UpdateNew[i]);
            }
        }

        foreach (var endpoint in changes.Create)
        {
            plan.PlanCreate(endpoint);
        }

        // A record refused for what it is takes its ownership record with it (and the other way round).
        foreach (var (group, (endpoint, reason)) in plan._refusedGroups)
        {
            plan.RefuseGroup(group, primary: null, $"not applied because {endpoint} of the same record group was refused: {reason}", plan.Rejected);
        }

        return plan;
    }

    /// <summary>The name group of an endpoint: the owned record's name for an ownership record, else its own name.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>The normalised group name.</returns>
    public static string NameGroup(DnsEndpoint endpoint) =>
        DnsNames.Normalize(endpoint.Labels.TryGetValue(EndpointLabels.OwnedRecordKey, out var owned) && owned.Length > 0 ? owned : endpoint.DnsName);

    /// <summary>
    /// Refuses every change whose RRsets at the server (as just read) are not what it expects, with its name group: a
    /// create whose RRset exists (or that would put a CNAME next to other data, or other data next to a CNAME), an
    /// update whose RRset is gone or holds other values than the old side, a delete whose RRset holds other values than
    /// the deleted endpoint. A delete whose RRset is already gone is not a conflict. Repeats until no refusal frees
    /// another (a refused delete of a CNAME makes a create next to it conflict).
    /// </summary>
    /// <param name="server">The RRsets read from each batch's zone.</param>
    public void RefuseConflicts(IReadOnlyDictionary<PowerDnsZoneBatch, PowerDnsRecordSets> server)
    {
        bool refusedAny;
        do
        {
            refusedAny = false;
            var deleted = _batches.Values.ToDictionary(b => b, b => b.DeletedKeys);
            foreach (var change in _changes.Where(c => !c.IsRefused))
            {
                foreach (var operation in change.Operations)
                {
                    if (!server.TryGetValue(operation.Batch, out var recordSets))
                    {
                        continue;
                    }

                    if (Conflict(change, operation, recordSets, deleted[operation.Batch]) is { } reason)
                    {
                        RefuseGroup(change.Group, change, reason, Conflicts);
                        refusedAny = true;
                        break;
                    }
                }
            }
        }
        while (refusedAny);
    }

    /// <summary>Refuses every change with an operation in the batch (its zone could not be checked), with their name groups.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="reason">Why.</param>
    public void RefuseBatch(PowerDnsZoneBatch batch, string reason)
    {
        foreach (var change in batch.Operations.Select(o => o.Change).Where(c => !c.IsRefused).Distinct().ToArray())
        {
            if (!change.IsRefused)
            {
                RefuseGroup(change.Group, change, reason, Conflicts);
            }
        }
    }

    private static string? Conflict(PowerDnsPlannedChange change, PowerDnsOperation operation, PowerDnsRecordSets server, HashSet<string> deleted)
    {
        var what = $"{change.Kind} of {operation.Name} {operation.Type} refused";
        if (server.MalformedAt(operation.Name) is { } malformed)
        {
            return $"{what}: PowerDNS returned a malformed record set at this name ({malformed.Problem}), so the change cannot be checked against it; nothing is written there";
        }

        var current = server.Find(operation.Name, operation.Type);
        var present = current is { Contents.Length: > 0 };
        if (operation.IsDelete)
        {
            return !present || Same(operation.Expected!, current!)
                ? null
                : $"{what}: the record set at the PowerDNS server now holds {Values(current!.Contents)}, not {Values(operation.Expected!.Targets)} as read, "
                    + "so another writer changed it since it was read; it is left in place";
        }

        if (operation.Expected is { } expected)
        {
            if (!present)
            {
                return $"{what}: the record set no longer exists at the PowerDNS server (another writer deleted it since it was read); it is not written again";
            }

            return Same(expected, current!)
                ? null
                : $"{what}: the record set at the PowerDNS server now holds {Values(current!.Contents)}, not {Values(expected.Targets)} as read, "
                    + "so another writer changed it since it was read; it is not overwritten";
        }

        if (present && !deleted.Contains(operation.Key))
        {
            return $"{what}: the record set already exists at the PowerDNS server with {Values(current!.Contents)} "
                + "(another writer created it since the records were read); it is not overwritten";
        }

        var types = server.TypesAt(operation.Name);
        if (operation.Type == RecordType.CNAME.Value)
        {
            var other = types.FirstOrDefault(t => t != operation.Type && !deleted.Contains(PowerDnsRecordSets.Key(operation.Name, t)));
            return other is null
                ? null
                : $"{what}: the name already has {other} records at the PowerDNS server, and a CNAME cannot coexist with other data; nothing is overwritten";
        }

        return types.Contains(RecordType.CNAME.Value) && !deleted.Contains(PowerDnsRecordSets.Key(operation.Name, RecordType.CNAME.Value))
            ? $"{what}: the name is a CNAME at the PowerDNS server, and no other data can coexist with a CNAME; nothing is overwritten"
            : null;
    }

    private static bool Same(DnsEndpoint expected, PowerDnsRecordSet current) =>
        PowerDnsContent.SameTargets(expected.RecordType, current.Type, expected.Targets, current.Contents);

    private static string Values(IReadOnlyList<string> values)
    {
        var shown = string.Join(", ", values.Take(MaxValuesShown));
        return values.Count > MaxValuesShown
            ? string.Create(CultureInfo.InvariantCulture, $"[{shown}, … ({values.Count} values)]")
            : $"[{shown}]";
    }

    private static string PowerDnsType(DnsEndpoint endpoint, bool atApex) =>
        endpoint.RecordType == RecordType.CNAME && (atApex || endpoint.IsAlias) ? PowerDnsContent.AliasType : endpoint.RecordType.Value;

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

    private void RefuseUnwritableNames(DnsChanges changes)
    {
        foreach (var endpoint in changes.Delete.Concat(changes.UpdateOld).Concat(changes.UpdateNew).Concat(changes.Create))
        {
            var name = DnsNames.Normalize(endpoint.DnsName);
            if (HasWildcardInsideLabel(name))
            {
                _refusedGroups.TryAdd(NameGroup(endpoint), (endpoint,
                    $"PowerDNS refuses the name {name}: '*' is only allowed as the whole leftmost label"
                    + (endpoint.Labels.ContainsKey(EndpointLabels.OwnedRecordKey)
                        ? " (this is the ownership record of a wildcard record: set TxtRegistryOptions.WildcardReplacement)"
                        : string.Empty)));
            }
        }
    }

    private void PlanDelete(DnsEndpoint endpoint)
    {
        if (IsGroupRefused(endpoint) || Route(endpoint) is not { } target)
        {
            return;
        }

        var change = Add(new PowerDnsPlannedChange("delete", endpoint, NameGroup(endpoint)));
        AddOperation(change, target, endpoint, replacement: null, expected: endpoint);
    }

    private void PlanUpdate(DnsEndpoint oldEndpoint, DnsEndpoint newEndpoint)
    {
        if (IsGroupRefused(oldEndpoint, report: newEndpoint) || IsGroupRefused(newEndpoint)
            || Route(oldEndpoint, report: newEndpoint) is not { } old || Route(newEndpoint) is not { } updated)
        {
            return;
        }

        if (!TryClaim(updated, newEndpoint))
        {
            return;
        }

        var change = Add(new PowerDnsPlannedChange("update", newEndpoint, NameGroup(newEndpoint)));
        if (old.Key == updated.Key)
        {
            AddOperation(change, updated, newEndpoint, Replacement(updated, newEndpoint), expected: oldEndpoint);
            return;
        }

        // The PowerDNS RRset changes (an alias CNAME becoming a plain one, say): the old one is deleted first, and the
        // new one must be free, like a create.
        AddOperation(change, old, oldEndpoint, replacement: null, expected: oldEndpoint);
        AddOperation(change, updated, newEndpoint, Replacement(updated, newEndpoint), expected: null);
    }

    private void PlanCreate(DnsEndpoint endpoint)
    {
        if (IsGroupRefused(endpoint) || Route(endpoint) is not { } target || !TryClaim(target, endpoint))
        {
            return;
        }

        var change = Add(new PowerDnsPlannedChange("create", endpoint, NameGroup(endpoint)));
        AddOperation(change, target, endpoint, Replacement(target, endpoint), expected: null);
    }

    private PowerDnsPlannedChange Add(PowerDnsPlannedChange change)
    {
        _changes.Add(change);
        return change;
    }

    private static void AddOperation(PowerDnsPlannedChange change, Target target, DnsEndpoint endpoint, PowerDnsRrSet? replacement, DnsEndpoint? expected)
    {
        var operation = new PowerDnsOperation(target.Batch, target.Name, target.Type, endpoint, replacement, expected);
        change.Operations.Add(operation);
        target.Batch.Operations.Add((change, operation));
    }

    /// <summary>Claims the RRset for one write; a second write of the same RRset in one apply is refused.</summary>
    private bool TryClaim(Target target, DnsEndpoint endpoint)
    {
        if (_replacedKeys.Add(target.Batch.ZoneName + "|" + target.Key))
        {
            return true;
        }

        Reject(endpoint, "another change in the same apply already writes this record set");
        return false;
    }

    private PowerDnsRrSet Replacement(Target target, DnsEndpoint endpoint)
    {
        var comparer = endpoint.RecordType == RecordType.TXT ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        var seen = new HashSet<string>(comparer);
        var records = new List<PowerDnsRecord?>(endpoint.Targets.Count);
        foreach (var value in endpoint.Targets)
        {
            var content = PowerDnsContent.ToContent(target.Type, value);
            if (seen.Add(content))
            {
                records.Add(new PowerDnsRecord { Content = content, Disabled = false });
            }
        }

        return new PowerDnsRrSet
        {
            Name = target.Name + ".",
            Type = target.Type,
            Ttl = endpoint.Ttl > 0 ? endpoint.Ttl : _defaultTtl,
            ChangeType = "REPLACE",
            Records = records,
        };
    }

    private Target? Route(DnsEndpoint endpoint, DnsEndpoint? report = null)
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
            reason = string.Create(CultureInfo.InvariantCulture, $"TTL {endpoint.Ttl} is outside 0..{int.MaxValue}");
        }
        else if (!_filter.Match(name))
        {
            reason = $"the name is outside the domain filter ({_filter})";
        }
        else if ((zoneName = _zones.ZoneOf(name)) is null)
        {
            reason = "no zone of the PowerDNS server contains the name; create the zone (see the PowerDNS provider's README, \"Zones\") or set CreateMissingZones";
        }

        if (reason is not null || zoneName is null)
        {
            Reject(report ?? endpoint, reason ?? "no zone");
            return null;
        }

        if (!_batches.TryGetValue(zoneName, out var batch))
        {
            batch = new PowerDnsZoneBatch(zoneName, _zones[zoneName].Id!);
            _batches.Add(zoneName, batch);
        }

        return new Target(batch, name, PowerDnsType(endpoint, atApex: string.Equals(name, zoneName, StringComparison.Ordinal)));
    }

    private void Reject(DnsEndpoint endpoint, string reason)
    {
        Rejected.Add(new RejectedEndpoint(endpoint, reason));
        _refusedGroups.TryAdd(NameGroup(endpoint), (endpoint, reason));
    }

    /// <summary>Rejects <paramref name="report"/> (or <paramref name="endpoint"/>) when the endpoint's name group is already refused.</summary>
    private bool IsGroupRefused(DnsEndpoint endpoint, DnsEndpoint? report = null)
    {
        if (_refusedGroups.Count == 0 || !_refusedGroups.TryGetValue(NameGroup(endpoint), out var refused))
        {
            return false;
        }

        var reported = report ?? endpoint;
        Rejected.Add(new RejectedEndpoint(
            reported,
            ReferenceEquals(refused.Endpoint, endpoint) || refused.Endpoint.Equals(reported)
                ? refused.Reason
                : $"not applied because {refused.Endpoint} of the same record group was refused: {refused.Reason}"));
        return true;
    }

    private void RefuseGroup(string group, PowerDnsPlannedChange? primary, string reason, List<RejectedEndpoint> into)
    {
        foreach (var change in _changes.Where(c => !c.IsRefused && c.Group == group))
        {
            change.IsRefused = true;
            into.Add(new RejectedEndpoint(
                change.Reported,
                primary is null || ReferenceEquals(change, primary)
                    ? reason
                    : $"not applied because {primary.Reported} of the same record group was refused: {reason}"));
        }
    }

    private sealed record Target(PowerDnsZoneBatch Batch, string Name, string Type)
    {
        public string Key => PowerDnsRecordSets.Key(Name, Type);
    }
}
