using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Reconciliation;

/// <summary>
/// ExternalDNS's verified records for the inputs of a full plan (<see cref="Diagnostics.DnsTelemetry.CountVerified"/>),
/// counted when first asked for rather than while the reconcile runs. At a million records the count is a second of
/// hashing every desired and current name; a full reconcile that plans everything anew (the first after a bulk
/// creation) would otherwise spend it before it could finish, and a failover waiting on it would wait too.
/// </summary>
/// <remarks>
/// Either resolved (the counts) or pending: the inputs of the full calculation that started it, plus what every
/// incremental calculation since changed (per-type differences, counted on the changed names only). Resolving counts
/// the inputs once and adds the differences: the same arithmetic the incremental calculation does step by step, so the
/// same counts. A pending count keeps its inputs alive (two lists of references) until resolved or replaced by the next
/// full calculation. Thread-safe: the metrics exporter resolves it while the reconciler moves on.
/// </remarks>
internal sealed class VerifiedCount
{
    private readonly Lock _lock = new();
    private readonly IReadOnlyCollection<RecordType> _reported;
    private IReadOnlyList<DnsEndpoint>? _desired;
    private IReadOnlyList<DnsEndpoint>? _current;

    // Resolved: the counts (types with none left out unless reported). Pending: the differences to add to the count of _desired/_current.
    private Dictionary<RecordType, int> _counts;

    private VerifiedCount(IReadOnlyList<DnsEndpoint>? desired, IReadOnlyList<DnsEndpoint>? current, Dictionary<RecordType, int> counts, IReadOnlyCollection<RecordType> reported)
    {
        _desired = desired;
        _current = current;
        _counts = counts;
        _reported = reported;
    }

    /// <summary>The count of nothing: every reported type at zero.</summary>
    /// <param name="reported">The types reported even at zero.</param>
    /// <returns>The count.</returns>
    public static VerifiedCount None(IReadOnlyCollection<RecordType> reported) =>
        new(null, null, reported.ToDictionary(type => type, _ => 0), reported);

    /// <summary>The count of the inputs of a full calculation, counted when first asked for.</summary>
    /// <param name="desired">The desired endpoints (not changed afterwards).</param>
    /// <param name="current">The current records (not changed afterwards).</param>
    /// <param name="reported">The types reported even at zero.</param>
    /// <returns>The pending count.</returns>
    public static VerifiedCount Of(IReadOnlyList<DnsEndpoint> desired, IReadOnlyList<DnsEndpoint> current, IReadOnlyCollection<RecordType> reported) =>
        new(desired, current, [], reported);

    /// <summary>Whether the count is still to be made (for tests).</summary>
    public bool IsPending
    {
        get
        {
            lock (_lock)
            {
                return _desired is not null;
            }
        }
    }

    /// <summary>This count changed at some names: minus the count of their endpoints before, plus the count after.</summary>
    /// <param name="before">The count of the endpoints at the changed names before.</param>
    /// <param name="after">The count of the endpoints at the changed names now.</param>
    /// <returns>The new count (this one is left as it is).</returns>
    public VerifiedCount With(Dictionary<RecordType, int> before, Dictionary<RecordType, int> after)
    {
        lock (_lock)
        {
            var counts = new Dictionary<RecordType, int>(_counts);
            foreach (var (type, count) in before)
            {
                counts[type] = counts.GetValueOrDefault(type) - count;
            }

            foreach (var (type, count) in after)
            {
                counts[type] = counts.GetValueOrDefault(type) + count;
            }

            if (_desired is null)
            {
                DropZeros(counts);
            }

            return new VerifiedCount(_desired, _current, counts, _reported);
        }
    }

    /// <summary>The counts, by record type (counted now if pending).</summary>
    /// <returns>The counts; every reported type is present.</returns>
    public IReadOnlyDictionary<RecordType, int> Resolve()
    {
        lock (_lock)
        {
            if (_desired is not null)
            {
                var counts = Diagnostics.DnsTelemetry.CountVerified(_desired, _current!, _reported);
                foreach (var (type, difference) in _counts)
                {
                    counts[type] = counts.GetValueOrDefault(type) + difference;
                }

                DropZeros(counts);
                _counts = counts;
                _desired = null;
                _current = null;
            }

            return _counts;
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
