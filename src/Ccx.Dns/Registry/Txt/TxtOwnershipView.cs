using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Registry.Txt;

/// <summary>
/// The TXT registry's view of the provider's zones: the records as read (ownership records excluded) and the
/// ownership records as read, indexed by their own key and by the record they own. Mutable; guarded by the
/// registry's gate.
/// </summary>
internal sealed class TxtOwnershipView
{
    private readonly NameIndexedRecords _records;

    /// <summary>Creates an empty view.</summary>
    /// <param name="readAt">When the provider was read.</param>
    /// <param name="recordCapacity">The expected number of records that are not ownership records.</param>
    /// <param name="ownershipCapacity">The expected number of ownership records.</param>
    public TxtOwnershipView(DateTimeOffset readAt, int recordCapacity = 0, int ownershipCapacity = 0)
    {
        // Sized up front: growing 100k-entry dictionaries reallocates large-object-heap arrays repeatedly.
        ReadAt = readAt;
        _records = new NameIndexedRecords(recordCapacity);
        OwnershipRecords = new(OwnershipByKey.Instance, ownershipCapacity);
        ByOwned = new(OwnershipByOwned.Instance, ownershipCapacity);
    }

    /// <summary>When the provider was read; patches keep the time of the read.</summary>
    public DateTimeOffset ReadAt { get; }

    /// <summary>Records that are not ownership records, exactly as the provider returned them, by key (change through <see cref="SetRecord"/> and <see cref="RemoveRecord"/>).</summary>
    public KeyedSet<EndpointKey, DnsEndpoint> Records => _records.Records;

    /// <summary>Ownership TXT records exactly as read (so deletes and updates reuse their text), by their own key.</summary>
    public KeyedSet<EndpointKey, OwnershipRecord> OwnershipRecords { get; }

    /// <summary>Ownership records by the record they own (legacy untyped ones under an empty type).</summary>
    public KeyedSet<OwnedKey, OwnershipRecord> ByOwned { get; }

    /// <summary>The records with ownership labels attached, by key: computed by the first full read, then patched; <see langword="null"/> until computed.</summary>
    public KeyedSet<EndpointKey, DnsEndpoint>? LabelledByKey { get; set; }

    /// <summary>Whether <see cref="LabelledByKey"/> was computed with ownership records present (with none, records are returned as read).</summary>
    public bool LabelledWithOwnership { get; set; }

    /// <summary><see cref="LabelledByKey"/> as the list a full read returns; <see langword="null"/> when stale.</summary>
    public IReadOnlyList<DnsEndpoint>? Labelled { get; set; }

    /// <summary>
    /// Our own ownership records whose record no longer exists, by the ownership record's key: found by the first full
    /// labelling after a read (null until then), then kept up to date by every patch.
    /// </summary>
    public Dictionary<EndpointKey, OwnershipRecord>? Orphans { get; set; }

    /// <summary>Makes room for a large batch of new records and ownership records at once (the dictionaries grow once).</summary>
    /// <param name="records">How many records (not ownership records) may be added.</param>
    /// <param name="ownershipRecords">How many ownership records may be added.</param>
    public void Reserve(int records, int ownershipRecords)
    {
        Records.EnsureCapacity(Records.Count + records);
        OwnershipRecords.EnsureCapacity(OwnershipRecords.Count + ownershipRecords);
        ByOwned.EnsureCapacity(ByOwned.Count + ownershipRecords);
    }

    /// <summary>Adds or replaces a record that is not an ownership record.</summary>
    /// <param name="record">The record as the provider holds it.</param>
    public void SetRecord(DnsEndpoint record) => _records.Set(record);

    /// <summary>Removes a record that is not an ownership record.</summary>
    /// <param name="key">Its key.</param>
    /// <returns>Whether it was present.</returns>
    public bool RemoveRecord(EndpointKey key) => _records.Remove(key);

    /// <summary>The records (not ownership records) at a normalised name, every type and set identifier.</summary>
    /// <param name="name">The normalised name.</param>
    /// <param name="into">Where to add them.</param>
    public void RecordsAt(string name, List<DnsEndpoint> into) => _records.RecordsAt(name, into);

    /// <summary>Adds or replaces an ownership record.</summary>
    /// <param name="ownership">The ownership record.</param>
    public void AddOwnership(OwnershipRecord ownership)
    {
        RemoveOwnership(ownership.Record.Key);
        OwnershipRecords.Set(ownership);
        if (ownership.Owned is not null)
        {
            // As in ExternalDNS, a later ownership record for the same owned key wins.
            ByOwned.Set(ownership);
        }
    }

    /// <summary>Removes an ownership record by its key.</summary>
    /// <param name="key">The TXT record's key.</param>
    /// <returns>Whether it was present.</returns>
    public bool RemoveOwnership(EndpointKey key)
    {
        if (!OwnershipRecords.Remove(key, out var removed))
        {
            return false;
        }

        // When two ownership records map to the same owned key (rare: differently spelt names), the other one
        // becomes visible again at the next full read.
        if (removed.Owned is { } owned && ByOwned.TryGetValue(owned, out var current) && ReferenceEquals(current, removed))
        {
            ByOwned.Remove(owned);
        }

        return true;
    }
}

/// <summary>An ownership TXT record as read, with its parsed labels.</summary>
/// <remarks>
/// Compared by reference. The owned key is kept as its name and type (its set identifier is the TXT record's), and a
/// mutable claim mark lets a full labelling find the unclaimed ones without a set of the claimed ones: 56 bytes.
/// </remarks>
internal sealed class OwnershipRecord
{
    private readonly string? _ownedName;
    private readonly string? _ownedType;

    /// <summary>Creates an ownership record.</summary>
    /// <param name="record">The TXT record exactly as the provider returned it (or as written).</param>
    /// <param name="labels">The labels it carries (with the encryption nonce label when it was encrypted).</param>
    /// <param name="owned">The record it owns (its set identifier must be the TXT record's); <see langword="null"/> when the name does not fit the configured affix.</param>
    public OwnershipRecord(DnsEndpoint record, LabelMap labels, OwnedKey? owned)
    {
        if (owned is { } key && !string.Equals(key.SetIdentifier, record.SetIdentifier, StringComparison.Ordinal))
        {
            throw new ArgumentException("The owned record's set identifier is the ownership record's.", nameof(owned));
        }

        Record = record;
        Labels = labels;
        _ownedName = owned?.DnsName;
        _ownedType = owned?.RecordType;
    }

    /// <summary>The TXT record exactly as the provider returned it (or as written).</summary>
    public DnsEndpoint Record { get; }

    /// <summary>The labels it carries (with the encryption nonce label when it was encrypted).</summary>
    public LabelMap Labels { get; }

    /// <summary>The record it owns; <see langword="null"/> when the name does not fit the configured affix.</summary>
    public OwnedKey? Owned => _ownedName is null ? null : new OwnedKey(_ownedName, _ownedType!, Record.SetIdentifier);

    /// <summary>
    /// The mark of the last full labelling that found a record claiming this one (<see cref="TxtRegistry"/> hands out
    /// a new mark for each, never zero); read and written under the registry's gate.
    /// </summary>
    public int ClaimMark { get; set; }

    /// <summary>The owner label, or <see langword="null"/>.</summary>
    public string? Owner => Labels.TryGetValue(EndpointLabels.OwnerKey, out var owner) ? owner : null;

    /// <summary>Whether the text was encrypted.</summary>
    public bool IsEncrypted => Labels.ContainsKey(EndpointLabels.TxtEncryptionNonceKey);
}

/// <summary>The record an ownership record owns: normalised name, type (empty for the legacy format), set identifier.</summary>
/// <param name="DnsName">The normalised name, with a leading wildcard already replaced as configured.</param>
/// <param name="RecordType">The type mnemonic, empty for the legacy untyped format.</param>
/// <param name="SetIdentifier">The set identifier.</param>
internal readonly record struct OwnedKey(string DnsName, string RecordType, string SetIdentifier);

/// <summary>A TXT text and its parsed ownership labels (<see langword="null"/> when it is not an ownership text).</summary>
internal readonly record struct ParsedText(string Text, LabelMap? Labels);

/// <summary>Ownership records by the key of their TXT record.</summary>
internal sealed class OwnershipByKey : KeySelector<EndpointKey, OwnershipRecord>
{
    /// <summary>The one instance.</summary>
    public static readonly OwnershipByKey Instance = new();

    private OwnershipByKey()
    {
    }

    /// <inheritdoc/>
    public override EndpointKey KeyOf(OwnershipRecord value) => value.Record.Key;
}

/// <summary>Ownership records by the record they own (only those that name one are kept by it).</summary>
internal sealed class OwnershipByOwned : KeySelector<OwnedKey, OwnershipRecord>
{
    /// <summary>The one instance.</summary>
    public static readonly OwnershipByOwned Instance = new();

    private OwnershipByOwned()
    {
    }

    /// <inheritdoc/>
    public override OwnedKey KeyOf(OwnershipRecord value) =>
        value.Owned ?? throw new InvalidOperationException("An ownership record that names no record is not kept by the record it owns.");
}
