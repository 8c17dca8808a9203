using System.Collections.ObjectModel;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Registry;

namespace Ccx.Dns.DynamoDb.Internal;

/// <summary>
/// The DynamoDB registry's view of the provider and of the ownership table: the provider's records as read (indexed
/// by name), our ownership items, the ExternalDNS TXT ownership records to migrate from, the records with their
/// ownership labels, and the orphaned items. Built by a full read, then patched by every apply in O(changes).
/// Mutable; guarded by the registry's gate.
/// </summary>
internal sealed class DynamoDbOwnershipView
{
    private readonly NameIndexedRecords _records;

    /// <summary>Creates an empty view.</summary>
    /// <param name="readAt">When the table and the provider were read.</param>
    /// <param name="items">Our items (owner or old owner) by record key.</param>
    /// <param name="recordCapacity">The expected number of provider records.</param>
    public DynamoDbOwnershipView(DateTimeOffset readAt, Dictionary<EndpointKey, OwnershipItem> items, int recordCapacity)
    {
        ReadAt = readAt;
        Items = items;
        _records = new NameIndexedRecords(recordCapacity);
        Labelled = new(EndpointsByKey.Instance, recordCapacity);
    }

    /// <summary>When the table was last scanned and the provider read (a read served by the provider's unchanged cache counts).</summary>
    public DateTimeOffset ReadAt { get; set; }

    /// <summary>
    /// The fencing token of the lease grant this instance held when the table and the provider were read (0 when it
    /// held none, or when the registry is not fenced). Patches keep it: they add only this instance's own writes.
    /// </summary>
    public long ReadUnderToken { get; set; }

    /// <summary>Our items (owner or old owner) by record key.</summary>
    public Dictionary<EndpointKey, OwnershipItem> Items { get; }

    /// <summary>Every provider record as the provider holds it (without labels), TXT ownership records included, by key (change through <see cref="SetRecord"/> and <see cref="RemoveRecord"/>).</summary>
    public KeyedSet<EndpointKey, DnsEndpoint> Records => _records.Records;

    /// <summary>The provider's ExternalDNS TXT ownership records that no item owns as a record, by their own key.</summary>
    public Dictionary<EndpointKey, OldTxtRecord> OldTxt { get; } = [];

    /// <summary>The TXT ownership records by the record they own (the last one read wins, as in ExternalDNS).</summary>
    public Dictionary<MigrationKey, OldTxtRecord> ByOwned { get; } = [];

    /// <summary>Keys of our items without a provider record.</summary>
    public HashSet<EndpointKey> Orphans { get; } = [];

    /// <summary>Every record a full read returns, with its ownership labels, by key.</summary>
    public KeyedSet<EndpointKey, DnsEndpoint> Labelled { get; }

    /// <summary><see cref="Labelled"/> as the list a full read returns (shared while unchanged); <see langword="null"/> when stale.</summary>
    public ReadOnlyCollection<DnsEndpoint>? LabelledList { get; set; }

    /// <summary>
    /// Names at which an apply changed what a read returns although the applied changes were elsewhere (a record's
    /// migration into the table frees its TXT ownership record, which is then returned for deletion): no plan has seen
    /// them yet, so a targeted read must include them all or the reconcile must be full.
    /// </summary>
    public HashSet<string> Unplanned { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces a provider record.</summary>
    /// <param name="record">The record, without labels.</param>
    public void SetRecord(DnsEndpoint record) => _records.Set(record);

    /// <summary>Removes a provider record.</summary>
    /// <param name="key">Its key.</param>
    /// <returns>Whether it was present.</returns>
    public bool RemoveRecord(EndpointKey key) => _records.Remove(key);

    /// <summary>The keys of the provider records at a normalised name, every type and set identifier.</summary>
    /// <param name="name">The normalised name.</param>
    /// <param name="into">Where to add them.</param>
    public void KeysAt(string name, List<EndpointKey> into) => _records.KeysAt(name, into);

    /// <summary>Adds a TXT ownership record to migrate from.</summary>
    /// <param name="txt">The record.</param>
    public void AddOldTxt(OldTxtRecord txt)
    {
        OldTxt[txt.Record.Key] = txt;
        if (txt.Owned is { } owned)
        {
            ByOwned[owned] = txt;
        }
    }

    /// <summary>Removes a TXT ownership record to migrate from.</summary>
    /// <param name="key">Its key.</param>
    /// <param name="removed">The record removed.</param>
    /// <returns>Whether it was present.</returns>
    public bool RemoveOldTxt(EndpointKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OldTxtRecord? removed)
    {
        if (!OldTxt.Remove(key, out removed))
        {
            return false;
        }

        // When two ownership records own the same record (differently spelt names), the other one is seen again at
        // the next full read; the planner only deletes ownership records nothing takes ownership from.
        if (removed.Owned is { } owned && ByOwned.TryGetValue(owned, out var current) && ReferenceEquals(current, removed))
        {
            ByOwned.Remove(owned);
        }

        return true;
    }

    /// <summary>Keeps <see cref="Orphans"/> right for one key after its item or its record changed.</summary>
    /// <param name="key">The key.</param>
    public void UpdateOrphan(EndpointKey key)
    {
        if (Items.ContainsKey(key) && !Records.ContainsKey(key))
        {
            Orphans.Add(key);
        }
        else
        {
            Orphans.Remove(key);
        }
    }
}

/// <summary>An ExternalDNS TXT ownership record and the record it owns.</summary>
/// <param name="Record">The TXT record as the provider holds it.</param>
/// <param name="Labels">The labels its text carries.</param>
/// <param name="Owned">The record it owns; <see langword="null"/> when its name does not fit the configured affix.</param>
internal sealed record OldTxtRecord(DnsEndpoint Record, LabelMap Labels, MigrationKey? Owned)
{
    /// <summary>The owner label, or <see langword="null"/>.</summary>
    public string? Owner => Labels.TryGetValue(EndpointLabels.OwnerKey, out var owner) ? owner : null;
}

/// <summary>The record a TXT ownership record owns: name lower-case (wildcard replacement not reversed), type (empty for the legacy format), set identifier.</summary>
/// <param name="DnsName">The owned name.</param>
/// <param name="RecordType">The type mnemonic, empty for the legacy untyped format.</param>
/// <param name="SetIdentifier">The set identifier.</param>
internal readonly record struct MigrationKey(string DnsName, string RecordType, string SetIdentifier);
