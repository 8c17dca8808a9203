using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Reconciliation;

/// <summary>
/// Makes a full reconcile cost O(what changed) in planning: it remembers the inputs and the plan of the last full
/// reconcile, finds by reference which desired endpoints and current records are new or gone (sources and registries
/// hand out immutable endpoints, so an unchanged one is the very same instance), and re-plans only the names those
/// touch; every other name keeps its part of the last plan. The planner is row-local (a name's plan depends only on the
/// endpoints at that name), so the result is the plan a full calculation gives — in another order.
/// </summary>
/// <remarks>
/// Falls back to a full calculation when there is no previous plan, when the settings differ, or when more than a
/// quarter of the endpoints changed (then a full calculation is as cheap). Not thread-safe: the reconciler calls it
/// under its run gate.
/// </remarks>
internal sealed class IncrementalFullPlan(IReadOnlyCollection<RecordType>? verifiedTypes = null)
{
    private readonly IReadOnlyCollection<RecordType> _verifiedTypes = verifiedTypes ?? [];
    private Memo? _memo;

    /// <summary>How the last calculation went, for tests and diagnostics.</summary>
    public (bool Incremental, int DirtyNames) Last { get; private set; }

    /// <summary>
    /// ExternalDNS's verified records for the last calculation's inputs: per record type, the desired endpoints whose
    /// name and type exist among the current records (<see cref="Diagnostics.DnsTelemetry.CountVerified"/>), every
    /// type given at construction reported. Kept like the plan: only the changed names are counted again; after a
    /// full calculation, counted when first resolved (<see cref="VerifiedCount"/>).
    /// </summary>
    public VerifiedCount VerifiedCount => _memo?.Verified ?? VerifiedCount.None(_verifiedTypes);

    /// <summary><see cref="VerifiedCount"/>, resolved.</summary>
    public IReadOnlyDictionary<RecordType, int> Verified => VerifiedCount.Resolve();

    /// <summary>The plan for the given inputs.</summary>
    /// <param name="planner">The planner.</param>
    /// <param name="adjust">The provider's normalisation of desired endpoints (applied to each endpoint independently).</param>
    /// <param name="settings">Everything the plan depends on besides the endpoints (the current and desired lists are ignored).</param>
    /// <param name="desired">The desired endpoints, before normalisation.</param>
    /// <param name="current">The current records.</param>
    /// <param name="cancellationToken">
    /// Abandons the calculation (the built-in planner checks it as it goes; another planner only before it starts):
    /// the last plan is kept as if this calculation had never begun.
    /// </param>
    /// <returns>The plan.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public PlanResult Calculate(
        IPlan planner,
        Func<IReadOnlyList<DnsEndpoint>, IReadOnlyList<DnsEndpoint>> adjust,
        PlanInput settings,
        IReadOnlyList<DnsEndpoint> desired,
        IReadOnlyList<DnsEndpoint> current,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var memo = _memo;
        if (memo is not null && ReferenceEquals(memo.Desired, desired) && ReferenceEquals(memo.Current, current) && memo.SameSettings(settings))
        {
            Last = (true, 0);
            return memo.Plan;
        }

        PlanResult plan;
        VerifiedCount verified;
        HashSet<string>? dirty = null;
        if (memo is not null && memo.SameSettings(settings))
        {
            dirty = new HashSet<string>(StringComparer.Ordinal);
            var budget = Math.Max(16, (desired.Count + current.Count) / 4);
            if (!AddChanged(dirty, memo.Desired, desired, budget) || !AddChanged(dirty, memo.Current, current, budget))
            {
                dirty = null;
            }
        }

        List<int>? rejectedAt = null;
        if (dirty is null)
        {
            var adjusted = adjust(desired) ?? [];
            if (planner is Planner && ReferenceEquals(adjusted, desired))
            {
                // The same desired snapshot as the last full calculation (the first full reconcile after a bulk
                // creation): the endpoints it did not reject passed validation then, and are not validated again.
                rejectedAt = [];
                IReadOnlySet<int>? validateOnly = memo is not null && ReferenceEquals(memo.Desired, desired) && memo.RejectedAt is { } earlier
                    ? earlier.ToHashSet()
                    : null;
                plan = Planner.Calculate(settings with { Current = current, Desired = adjusted }, validateOnly, rejectedAt, cancellationToken);
            }
            else
            {
                plan = planner.Calculate(settings with { Current = current, Desired = adjusted });
            }

            cancellationToken.ThrowIfCancellationRequested();
            verified = VerifiedCount.Of(desired, current, _verifiedTypes);
            Last = (false, -1);
        }
        else
        {
            var (desiredAt, desiredBefore) = AtBoth(desired, memo!.Desired, dirty);
            var (currentAt, currentBefore) = AtBoth(current, memo.Current, dirty);
            var partial = planner.Calculate(settings with { Current = currentAt, Desired = adjust(desiredAt) ?? [] });
            plan = Merge(memo.Plan, partial, dirty);

            // A name's verified count depends only on the endpoints at that name: the clean names count as before.
            verified = memo.Verified.With(
                Diagnostics.DnsTelemetry.CountVerified(desiredBefore, currentBefore, []),
                Diagnostics.DnsTelemetry.CountVerified(desiredAt, currentAt, []));

            Last = (true, dirty.Count);
        }

        _memo = new Memo(desired, current, settings, plan, verified, rejectedAt);
        return plan;
    }

    /// <summary>
    /// Adds the names of the endpoints that are in one list and not in the other (by reference), or of more: a superset
    /// is still right, the plan of a name is recalculated whole. Snapshots of the same source keep their order, so most
    /// lists compare position by position (no hashing); lists that differ in length or moved are compared as sets.
    /// </summary>
    /// <returns><see langword="false"/> when more than <paramref name="budget"/> names changed.</returns>
    private static bool AddChanged(HashSet<string> dirty, IReadOnlyList<DnsEndpoint> before, IReadOnlyList<DnsEndpoint> now, int budget)
    {
        // At every position holding the same instance in both, that instance is in both; every other instance of
        // either list sits at a position that differs, and both names there are added.
        if (SnapshotPositions.Changed(before, now, budget) is { } changed)
        {
            foreach (var i in changed)
            {
                AddName(dirty, before[i]);
                AddName(dirty, now[i]);
            }

            return dirty.Count <= budget;
        }

        // At least as many endpoints as the lengths differ by are new or gone: past the budget, no set is worth building
        // (the first full reconcile after a bulk creation, whose last current list was empty).
        if (Math.Abs(before.Count - now.Count) > budget)
        {
            return false;
        }

        return AddMissing(dirty, now, ReferenceSet(before), budget) && AddMissing(dirty, before, ReferenceSet(now), budget);
    }

    private static void AddName(HashSet<string> dirty, DnsEndpoint? endpoint)
    {
        if (endpoint is not null)
        {
            dirty.Add(DnsNames.Normalize(endpoint.DnsName));
        }
    }

    /// <summary>Adds the names of the endpoints of <paramref name="endpoints"/> that are not in <paramref name="known"/>; false past the budget.</summary>
    private static bool AddMissing(HashSet<string> dirty, IReadOnlyList<DnsEndpoint> endpoints, HashSet<DnsEndpoint> known, int budget)
    {
        foreach (var endpoint in endpoints)
        {
            if (endpoint is not null && !known.Contains(endpoint))
            {
                dirty.Add(DnsNames.Normalize(endpoint.DnsName));
                if (dirty.Count > budget)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The endpoints at the names of <paramref name="now"/> and of <paramref name="before"/>. Snapshots of one length are
    /// read in one pass: a position holding the same instance in both is looked up once (most positions); lists of
    /// different lengths are read one after the other.
    /// </summary>
    private static (List<DnsEndpoint> Now, List<DnsEndpoint> Before) AtBoth(IReadOnlyList<DnsEndpoint> now, IReadOnlyList<DnsEndpoint> before, HashSet<string> names)
    {
        if (now.Count != before.Count)
        {
            return (At(now, names), At(before, names));
        }

        var atNow = new List<DnsEndpoint>(names.Count * 2);
        var atBefore = new List<DnsEndpoint>(names.Count * 2);
        for (var i = 0; i < now.Count; i++)
        {
            var endpoint = now[i];
            var earlier = before[i];
            if (ReferenceEquals(endpoint, earlier))
            {
                if (IsAt(endpoint, names))
                {
                    atNow.Add(endpoint);
                    atBefore.Add(endpoint);
                }

                continue;
            }

            if (IsAt(endpoint, names))
            {
                atNow.Add(endpoint);
            }

            if (IsAt(earlier, names))
            {
                atBefore.Add(earlier);
            }
        }

        return (atNow, atBefore);
    }

    private static List<DnsEndpoint> At(IReadOnlyList<DnsEndpoint> endpoints, HashSet<string> names)
    {
        var result = new List<DnsEndpoint>(names.Count * 2);
        foreach (var endpoint in endpoints)
        {
            if (IsAt(endpoint, names))
            {
                result.Add(endpoint);
            }
        }

        return result;
    }

    /// <summary>Whether an endpoint of a snapshot (which may hold nulls) is at one of the names.</summary>
    private static bool IsAt([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] DnsEndpoint? endpoint, HashSet<string> names) =>
        endpoint is not null && names.Contains(DnsNames.Normalize(endpoint.DnsName));

    /// <summary>The last plan without the re-planned names, plus their new plan.</summary>
    private static PlanResult Merge(PlanResult previous, PlanResult partial, HashSet<string> dirty)
    {
        bool Clean(DnsEndpoint endpoint) => !IsAt(endpoint, dirty);
        var changes = previous.Changes;
        var updateOld = new List<DnsEndpoint>();
        var updateNew = new List<DnsEndpoint>();
        for (var i = 0; i < changes.UpdateOld.Count; i++)
        {
            if (Clean(changes.UpdateOld[i]))
            {
                updateOld.Add(changes.UpdateOld[i]);
                updateNew.Add(changes.UpdateNew[i]);
            }
        }

        var fresh = partial.Changes;
        return new PlanResult
        {
            Changes = new DnsChanges
            {
                Create = [.. changes.Create.Where(Clean), .. fresh.Create],
                UpdateOld = [.. updateOld, .. fresh.UpdateOld],
                UpdateNew = [.. updateNew, .. fresh.UpdateNew],
                Delete = [.. changes.Delete.Where(Clean), .. fresh.Delete],
            },
            Rejected = [.. previous.Rejected.Where(r => Clean(r.Endpoint)), .. partial.Rejected],
            OwnerMismatches = [.. previous.OwnerMismatches.Where(m => Clean(m.Record)), .. partial.OwnerMismatches],
        };
    }

    private static HashSet<DnsEndpoint> ReferenceSet(IReadOnlyList<DnsEndpoint> endpoints)
    {
        var set = new HashSet<DnsEndpoint>(endpoints.Count, ReferenceEqualityComparer.Instance);
        foreach (var endpoint in endpoints)
        {
            if (endpoint is not null)
            {
                set.Add(endpoint);
            }
        }

        return set;
    }

    /// <summary>
    /// The inputs and the plan of the last calculation; after a full calculation by the built-in planner over a desired
    /// list that needed no adjusting, the positions of the desired endpoints it rejected.
    /// </summary>
    private sealed record Memo(
        IReadOnlyList<DnsEndpoint> Desired,
        IReadOnlyList<DnsEndpoint> Current,
        PlanInput Settings,
        PlanResult Plan,
        VerifiedCount Verified,
        List<int>? RejectedAt)
    {
        public bool SameSettings(PlanInput other) =>
            string.Equals(Settings.OwnerId, other.OwnerId, StringComparison.Ordinal)
            && string.Equals(Settings.OldOwnerId, other.OldOwnerId, StringComparison.Ordinal)
            && Settings.DomainFilters.SequenceEqual(other.DomainFilters, ReferenceEqualityComparer.Instance)
            && Settings.Policies.SequenceEqual(other.Policies, ReferenceEqualityComparer.Instance)
            && ReferenceEquals(Settings.ManagedRecordTypes, other.ManagedRecordTypes)
            && ReferenceEquals(Settings.ExcludedRecordTypes, other.ExcludedRecordTypes);
    }
}
