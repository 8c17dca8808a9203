using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Reconciliation;

/// <summary>
/// Compares two snapshots of endpoints position by position: sources hand out immutable snapshots that keep their
/// order, and registries keep each record's place, so what changed between two snapshots sits at the positions whose
/// instances differ — found without hashing anything.
/// </summary>
internal static class SnapshotPositions
{
    /// <summary>The positions at which two snapshots of the same length hold different instances.</summary>
    /// <param name="before">The earlier snapshot.</param>
    /// <param name="now">The later snapshot.</param>
    /// <param name="budget">The most positions worth listing.</param>
    /// <returns>The positions, in order; <see langword="null"/> when the lengths differ or more than <paramref name="budget"/> differ.</returns>
    public static List<int>? Changed(IReadOnlyList<DnsEndpoint> before, IReadOnlyList<DnsEndpoint> now, int budget)
    {
        if (before.Count != now.Count)
        {
            return null;
        }

        var changed = new List<int>();
        for (var i = 0; i < now.Count; i++)
        {
            if (!ReferenceEquals(before[i], now[i]))
            {
                if (changed.Count == budget)
                {
                    return null;
                }

                changed.Add(i);
            }
        }

        return changed;
    }
}
