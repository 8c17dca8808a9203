using System.Collections.Immutable;

namespace Ccx.Dns.Endpoints;

/// <summary>
/// Checks a desired endpoint against DNS limits and record syntax, returning a reason for each rejection:
/// label and name lengths, wildcard placement, record types, address families, CNAME cardinality, MX/SRV/CAA
/// syntax, TTL range and TXT limits. Never throws for bad input.
/// </summary>
public static class EndpointValidator
{
    /// <summary>The longest name, in bytes, without the trailing dot.</summary>
    public const int MaxNameLength = 253;

    /// <summary>The longest label, in bytes.</summary>
    public const int MaxLabelLength = 63;

    /// <summary>The longest TXT target, in characters (sixteen 255-byte strings with room to spare).</summary>
    public const int MaxTxtLength = 4000;

    /// <summary>The longest set identifier (Route53's limit).</summary>
    public const int MaxSetIdentifierLength = 128;

    /// <summary>Validates an endpoint.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns><see langword="null"/> when valid; otherwise the reason it is not.</returns>
    public static string? Validate(DnsEndpoint endpoint)
    {
        if (endpoint is null)
        {
            return "the endpoint is null";
        }

        var reason = ValidateName(endpoint.DnsName, allowWildcard: true, what: "name");
        if (reason is not null)
        {
            return reason;
        }

        var type = endpoint.RecordType;
        if (!type.IsKnown)
        {
            return type.Value.Length == 0 ? "the record type is empty" : $"unsupported record type '{type.Value}'";
        }

        if (endpoint.Ttl < 0)
        {
            return $"TTL {endpoint.Ttl} is negative";
        }

        if (endpoint.Ttl > int.MaxValue)
        {
            return $"TTL {endpoint.Ttl} exceeds the maximum of {int.MaxValue}";
        }

        if (endpoint.SetIdentifier.Length > MaxSetIdentifierLength)
        {
            return $"set identifier is {endpoint.SetIdentifier.Length} characters long; the maximum is {MaxSetIdentifierLength}";
        }

        if (HasControl(endpoint.SetIdentifier))
        {
            return "set identifier contains control characters";
        }

        // Enumerated as the label map they are (a struct enumerator: no allocation per endpoint).
        foreach (var (key, value) in (LabelMap)endpoint.Labels)
        {
            if (key.Length == 0 || key.AsSpan().IndexOfAny(",=\"") >= 0 || value.AsSpan().IndexOfAny(",\"") >= 0 || HasControl(key) || HasControl(value))
            {
                return $"label '{Printable(key)}' cannot be stored in ownership text (no ',', '\"', control characters, or '=' in keys)";
            }
        }

        var alias = endpoint.IsAlias;
        if (endpoint.TryGetProviderSpecific(ProviderSpecificNames.Alias, out _) && type != RecordType.A && type != RecordType.AAAA && type != RecordType.CNAME)
        {
            return $"the alias property is only allowed on A, AAAA and CNAME records, not {type.Value}";
        }

        if (endpoint.Targets.Count == 0)
        {
            return "the endpoint has no targets";
        }

        if (type == RecordType.CNAME && endpoint.Targets.Count > 1)
        {
            return $"a CNAME must have exactly one target, not {endpoint.Targets.Count}";
        }

        for (var i = 0; i < endpoint.Targets.Count; i++)
        {
            reason = ValidateTarget(type, endpoint.Targets[i], alias);
            if (reason is not null)
            {
                return reason;
            }
        }

        if (type == RecordType.PTR)
        {
            var name = DnsNames.Normalize(endpoint.DnsName);
            if (!(name.EndsWith(".in-addr.arpa", StringComparison.Ordinal) || name.EndsWith(".ip6.arpa", StringComparison.Ordinal)))
            {
                return "a PTR name must end in .in-addr.arpa or .ip6.arpa";
            }
        }

        return null;
    }

    /// <summary>Validates a DNS name (no trailing dot needed).</summary>
    /// <param name="name">The name.</param>
    /// <param name="allowWildcard">Whether a leftmost <c>*</c> label is allowed.</param>
    /// <param name="what">What the name is, for the reason text.</param>
    /// <returns><see langword="null"/> when valid; otherwise the reason.</returns>
    public static string? ValidateName(string name, bool allowWildcard, string what)
    {
        ArgumentNullException.ThrowIfNull(what);
        if (string.IsNullOrEmpty(name))
        {
            return $"{what} is empty";
        }

        var span = name.AsSpan();
        if (span[^1] == '.')
        {
            span = span[..^1];
        }

        if (span.Length == 0)
        {
            return $"{what} is empty";
        }

        if (!System.Text.Ascii.IsValid(span))
        {
            return $"{what} '{Printable(name)}' is not a valid internationalised domain name";
        }

        if (span.Length > MaxNameLength)
        {
            return $"{what} is {span.Length} bytes long; the maximum is {MaxNameLength}";
        }

        var first = true;
        while (true)
        {
            var dot = span.IndexOf('.');
            var label = dot < 0 ? span : span[..dot];
            if (label.Length == 0)
            {
                return $"{what} '{Printable(name)}' has an empty label";
            }

            if (label.Length > MaxLabelLength)
            {
                return $"{what} has a label of {label.Length} bytes ('{label[..10]}…'); the maximum is {MaxLabelLength}";
            }

            if (label.Contains('*'))
            {
                if (!allowWildcard || !first || label.Length != 1)
                {
                    return allowWildcard
                        ? $"{what} '{Printable(name)}': a wildcard '*' is only allowed as the whole leftmost label"
                        : $"{what} '{Printable(name)}' must not contain '*'";
                }
            }
            else
            {
                foreach (var c in label)
                {
                    if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                    {
                        return $"{what} '{Printable(name)}' contains the character {Describe(c)}; only letters, digits, '-' and '_' are allowed";
                    }
                }
            }

            if (dot < 0)
            {
                return null;
            }

            first = false;
            span = span[(dot + 1)..];
        }
    }

    private static string? ValidateTarget(RecordType type, string target, bool alias)
    {
        if (string.IsNullOrEmpty(target))
        {
            return "a target is empty";
        }

        if (type == RecordType.TXT)
        {
            if (target.Length > MaxTxtLength)
            {
                return $"a TXT target is {target.Length} characters long; the maximum is {MaxTxtLength}";
            }

            return HasControl(target) ? "a TXT target contains control characters" : null;
        }

        if (HasControl(target))
        {
            return "a target contains control characters";
        }

        if (type == RecordType.A || type == RecordType.AAAA)
        {
            if (alias)
            {
                return ValidateName(target, allowWildcard: false, what: "alias target");
            }

            var wantV6 = type == RecordType.AAAA;
            if (!DnsTargets.IsIpAddress(target, out var family))
            {
                return $"target '{Printable(target)}' is not an {(wantV6 ? "IPv6" : "IPv4")} address";
            }

            if ((family == System.Net.Sockets.AddressFamily.InterNetworkV6) != wantV6)
            {
                return $"target '{target}' is an {(wantV6 ? "IPv4" : "IPv6")} address in an {type.Value} record";
            }

            return null;
        }

        if (type == RecordType.CNAME || type == RecordType.NS || type == RecordType.PTR || type == RecordType.DNAME)
        {
            if (DnsTargets.IsIpAddress(target, out _))
            {
                return $"a {type.Value} target must be a host name, not the address '{target}'";
            }

            return ValidateName(target, allowWildcard: false, what: $"{type.Value} target");
        }

        if (type == RecordType.MX)
        {
            var parts = target.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !ushort.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                return $"MX target '{Printable(target)}' must be 'preference host' with a preference from 0 to 65535";
            }

            return ValidateName(parts[1], allowWildcard: false, what: "MX host");
        }

        if (type == RecordType.SRV)
        {
            var parts = target.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 4 || !AllUInt16(parts.AsSpan(0, 3)))
            {
                return $"SRV target '{Printable(target)}' must be 'priority weight port host.' with numbers from 0 to 65535";
            }

            if (!parts[3].EndsWith('.'))
            {
                return $"SRV host '{parts[3]}' must end with a dot";
            }

            return parts[3] == "." ? null : ValidateName(parts[3], allowWildcard: false, what: "SRV host");
        }

        if (type == RecordType.CAA)
        {
            var parts = target.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3
                || !byte.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)
                || parts[1].Length == 0
                || !parts[1].All(char.IsAsciiLetterOrDigit))
            {
                return $"CAA target '{Printable(target)}' must be 'flags tag value' with flags from 0 to 255 and an alphanumeric tag";
            }

            return null;
        }

        if (type == RecordType.NAPTR)
        {
            var parts = target.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 6 || !AllUInt16(parts.AsSpan(0, 2)))
            {
                return $"NAPTR target '{Printable(target)}' must be 'order preference \"flags\" \"service\" \"regexp\" replacement'";
            }

            return null;
        }

        return null;
    }

    private static bool AllUInt16(ReadOnlySpan<string> values)
    {
        foreach (var value in values)
        {
            if (!ushort.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasControl(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";

    private static string Printable(string value)
    {
        var shortened = value.Length > 80 ? value[..80] + "…" : value;
        return HasControl(shortened) ? new string(shortened.Select(c => char.IsControl(c) ? '?' : c).ToArray()) : shortened;
    }
}
