using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Reconciliation;

/// <summary>
/// ExternalDNS's verified records for the inputs of a full plan (<see cref="Diagnostics.DnsTelemetry.CountVerified"/>),
/// counted off the reconcile's path. At a million records the count is a second of hashing every desired and current
/// name; a full reconcile that plans everything anew (the first after a bulk creation) would otherwise spend it before
/// it could finish, and a failover waiting on it would wait too.
/// </summary>
/// <remarks>
/// <para>A count is resolved (the counts), pending (the inputs of the full calculation that started it: the root), or
/// derived from a pending root plus what incremental calculations since changed (per-type differences, counted on the
/// changed names only). Resolving counts the root's inputs once and adds the differences: the same arithmetic the
/// incremental calculation does step by step, so the same counts. Only the root keeps inputs alive (two lists of
/// references), until it is resolved; the reconciler resolves it on the thread pool right after the full reconcile.</para>
/// <para>Thread-safe: the count itself runs outside the lock, so a reconcile deriving the next count never waits for
/// it; two threads resolving at once both count, and the first result is kept.</para>
/// </remarks>
internal sealed class VerifiedCount
{
    private readonly Lock _lock = new();
    private readonly IReadOnlyCollection<RecordType> _reported;

    // A pending root's inputs (null once resolved, and on a derived count).
    private IReadOnlyList<DnsEndpoint>? _desired;
    private IReadOnlyList<DnsEndpoint>? _current;

    // A derived count's pending root (null once resolved, and on a root).
    private VerifiedCount? _root;

    // Resolved: the counts (types with none left out unless reported). Pending: the differences to add to the root's count.
    private Dictionary<RecordType, int> _counts;

    private VerifiedCount(IReadOnlyList<DnsEndpoint>? desired, IReadOnlyList<DnsEndpoint>? current, VerifiedCount? root, Dictionary<RecordType, int> counts, IReadOnlyCollection<RecordType> reported)
    {
        _desired = desired;
        _current = current;
        _root = root;
        _counts = counts;
        _reported = reported;
    }

    /// <summary>The count of nothing: every reported type at zero.</summary>
    /// <param name="reported">The types reported even at zero.</param>
    /// <returns>The count.</returns>
    public static VerifiedCount None(IReadOnlyCollection<RecordType> reported) =>
        new(null, null, null, reported.ToDictionary(type => type, _ => 0), reported);

    /// <summary>The count of the inputs of a full calculation, counted when first resolved.</summary>
    /// <param name="desired">The desired endpoints (not changed afterwards).</param>
    /// <param name="current">The current records (not changed afterwards).</param>
    /// <param name="reported">The types reported even at zero.</param>
    /// <returns>The pending count.</returns>
    public static VerifiedCount Of(IReadOnlyList<DnsEndpoint> desired, IReadOnlyList<DnsEndpoint> current, IReadOnlyCollection<RecordType> reported) =>
        new(desired, current, null, [], reported);

    /// <summary>Whether the count is still to be made.</summary>
    public bool IsPending
    {
        get
        {
            lock (_lock)
            {
                return _desired is not null || _root is not null;
            }
        }
    }

    /// <summary>Whether this count still keeps a full calculation's inputs alive (a pending root).</summary>
    public bool KeepsInputs => InputCount > 0;

    /// <summary>How many endpoints (desired and current) a pending root has to count; zero otherwise.</summary>
    public int InputCount
    {
        get
        {
            lock (_lock)
            {
                return _desired is null ? 0 : Math.Max(1, _desired.Count + _current!.Count);
            }
        }
    }

    /// <summary>This count changed at some names: minus the count of their endpoints before, plus the count after.</summary>
    /// <param name="before">The count of the endpoints at the changed names before.</param>
    /// <param name="after">The count of the endpoints at the changed names now.</param>
    /// <returns>The new count (this one is left as it is): resolved when this one is, otherwise derived from its root.</returns>
    public VerifiedCount With(Dictionary<RecordType, int> before, Dictionary<RecordType, int> after)
    {
        VerifiedCount? root;
        Dictionary<RecordType, int> counts;
        lock (_lock)
        {
            root = _desired is not null ? this : _root;
            counts = new Dictionary<RecordType, int>(_counts);
        }

        Add(counts, before, -1);
        Add(counts, after, 1);
        if (root is not null && root.TryGetResolved() is { } resolved)
        {
            // The root was counted meanwhile: so is this one.
            Add(counts, resolved, 1);
            root = null;
        }

        if (root is null)
        {
            DropZeros(counts);
        }

        return new VerifiedCount(null, null, root, counts, _reported);
    }

    /// <summary>The counts, by record type (counted now if pending: outside the lock).</summary>
    /// <returns>The counts; every reported type is present.</returns>
    public IReadOnlyDictionary<RecordType, int> Resolve()
    {
        IReadOnlyList<DnsEndpoint>? desired;
        IReadOnlyList<DnsEndpoint>? current;
        VerifiedCount? root;
        Dictionary<RecordType, int> differences;
        lock (_lock)
        {
            if (_desired is null && _root is null)
            {
                return _counts;
            }

            (desired, current, root, differences) = (_desired, _current, _root, _counts);
        }

        var counts = root is not null
            ? new Dictionary<RecordType, int>(root.Resolve())
            : Diagnostics.DnsTelemetry.CountVerified(desired!, current!, _reported);
        Add(counts, differences, 1);
        DropZeros(counts);
        lock (_lock)
        {
            if (_desired is not null || _root is not null)
            {
                _counts = counts;
                _desired = null;
                _current = null;
                _root = null;
            }

            return _counts;
        }
    }

    private Dictionary<RecordType, int>? TryGetResolved()
    {
        lock (_lock)
        {
            return _desired is null && _root is null ? _counts : null;
        }
    }

    private static void Add(Dictionary<RecordType, int> counts, IReadOnlyDictionary<RecordType, int> other, int sign)
    {
        foreach (var (type, count) in other)
        {
            counts[type] = counts.GetValueOrDefault(type) + (sign * count);
        }
    }

    private void DropZeros(Dictionary<RecordType, int> counts)
    {
        foreach (var (type, count) in counts)
        {
            if (count == 0 && !_reported.Contains(type))
            {
                counts.Remove(type);
            }
        }
    }
}
