using System.Runtime.InteropServices;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Planning;

/// <summary>
/// The planner: ExternalDNS's <c>Plan.Calculate</c>, rule by rule, plus validation of the desired endpoints.
/// Pure and deterministic: rows are processed in the order their names first appear (current records first,
/// then desired ones), record types within a row in the order they first appear.
/// </summary>
/// <remarks>
/// <para>Rows are keyed by normalised name and set identifier. Per record type: a current record without a
/// candidate is deleted; a candidate without a current record is created; otherwise the candidate chosen by the
/// per-resource conflict resolver replaces the current record when its TTL, targets or provider-specific
/// properties differ (or an owner migration is under way). Where candidates mix CNAME with other types the CNAME
/// is discarded (RFC 1034 §3.6.2). Creates at a name are suppressed unless every current record there is ours;
/// updates and deletes touch only our records. A suppressed create, a skipped update and a skipped delete at a name we
/// want are all reported as owner mismatches (once per record); a record not ours at a name we do not want is not.</para>
/// <para>Two deliberate departures from ExternalDNS, both safer: a desired endpoint that fails validation is
/// reported with its reason and the current record with the same key is left untouched (rather than deleted as
/// unwanted); desired endpoints outside the domain filters or of unmanaged types are reported rather than
/// silently dropped.</para>
/// </remarks>
public sealed class Planner : IPlan
{
    private const string CnameDiscarded =
        "a CNAME cannot coexist with other record types at the same name (RFC 1034 §3.6.2); the other types win and the CNAME is discarded";

    /// <summary>A shared instance (the planner holds no state).</summary>
    public static Planner Instance { get; } = new();

    /// <inheritdoc />
    public PlanResult Calculate(PlanInput input) => Calculate(input, validateOnly: null, rejectedAt: null, CancellationToken.None);

    /// <summary>
    /// The plan, validating only some desired endpoints: the caller knows the others passed validation (the same
    /// instances, at the same positions, as in a calculation that rejected none of them).
    /// </summary>
    /// <param name="input">The input.</param>
    /// <param name="validateOnly">The positions of the desired endpoints to validate; <see langword="null"/>: all.</param>
    /// <param name="rejectedAt">Collects the positions of the desired endpoints rejected (for any reason), when given.</param>
    /// <param name="cancellationToken">Abandons the calculation; checked every <see cref="PeriodicCancellation.Stride"/> endpoints and rows.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    internal static PlanResult Calculate(PlanInput input, IReadOnlySet<int>? validateOnly, List<int>? rejectedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var context = new Context(input);

        // Rows are values in one array (in the order their names first appear), found through an index of positions:
        // no object per row for the collector to promote while a large plan is built. Most names are both current and
        // desired; the estimate leaves room for a quarter of the smaller side to be new names before the array grows.
        var capacity = Math.Max(input.Current.Count, input.Desired.Count) + (Math.Min(input.Current.Count, input.Desired.Count) / 4);
        var index = new RowIndex(capacity);
        var rows = new Row[Math.Max(capacity, 4)];
        var count = 0;

        for (var i = 0; i < input.Current.Count; i++)
        {
            PeriodicCancellation.ThrowAt(i, cancellationToken);

            var current = input.Current[i];
            if (current is not null && context.IsManaged(current))
            {
                var at = RowOf(index, ref rows, ref count, current);
                rows[at].Current.Add(current);
            }
        }

        for (var i = 0; i < input.Desired.Count; i++)
        {
            PeriodicCancellation.ThrowAt(i, cancellationToken);

            var desired = input.Desired[i];
            if (desired is null)
            {
                continue;
            }

            var reason = validateOnly is null || validateOnly.Contains(i) ? EndpointValidator.Validate(desired) : null;
            var (rejection, protect) = reason is not null ? (reason, true)
                : !context.MatchesDomain(desired.DnsName) ? ("the name is outside the configured domain filters", false)
                : !context.IsManagedType(desired.RecordType) ? ($"record type {desired.RecordType} is not managed (see ManagedRecordTypes and ExcludedRecordTypes)", false)
                : (null, false);
            if (rejection is not null)
            {
                context.Reject(desired, rejection, protect);
                rejectedAt?.Add(i);
                continue;
            }

            var at = RowOf(index, ref rows, ref count, desired);
            rows[at].Candidates.Add(desired);
        }

        for (var i = 0; i < count; i++)
        {
            PeriodicCancellation.ThrowAt(i, cancellationToken);

            context.Process(in rows[i]);
        }

        return context.Finish();
    }

    /// <summary>The position of an endpoint's row, added at the end (the array grown when full) when it is the first at its name.</summary>
    private static int RowOf(RowIndex index, ref Row[] rows, ref int count, DnsEndpoint endpoint)
    {
        ref var at = ref index.Find(DnsNames.Normalize(endpoint.DnsName), endpoint.SetIdentifier, out var exists);
        if (!exists)
        {
            if (count == rows.Length)
            {
                Array.Resize(ref rows, rows.Length * 2);
            }

            at = count++;
        }

        return at;
    }

    private readonly record struct RowKey(string Name, string SetIdentifier);

    /// <summary>
    /// Row positions by normalised name and set identifier. Names without a set identifier (nearly all) are kept by the
    /// name alone, in an ordinal string dictionary: the runtime's fast string hashing, 24 bytes an entry where a
    /// (name, set identifier) key takes 32.
    /// </summary>
    private sealed class RowIndex(int capacity)
    {
        private readonly Dictionary<string, int> _byName = new(capacity, StringComparer.Ordinal);
        private Dictionary<RowKey, int>? _bySetIdentifier;

        /// <summary>The slot of a row's position, added (zero) when absent.</summary>
        public ref int Find(string normalizedName, string setIdentifier, out bool exists) => ref setIdentifier.Length == 0
            ? ref CollectionsMarshal.GetValueRefOrAddDefault(_byName, normalizedName, out exists)
            : ref CollectionsMarshal.GetValueRefOrAddDefault(_bySetIdentifier ??= [], new RowKey(normalizedName, setIdentifier), out exists);
    }

    /// <summary>A list that holds its first element inline; most rows have one current and one candidate.</summary>
    private struct SmallList
    {
        private DnsEndpoint? _first;
        private List<DnsEndpoint>? _rest;

        public readonly int Count => _first is null ? 0 : 1 + (_rest?.Count ?? 0);

        public readonly DnsEndpoint this[int index] => index == 0 ? _first! : _rest![index - 1];

        public void Add(DnsEndpoint endpoint)
        {
            if (_first is null)
            {
                _first = endpoint;
            }
            else
            {
                (_rest ??= new List<DnsEndpoint>(2)).Add(endpoint);
            }
        }
    }

    private struct Row
    {
        public SmallList Current;
        public SmallList Candidates;
    }

    private sealed class TypeEntry(RecordType type)
    {
        public RecordType Type { get; } = type;

        public DnsEndpoint? Current { get; set; }

        public SmallList Candidates;
    }

    private sealed class Context
    {
        private readonly PlanInput _input;
        private readonly HashSet<RecordType> _managed;
        private readonly List<DnsEndpoint> _create = [];
        private readonly List<DnsEndpoint> _updateOld = [];
        private readonly List<DnsEndpoint> _updateNew = [];
        private readonly List<DnsEndpoint> _delete = [];
        private readonly List<RejectedEndpoint> _rejected = [];
        private readonly List<OwnerMismatch> _mismatches = [];
        private HashSet<EndpointKey>? _protected;
        private HashSet<EndpointKey>? _mismatchKeys;
        private HashSet<EndpointKey>? _deletesAtDesiredNames;

        public Context(PlanInput input)
        {
            _input = input;
            _managed = [.. input.ManagedRecordTypes];
            _managed.ExceptWith(input.ExcludedRecordTypes);
        }

        private bool HasOwner => _input.OwnerId.Length > 0;

        public bool IsManagedType(RecordType type) => _managed.Contains(type);

        public bool MatchesDomain(string name)
        {
            var filters = _input.DomainFilters;
            for (var i = 0; i < filters.Count; i++)
            {
                var filter = filters[i];
                if (filter is not null && !filter.Match(name))
                {
                    return false;
                }
            }

            return true;
        }

        public bool IsManaged(DnsEndpoint endpoint) => IsManagedType(endpoint.RecordType) && MatchesDomain(endpoint.DnsName);

        public void Reject(DnsEndpoint endpoint, string reason, bool protect)
        {
            _rejected.Add(new RejectedEndpoint(endpoint, reason));
            if (protect)
            {
                (_protected ??= []).Add(endpoint.Key);
            }
        }

        public void Process(in Row row)
        {
            if (row.Current.Count == 0)
            {
                // Fast path: a new name with one candidate (every name of a bulk creation) is created as it is.
                if (row.Candidates.Count == 1)
                {
                    _create.Add(row.Candidates[0]);
                    return;
                }

                foreach (var entry in GroupByType(row))
                {
                    if (entry.Candidates.Count > 0)
                    {
                        _create.Add(ResolveCreate(entry.Candidates));
                    }
                }

                return;
            }

            if (row.Candidates.Count == 0)
            {
                for (var i = 0; i < row.Current.Count; i++)
                {
                    _delete.Add(row.Current[i]);
                }

                return;
            }

            // Fast path: one current record and one candidate of the same type.
            if (row.Current.Count == 1 && row.Candidates.Count == 1 && row.Current[0].RecordType == row.Candidates[0].RecordType)
            {
                ConsiderUpdate(row.Current[0], row.Candidates[0]);
                return;
            }

            List<DnsEndpoint>? creates = null;
            foreach (var entry in GroupByType(row))
            {
                if (entry.Current is not null && entry.Candidates.Count == 0)
                {
                    _delete.Add(entry.Current);
                    (_deletesAtDesiredNames ??= []).Add(entry.Current.Key);
                }
                else if (entry.Current is null && entry.Candidates.Count > 0)
                {
                    (creates ??= []).Add(ResolveCreate(entry.Candidates));
                }
                else if (entry.Current is not null)
                {
                    ConsiderUpdate(entry.Current, ResolveUpdate(entry.Current, entry.Candidates));
                }
            }

            if (creates is null)
            {
                return;
            }

            var allOwned = true;
            if (HasOwner)
            {
                for (var i = 0; i < row.Current.Count; i++)
                {
                    var current = row.Current[i];
                    if (!current.IsOwnedBy(_input.OwnerId))
                    {
                        allOwned = false;
                        AddMismatch(current);
                    }
                }
            }

            if (allOwned)
            {
                _create.AddRange(creates);
            }
        }

        public PlanResult Finish()
        {
            var changes = new DnsChanges { Create = _create, UpdateOld = _updateOld, UpdateNew = _updateNew, Delete = _delete };
            foreach (var policy in _input.Policies)
            {
                changes = policy.Apply(changes);
            }

            if (HasOwner || _protected is not null)
            {
                changes = FilterOwnedAndProtected(changes);
            }

            return new PlanResult { Changes = changes, Rejected = _rejected, OwnerMismatches = _mismatches };
        }

        private DnsChanges FilterOwnedAndProtected(DnsChanges changes)
        {
            var delete = new List<DnsEndpoint>(changes.Delete.Count);
            var seen = new HashSet<EndpointKey>();
            foreach (var record in changes.Delete)
            {
                var owned = !HasOwner || record.IsOwnedBy(_input.OwnerId);
                if (owned && !IsProtected(record) && seen.Add(record.Key))
                {
                    delete.Add(record);
                }
                else if (!owned && _deletesAtDesiredNames is not null && _deletesAtDesiredNames.Contains(record.Key))
                {
                    // A record of another type at a name we want, which someone else holds: it stays beside ours.
                    AddMismatch(record);
                }
            }

            var updateOld = new List<DnsEndpoint>(changes.UpdateOld.Count);
            var updateNew = new List<DnsEndpoint>(changes.UpdateNew.Count);
            for (var i = 0; i < changes.UpdateOld.Count; i++)
            {
                var current = changes.UpdateOld[i];
                if (!HasOwner || current.IsOwnedBy(_input.OwnerId))
                {
                    updateOld.Add(current);
                    updateNew.Add(changes.UpdateNew[i]);
                }
                else
                {
                    // A skipped update is as much an owner mismatch as a blocked create: the desired state cannot be
                    // reached because someone else owns the record (or nobody does).
                    AddMismatch(current);
                }
            }

            return changes with { Delete = delete, UpdateOld = updateOld, UpdateNew = updateNew };
        }

        private void AddMismatch(DnsEndpoint current)
        {
            if ((_mismatchKeys ??= []).Add(current.Key))
            {
                _mismatches.Add(new OwnerMismatch(current, current.Owner ?? string.Empty));
            }
        }

        private bool IsProtected(DnsEndpoint record) => _protected is not null && _protected.Contains(record.Key);

        private void ConsiderUpdate(DnsEndpoint current, DnsEndpoint chosen)
        {
            var migrating = _input.OldOwnerId.Length > 0 && !string.Equals(current.Owner ?? string.Empty, _input.OldOwnerId, StringComparison.Ordinal);
            if (!ShouldUpdateTtl(chosen, current)
                && DnsTargets.Same(chosen.Targets, current.Targets, current.RecordType)
                && !ProviderSpecificChanged(chosen, current)
                && !migrating)
            {
                return;
            }

            var owner = current.Owner;
            var updated = owner is null ? chosen.WithoutLabel(EndpointLabels.OwnerKey) : chosen.WithLabel(EndpointLabels.OwnerKey, owner);
            _updateOld.Add(current);
            _updateNew.Add(updated);
        }

        private List<TypeEntry> GroupByType(in Row row)
        {
            var entries = new List<TypeEntry>(2);
            for (var i = 0; i < row.Current.Count; i++)
            {
                var current = row.Current[i];
                Entry(entries, current.RecordType).Current = current; // a later duplicate overwrites, as ExternalDNS
            }

            var hasCname = false;
            var hasOther = false;
            for (var i = 0; i < row.Candidates.Count; i++)
            {
                var candidate = row.Candidates[i];
                Entry(entries, candidate.RecordType).Candidates.Add(candidate);
                if (candidate.RecordType == RecordType.CNAME)
                {
                    hasCname = true;
                }
                else
                {
                    hasOther = true;
                }
            }

            if (hasCname && hasOther)
            {
                foreach (var entry in entries)
                {
                    if (entry.Type == RecordType.CNAME)
                    {
                        for (var i = 0; i < entry.Candidates.Count; i++)
                        {
                            _rejected.Add(new RejectedEndpoint(entry.Candidates[i], CnameDiscarded));
                        }

                        entry.Candidates = default;
                    }
                }
            }

            return entries;
        }

        private static TypeEntry Entry(List<TypeEntry> entries, RecordType type)
        {
            foreach (var entry in entries)
            {
                if (entry.Type == type)
                {
                    return entry;
                }
            }

            var created = new TypeEntry(type);
            entries.Add(created);
            return created;
        }

        private static DnsEndpoint ResolveCreate(SmallList candidates)
        {
            var best = candidates[0];
            for (var i = 1; i < candidates.Count; i++)
            {
                if (DnsTargets.Compare(candidates[i].Targets, best.Targets) < 0)
                {
                    best = candidates[i];
                }
            }

            return best;
        }

        private static DnsEndpoint ResolveUpdate(DnsEndpoint current, SmallList candidates)
        {
            var resource = Resource(current);
            DnsEndpoint? best = null;
            for (var i = 0; i < candidates.Count; i++)
            {
                var candidate = candidates[i];
                if (string.Equals(Resource(candidate), resource, StringComparison.Ordinal)
                    && (best is null || DnsTargets.Compare(candidate.Targets, best.Targets) < 0))
                {
                    best = candidate;
                }
            }

            return best ?? ResolveCreate(candidates);
        }

        private static string Resource(DnsEndpoint endpoint) =>
            endpoint.Labels.TryGetValue(EndpointLabels.ResourceKey, out var resource) ? resource : string.Empty;

        private static bool ShouldUpdateTtl(DnsEndpoint desired, DnsEndpoint current) =>
            desired.IsTtlConfigured && desired.Ttl != current.Ttl;

        private static bool ProviderSpecificChanged(DnsEndpoint desired, DnsEndpoint current)
        {
            var matched = 0;
            foreach (var property in current.ProviderSpecific)
            {
                if (!desired.TryGetProviderSpecific(property.Name, out var value) || !string.Equals(value, property.Value, StringComparison.Ordinal))
                {
                    return true;
                }

                matched++;
            }

            return CountDistinctNames(desired) != matched;
        }

        private static int CountDistinctNames(DnsEndpoint endpoint)
        {
            var properties = endpoint.ProviderSpecific;
            if (properties.Count <= 1)
            {
                return properties.Count;
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in properties)
            {
                names.Add(property.Name);
            }

            return names.Count;
        }
    }
}
