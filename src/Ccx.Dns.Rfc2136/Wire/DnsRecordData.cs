using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;

namespace Ccx.Dns.Rfc2136.Wire;

/// <summary>The data (RDATA) of a resource record. Empty data (an UPDATE delete) is <see cref="EmptyRecordData"/>.</summary>
public abstract record DnsRecordData
{
    /// <summary>Writes the RDATA (without its length).</summary>
    /// <param name="writer">The writer.</param>
    internal abstract void Write(DnsWireWriter writer);

    /// <summary>Reads RDATA of a type; unknown types become <see cref="UnknownRecordData"/>.</summary>
    /// <param name="reader">The reader, limited to the RDATA.</param>
    /// <param name="type">The record type.</param>
    /// <param name="length">The RDATA length.</param>
    /// <returns>The data.</returns>
    internal static DnsRecordData Read(DnsWireReader reader, DnsRecordType type, int length)
    {
        if (length == 0)
        {
            return EmptyRecordData.Instance;
        }

        return type switch
        {
            DnsRecordType.A => new AddressRecordData(ReadAddress(reader, length, 4)),
            DnsRecordType.AAAA => new AddressRecordData(ReadAddress(reader, length, 16)),
            DnsRecordType.CNAME or DnsRecordType.NS or DnsRecordType.PTR or DnsRecordType.DNAME => new NameRecordData(reader.ReadName()),
            DnsRecordType.TXT => TxtRecordData.ReadFrom(reader),
            DnsRecordType.MX => new MxRecordData(reader.ReadUInt16(), reader.ReadName()),
            DnsRecordType.SRV => new SrvRecordData(reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadName()),
            DnsRecordType.CAA => CaaRecordData.ReadFrom(reader),
            DnsRecordType.SOA => new SoaRecordData(reader.ReadName(), reader.ReadName(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32()),
            DnsRecordType.TSIG => TsigRecordData.ReadFrom(reader),
            _ => new UnknownRecordData(reader.ReadBytes(length)),
        };
    }

    private static IPAddress ReadAddress(DnsWireReader reader, int length, int expected)
    {
        if (length != expected)
        {
            throw new DnsFormatException($"address RDATA is {length} bytes, expected {expected}");
        }

        return new IPAddress(reader.ReadBytes(expected));
    }
}

/// <summary>No data (RDLENGTH 0), as in UPDATE RRset deletes and prerequisites.</summary>
public sealed record EmptyRecordData : DnsRecordData
{
    private EmptyRecordData()
    {
    }

    /// <summary>The single instance.</summary>
    public static EmptyRecordData Instance { get; } = new();

    internal override void Write(DnsWireWriter writer)
    {
    }

    /// <inheritdoc />
    public override string ToString() => string.Empty;
}

/// <summary>An IPv4 (A) or IPv6 (AAAA) address.</summary>
/// <param name="Address">The address.</param>
public sealed record AddressRecordData(IPAddress Address) : DnsRecordData
{
    internal override void Write(DnsWireWriter writer)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!Address.TryWriteBytes(bytes, out var written))
        {
            throw new DnsFormatException($"address {Address} cannot be written");
        }

        writer.WriteBytes(bytes[..written]);
    }

    /// <inheritdoc />
    public override string ToString() => Address.ToString();
}

/// <summary>A single domain name: CNAME, NS, PTR or DNAME data.</summary>
/// <param name="Target">The name, without a trailing dot.</param>
public sealed record NameRecordData(string Target) : DnsRecordData
{
    internal override void Write(DnsWireWriter writer) => writer.WriteName(Target);

    /// <inheritdoc />
    public override string ToString() => Target;
}

/// <summary>An MX record: preference and mail exchange host.</summary>
/// <param name="Preference">Lower is preferred.</param>
/// <param name="Exchange">The host, without a trailing dot.</param>
public sealed record MxRecordData(ushort Preference, string Exchange) : DnsRecordData
{
    internal override void Write(DnsWireWriter writer)
    {
        writer.WriteUInt16(Preference);
        writer.WriteName(Exchange);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Preference} {Exchange}");
}

/// <summary>An SRV record (RFC 2782).</summary>
/// <param name="Priority">Lower is tried first.</param>
/// <param name="Weight">Relative weight among equal priorities.</param>
/// <param name="Port">The port.</param>
/// <param name="Target">The host, without a trailing dot (<c>.</c> means "no service").</param>
public sealed record SrvRecordData(ushort Priority, ushort Weight, ushort Port, string Target) : DnsRecordData
{
    internal override void Write(DnsWireWriter writer)
    {
        writer.WriteUInt16(Priority);
        writer.WriteUInt16(Weight);
        writer.WriteUInt16(Port);
        writer.WriteName(Target, compress: false);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Priority} {Weight} {Port} {Target}");
}

/// <summary>A CAA record (RFC 8659).</summary>
/// <param name="Flags">The flags (128 = issuer critical).</param>
/// <param name="Tag">The property tag, for example <c>issue</c>.</param>
/// <param name="Value">The property value.</param>
public sealed record CaaRecordData(byte Flags, string Tag, string Value) : DnsRecordData
{
    internal static CaaRecordData ReadFrom(DnsWireReader reader)
    {
        var flags = reader.ReadByte();
        var tag = Encoding.ASCII.GetString(reader.ReadCharacterString());
        var value = Encoding.UTF8.GetString(reader.ReadBytes(reader.Remaining));
        return new CaaRecordData(flags, tag, value);
    }

    internal override void Write(DnsWireWriter writer)
    {
        if (Tag.Length is 0 or > 255 || !Ascii.IsValid(Tag))
        {
            throw new DnsFormatException($"CAA tag '{Tag}' must be 1-255 ASCII characters");
        }

        writer.WriteByte(Flags);
        writer.WriteCharacterString(Encoding.ASCII.GetBytes(Tag));
        writer.WriteBytes(Encoding.UTF8.GetBytes(Value));
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Flags} {Tag} \"{Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
}

/// <summary>A start-of-authority record.</summary>
/// <param name="PrimaryNameServer">MNAME.</param>
/// <param name="ResponsibleMailbox">RNAME.</param>
/// <param name="Serial">The zone serial.</param>
/// <param name="Refresh">Refresh interval, seconds.</param>
/// <param name="Retry">Retry interval, seconds.</param>
/// <param name="Expire">Expiry, seconds.</param>
/// <param name="Minimum">Negative-caching TTL, seconds.</param>
public sealed record SoaRecordData(string PrimaryNameServer, string ResponsibleMailbox, uint Serial, uint Refresh, uint Retry, uint Expire, uint Minimum) : DnsRecordData
{
    internal override void Write(DnsWireWriter writer)
    {
        writer.WriteName(PrimaryNameServer);
        writer.WriteName(ResponsibleMailbox);
        writer.WriteUInt32(Serial);
        writer.WriteUInt32(Refresh);
        writer.WriteUInt32(Retry);
        writer.WriteUInt32(Expire);
        writer.WriteUInt32(Minimum);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{PrimaryNameServer} {ResponsibleMailbox} {Serial} {Refresh} {Retry} {Expire} {Minimum}");
}

/// <summary>
/// A TXT record: one or more character-strings (each at most 255 bytes). <see cref="Text"/> is their
/// concatenation, which is how the provider represents a TXT target.
/// </summary>
public sealed record TxtRecordData : DnsRecordData
{
    private readonly ImmutableArray<byte[]> _strings;

    /// <summary>Creates TXT data from text, split into 255-byte strings at UTF-8 character boundaries.</summary>
    /// <param name="text">The text.</param>
    public TxtRecordData(string text)
        : this(Split(text ?? throw new ArgumentNullException(nameof(text))))
    {
    }

    private TxtRecordData(ImmutableArray<byte[]> strings)
    {
        _strings = strings;
    }

    /// <summary>Creates TXT data from explicit character-strings.</summary>
    /// <param name="strings">The strings (UTF-8, each at most 255 bytes).</param>
    /// <returns>The data.</returns>
    /// <exception cref="DnsFormatException">A string is longer than 255 bytes.</exception>
    public static TxtRecordData FromStrings(IEnumerable<string> strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        var builder = ImmutableArray.CreateBuilder<byte[]>();
        foreach (var s in strings)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            if (bytes.Length > 255)
            {
                throw new DnsFormatException("a TXT character-string is longer than 255 bytes");
            }

            builder.Add(bytes);
        }

        return new TxtRecordData(builder.ToImmutable());
    }

    /// <summary>The character-strings, decoded as UTF-8.</summary>
    public IReadOnlyList<string> Strings => [.. _strings.Select(s => Encoding.UTF8.GetString(s))];

    /// <summary>The text content: all strings concatenated (decoded as UTF-8 after joining the bytes).</summary>
    public string Text => Encoding.UTF8.GetString([.. _strings.SelectMany(s => s)]);

    /// <inheritdoc />
    public bool Equals(TxtRecordData? other) =>
        other is not null && _strings.Length == other._strings.Length
        && _strings.Zip(other._strings).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_strings.Length, Text);

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(' ', Strings.Select(s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));

    internal static TxtRecordData ReadFrom(DnsWireReader reader)
    {
        var builder = ImmutableArray.CreateBuilder<byte[]>();
        while (reader.Remaining > 0)
        {
            builder.Add(reader.ReadCharacterString());
        }

        return new TxtRecordData(builder.ToImmutable());
    }

    internal override void Write(DnsWireWriter writer)
    {
        foreach (var s in _strings)
        {
            writer.WriteCharacterString(s);
        }
    }

    private static ImmutableArray<byte[]> Split(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var builder = ImmutableArray.CreateBuilder<byte[]>();
        var start = 0;
        do
        {
            var length = Math.Min(255, bytes.Length - start);
            if (start + length < bytes.Length)
            {
                // Do not cut a UTF-8 sequence: back off over continuation bytes (10xxxxxx).
                while (length > 1 && (bytes[start + length] & 0xC0) == 0x80)
                {
                    length--;
                }
            }

            builder.Add(bytes[start..(start + length)]);
            start += length;
        }
        while (start < bytes.Length);
        return builder.ToImmutable();
    }
}

/// <summary>The data of a TSIG record (RFC 8945 §4.2).</summary>
/// <param name="Algorithm">The algorithm name, for example <c>hmac-sha256</c>.</param>
/// <param name="TimeSigned">Seconds since the Unix epoch (48 bits).</param>
/// <param name="Fudge">Allowed clock skew, seconds.</param>
/// <param name="Mac">The MAC.</param>
/// <param name="OriginalId">The message ID when signed.</param>
/// <param name="Error">The TSIG error (0, BADSIG, BADKEY, BADTIME, …).</param>
/// <param name="OtherData">Other data (the server time in BADTIME responses).</param>
public sealed record TsigRecordData(string Algorithm, ulong TimeSigned, ushort Fudge, ReadOnlyMemory<byte> Mac, ushort OriginalId, DnsResponseCode Error, ReadOnlyMemory<byte> OtherData) : DnsRecordData
{
    internal static TsigRecordData ReadFrom(DnsWireReader reader)
    {
        var algorithm = reader.ReadName();
        var time = reader.ReadUInt48();
        var fudge = reader.ReadUInt16();
        var mac = reader.ReadBytes(reader.ReadUInt16());
        var originalId = reader.ReadUInt16();
        var error = (DnsResponseCode)reader.ReadUInt16();
        var other = reader.ReadBytes(reader.ReadUInt16());
        return new TsigRecordData(algorithm, time, fudge, mac, originalId, error, other);
    }

    internal override void Write(DnsWireWriter writer)
    {
        writer.WriteName(Algorithm, compress: false, lowerCase: true);
        writer.WriteUInt48(TimeSigned);
        writer.WriteUInt16(Fudge);
        writer.WriteUInt16(checked((ushort)Mac.Length));
        writer.WriteBytes(Mac.Span);
        writer.WriteUInt16(OriginalId);
        writer.WriteUInt16((ushort)Error);
        writer.WriteUInt16(checked((ushort)OtherData.Length));
        writer.WriteBytes(OtherData.Span);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Algorithm} {TimeSigned} {Fudge} mac[{Mac.Length}] {OriginalId} {Error}");
}

/// <summary>Data of a type this codec does not interpret, kept as raw bytes (RFC 3597).</summary>
/// <param name="Data">The RDATA.</param>
public sealed record UnknownRecordData(ReadOnlyMemory<byte> Data) : DnsRecordData
{
    internal override void Write(DnsWireWriter writer) => writer.WriteBytes(Data.Span);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"\\# {Data.Length} {Convert.ToHexString(Data.Span)}");
}
