using System.Globalization;
using System.Net.Sockets;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Rfc2136.Wire;

/// <summary>
/// Maps between endpoint targets and record data, in the text forms ExternalDNS uses: A/AAAA the address,
/// CNAME/NS/PTR/DNAME the host name, TXT the text content (one surrounding pair of double quotes is dropped on
/// the way in), MX <c>"preference host"</c>, SRV <c>"priority weight port host."</c>, CAA
/// <c>flags tag "value"</c>. Other types read from a zone are returned with their presentation text.
/// </summary>
internal static class Rfc2136RecordMapper
{
    /// <summary>The wire type of an endpoint record type.</summary>
    /// <param name="type">The record type.</param>
    /// <param name="wireType">The wire type when known.</param>
    /// <returns>Whether the type has a known wire value.</returns>
    public static bool TryGetWireType(RecordType type, out DnsRecordType wireType)
    {
        var value = type.Value;
        if (value.StartsWith("TYPE", StringComparison.Ordinal)
            && ushort.TryParse(value.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            wireType = (DnsRecordType)number;
            return true;
        }

        if (value.Length > 0 && char.IsAsciiLetterUpper(value[0]) && Enum.TryParse(value, ignoreCase: false, out wireType)
            && wireType is not (DnsRecordType.TSIG or DnsRecordType.OPT or DnsRecordType.AXFR or DnsRecordType.IXFR or DnsRecordType.ANY))
        {
            return true;
        }

        wireType = default;
        return false;
    }

    /// <summary>The endpoint record type of a wire type (<c>TYPEnnn</c> when the codec has no mnemonic).</summary>
    /// <param name="type">The wire type.</param>
    /// <returns>The record type.</returns>
    public static RecordType ToRecordType(DnsRecordType type) =>
        Enum.IsDefined(type) ? new RecordType(type.ToString()) : new RecordType("TYPE" + ((ushort)type).ToString(CultureInfo.InvariantCulture));

    /// <summary>Parses an endpoint target into record data.</summary>
    /// <param name="type">The endpoint record type.</param>
    /// <param name="target">The target text.</param>
    /// <param name="wireType">The wire type.</param>
    /// <param name="data">The data.</param>
    /// <param name="error">Why the target was refused.</param>
    /// <returns>Whether the target is valid.</returns>
    public static bool TryParseTarget(RecordType type, string target, out DnsRecordType wireType, out DnsRecordData data, out string error)
    {
        data = EmptyRecordData.Instance;
        error = string.Empty;
        if (!TryGetWireType(type, out wireType))
        {
            error = $"record type {type} is not supported by the RFC 2136 provider";
            return false;
        }

        try
        {
            switch (wireType)
            {
                case DnsRecordType.A:
                case DnsRecordType.AAAA:
                    var family = wireType == DnsRecordType.A ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                    if (!DnsTargets.TryParseIp(target, out var address) || address.AddressFamily != family)
                    {
                        error = $"'{target}' is not an {(wireType == DnsRecordType.A ? "IPv4" : "IPv6")} address";
                        return false;
                    }

                    data = new AddressRecordData(address);
                    return true;
                case DnsRecordType.CNAME:
                case DnsRecordType.NS:
                case DnsRecordType.PTR:
                case DnsRecordType.DNAME:
                    data = new NameRecordData(Name(target));
                    return true;
                case DnsRecordType.TXT:
                    data = new TxtRecordData(Unquote(target));
                    return true;
                case DnsRecordType.MX:
                {
                    var parts = Split(target, 2);
                    if (parts is null || !ushort.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var preference))
                    {
                        error = $"MX target '{target}' is not 'preference host'";
                        return false;
                    }

                    data = new MxRecordData(preference, Name(parts[1]));
                    return true;
                }

                case DnsRecordType.SRV:
                {
                    var parts = Split(target, 4);
                    if (parts is null
                        || !ushort.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var priority)
                        || !ushort.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight)
                        || !ushort.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                    {
                        error = $"SRV target '{target}' is not 'priority weight port host'";
                        return false;
                    }

                    data = new SrvRecordData(priority, weight, port, Name(parts[3]));
                    return true;
                }

                case DnsRecordType.CAA:
                {
                    var text = target.Trim();
                    var first = text.IndexOf(' ', StringComparison.Ordinal);
                    var second = first < 0 ? -1 : text.IndexOf(' ', first + 1);
                    if (second < 0 || !byte.TryParse(text.AsSpan(0, first), NumberStyles.None, CultureInfo.InvariantCulture, out var flags))
                    {
                        error = $"CAA target '{target}' is not 'flags tag value'";
                        return false;
                    }

                    var tag = text[(first + 1)..second];
                    var value = text[(second + 1)..].Trim();
                    if (tag.Length == 0 || !tag.All(char.IsAsciiLetterOrDigit))
                    {
                        error = $"CAA tag '{tag}' must be letters and digits";
                        return false;
                    }

                    data = new CaaRecordData(flags, tag, UnquoteCaa(value));
                    return true;
                }

                default:
                    error = $"record type {type} cannot be written by the RFC 2136 provider (supported: A, AAAA, CNAME, TXT, MX, SRV, NS, PTR, DNAME, CAA)";
                    return false;
            }
        }
        catch (DnsFormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Parses the target of a record set as read from the server (the old value of an update or a delete) into
    /// record data: the forms <see cref="TryParseTarget"/> accepts and, for any type, RFC 3597's generic form
    /// <c>\# length hex</c>, in which records of types this codec does not interpret are read.
    /// </summary>
    /// <param name="type">The endpoint record type.</param>
    /// <param name="target">The target text.</param>
    /// <param name="wireType">The wire type.</param>
    /// <param name="data">The data.</param>
    /// <param name="error">Why the target was refused.</param>
    /// <returns>Whether the target could be encoded.</returns>
    public static bool TryParseExisting(RecordType type, string target, out DnsRecordType wireType, out DnsRecordData data, out string error)
    {
        if (TryParseTarget(type, target, out wireType, out data, out error))
        {
            return true;
        }

        if (TryGetWireType(type, out wireType) && TryParseGeneric(target, out var bytes))
        {
            data = new UnknownRecordData(bytes);
            error = string.Empty;
            return true;
        }

        return false;
    }

    /// <summary>Parses RFC 3597's generic RDATA form: <c>\# length</c> followed by that many bytes in hex (spaces allowed).</summary>
    /// <param name="text">The text.</param>
    /// <param name="bytes">The data.</param>
    /// <returns>Whether the text is in that form and its length matches.</returns>
    public static bool TryParseGeneric(string text, out byte[] bytes)
    {
        bytes = [];
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length < 2 || parts[0] != "\\#" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > ushort.MaxValue)
        {
            return false;
        }

        var hex = string.Concat(parts.Skip(2));
        if (hex.Length != length * 2)
        {
            return false;
        }

        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The target text of a record, as <see cref="TryParseTarget"/> reads it back.</summary>
    /// <param name="data">The record data.</param>
    /// <returns>The target.</returns>
    public static string ToTarget(DnsRecordData data) => data switch
    {
        AddressRecordData a => a.Address.ToString(),
        NameRecordData n => n.Target,
        TxtRecordData t => t.Text,
        MxRecordData m => string.Create(CultureInfo.InvariantCulture, $"{m.Preference} {m.Exchange}"),
        SrvRecordData s => string.Create(CultureInfo.InvariantCulture, $"{s.Priority} {s.Weight} {s.Port} {(s.Target == "." ? "." : s.Target + ".")}"),
        _ => data.ToString() ?? string.Empty,
    };

    /// <summary>Drops one pair of surrounding double quotes (ExternalDNS registry TXT targets are quoted).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text without the quotes.</returns>
    public static string Unquote(string text) =>
        text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text;

    private static string UnquoteCaa(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            return value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        }

        return value;
    }

    private static string Name(string host)
    {
        var name = host.Trim();
        if (name.Length == 0)
        {
            throw new DnsFormatException("the host name is empty");
        }

        _ = DnsNameText.ToLabels(name);
        return DnsNameText.TrimDot(name);
    }

    private static string[]? Split(string target, int count)
    {
        var parts = target.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == count ? parts : null;
    }
}
