using System.Collections.Concurrent;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Updates;

/// <summary>
/// The exact data of the record sets, from the last transfer of each zone, whose target text does not carry all of
/// their data: a TXT record of several character-strings (the target is their concatenation), text that is not valid
/// UTF-8, a TXT or CAA text that would lose quotes when parsed. An update or delete of such a set must name the data
/// exactly (to delete each record and in its "RRset exists (value dependent)" prerequisite), so the provider looks it
/// up here by the targets the plan read; every other set is encoded from its targets. Thread-safe.
/// </summary>
internal sealed class RecordSetsAsRead
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<RecordSetKey, RecordSetAsRead>> _zones = new(StringComparer.Ordinal);

    /// <summary>Whether a record's data is carried exactly by its target text (parsing the text gives the same data).</summary>
    /// <param name="type">The record type.</param>
    /// <param name="data">The data.</param>
    /// <param name="target">Its target text.</param>
    /// <returns><see langword="false"/> when the data must be remembered.</returns>
    public static bool IsCarriedByTarget(DnsRecordType type, DnsRecordData data, string target)
    {
        if (type is not (DnsRecordType.TXT or DnsRecordType.CAA))
        {
            return true;
        }

        return Rfc2136RecordMapper.TryParseTarget(Rfc2136RecordMapper.ToRecordType(type), target, out _, out var parsed, out _)
            && parsed.Equals(data);
    }

    /// <summary>Replaces what is remembered of a zone by the sets of its latest transfer that need it.</summary>
    /// <param name="zone">The normalised zone.</param>
    /// <param name="sets">The sets whose data the targets do not carry.</param>
    public void Replace(string zone, Dictionary<RecordSetKey, RecordSetAsRead> sets)
    {
        if (sets.Count == 0)
        {
            _zones.TryRemove(zone, out _);
            return;
        }

        _zones[zone] = new ConcurrentDictionary<RecordSetKey, RecordSetAsRead>(sets);
    }

    /// <summary>The exact data of a set, if it was read with exactly these targets.</summary>
    /// <param name="zone">The normalised zone.</param>
    /// <param name="key">The set.</param>
    /// <param name="targets">The targets the plan has for it.</param>
    /// <param name="set">The set as read.</param>
    /// <returns>Whether the set was remembered with the same targets.</returns>
    public bool TryGet(string zone, RecordSetKey key, IReadOnlyList<string> targets, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RecordSetAsRead? set)
    {
        set = null;
        if (!_zones.TryGetValue(zone, out var sets) || !sets.TryGetValue(key, out var found) || !found.HasTargets(targets))
        {
            return false;
        }

        set = found;
        return true;
    }

    /// <summary>Forgets sets a successful UPDATE changed: what was read of them no longer holds.</summary>
    /// <param name="zone">The normalised zone.</param>
    /// <param name="keys">The sets.</param>
    public void Forget(string zone, IEnumerable<RecordSetKey> keys)
    {
        if (!_zones.TryGetValue(zone, out var sets))
        {
            return;
        }

        foreach (var key in keys)
        {
            sets.TryRemove(key, out _);
        }
    }
}

/// <summary>A record set as transferred: its targets and the data of each record (same order).</summary>
/// <param name="Targets">The target texts.</param>
/// <param name="Data">The data.</param>
internal sealed record RecordSetAsRead(IReadOnlyList<string> Targets, IReadOnlyList<DnsRecordData> Data)
{
    /// <summary>Whether <paramref name="targets"/> are this set's targets (any order, ordinal comparison).</summary>
    /// <param name="targets">The targets.</param>
    /// <returns><see langword="true"/> when they are the same multiset.</returns>
    public bool HasTargets(IReadOnlyList<string> targets)
    {
        if (targets.Count != Targets.Count)
        {
            return false;
        }

        return targets.Order(StringComparer.Ordinal).SequenceEqual(Targets.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>The data read for a target text, if one record had it.</summary>
    /// <param name="target">The target.</param>
    /// <param name="data">The data.</param>
    /// <returns>Whether a record had that target.</returns>
    public bool TryGetData(string target, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DnsRecordData? data)
    {
        for (var i = 0; i < Targets.Count; i++)
        {
            if (string.Equals(Targets[i], target, StringComparison.Ordinal))
            {
                data = Data[i];
                return true;
            }
        }

        data = null;
        return false;
    }
}
