using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Registry;

/// <summary>
/// Records by key, with the index that finds every record at a name without a scan: a name's records are probed by
/// the <see cref="RecordType.Known"/> types without a set identifier, and the few keys such a probe would miss (a set
/// identifier, or a type this library does not know) are kept by name. The registries' kept views (TXT and DynamoDB)
/// hold the provider's records in one. Mutable; not thread-safe (the owning view's gate guards it).
/// </summary>
internal sealed class NameIndexedRecords
{
    private readonly Dictionary<string, List<EndpointKey>> _irregular = new(StringComparer.Ordinal);

    /// <summary>Creates an empty index.</summary>
    /// <param name="capacity">The expected number of records (sized up front: growing 100k-entry dictionaries reallocates large-object-heap arrays repeatedly).</param>
    public NameIndexedRecords(int capacity) => Records = new(EndpointsByKey.Instance, capacity);

    /// <summary>The records by key (change them through <see cref="Set"/> and <see cref="Remove"/>).</summary>
    public KeyedSet<EndpointKey, DnsEndpoint> Records { get; }

    /// <summary>Adds or replaces a record.</summary>
    /// <param name="record">The record.</param>
    public void Set(DnsEndpoint record)
    {
        if (Records.TryAdd(record))
        {
            var key = record.Key;
            if (IsIrregular(key))
            {
                if (!_irregular.TryGetValue(key.DnsName, out var keys))
                {
                    _irregular[key.DnsName] = keys = new List<EndpointKey>(1);
                }

                keys.Add(key);
            }

            return;
        }

        Records.Replace(record);
    }

    /// <summary>Removes a record.</summary>
    /// <param name="key">Its key.</param>
    /// <returns>Whether it was present.</returns>
    public bool Remove(EndpointKey key)
    {
        if (!Records.Remove(key))
        {
            return false;
        }

        if (IsIrregular(key) && _irregular.TryGetValue(key.DnsName, out var keys))
        {
            keys.Remove(key);
            if (keys.Count == 0)
            {
                _irregular.Remove(key.DnsName);
            }
        }

        return true;
    }

    /// <summary>The keys of the records at a normalised name, every type and set identifier.</summary>
    /// <param name="name">The normalised name.</param>
    /// <param name="into">Where to add them.</param>
    public void KeysAt(string name, List<EndpointKey> into)
    {
        var known = RecordType.Known;
        for (var i = 0; i < known.Count; i++)
        {
            var type = known[i];
            var key = new EndpointKey(name, type);
            if (Records.ContainsKey(key))
            {
                into.Add(key);
            }
        }

        if (_irregular.TryGetValue(name, out var keys))
        {
            into.AddRange(keys);
        }
    }

    /// <summary>The records at a normalised name, every type and set identifier.</summary>
    /// <param name="name">The normalised name.</param>
    /// <param name="into">Where to add them.</param>
    public void RecordsAt(string name, List<DnsEndpoint> into)
    {
        var known = RecordType.Known;
        for (var i = 0; i < known.Count; i++)
        {
            var type = known[i];
            if (Records.TryGetValue(new EndpointKey(name, type), out var record))
            {
                into.Add(record);
            }
        }

        if (_irregular.TryGetValue(name, out var keys))
        {
            foreach (var key in keys)
            {
                into.Add(Records[key]);
            }
        }
    }

    private static bool IsIrregular(EndpointKey key) => key.SetIdentifier.Length > 0 || !key.RecordType.IsKnown;
}
