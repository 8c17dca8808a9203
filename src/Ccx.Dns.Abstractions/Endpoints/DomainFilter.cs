using System.Text.RegularExpressions;

namespace Ccx.Dns.Endpoints;

/// <summary>
/// Restricts which names are managed, as ExternalDNS's <c>--domain-filter</c>, <c>--exclude-domains</c>,
/// <c>--regex-domain-filter</c> and <c>--regex-domain-exclusion</c>. A filter either uses suffix lists or
/// regular expressions (regular expressions take precedence when set).
/// </summary>
/// <remarks>
/// In list mode a filter <c>example.org</c> matches <c>example.org</c> and <c>a.example.org</c> but not
/// <c>anexample.org</c>; a filter with a leading dot (<c>.example.org</c>) matches names below it but not the
/// apex. Names and filters compare case-insensitively and internationalised names match their punycode form.
/// </remarks>
public sealed class DomainFilter
{
    private readonly string[] _include;
    private readonly string[] _exclude;

    /// <summary>A filter that matches every name.</summary>
    public static DomainFilter All { get; } = new([]);

    /// <summary>Creates a list-mode filter.</summary>
    /// <param name="include">Suffixes to include; empty means everything.</param>
    /// <param name="exclude">Suffixes to exclude.</param>
    public DomainFilter(IEnumerable<string> include, IEnumerable<string>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(include);
        _include = NormalizeList(include);
        _exclude = NormalizeList(exclude ?? []);
    }

    private DomainFilter(Regex? regexInclude, Regex? regexExclude)
    {
        _include = [];
        _exclude = [];
        RegexInclude = regexInclude;
        RegexExclude = regexExclude;
    }

    /// <summary>Creates a regular-expression filter, matched (unanchored) against the lower-case Unicode name.</summary>
    /// <param name="include">The expression a name must match, or <see langword="null"/>.</param>
    /// <param name="exclude">The expression that excludes a name, or <see langword="null"/>.</param>
    /// <returns>The filter.</returns>
    public static DomainFilter FromRegex(string? include, string? exclude = null) =>
        new(Compile(include), Compile(exclude));

    /// <summary>The normalised include suffixes.</summary>
    public IReadOnlyList<string> Include => _include;

    /// <summary>The normalised exclude suffixes.</summary>
    public IReadOnlyList<string> Exclude => _exclude;

    /// <summary>The include expression, when in regular-expression mode.</summary>
    public Regex? RegexInclude { get; }

    /// <summary>The exclude expression, when in regular-expression mode.</summary>
    public Regex? RegexExclude { get; }

    /// <summary>Whether any restriction is configured.</summary>
    public bool IsConfigured => RegexInclude is not null || RegexExclude is not null || _include.Length > 0 || _exclude.Length > 0;

    /// <summary>Whether the name is managed under this filter.</summary>
    /// <param name="domain">The name.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool Match(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (RegexInclude is not null || RegexExclude is not null)
        {
            var unicode = DnsNames.ToUnicode(domain);
            if (RegexExclude is not null && RegexExclude.IsMatch(unicode))
            {
                return false;
            }

            return RegexInclude is null || RegexInclude.IsMatch(unicode);
        }

        if (_include.Length == 0 && _exclude.Length == 0)
        {
            return true;
        }

        var name = DnsNames.Normalize(domain);
        return (_include.Length == 0 || MatchesAny(_include, name)) && !MatchesAny(_exclude, name);
    }

    /// <summary>
    /// Zone discovery (ExternalDNS <c>MatchParent</c>): whether <paramref name="domain"/> is a parent of some
    /// include filter, so a zone at that name may hold managed records.
    /// </summary>
    /// <param name="domain">The zone name.</param>
    /// <returns><see langword="true"/> when the zone is relevant.</returns>
    public bool MatchParent(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var name = DnsNames.Normalize(domain);
        if (MatchesAny(_exclude, name))
        {
            return false;
        }

        if (_include.Length == 0)
        {
            return true;
        }

        foreach (var filter in _include)
        {
            if (!filter.StartsWith('.') && filter.EndsWith("." + name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() => RegexInclude is not null || RegexExclude is not null
        ? $"regex include={RegexInclude} exclude={RegexExclude}"
        : $"include=[{string.Join(", ", _include)}] exclude=[{string.Join(", ", _exclude)}]";

    private static bool MatchesAny(string[] filters, string name)
    {
        foreach (var filter in filters)
        {
            if (filter.StartsWith('.'))
            {
                if (name.EndsWith(filter, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            else if (DnsNames.IsAtOrBelow(name, filter))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] NormalizeList(IEnumerable<string> values)
    {
        var result = new List<string>();
        foreach (var value in values)
        {
            var trimmed = value?.Trim() ?? string.Empty;
            if (trimmed.Length == 0 || trimmed == ".")
            {
                continue;
            }

            var leadingDot = trimmed.StartsWith('.');
            var normalized = DnsNames.Normalize(leadingDot ? trimmed[1..] : trimmed);
            if (normalized.Length > 0)
            {
                result.Add(leadingDot ? "." + normalized : normalized);
            }
        }

        return [.. result];
    }

    private static Regex? Compile(string? pattern) =>
        string.IsNullOrEmpty(pattern) ? null : new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
