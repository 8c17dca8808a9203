using System.Globalization;

namespace Ccx.Dns.Rfc2136.Wire;

/// <summary>A question: name, type and class (in an UPDATE, the zone section entry).</summary>
/// <param name="Name">The name, without a trailing dot.</param>
/// <param name="Type">The query type.</param>
/// <param name="Class">The class.</param>
public sealed record DnsQuestion(string Name, DnsRecordType Type, DnsClass Class = DnsClass.IN)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {Class} {Type}");
}

/// <summary>A resource record: owner name, type, class, TTL and data.</summary>
/// <param name="Name">The owner name, without a trailing dot.</param>
/// <param name="Type">The record type.</param>
/// <param name="Class">The class (NONE and ANY in UPDATE deletes).</param>
/// <param name="Ttl">The TTL, seconds.</param>
/// <param name="Data">The data; <see cref="EmptyRecordData.Instance"/> for none.</param>
public sealed record DnsResourceRecord(string Name, DnsRecordType Type, DnsClass Class, uint Ttl, DnsRecordData Data)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {Ttl} {Class} {Type} {Data}");

    internal void Write(DnsWireWriter writer)
    {
        writer.WriteName(Name, compress: Type != DnsRecordType.TSIG, lowerCase: Type == DnsRecordType.TSIG);
        writer.WriteUInt16((ushort)Type);
        writer.WriteUInt16((ushort)Class);
        writer.WriteUInt32(Ttl);
        var lengthAt = writer.Length;
        writer.WriteUInt16(0);
        Data.Write(writer);
        var length = writer.Length - lengthAt - 2;
        writer.PatchUInt16(lengthAt, (ushort)length);
    }

    internal static DnsResourceRecord Read(DnsWireReader reader)
    {
        var name = reader.ReadName();
        var type = (DnsRecordType)reader.ReadUInt16();
        var @class = (DnsClass)reader.ReadUInt16();
        var ttl = reader.ReadUInt32();
        var length = reader.ReadUInt16();
        if (length > reader.Remaining)
        {
            throw new DnsFormatException($"RDATA of {name} {type} claims {length} bytes, only {reader.Remaining} left");
        }

        var end = reader.Position + length;
        var previous = reader.PushLimit(end);
        DnsRecordData data;
        try
        {
            data = DnsRecordData.Read(reader, type, length);
            if (reader.Position != end)
            {
                throw new DnsFormatException($"RDATA of {name} {type} has {end - reader.Position} unread bytes");
            }
        }
        finally
        {
            reader.PopLimit(previous);
        }

        return new DnsResourceRecord(name, type, @class, ttl, data);
    }
}
