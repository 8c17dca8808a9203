using System.Globalization;

namespace Ccx.Dns.Endpoints;

/// <summary>
/// DNS name rules used throughout the library: names compare case-insensitively, a trailing dot is not
/// significant, and internationalised names are mapped to their ASCII (punycode) form.
/// </summary>
public static class DnsNames
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = true, UseStd3AsciiRules = false };

    /// <summary>An equality comparer for DNS names following <see cref="Normalize"/>.</summary>
    public static IEqualityComparer<string> Comparer { get; } = new NameComparer();

    /// <summary>
    /// Maps a name to ASCII: trims white space and one trailing dot, and converts internationalised labels
    /// to punycode. ASCII names keep their case. A name IDNA cannot map is returned trimmed but otherwise
    /// unchanged, so that validation can reject it with a reason.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <returns>The ASCII form without a trailing dot.</returns>
    public static string ToAscii(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = TrimDot(name);
        if (IsAscii(trimmed))
        {
            return trimmed;
        }

        try
        {
            return Idn.GetAscii(trimmed);
        }
        catch (ArgumentException)
        {
            return trimmed;
        }
    }

    /// <summary>
    /// The normalised form used as a comparison key: ASCII (punycode), lower-case, no trailing dot.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <returns>The normalised name.</returns>
    public static string Normalize(string name)
    {
        var ascii = ToAscii(name);
#pragma warning disable CA1308 // DNS names are conventionally lower-case; this is a comparison key.
        return ascii.AsSpan().ContainsAnyInRange('A', 'Z') ? ascii.ToLowerInvariant() : ascii;
#pragma warning restore CA1308
    }

    /// <summary>Maps a name to its Unicode form for display or regular-expression matching.</summary>
    /// <param name="name">The name, ASCII or Unicode.</param>
    /// <returns>The lower-case Unicode form without a trailing dot.</returns>
    public static string ToUnicode(string name)
    {
        var ascii = Normalize(name);
        if (!ascii.Contains("xn--", StringComparison.Ordinal))
        {
            return ascii;
        }

        try
        {
            return Idn.GetUnicode(ascii);
        }
        catch (ArgumentException)
        {
            return ascii;
        }
    }

    /// <summary>Whether two names denote the same DNS name.</summary>
    /// <param name="left">A name.</param>
    /// <param name="right">Another name.</param>
    /// <returns><see langword="true"/> when they are the same name.</returns>
    public static bool AreEqual(string? left, string? right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left is null || right is null)
        {
            return false;
        }

        var l = left.AsSpan().TrimEnd('.');
        var r = right.AsSpan().TrimEnd('.');
        if (l.Equals(r, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IsAscii(left) && IsAscii(right) ? false : string.Equals(Normalize(left), Normalize(right), StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="name"/> equals <paramref name="suffix"/> or lies below it.</summary>
    /// <param name="name">The name, normalised.</param>
    /// <param name="suffix">The parent name, normalised.</param>
    /// <returns><see langword="true"/> when the name is at or under the suffix.</returns>
    public static bool IsAtOrBelow(string name, string suffix)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(suffix);
        if (suffix.Length == 0)
        {
            return true;
        }

        if (name.Length == suffix.Length)
        {
            return string.Equals(name, suffix, StringComparison.OrdinalIgnoreCase);
        }

        return name.Length > suffix.Length
            && name[name.Length - suffix.Length - 1] == '.'
            && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }

    private static string TrimDot(string name)
    {
        var span = name.AsSpan().Trim();
        if (span.Length > 1 && span[^1] == '.')
        {
            span = span[..^1];
        }

        return span.Length == name.Length ? name : span.ToString();
    }

    private static bool IsAscii(string value) => System.Text.Ascii.IsValid(value);

    private sealed class NameComparer : IEqualityComparer<string>
    {
        public bool Equals(string? x, string? y) => AreEqual(x, y);

        public int GetHashCode(string obj) => StringComparer.Ordinal.GetHashCode(Normalize(obj));
    }
}
