using System.Text;

namespace Ccx.Dns.Route53.Internal;

/// <summary>
/// Route 53 name text: names come back fully qualified with every character other than <c>a-z 0-9 - _</c>
/// written as <c>\ooo</c> (three octal digits), <c>*</c> as <c>\052</c>. Decoding resolves those escapes and
/// drops the trailing dot; encoding escapes what Route 53 requires (control bytes, space, bytes 0x7F–0xFF and
/// the backslash) and adds the trailing dot.
/// </summary>
internal static class Route53Names
{
    /// <summary>Resolves <c>\ooo</c> escapes (and <c>\X</c> for any other character) and removes one trailing dot.</summary>
    public static string Decode(string wire)
    {
        ArgumentNullException.ThrowIfNull(wire);
        var text = wire.Length > 1 && wire[^1] == '.' ? wire[..^1] : wire;
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && IsOctal(text, i + 1))
            {
                bytes.Add((byte)(((text[i + 1] - '0') * 64) + ((text[i + 2] - '0') * 8) + (text[i + 3] - '0')));
                i += 3;
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                AddChar(bytes, text[++i], utf8);
            }
            else
            {
                AddChar(bytes, c, utf8);
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>The wire form of a name: escaped where Route 53 requires it, with a trailing dot.</summary>
    public static string Encode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        var needsEscape = false;
        foreach (var c in trimmed)
        {
            if (c <= ' ' || c >= '\u007f' || c == '\\')
            {
                needsEscape = true;
                break;
            }
        }

        if (!needsEscape)
        {
            return trimmed + ".";
        }

        var sb = new StringBuilder(trimmed.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(trimmed))
        {
            if (b <= (byte)' ' || b >= 0x7f || b == (byte)'\\')
            {
                AppendOctal(sb, b);
            }
            else
            {
                sb.Append((char)b);
            }
        }

        return sb.Append('.').ToString();
    }

    /// <summary>Appends <c>\ooo</c> for a byte.</summary>
    public static void AppendOctal(StringBuilder sb, byte b) =>
        sb.Append('\\').Append((char)('0' + (b >> 6))).Append((char)('0' + ((b >> 3) & 7))).Append((char)('0' + (b & 7)));

    /// <summary>Whether three octal digits (first 0–3) start at <paramref name="index"/>.</summary>
    public static bool IsOctal(string text, int index) =>
        index + 2 < text.Length
        && text[index] is >= '0' and <= '3'
        && text[index + 1] is >= '0' and <= '7'
        && text[index + 2] is >= '0' and <= '7';

    private static void AddChar(List<byte> bytes, char c, Span<byte> buffer)
    {
        if (c < 0x80)
        {
            bytes.Add((byte)c);
            return;
        }

        var n = Encoding.UTF8.GetBytes([c], buffer);
        for (var j = 0; j < n; j++)
        {
            bytes.Add(buffer[j]);
        }
    }
}
