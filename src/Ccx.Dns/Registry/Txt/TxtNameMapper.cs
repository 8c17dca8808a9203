using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Registry.Txt;

/// <summary>
/// Maps record names to the names of their ownership TXT records and back, byte-compatibly with ExternalDNS's
/// affix name mapper (<c>--txt-prefix</c>, <c>--txt-suffix</c>, <c>%{record_type}</c>,
/// <c>--txt-wildcard-replacement</c>). Only the typed ("new") format is produced; both the typed and the
/// legacy untyped format are read.
/// </summary>
/// <remarks>
/// Examples with no affix: <c>foo.example.com</c> A → <c>a-foo.example.com</c>; CNAME → <c>cname-foo.example.com</c>.
/// With prefix <c>txt.</c>: <c>txt.cname-foo.example.com</c>. With suffix <c>-%{record_type}</c>:
/// <c>foo-cname.example.com</c>. Instances are immutable and thread-safe.
/// </remarks>
public sealed class TxtNameMapper
{
    /// <summary>The template replaced by the lower-case record type in a prefix or suffix.</summary>
    public const string RecordTypeTemplate = "%{record_type}";

    /// <summary>The largest length of one DNS label in bytes.</summary>
    public const int MaxLabelLength = 63;

    /// <summary>The largest length of a DNS name in bytes, written without the trailing dot.</summary>
    public const int MaxNameLength = 253;

    // ExternalDNS's order (A, AAAA, CNAME, NS, MX, PTR, SRV, NAPTR, TXT, DNAME); CAA is appended so that this
    // library can also own CAA records (ExternalDNS reads a caa- TXT as a legacy name, which is harmless).
    private static readonly RecordType[] SupportedTypes =
    [
        RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.NS, RecordType.MX, RecordType.PTR,
        RecordType.SRV, RecordType.NAPTR, RecordType.TXT, RecordType.DNAME, RecordType.CAA,
    ];

#pragma warning disable CA1308 // ExternalDNS writes the record type in lower case.
    private static readonly string[] LowerCaseTypes = [.. SupportedTypes.Select(t => t.Value.ToLowerInvariant())];
#pragma warning restore CA1308

    private readonly bool _typeInAffix;

    /// <summary>Creates a mapper.</summary>
    /// <param name="prefix">The TXT name prefix, possibly containing <see cref="RecordTypeTemplate"/>; lower-cased.</param>
    /// <param name="suffix">The TXT name suffix (applied to the first label), possibly templated; lower-cased.</param>
    /// <param name="wildcardReplacement">Replaces a leading <c>*</c> label in TXT names; lower-cased.</param>
    /// <exception cref="ArgumentException">Both a prefix and a suffix are given.</exception>
    public TxtNameMapper(string? prefix = null, string? suffix = null, string? wildcardReplacement = null)
    {
#pragma warning disable CA1308 // ExternalDNS lower-cases affixes; DNS names are conventionally lower-case.
        Prefix = (prefix ?? string.Empty).ToLowerInvariant();
        Suffix = (suffix ?? string.Empty).ToLowerInvariant();
        WildcardReplacement = (wildcardReplacement ?? string.Empty).ToLowerInvariant();
#pragma warning restore CA1308
        if (Prefix.Length > 0 && Suffix.Length > 0)
        {
            throw new ArgumentException("the TXT prefix and the TXT suffix are mutually exclusive", nameof(suffix));
        }

        _typeInAffix = Prefix.Contains(RecordTypeTemplate, StringComparison.Ordinal)
            || Suffix.Contains(RecordTypeTemplate, StringComparison.Ordinal);
    }

    /// <summary>The lower-case prefix; empty when none.</summary>
    public string Prefix { get; }

    /// <summary>The lower-case suffix; empty when none.</summary>
    public string Suffix { get; }

    /// <summary>Whether the prefix or suffix contains <see cref="RecordTypeTemplate"/>.</summary>
    public bool HasRecordTypeTemplate => _typeInAffix;

    /// <summary>The lower-case wildcard replacement; empty when none.</summary>
    public string WildcardReplacement { get; }

    /// <summary>
    /// The name of the ownership TXT record of a record, in the typed format ExternalDNS writes. The limits of DNS
    /// are not checked here; see <see cref="TryGetTxtName"/>.
    /// </summary>
    /// <param name="dnsName">The owned record's name.</param>
    /// <param name="recordType">The owned record's type.</param>
    /// <returns>The TXT name.</returns>
    public string ToTxtName(string dnsName, RecordType recordType)
    {
        ArgumentNullException.ThrowIfNull(dnsName);
        var name = DnsNames.ToAscii(dnsName);
        var type = LowerCase(recordType);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var first = dot < 0 ? name.AsSpan() : name.AsSpan(0, dot);
        var rest = dot < 0 ? [] : name.AsSpan(dot);
        if (WildcardReplacement.Length > 0 && first is "*")
        {
            first = WildcardReplacement;
        }

        if (!_typeInAffix)
        {
            // The common case: no affix, "<type>-<first label><rest>".
            if (Prefix.Length == 0 && Suffix.Length == 0)
            {
                return string.Concat(type, "-", first, rest);
            }

            return string.Concat(Prefix, type, "-", first) + string.Concat(Suffix, rest);
        }

        var prefix = Prefix.Replace(RecordTypeTemplate, type, StringComparison.Ordinal);
        var suffix = Suffix.Replace(RecordTypeTemplate, type, StringComparison.Ordinal);
        return string.Concat(prefix, first, suffix, rest);
    }

    /// <summary>
    /// The name of the ownership TXT record of a record, when it fits DNS limits (labels of 1 to 63 bytes, a name
    /// of at most 253 bytes). ExternalDNS silently writes no TXT record for names that do not fit.
    /// </summary>
    /// <param name="dnsName">The owned record's name.</param>
    /// <param name="recordType">The owned record's type.</param>
    /// <param name="txtName">The TXT name when it fits.</param>
    /// <param name="reason">Why it does not fit, otherwise <see langword="null"/>.</param>
    /// <returns>Whether the TXT name fits DNS limits.</returns>
    public bool TryGetTxtName(string dnsName, RecordType recordType, [NotNullWhen(true)] out string? txtName, [NotNullWhen(false)] out string? reason)
    {
        var candidate = ToTxtName(dnsName, recordType);
        reason = CheckLimits(candidate);
        txtName = reason is null ? candidate : null;
        return reason is null;
    }

    /// <summary>
    /// Maps an ownership TXT record name back to the name and type of the record it owns, as ExternalDNS does. The
    /// name is lower-cased first. A leading wildcard replacement is not reversed.
    /// </summary>
    /// <param name="txtName">The TXT record name.</param>
    /// <param name="owned">
    /// The owned name and type; the type is <see langword="null"/> for the legacy untyped format.
    /// </param>
    /// <returns>Whether the name fits the configured prefix or suffix.</returns>
    public bool TryParseTxtName(string txtName, out TxtOwnedName owned)
    {
        ArgumentNullException.ThrowIfNull(txtName);
        owned = default;
#pragma warning disable CA1308 // ExternalDNS lower-cases TXT names before mapping them.
        var name = DnsNames.ToAscii(txtName).ToLowerInvariant();
#pragma warning restore CA1308
        if (Suffix.Length == 0)
        {
            return TryDropAffix(name, out owned);
        }

        // The suffix applies to the first label, so the first (dots in suffix + 1) labels carry it.
        var dots = Suffix.Count(c => c == '.');
        var parts = name.Split('.', dots + 2);
        if (parts.Length < dots + 1)
        {
            return false;
        }

        var head = string.Join('.', parts, 0, dots + 1);
        if (!TryDropAffix(head, out var headOwned))
        {
            return false;
        }

        owned = parts.Length > dots + 1 ? headOwned with { DnsName = headOwned.DnsName + "." + parts[dots + 1] } : headOwned;
        return true;
    }

    /// <summary>
    /// What <see cref="TryParseTxtName"/> gives for <paramref name="txtName"/> when that is the name
    /// <see cref="ToTxtName"/> gives <paramref name="ownedName"/> with no prefix, suffix or wildcard replacement in play
    /// and a lower-case ASCII owned name (the common case: the registry reading back what it wrote), found without
    /// building a string; <see langword="false"/> otherwise (then parse).
    /// </summary>
    /// <param name="txtName">The TXT record name.</param>
    /// <param name="ownedName">The name of the record it was written for.</param>
    /// <param name="recordType">The owned type; when true, <see cref="TryParseTxtName"/> gives (<paramref name="ownedName"/>, this type).</param>
    /// <returns>Whether the shortcut applies.</returns>
    internal bool TryParseTxtNameOf(string txtName, string ownedName, [NotNullWhen(true)] out RecordType? recordType)
    {
        recordType = null;
        if (Prefix.Length > 0 || Suffix.Length > 0 || ownedName.Length == 0 || ownedName.EndsWith('.')
            || (WildcardReplacement.Length > 0 && ownedName.StartsWith('*'))
            || !txtName.EndsWith(ownedName, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in ownedName)
        {
            // Non-ASCII, upper case, and white space or control characters (which the name's own trimming would change).
            if (c > 0x7f || c <= ' ' || char.IsAsciiLetterUpper(c))
            {
                return false;
            }
        }

        // "<type>-<owned name>", the type one ExternalDNS writes: the parse lower-cases the name (the owned part already
        // is), drops no affix and takes the type before the first dash.
        var dash = txtName.Length - ownedName.Length - 1;
        if (dash <= 0 || txtName[dash] != '-' || txtName.AsSpan(0, dash).Contains('-') || !Ascii.IsValid(txtName.AsSpan(0, dash)))
        {
            return false;
        }

        var piece = txtName.AsSpan(0, dash);
        foreach (var type in SupportedTypes)
        {
            if (piece.Equals(type.Value, StringComparison.OrdinalIgnoreCase))
            {
                recordType = type;
                return true;
            }
        }

        return false;
    }

    /// <summary>Checks a name against DNS limits.</summary>
    /// <param name="name">The name without a trailing dot.</param>
    /// <returns>The reason it does not fit, or <see langword="null"/> when it fits.</returns>
    internal static string? CheckLimits(string name)
    {
        // Names here are ASCII (DnsEndpoint maps IDNs to punycode), so characters are bytes; anything else is
        // measured in UTF-8 on the slow path.
        if (!System.Text.Ascii.IsValid(name))
        {
            return CheckLimitsUtf8(name);
        }

        if (name.Length > MaxNameLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the ownership TXT name {name} is {name.Length} bytes long; DNS allows at most {MaxNameLength}");
        }

        var start = 0;
        while (true)
        {
            var dot = name.IndexOf('.', start);
            var end = dot < 0 ? name.Length : dot;
            if (end - start > MaxLabelLength)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the ownership TXT name {name} has a label of {end - start} bytes ('{name[start..end]}'); DNS allows at most {MaxLabelLength}");
            }

            if (end == start)
            {
                return $"the ownership TXT name {name} has an empty label";
            }

            if (dot < 0)
            {
                return null;
            }

            start = dot + 1;
        }
    }

    private static string? CheckLimitsUtf8(string name)
    {
        var length = Encoding.UTF8.GetByteCount(name);
        if (length > MaxNameLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the ownership TXT name {name} is {length} bytes long; DNS allows at most {MaxNameLength}");
        }

        foreach (var label in name.Split('.'))
        {
            var labelLength = Encoding.UTF8.GetByteCount(label);
            if (labelLength > MaxLabelLength)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the ownership TXT name {name} has a label of {labelLength} bytes ('{label}'); DNS allows at most {MaxLabelLength}");
            }

            if (labelLength == 0)
            {
                return $"the ownership TXT name {name} has an empty label";
            }
        }

        return null;
    }

    private bool TryDropAffix(string name, out TxtOwnedName owned)
    {
        var prefix = Prefix;
        var suffix = Suffix;
        if (_typeInAffix)
        {
            foreach (var type in SupportedTypes)
            {
                var lower = LowerCase(type);
                if (suffix.Length == 0)
                {
                    var expanded = prefix.Replace(RecordTypeTemplate, lower, StringComparison.Ordinal);
                    if (name.StartsWith(expanded, StringComparison.Ordinal))
                    {
                        owned = new TxtOwnedName(name[expanded.Length..], type);
                        return true;
                    }
                }
                else
                {
                    var expanded = suffix.Replace(RecordTypeTemplate, lower, StringComparison.Ordinal);
                    if (name.EndsWith(expanded, StringComparison.Ordinal))
                    {
                        owned = new TxtOwnedName(name[..^expanded.Length], type);
                        return true;
                    }
                }
            }

            // Legacy records written before the template was configured.
            prefix = prefix.Replace(RecordTypeTemplate, string.Empty, StringComparison.Ordinal);
            suffix = suffix.Replace(RecordTypeTemplate, string.Empty, StringComparison.Ordinal);
        }

        if (suffix.Length == 0)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                owned = ExtractTypeAtDefaultPosition(name[prefix.Length..]);
                return true;
            }
        }
        else if (name.EndsWith(suffix, StringComparison.Ordinal))
        {
            owned = ExtractTypeAtDefaultPosition(name[..^suffix.Length]);
            return true;
        }

        owned = default;
        return false;
    }

    private static string LowerCase(RecordType type)
    {
        for (var i = 0; i < SupportedTypes.Length; i++)
        {
            if (SupportedTypes[i] == type)
            {
                return LowerCaseTypes[i];
            }
        }

#pragma warning disable CA1308 // ExternalDNS writes the record type in lower case.
        return type.Value.ToLowerInvariant();
#pragma warning restore CA1308
    }

    private static TxtOwnedName ExtractTypeAtDefaultPosition(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            var piece = name.AsSpan(0, dash);
            foreach (var type in SupportedTypes)
            {
                if (piece.Equals(type.Value, StringComparison.OrdinalIgnoreCase))
                {
                    return new TxtOwnedName(name[(dash + 1)..], type);
                }
            }
        }

        return new TxtOwnedName(name, null);
    }
}

/// <summary>The record an ownership TXT name refers to.</summary>
/// <param name="DnsName">The owned record's name, lower-case.</param>
/// <param name="RecordType">The owned record's type; <see langword="null"/> for the legacy untyped format.</param>
public readonly record struct TxtOwnedName(string DnsName, RecordType? RecordType);
