using System.Text;

namespace Ccx.Dns.Route53.Internal;

/// <summary>
/// TXT values in Route 53's presentation form: one or more double-quoted character-strings separated by a space,
/// each at most 255 bytes, <c>"</c> and <c>\</c> escaped with a backslash, control bytes and bytes 0x7F–0xFF as
/// <c>\ooo</c>. <see cref="Canonicalize"/> maps any target (raw text, or text already in that form) to the one
/// canonical form, so what is written, read back and desired compare equal.
/// </summary>
internal static class Route53TxtValues
{
    /// <summary>The longest character-string in a TXT record, in bytes.</summary>
    public const int MaxStringBytes = 255;

    /// <summary>The canonical presentation form of a TXT target.</summary>
    public static string Canonicalize(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var strings = TryParseQuoted(target) ?? [Encoding.UTF8.GetBytes(target)];
        var sb = new StringBuilder(target.Length + 8);
        foreach (var s in strings)
        {
            if (s.Length == 0)
            {
                AppendString(sb, []);
                continue;
            }

            for (var offset = 0; offset < s.Length; offset += MaxStringBytes)
            {
                AppendString(sb, s.AsSpan(offset, Math.Min(MaxStringBytes, s.Length - offset)));
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Parses a sequence of quoted character-strings; null when the text is not entirely in that form (then it is
    /// treated as raw text).
    /// </summary>
    public static List<byte[]>? TryParseQuoted(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<byte[]>();
        var i = 0;
        var current = new List<byte>();
        Span<byte> buffer = stackalloc byte[4];
        while (i < text.Length)
        {
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            if (i == text.Length)
            {
                break;
            }

            if (text[i] != '"')
            {
                return null;
            }

            i++;
            current.Clear();
            var closed = false;
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '"')
                {
                    closed = true;
                    i++;
                    break;
                }

                if (c == '\\')
                {
                    if (Route53Names.IsOctal(text, i + 1))
                    {
                        current.Add((byte)(((text[i + 1] - '0') * 64) + ((text[i + 2] - '0') * 8) + (text[i + 3] - '0')));
                        i += 4;
                        continue;
                    }

                    if (i + 1 >= text.Length)
                    {
                        return null;
                    }

                    c = text[++i];
                }

                if (char.IsHighSurrogate(c) && i + 1 < text.Length)
                {
                    var n = Encoding.UTF8.GetBytes(text.AsSpan(i, 2), buffer);
                    for (var j = 0; j < n; j++)
                    {
                        current.Add(buffer[j]);
                    }

                    i += 2;
                    continue;
                }

                if (c < 0x80)
                {
                    current.Add((byte)c);
                }
                else
                {
                    var n = Encoding.UTF8.GetBytes([c], buffer);
                    for (var j = 0; j < n; j++)
                    {
                        current.Add(buffer[j]);
                    }
                }

                i++;
            }

            if (!closed)
            {
                return null;
            }

            result.Add([.. current]);
        }

        return result.Count == 0 ? null : result;
    }

    private static void AppendString(StringBuilder sb, ReadOnlySpan<byte> bytes)
    {
        if (sb.Length > 0)
        {
            sb.Append(' ');
        }

        sb.Append('"');
        foreach (var b in bytes)
        {
            if (b is (byte)'"' or (byte)'\\')
            {
                sb.Append('\\').Append((char)b);
            }
            else if (b < (byte)' ' || b >= 0x7f)
            {
                Route53Names.AppendOctal(sb, b);
            }
            else
            {
                sb.Append((char)b);
            }
        }

        sb.Append('"');
    }
}
