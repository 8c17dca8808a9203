using System.Net;
using System.Net.Sockets;

namespace Ccx.Dns.Endpoints;

/// <summary>
/// Comparison rules for endpoint targets, as ExternalDNS defines them: order-insensitive, case-insensitive,
/// IP addresses compared by their canonical form — checked over every element (ExternalDNS stops at the
/// first IP pair).
/// </summary>
public static class DnsTargets
{
    /// <summary>Whether two target lists denote the same set of targets.</summary>
    /// <param name="left">The first list.</param>
    /// <param name="right">The second list.</param>
    /// <returns><see langword="true"/> when they are the same.</returns>
    public static bool Same(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.Count != right.Count)
        {
            return false;
        }

        if (left.Count == 1)
        {
            return SameTarget(left[0], right[0]);
        }

        if (left.Count == 0)
        {
            return true;
        }

        var l = CanonicalSorted(left);
        var r = CanonicalSorted(right);
        for (var i = 0; i < l.Length; i++)
        {
            if (!string.Equals(l[i], r[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether two target lists of a record type denote the same set of targets: TXT text is compared exactly
    /// (its case is data), every other type as <see cref="Same(IReadOnlyList{string}, IReadOnlyList{string})"/> does.
    /// </summary>
    /// <param name="left">The first list.</param>
    /// <param name="right">The second list.</param>
    /// <param name="recordType">The record type both lists belong to.</param>
    /// <returns><see langword="true"/> when they are the same.</returns>
    public static bool Same(IReadOnlyList<string> left, IReadOnlyList<string> right, RecordType recordType)
    {
        if (recordType != RecordType.TXT)
        {
            return Same(left, right);
        }

        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.Count != right.Count)
        {
            return false;
        }

        if (left.Count == 1)
        {
            return string.Equals(left[0], right[0], StringComparison.Ordinal);
        }

        var l = left.Order(StringComparer.Ordinal).ToArray();
        var r = right.Order(StringComparer.Ordinal).ToArray();
        return l.AsSpan().SequenceEqual(r);
    }

    /// <summary>The canonical text of a target of a record type: TXT text as it is, others as <see cref="Canonical(string)"/>.</summary>
    /// <param name="target">The target.</param>
    /// <param name="recordType">The record type it belongs to.</param>
    /// <returns>The canonical text.</returns>
    public static string Canonical(string target, RecordType recordType)
    {
        ArgumentNullException.ThrowIfNull(target);
        return recordType == RecordType.TXT ? target : Canonical(target);
    }

    /// <summary>
    /// The conflict-resolution order of ExternalDNS (<c>Targets.IsLess</c>): a shorter list is less; lists of
    /// equal length are sorted and compared at the first differing element, IP addresses before names and in
    /// numeric order (IPv4 before IPv6), names ordinally.
    /// </summary>
    /// <param name="left">The first list.</param>
    /// <param name="right">The second list.</param>
    /// <returns>Whether <paramref name="left"/> is strictly less than <paramref name="right"/>.</returns>
    public static bool IsLess(IReadOnlyList<string> left, IReadOnlyList<string> right) => Compare(left, right) < 0;

    /// <summary>A total order consistent with <see cref="IsLess"/>.</summary>
    /// <param name="left">The first list.</param>
    /// <param name="right">The second list.</param>
    /// <returns>Negative, zero or positive.</returns>
    public static int Compare(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.Count != right.Count)
        {
            return left.Count < right.Count ? -1 : 1;
        }

        if (left.Count == 1)
        {
            return CompareElement(left[0], right[0]);
        }

        var l = SortedForOrder(left);
        var r = SortedForOrder(right);
        for (var i = 0; i < l.Length; i++)
        {
            var c = CompareElement(l[i], r[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    /// <summary>
    /// Whether the text is an IP address as <see cref="TryParseIp"/> defines it, and of which family, without
    /// allocating for IPv4.
    /// </summary>
    /// <param name="value">The text.</param>
    /// <param name="family"><see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/> when it is an address.</param>
    /// <returns>Whether the text is an IP address.</returns>
    public static bool IsIpAddress(string? value, out AddressFamily family)
    {
        family = AddressFamily.Unknown;
        if (string.IsNullOrEmpty(value) || value.Length > 45)
        {
            return false;
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            if (TryParseIp(value, out _))
            {
                family = AddressFamily.InterNetworkV6;
                return true;
            }

            return false;
        }

        if (IsDottedQuad(value))
        {
            family = AddressFamily.InterNetwork;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Parses an IP address the way Go's <c>net.ParseIP</c> does: dotted-quad IPv4 without leading zeros, or
    /// IPv6 text without a zone.
    /// </summary>
    /// <param name="value">The text.</param>
    /// <param name="address">The address when parsed.</param>
    /// <returns>Whether the text is an IP address.</returns>
    public static bool TryParseIp(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(value) || value.Length > 45)
        {
            return false;
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            return !value.Contains('%', StringComparison.Ordinal)
                && IPAddress.TryParse(value, out address)
                && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return IsDottedQuad(value) && IPAddress.TryParse(value, out address);
    }

    /// <summary>The canonical text of a target: the canonical address for an IP, the lower-case text otherwise.</summary>
    /// <param name="target">The target.</param>
    /// <returns>The canonical text.</returns>
    public static string Canonical(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (TryParseIp(target, out var ip))
        {
            return ip.ToString();
        }

#pragma warning disable CA1308 // comparison key
        return target.ToLowerInvariant();
#pragma warning restore CA1308
    }

    private static bool IsDottedQuad(string value)
    {
        var span = value.AsSpan();
        var parts = 0;
        while (true)
        {
            var dot = span.IndexOf('.');
            var part = dot < 0 ? span : span[..dot];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var octet = 0;
            foreach (var c in part)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }

                octet = (octet * 10) + (c - '0');
            }

            if (octet > 255)
            {
                return false;
            }

            parts++;
            if (dot < 0)
            {
                return parts == 4;
            }

            if (parts == 4)
            {
                return false;
            }

            span = span[(dot + 1)..];
        }
    }

    private static bool SameTarget(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return TryParseIp(a, out var x) && TryParseIp(b, out var y) && x.Equals(y);
    }

    private static string[] CanonicalSorted(IReadOnlyList<string> list)
    {
        var result = new string[list.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Canonical(list[i]);
        }

        Array.Sort(result, StringComparer.Ordinal);
        return result;
    }

    private static string[] SortedForOrder(IReadOnlyList<string> list)
    {
        var result = new string[list.Count];
        var keys = new string[list.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = list[i];
            keys[i] = TryParseIp(list[i], out var ip) ? ip.ToString() : list[i];
        }

        Array.Sort(keys, result, StringComparer.Ordinal);
        return result;
    }

    private static int CompareElement(string e, string o)
    {
        if (string.Equals(e, o, StringComparison.Ordinal))
        {
            return 0;
        }

        var eIp = TryParseIp(e, out var ea);
        var oIp = TryParseIp(o, out var oa);
        if (eIp && oIp)
        {
            return CompareAddresses(ea!, oa!);
        }

        if (eIp)
        {
            return -1;
        }

        if (oIp)
        {
            return 1;
        }

        return string.CompareOrdinal(e, o);
    }

    private static int CompareAddresses(IPAddress a, IPAddress b)
    {
        if (a.AddressFamily != b.AddressFamily)
        {
            return a.AddressFamily == AddressFamily.InterNetwork ? -1 : 1;
        }

        Span<byte> x = stackalloc byte[16];
        Span<byte> y = stackalloc byte[16];
        a.TryWriteBytes(x, out var xl);
        b.TryWriteBytes(y, out var yl);
        return x[..xl].SequenceCompareTo(y[..yl]);
    }
}
