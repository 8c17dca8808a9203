using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Route53.Internal;

/// <summary>What a change does for the plan: the DELETE of an update's old value is reported through its CREATE.</summary>
internal enum ChangeIntent
{
    Create,
    Delete,
    UpdateOld,
    UpdateNew,
}

/// <summary>One change with the endpoint it came from, what it does for the plan, and its size under the Route 53 batch limits.</summary>
internal sealed record PendingChange(RecordSetChange Change, DnsEndpoint Endpoint, ChangeIntent Intent = ChangeIntent.Create)
{
    /// <summary><c>ResourceRecord</c> elements (an alias counts one), doubled for UPSERT.</summary>
    public int Values { get; } = Weight(Change.Action) * (Change.RecordSet.AliasTarget is null ? Change.RecordSet.Values.Count : 1);

    /// <summary>Characters summed over the values (an alias counts its DNS name), doubled for UPSERT.</summary>
    public int Characters { get; } = Weight(Change.Action) * (Change.RecordSet.AliasTarget is { } alias
        ? alias.DnsName.Length
        : Change.RecordSet.Values.Sum(v => v.Length));

    private static int Weight(ChangeAction action) => action == ChangeAction.Upsert ? 2 : 1;
}

/// <summary>
/// Changes that must land in the same batch: a record, every set-identifier variant of its name, and its
/// ownership TXT records (the TXT registry labels them <c>ownedRecord</c> = the owned record's name).
/// </summary>
internal sealed class ChangeGroup
{
    public ChangeGroup(string key, IReadOnlyList<PendingChange> changes)
    {
        Key = key;
        Changes = changes;
        Values = changes.Sum(c => c.Values);
        Characters = changes.Sum(c => c.Characters);
        Order = changes.Min(c => (int)c.Change.Action);
    }

    public string Key { get; }

    public IReadOnlyList<PendingChange> Changes { get; }

    public int Values { get; }

    public int Characters { get; }

    /// <summary>The first action of the group (DELETE before UPSERT before CREATE): groups with deletes go first.</summary>
    public int Order { get; }

    /// <summary>The group key of an endpoint: its <c>ownedRecord</c> label, else its own name (normalised).</summary>
    public static string KeyOf(DnsEndpoint endpoint) =>
        DnsNames.Normalize(endpoint.Labels.TryGetValue(EndpointLabels.OwnedRecordKey, out var owned) && owned.Length > 0 ? owned : endpoint.DnsName);
}

/// <summary>The three per-request limits of ChangeResourceRecordSets.</summary>
internal sealed record BatchLimits(int MaxChanges, int MaxValues, int MaxCharacters)
{
    public bool Fits(int changes, int values, int characters) =>
        changes <= MaxChanges && values <= MaxValues && characters <= MaxCharacters;
}

/// <summary>Packs the changes of one zone into batches that respect <see cref="BatchLimits"/> without splitting a group.</summary>
internal static class Route53ChangeBatcher
{
    /// <summary>Groups the changes, orders the groups (deletes first, then by key) and packs them greedily.</summary>
    public static (List<List<ChangeGroup>> Batches, List<ChangeGroup> Oversized) Pack(IEnumerable<PendingChange> changes, BatchLimits limits)
    {
        var groups = changes
            .GroupBy(c => ChangeGroup.KeyOf(c.Endpoint), StringComparer.Ordinal)
            .Select(g => new ChangeGroup(g.Key, [.. g]))
            .OrderBy(g => g.Order)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var batches = new List<List<ChangeGroup>>();
        var oversized = new List<ChangeGroup>();
        List<ChangeGroup>? current = null;
        int count = 0, values = 0, characters = 0;
        foreach (var group in groups)
        {
            if (!limits.Fits(group.Changes.Count, group.Values, group.Characters))
            {
                oversized.Add(group);
                continue;
            }

            if (current is null || !limits.Fits(count + group.Changes.Count, values + group.Values, characters + group.Characters))
            {
                current = [];
                batches.Add(current);
                count = values = characters = 0;
            }

            current.Add(group);
            count += group.Changes.Count;
            values += group.Values;
            characters += group.Characters;
        }

        return (batches, oversized);
    }

    /// <summary>The wire order inside a batch: DELETE, then UPSERT, then CREATE; then by name, type and set identifier.</summary>
    public static List<RecordSetChange> Order(IEnumerable<ChangeGroup> groups) =>
        [.. groups.SelectMany(g => g.Changes)
            .Select(c => c.Change)
            .OrderBy(c => (int)c.Action)
            .ThenBy(c => DnsNames.Normalize(c.RecordSet.Name), StringComparer.Ordinal)
            .ThenBy(c => c.RecordSet.Type, StringComparer.Ordinal)
            .ThenBy(c => c.RecordSet.SetIdentifier ?? string.Empty, StringComparer.Ordinal)];
}
