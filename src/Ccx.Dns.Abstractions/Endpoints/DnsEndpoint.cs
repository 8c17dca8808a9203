using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Serialization;

namespace Ccx.Dns.Endpoints;

/// <summary>
/// One DNS record set, desired or current: a name, a record type, its targets, and the metadata ExternalDNS
/// keeps with it (set identifier, TTL, ownership labels, provider-specific properties). Immutable.
/// </summary>
/// <remarks>
/// The name is kept in ASCII (internationalised names are mapped to punycode) without a trailing dot; its case
/// is preserved for display but ignored by comparisons. <see cref="Ttl"/> 0 means "unset, use the provider's
/// default". Equality compares every field; names case-insensitively, targets in order.
/// </remarks>
[JsonConverter(typeof(DnsEndpointJsonConverter))]
public sealed record DnsEndpoint
{

    // Boxed once: a field initialiser `= ImmutableArray<T>.Empty` would box a new empty array for every endpoint.
    private static readonly IReadOnlyList<ProviderSpecificProperty> NoProviderSpecific = ImmutableArray<ProviderSpecificProperty>.Empty;
    private static readonly IReadOnlyList<string> NoTargets = ImmutableArray<string>.Empty;

    private readonly string _dnsName = string.Empty;
    private readonly IReadOnlyList<string> _targets = NoTargets;
    private readonly LabelMap _labels = LabelMap.Empty;

    // The set identifier and the provider-specific properties, which few records have, share one field: one shared
    // instance when both are empty, so that every endpoint is 72 bytes, not 80.
    private readonly Rare _rare = Rare.None;

    // The same record without labels, made once and shared: a provider, the caching decorator and a registry's view all
    // keep the unlabelled form of the record a registry wrote, and need not each keep a copy. Not copied by `with`;
    // set by the label methods, whose copies differ only in their labels.
    private DnsEndpoint? _withoutLabels;

    /// <summary>
    /// Creates an endpoint. A trailing dot is removed from the name and, except for TXT, NAPTR and SRV (whose
    /// text or host must keep it), from each target.
    /// </summary>
    /// <param name="dnsName">The DNS name.</param>
    /// <param name="recordType">The record type.</param>
    /// <param name="targets">The targets (addresses, host names or record data).</param>
    public DnsEndpoint(string dnsName, RecordType recordType, params IEnumerable<string> targets)
    {
        ArgumentNullException.ThrowIfNull(dnsName);
        ArgumentNullException.ThrowIfNull(targets);
        DnsName = dnsName;
        RecordType = recordType;
        if (targets is ICollection<string> { Count: 0 })
        {
            return; // no targets: nothing to copy (the JSON reader sets them afterwards)
        }

        if (targets is IReadOnlyList<string> { Count: 1 } one)
        {
            _targets = new OneTarget(AsTarget(one[0], recordType));
            return;
        }

        var builder = ImmutableArray.CreateBuilder<string>();
        foreach (var target in targets)
        {
            builder.Add(AsTarget(target, recordType));
        }

        _targets = Compact(builder.ToImmutable());
    }

    /// <summary>
    /// Creates an endpoint from targets given in place (<c>new DnsEndpoint(name, RecordType.A, "192.0.2.1")</c>) without
    /// an array for them. A trailing dot is removed from the name and, except for TXT, NAPTR and SRV, from each target.
    /// </summary>
    /// <param name="dnsName">The DNS name.</param>
    /// <param name="recordType">The record type.</param>
    /// <param name="targets">The targets (addresses, host names or record data).</param>
    public DnsEndpoint(string dnsName, RecordType recordType, params ReadOnlySpan<string> targets)
    {
        ArgumentNullException.ThrowIfNull(dnsName);
        DnsName = dnsName;
        RecordType = recordType;
        switch (targets.Length)
        {
            case 0:
                return;
            case 1:
                _targets = new OneTarget(AsTarget(targets[0], recordType));
                return;
            default:
                var array = new string[targets.Length];
                for (var i = 0; i < array.Length; i++)
                {
                    array[i] = AsTarget(targets[i], recordType);
                }

                _targets = ImmutableCollectionsMarshal.AsImmutableArray(array);
                return;
        }
    }

    /// <summary>The copy constructor behind <c>with</c>: copies every value, not the cached unlabelled form.</summary>
    /// <param name="original">The endpoint copied.</param>
    private DnsEndpoint(DnsEndpoint original)
    {
        _dnsName = original._dnsName;
        _targets = original._targets;
        _labels = original._labels;
        _rare = original._rare;
        RecordType = original.RecordType;
        Ttl = original.Ttl;
    }

    /// <summary>The DNS name in ASCII, without a trailing dot.</summary>
    public string DnsName
    {
        get => _dnsName;
        init => _dnsName = DnsNames.ToAscii(value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The record type.</summary>
    public RecordType RecordType { get; init; }

    /// <summary>The targets: addresses for A/AAAA, host names for CNAME, record data for the others.</summary>
    public IReadOnlyList<string> Targets
    {
        get => _targets;
        init => _targets = value switch
        {
            null => throw new ArgumentNullException(nameof(value)),
            OneTarget => value,
            ImmutableArray<string> array => Compact(array),
            _ => Compact(ImmutableArray.CreateRange(value)),
        };
    }

    // A target as kept: a trailing dot removed, except for the types whose record data keeps it.
    private static string AsTarget(string target, RecordType recordType)
    {
        ArgumentNullException.ThrowIfNull(target, "targets");
        var keepDot = recordType == RecordType.TXT || recordType == RecordType.NAPTR || recordType == RecordType.SRV;
        return !keepDot && target.Length > 1 && target[^1] == '.' ? target[..^1] : target;
    }

    // One target (nearly every record) is kept as one reference; none, or several, as an immutable array.
    private static IReadOnlyList<string> Compact(ImmutableArray<string> targets) => targets.Length switch
    {
        0 => NoTargets,
        1 => new OneTarget(targets[0]),
        _ => targets,
    };

    /// <summary>Distinguishes several record sets with the same name and type (weighted, latency, … routing). Empty when none.</summary>
    public string SetIdentifier
    {
        get => _rare.SetIdentifier;
        init => _rare = Rare.Of(value ?? string.Empty, _rare.ProviderSpecific);
    }

    /// <summary>The TTL in seconds; 0 means unset (the provider's default applies).</summary>
    public long Ttl { get; init; }

    /// <summary>Whether <see cref="Ttl"/> is configured (greater than zero).</summary>
    [JsonIgnore]
    public bool IsTtlConfigured => Ttl > 0;

    /// <summary>Ownership and other metadata labels, ordered by key (ordinal). Persisted by registries.</summary>
    public IReadOnlyDictionary<string, string> Labels
    {
        get => _labels;
        init => _labels = EndpointLabels.Ordered(value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Provider-specific hints, in order. Not persisted by registries.</summary>
    public IReadOnlyList<ProviderSpecificProperty> ProviderSpecific
    {
        get => _rare.ProviderSpecific;
        init => _rare = Rare.Of(_rare.SetIdentifier, value is ImmutableArray<ProviderSpecificProperty> ? value : ImmutableArray.CreateRange(value ?? throw new ArgumentNullException(nameof(value))));
    }

    /// <summary>The record-set key: normalised name, type and set identifier.</summary>
    [JsonIgnore]
    public EndpointKey Key => new(DnsName, RecordType, SetIdentifier);

    /// <summary>The value of the <c>owner</c> label, or <see langword="null"/> when absent.</summary>
    [JsonIgnore]
    public string? Owner => _labels.TryGetValue(EndpointLabels.OwnerKey, out var owner) ? owner : null;

    /// <summary>Whether the <c>owner</c> label is present and equals <paramref name="ownerId"/> (case-sensitive).</summary>
    /// <param name="ownerId">The owner id.</param>
    /// <returns><see langword="true"/> when owned by <paramref name="ownerId"/>.</returns>
    public bool IsOwnedBy(string ownerId) => _labels.TryGetValue(EndpointLabels.OwnerKey, out var owner) && string.Equals(owner, ownerId, StringComparison.Ordinal);

    /// <summary>Returns a copy with the label set.</summary>
    /// <param name="key">The label key.</param>
    /// <param name="value">The label value.</param>
    /// <returns>The copy.</returns>
    public DnsEndpoint WithLabel(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return Relabelled(_labels.SetItem(key, value));
    }

    /// <summary>Returns a copy without the label.</summary>
    /// <param name="key">The label key.</param>
    /// <returns>The copy, or this instance when the label is absent.</returns>
    public DnsEndpoint WithoutLabel(string key) =>
        _labels.ContainsKey(key) ? Relabelled(_labels.Remove(key)) : this;

    /// <summary>
    /// The record as a DNS server holds it: without labels. Returns this instance when it has none, and otherwise the
    /// same copy every time, so that everything keeping the unlabelled form of one record shares one instance.
    /// </summary>
    /// <returns>The endpoint without labels.</returns>
    public DnsEndpoint WithoutLabels() =>
        _labels.Count == 0 ? this : _withoutLabels ??= this with { Labels = LabelMap.Empty };

    /// <summary>Returns a copy whose labels are replaced.</summary>
    /// <param name="labels">The labels.</param>
    /// <returns>The copy.</returns>
    public DnsEndpoint WithLabels(IReadOnlyDictionary<string, string> labels) => Relabelled(labels);

    /// <summary>
    /// A copy differing only in its labels: its unlabelled form is this instance's (this instance itself when it has no
    /// labels), so labelling a record and stripping the labels again gives back the instance it started from.
    /// </summary>
    private DnsEndpoint Relabelled(IReadOnlyDictionary<string, string> labels)
    {
        var copy = this with { Labels = labels };
        copy._withoutLabels = _labels.Count == 0 ? _withoutLabels ?? this : _withoutLabels;
        return copy;
    }

    /// <summary>Gets a provider-specific property.</summary>
    /// <param name="name">The property name.</param>
    /// <param name="value">Its value when present.</param>
    /// <returns>Whether the property is present.</returns>
    public bool TryGetProviderSpecific(string name, [NotNullWhen(true)] out string? value)
    {
        foreach (var property in _rare.ProviderSpecific)
        {
            if (string.Equals(property.Name, name, StringComparison.Ordinal))
            {
                value = property.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Returns a copy with the property set, replacing it in place when present, appending otherwise.</summary>
    /// <param name="name">The property name.</param>
    /// <param name="value">The property value.</param>
    /// <returns>The copy.</returns>
    public DnsEndpoint WithProviderSpecific(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var list = (ImmutableArray<ProviderSpecificProperty>)_rare.ProviderSpecific;
        for (var i = 0; i < list.Length; i++)
        {
            if (string.Equals(list[i].Name, name, StringComparison.Ordinal))
            {
                return this with { ProviderSpecific = list.SetItem(i, new(name, value)) };
            }
        }

        return this with { ProviderSpecific = list.Add(new(name, value)) };
    }

    /// <summary>Returns a copy without the property.</summary>
    /// <param name="name">The property name.</param>
    /// <returns>The copy, or this instance when the property is absent.</returns>
    public DnsEndpoint WithoutProviderSpecific(string name)
    {
        var list = (ImmutableArray<ProviderSpecificProperty>)_rare.ProviderSpecific;
        for (var i = 0; i < list.Length; i++)
        {
            if (string.Equals(list[i].Name, name, StringComparison.Ordinal))
            {
                return this with { ProviderSpecific = list.RemoveAt(i) };
            }
        }

        return this;
    }

    /// <summary>Whether the endpoint is an alias (provider-specific <c>alias</c> = <c>true</c>, <c>A</c> or <c>AAAA</c>).</summary>
    [JsonIgnore]
    public bool IsAlias => TryGetProviderSpecific(ProviderSpecificNames.Alias, out var alias)
        && (alias is "true" or "A" or "AAAA");

    /// <inheritdoc />
    public bool Equals(DnsEndpoint? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null
            || RecordType != other.RecordType
            || Ttl != other.Ttl
            || !string.Equals(_rare.SetIdentifier, other._rare.SetIdentifier, StringComparison.Ordinal)
            || !DnsNames.AreEqual(_dnsName, other._dnsName)
            || _targets.Count != other._targets.Count
            || _labels.Count != other._labels.Count
            || _rare.ProviderSpecific.Count != other._rare.ProviderSpecific.Count)
        {
            return false;
        }

        for (var i = 0; i < _targets.Count; i++)
        {
            if (!string.Equals(_targets[i], other._targets[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        if (!_labels.SamePairs(other._labels))
        {
            return false;
        }

        for (var i = 0; i < _rare.ProviderSpecific.Count; i++)
        {
            if (_rare.ProviderSpecific[i] != other._rare.ProviderSpecific[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(DnsNames.Normalize(_dnsName), RecordType, _rare.SetIdentifier, Ttl, _targets.Count);

    /// <summary>A compact form: <c>name TYPE [targets] ttl=N set=S {labels}</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(_dnsName).Append(' ').Append(RecordType.Value).Append(" [").AppendJoin(", ", _targets).Append(']');
        if (Ttl != 0)
        {
            sb.Append(" ttl=").Append(Ttl);
        }

        if (_rare.SetIdentifier.Length > 0)
        {
            sb.Append(" set=").Append(_rare.SetIdentifier);
        }

        if (_labels.Count > 0)
        {
            sb.Append(" {").AppendJoin(", ", _labels.Select(l => l.Key + "=" + l.Value)).Append('}');
        }

        if (_rare.ProviderSpecific.Count > 0)
        {
            sb.Append(" ps{").AppendJoin(", ", _rare.ProviderSpecific.Select(p => p.Name + "=" + p.Value)).Append('}');
        }

        return sb.ToString();
    }

    /// <summary>The set identifier and the provider-specific properties of an endpoint; <see cref="None"/> when both are empty.</summary>
    /// <param name="SetIdentifier">The set identifier, empty when none.</param>
    /// <param name="ProviderSpecific">The provider-specific properties, in order.</param>
    private sealed record Rare(string SetIdentifier, IReadOnlyList<ProviderSpecificProperty> ProviderSpecific)
    {
        /// <summary>Neither: shared by nearly every endpoint.</summary>
        public static readonly Rare None = new(string.Empty, NoProviderSpecific);

        /// <summary>The values, as <see cref="None"/> when both are empty.</summary>
        /// <param name="setIdentifier">The set identifier.</param>
        /// <param name="providerSpecific">The provider-specific properties.</param>
        /// <returns>The shared instance or a new one.</returns>
        public static Rare Of(string setIdentifier, IReadOnlyList<ProviderSpecificProperty> providerSpecific) =>
            setIdentifier.Length == 0 && providerSpecific.Count == 0 ? None : new Rare(setIdentifier, providerSpecific);
    }
}
