using System.Globalization;
using System.Text;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.PowerDns.Internal;

/// <summary>
/// Translates endpoint targets to PowerDNS record content and back. PowerDNS accepts content only in its own
/// presentation form (it re-renders what it parsed and refuses anything that differs), so every target is rendered
/// exactly as PowerDNS would render it.
/// </summary>
/// <remarks>
/// <para>Host names (CNAME, DNAME, NS, PTR, ALIAS and the host of MX and SRV) get a trailing dot. IP addresses are
/// written in their canonical text.</para>
/// <para>TXT targets are the record's presentation text, as ExternalDNS keeps them: one or more double-quoted
/// character-strings (<c>"v=spf1 -all"</c>, <c>"part one" "part two"</c>). A target that already is such a sequence
/// is sent with the strings kept verbatim and single spaces between them; any other target is taken as plain text and
/// quoted (<c>"</c> and <c>\</c> escaped, control characters as <c>\DDD</c>). PowerDNS returns the content exactly as
/// sent, so reading gives back the quoted form and a round trip is lossless. Text longer than 255 bytes stays one
/// string here; PowerDNS splits it into 255-byte character-strings on the wire.</para>
/// </remarks>
internal static class PowerDnsContent
{
    /// <summary>The PowerDNS type ExternalDNS writes for alias CNAMEs.</summary>
    public const string AliasType = "ALIAS";

    /// <summary>Renders a target as PowerDNS record content for a record of the given PowerDNS type.</summary>
    /// <param name="powerDnsType">The PowerDNS record type (for example <c>ALIAS</c> for an alias CNAME).</param>
    /// <param name="target">The endpoint target.</param>
    /// <returns>The content.</returns>
    public static string ToContent(string powerDnsType, string target)
    {
        switch (powerDnsType)
        {
            case "TXT":
            case "SPF":
                return ToTxtContent(target);
            case "A":
            case "AAAA":
                var trimmed = target.Trim();
                return DnsTargets.TryParseIp(trimmed, out var ip) ? ip.ToString() : trimmed;
            case "CNAME":
            case "DNAME":
            case "NS":
            case "PTR":
            case AliasType:
                return WithDot(target.Trim());
            case "MX":
                return WithDotOnLastField(target, fields: 2);
            case "SRV":
                return WithDotOnLastField(target, fields: 4);
            default:
                return target.Trim();
        }
    }

    /// <summary>
    /// The target as <see cref="PowerDnsProvider.GetRecordsAsync"/> would return it after a write: the content with
    /// the trailing dot removed where <see cref="DnsEndpoint"/> removes it (every type but TXT, NAPTR and SRV).
    /// </summary>
    /// <param name="recordType">The endpoint's record type.</param>
    /// <param name="powerDnsType">The PowerDNS record type written for it.</param>
    /// <param name="target">The endpoint target.</param>
    /// <returns>The canonical target.</returns>
    public static string CanonicalTarget(RecordType recordType, string powerDnsType, string target)
    {
        var content = ToContent(powerDnsType, target);
        var keepDot = recordType == RecordType.TXT || recordType == RecordType.NAPTR || recordType == RecordType.SRV;
        return !keepDot && content.Length > 1 && content[^1] == '.' ? content[..^1] : content;
    }

    /// <summary>
    /// Whether two lists of targets (or of PowerDNS contents) hold the same values once each is in its canonical form:
    /// compared as sets, TXT exactly, every other type ignoring case.
    /// </summary>
    /// <param name="recordType">The endpoint's record type.</param>
    /// <param name="powerDnsType">The PowerDNS record type.</param>
    /// <param name="first">The first list.</param>
    /// <param name="second">The second list.</param>
    /// <returns><see langword="true"/> when both hold the same values.</returns>
    public static bool SameTargets(RecordType recordType, string powerDnsType, IEnumerable<string> first, IEnumerable<string> second)
    {
        var comparer = recordType == RecordType.TXT ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        var set = new HashSet<string>(first.Select(t => CanonicalTarget(recordType, powerDnsType, t)), comparer);
        return set.SetEquals(second.Select(t => CanonicalTarget(recordType, powerDnsType, t)));
    }

    /// <summary>Renders a TXT target as quoted character-strings (see the type's remarks).</summary>
    /// <param name="target">The target: quoted presentation text, or plain text.</param>
    /// <returns>The content.</returns>
    public static string ToTxtContent(string target) =>
        TryNormalizeQuoted(target, out var normalized) ? normalized : Quote(target);

    private static bool TryNormalizeQuoted(string text, out string normalized)
    {
        normalized = string.Empty;
        var span = text.AsSpan().Trim();
        if (span.Length < 2 || span[0] != '"')
        {
            return false;
        }

        var builder = new StringBuilder(span.Length);
        var i = 0;
        while (i < span.Length)
        {
            if (span[i] != '"')
            {
                return false;
            }

            var start = i++;
            var closed = false;
            while (i < span.Length)
            {
                var c = span[i];
                if (c == '\\')
                {
                    if (i + 1 >= span.Length)
                    {
                        return false;
                    }

                    i += 2;
                    continue;
                }

                i++;
                if (c == '"')
                {
                    closed = true;
                    break;
                }
            }

            if (!closed)
            {
                return false;
            }

            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(span[start..i]);
            while (i < span.Length && (span[i] == ' ' || span[i] == '\t'))
            {
                i++;
            }
        }

        normalized = builder.ToString();
        return true;
    }

    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < ' ' || c == '\x7f')
            {
                builder.Append('\\').Append(((int)c).ToString("D3", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }

    private static string WithDot(string host) => host.Length == 0 || host[^1] == '.' ? host : host + ".";

    private static string WithDotOnLastField(string target, int fields)
    {
        var parts = target.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != fields)
        {
            // Not the expected shape: send it as given and let PowerDNS say what is wrong.
            return target.Trim();
        }

        parts[^1] = WithDot(parts[^1]);
        return string.Join(' ', parts);
    }
}
