using System.Collections.Immutable;
using System.Globalization;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.PowerDns.Internal;

/// <summary>A well-formed RRset as read from PowerDNS.</summary>
/// <param name="Name">The owner name, normalised (lower case, no trailing dot).</param>
/// <param name="Type">The PowerDNS type mnemonic, upper case (<c>ALIAS</c> for alias CNAMEs).</param>
/// <param name="Ttl">The TTL; 0 when PowerDNS sent none.</param>
/// <param name="Contents">The contents of the enabled records, in the server's order.</param>
/// <param name="RecordCount">How many records the RRset has, disabled ones included.</param>
internal sealed record PowerDnsRecordSet(string Name, string Type, long Ttl, ImmutableArray<string> Contents, int RecordCount)
{
    /// <summary>The RRset's key: name and type.</summary>
    public string Key => PowerDnsRecordSets.Key(Name, Type);
}

/// <summary>An entry of a zone's <c>rrsets</c> that is not a well-formed RRset.</summary>
/// <param name="Name">The normalised owner name, when the entry has a usable one.</param>
/// <param name="Type">The upper-case type, when the entry has a usable one.</param>
/// <param name="Problem">What is wrong with it.</param>
internal sealed record PowerDnsMalformedRecordSet(string? Name, string? Type, string Problem)
{
    /// <summary>The entry as an operator would look for it, with what is wrong.</summary>
    /// <returns>For example <c>rrset www.example.org/A: a record's content is null</c>.</returns>
    public override string ToString() =>
        $"rrset {Name ?? "(no name)"}/{Type ?? "(no type)"}: {Problem}";
}

/// <summary>
/// The RRsets of one zone answer, checked: every entry is either a well-formed <see cref="PowerDnsRecordSet"/> or a
/// <see cref="PowerDnsMalformedRecordSet"/> saying what is wrong with it (a missing or <see langword="null"/> name, type,
/// record list, record or content, or a value of the wrong JSON type).
/// </summary>
internal sealed class PowerDnsRecordSets
{
    private readonly Dictionary<string, PowerDnsRecordSet> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _typesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PowerDnsMalformedRecordSet> _malformedByName = new(StringComparer.Ordinal);

    /// <summary>The well-formed RRsets, in the server's order.</summary>
    public List<PowerDnsRecordSet> Valid { get; } = [];

    /// <summary>The entries that are not well-formed RRsets.</summary>
    public List<PowerDnsMalformedRecordSet> Malformed { get; } = [];

    /// <summary>Whether some malformed entry has no usable name, so that it cannot be placed at any name.</summary>
    public bool HasUnnamedMalformed { get; private set; }

    /// <summary>The key of an RRset: normalised name and upper-case type.</summary>
    /// <param name="name">The normalised name.</param>
    /// <param name="type">The upper-case type.</param>
    /// <returns><c>name/TYPE</c>.</returns>
    public static string Key(string name, string type) => name + "/" + type;

    /// <summary>Checks the RRsets of a zone answer.</summary>
    /// <param name="list">The <c>rrsets</c> array as read.</param>
    /// <returns>The checked RRsets.</returns>
    public static PowerDnsRecordSets Check(PowerDnsRrSetList list)
    {
        var result = new PowerDnsRecordSets();
        result.Add(list, queriedName: null);
        return result;
    }

    /// <summary>Checks and adds the RRsets of a zone answer.</summary>
    /// <param name="list">The <c>rrsets</c> array as read.</param>
    /// <param name="queriedName">The normalised name the read asked for (<c>rrset_name</c>), to which a malformed entry
    /// without a usable name is attributed; <see langword="null"/> for a whole-zone read.</param>
    public void Add(PowerDnsRrSetList list, string? queriedName)
    {
        foreach (var entry in list.Entries)
        {
            var name = string.IsNullOrWhiteSpace(entry.Name) ? null : DnsNames.Normalize(entry.Name);
            var type = string.IsNullOrWhiteSpace(entry.Type) ? null : entry.Type.Trim().ToUpperInvariant();
            var problem = entry.Problem ?? Problem(entry.RrSet, name, type);
            if (problem is not null || entry.RrSet is null || name is null || type is null)
            {
                var malformed = new PowerDnsMalformedRecordSet(name ?? queriedName, type, problem ?? "the entry is not an RRset");
                Malformed.Add(malformed);
                if (malformed.Name is null)
                {
                    HasUnnamedMalformed = true;
                }
                else
                {
                    _malformedByName.TryAdd(malformed.Name, malformed);
                }

                continue;
            }

            var records = entry.RrSet.Records!;
            var contents = ImmutableArray.CreateBuilder<string>(records.Count);
            foreach (var record in records)
            {
                if (!record!.Disabled)
                {
                    contents.Add(record.Content!);
                }
            }

            var rrset = new PowerDnsRecordSet(name, type, entry.RrSet.Ttl ?? 0, contents.ToImmutable(), records.Count);
            if (_byKey.TryAdd(rrset.Key, rrset))
            {
                Valid.Add(rrset);
                if (!_typesByName.TryGetValue(name, out var types))
                {
                    _typesByName.Add(name, types = []);
                }

                types.Add(type);
            }
        }
    }

    /// <summary>A malformed entry at a name (whatever its type), if any.</summary>
    /// <param name="name">The normalised name.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public PowerDnsMalformedRecordSet? MalformedAt(string name) => _malformedByName.GetValueOrDefault(name);

    /// <summary>The well-formed RRset with this name and type, if any.</summary>
    /// <param name="name">The normalised name.</param>
    /// <param name="type">The upper-case type.</param>
    /// <returns>The RRset, or <see langword="null"/>.</returns>
    public PowerDnsRecordSet? Find(string name, string type) => _byKey.GetValueOrDefault(Key(name, type));

    /// <summary>The types of the well-formed RRsets at a name (disabled-only RRsets included).</summary>
    /// <param name="name">The normalised name.</param>
    /// <returns>The upper-case types.</returns>
    public IReadOnlyList<string> TypesAt(string name) => _typesByName.TryGetValue(name, out var types) ? types : [];

    /// <summary>Up to <paramref name="max"/> malformed entries as text, for a log line.</summary>
    /// <param name="max">How many to describe.</param>
    /// <returns>The description.</returns>
    public string DescribeMalformed(int max = 5)
    {
        var shown = string.Join("; ", Malformed.Take(max));
        return Malformed.Count > max
            ? shown + string.Create(CultureInfo.InvariantCulture, $"; and {Malformed.Count - max} more")
            : shown;
    }

    private static string? Problem(PowerDnsRrSet? rrset, string? name, string? type)
    {
        if (rrset is null)
        {
            return "the entry is null";
        }

        if (name is null)
        {
            return rrset.Name is null ? "the name is missing or null" : "the name is empty";
        }

        if (type is null)
        {
            return rrset.Type is null ? "the type is missing or null" : "the type is empty";
        }

        if (rrset.Records is null)
        {
            return "the record list is missing or null";
        }

        foreach (var record in rrset.Records)
        {
            if (record is null)
            {
                return "the record list holds a null";
            }

            if (record.Content is null)
            {
                return "a record's content is missing or null";
            }
        }

        return null;
    }
}
