using System.Text;

namespace Ccx.Dns.Rfc2136.Wire;

/// <summary>
/// Converts DNS names between presentation text (<c>www.example.org</c>, <c>\.</c>, <c>\\</c> and <c>\DDD</c>
/// escapes, optional trailing dot) and wire labels. Decoded names carry no trailing dot; the root is <c>.</c>.
/// </summary>
internal static class DnsNameText
{
    /// <summary>The longest name on the wire, length octets and the root label included (RFC 1035 §2.3.4).</summary>
    public const int MaxWireLength = 255;

    /// <summary>The longest label (RFC 1035 §2.3.4).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>Parses presentation text into wire labels (without the root label).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="DnsFormatException">The text is not a valid name.</exception>
    public static List<byte[]> ToLabels(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var labels = new List<byte[]>();
        if (name.Length == 0 || name == ".")
        {
            return labels;
        }

        var current = new List<byte>(MaxLabelLength);
        var wireLength = 1;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '.')
            {
                if (current.Count == 0)
                {
                    throw new DnsFormatException($"name '{name}' has an empty label");
                }

                AddLabel(name, labels, current, ref wireLength);
                if (i == name.Length - 1)
                {
                    return labels;
                }

                continue;
            }

            byte value;
            if (c == '\\')
            {
                if (i + 1 >= name.Length)
                {
                    throw new DnsFormatException($"name '{name}' ends with a lone backslash");
                }

                if (char.IsAsciiDigit(name[i + 1]))
                {
                    if (i + 3 >= name.Length || !char.IsAsciiDigit(name[i + 2]) || !char.IsAsciiDigit(name[i + 3]))
                    {
                        throw new DnsFormatException($"name '{name}' has a short \\DDD escape");
                    }

                    var code = ((name[i + 1] - '0') * 100) + ((name[i + 2] - '0') * 10) + (name[i + 3] - '0');
                    if (code > 255)
                    {
                        throw new DnsFormatException($"name '{name}' has an escape above \\255");
                    }

                    value = (byte)code;
                    i += 3;
                }
                else
                {
                    value = ToByte(name, name[i + 1]);
                    i++;
                }
            }
            else
            {
                value = ToByte(name, c);
            }

            current.Add(value);
            if (current.Count > MaxLabelLength)
            {
                throw new DnsFormatException($"name '{name}' has a label longer than {MaxLabelLength} bytes");
            }
        }

        AddLabel(name, labels, current, ref wireLength);
        return labels;
    }

    /// <summary>Appends one wire label to presentation text, escaping as RFC 4343 describes.</summary>
    /// <param name="builder">The text so far.</param>
    /// <param name="label">The label bytes.</param>
    public static void AppendLabel(StringBuilder builder, ReadOnlySpan<byte> label)
    {
        foreach (var b in label)
        {
            if (b is (byte)'.' or (byte)'\\')
            {
                builder.Append('\\').Append((char)b);
            }
            else if (b is < 0x21 or > 0x7E)
            {
                builder.Append('\\').Append((b / 100).ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Append((b / 10 % 10).ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Append((b % 10).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append((char)b);
            }
        }
    }

    /// <summary>Whether two names are the same DNS name (ASCII case-insensitive, trailing dot ignored).</summary>
    /// <param name="left">A name.</param>
    /// <param name="right">Another name.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool AreEqual(string left, string right) =>
        Trim(left).Equals(Trim(right), StringComparison.OrdinalIgnoreCase);

    /// <summary>The name without a trailing dot; the root stays <c>.</c>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The trimmed name.</returns>
    public static string TrimDot(string name) =>
        name.Length > 1 && name[^1] == '.' && name[^2] != '\\' ? name[..^1] : (name.Length == 0 ? "." : name);

    private static ReadOnlySpan<char> Trim(string name) =>
        name.Length > 1 && name[^1] == '.' && name[^2] != '\\' ? name.AsSpan(0, name.Length - 1) : name.AsSpan();

    private static byte ToByte(string name, char c)
    {
        if (c > 0x7F)
        {
            throw new DnsFormatException($"name '{name}' is not ASCII; convert internationalised names to punycode first");
        }

        return (byte)c;
    }

    private static void AddLabel(string name, List<byte[]> labels, List<byte> current, ref int wireLength)
    {
        if (current.Count == 0)
        {
            throw new DnsFormatException($"name '{name}' has an empty label");
        }

        wireLength += current.Count + 1;
        if (wireLength > MaxWireLength)
        {
            throw new DnsFormatException($"name '{name}' is longer than {MaxWireLength} bytes on the wire");
        }

        labels.Add([.. current]);
        current.Clear();
    }
}
