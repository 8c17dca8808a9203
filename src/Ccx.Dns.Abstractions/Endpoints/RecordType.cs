namespace Ccx.Dns.Endpoints;

/// <summary>
/// A DNS record type such as <c>A</c> or <c>CNAME</c>. Values are upper-case and compared ordinally, as
/// ExternalDNS compares them; unknown types are representable so that they can be rejected with a reason.
/// </summary>
public readonly record struct RecordType : IComparable<RecordType>
{
    private readonly string? _value;

    /// <summary>Creates a record type from its mnemonic; the value is trimmed and upper-cased.</summary>
    /// <param name="value">The mnemonic, for example <c>"aaaa"</c>.</param>
    public RecordType(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = Canonical(value.Trim());
    }

    /// <summary>The upper-case mnemonic; empty for <c>default(RecordType)</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>IPv4 address record.</summary>
    public static readonly RecordType A = new("A");
    /// <summary>IPv6 address record.</summary>
    public static readonly RecordType AAAA = new("AAAA");
    /// <summary>Canonical name record.</summary>
    public static readonly RecordType CNAME = new("CNAME");
    /// <summary>Text record.</summary>
    public static readonly RecordType TXT = new("TXT");
    /// <summary>Service locator record.</summary>
    public static readonly RecordType SRV = new("SRV");
    /// <summary>Name server record.</summary>
    public static readonly RecordType NS = new("NS");
    /// <summary>Pointer record.</summary>
#pragma warning disable CA1720 // PTR is the record type's mnemonic, not a pointer type name.
    public static readonly RecordType PTR = new("PTR");
#pragma warning restore CA1720
    /// <summary>Mail exchange record.</summary>
    public static readonly RecordType MX = new("MX");
    /// <summary>Naming authority pointer record.</summary>
    public static readonly RecordType NAPTR = new("NAPTR");
    /// <summary>Delegation name record.</summary>
    public static readonly RecordType DNAME = new("DNAME");
    /// <summary>Certification authority authorization record.</summary>
    public static readonly RecordType CAA = new("CAA");

    // An array, so that membership checks enumerate without an enumerator object.
    private static readonly RecordType[] KnownTypes = [A, AAAA, CNAME, TXT, SRV, NS, PTR, MX, NAPTR, DNAME, CAA];

    /// <summary>The record types this library understands, in ExternalDNS's order followed by CAA.</summary>
    public static IReadOnlyList<RecordType> Known { get; } = Array.AsReadOnly(KnownTypes);

    /// <summary>The record types managed by default (ExternalDNS <c>--managed-record-types</c>): A, AAAA and CNAME.</summary>
    public static IReadOnlyList<RecordType> DefaultManaged { get; } = [A, AAAA, CNAME];

    /// <summary>Whether this is one of <see cref="Known"/>.</summary>
    public bool IsKnown
    {
        get
        {
            foreach (var known in KnownTypes)
            {
                if (known == this)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether targets of this type are host names that DNS writes with a trailing dot (CNAME, DNAME).</summary>
    public bool RequiresTrailingDot => this == CNAME || this == DNAME;

    /// <summary>Parses a mnemonic (case-insensitive).</summary>
    /// <param name="value">The mnemonic.</param>
    /// <returns>The record type.</returns>
    public static RecordType Parse(string value) => new(value);

    /// <inheritdoc />
    public int CompareTo(RecordType other) => string.CompareOrdinal(Value, other.Value);

    /// <summary>Orders record types ordinally by mnemonic.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>Whether <paramref name="left"/> sorts first.</returns>
    public static bool operator <(RecordType left, RecordType right) => left.CompareTo(right) < 0;

    /// <summary>Orders record types ordinally by mnemonic.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>Whether <paramref name="left"/> sorts last.</returns>
    public static bool operator >(RecordType left, RecordType right) => left.CompareTo(right) > 0;

    /// <summary>Orders record types ordinally by mnemonic.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>Whether <paramref name="left"/> sorts first or equal.</returns>
    public static bool operator <=(RecordType left, RecordType right) => left.CompareTo(right) <= 0;

    /// <summary>Orders record types ordinally by mnemonic.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>Whether <paramref name="left"/> sorts last or equal.</returns>
    public static bool operator >=(RecordType left, RecordType right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => Value;

    private static string Canonical(string value)
    {
        foreach (var c in value)
        {
            if (c is >= 'a' and <= 'z')
            {
                return value.ToUpperInvariant();
            }
        }

        return value;
    }
}
