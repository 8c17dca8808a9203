namespace Ccx.Dns.Rfc2136.Wire;

/// <summary>
/// A DNS message (RFC 1035 §4.1): header, question, answer, authority and additional sections. In an UPDATE
/// (RFC 2136) the sections are the zone, prerequisite, update and additional sections.
/// </summary>
/// <remarks>
/// Record equality compares the section lists by reference; compare <see cref="Encode"/> output to compare
/// messages by content.
/// </remarks>
public sealed record DnsMessage
{
    private const int HeaderSize = 12;

    /// <summary>The message ID.</summary>
    public ushort Id { get; init; }

    /// <summary>Whether this is a response (QR).</summary>
    public bool IsResponse { get; init; }

    /// <summary>The opcode.</summary>
    public DnsOpcode Opcode { get; init; }

    /// <summary>Authoritative answer (AA).</summary>
    public bool IsAuthoritative { get; init; }

    /// <summary>Truncated (TC): the answer did not fit a UDP datagram.</summary>
    public bool IsTruncated { get; init; }

    /// <summary>Recursion desired (RD).</summary>
    public bool RecursionDesired { get; init; }

    /// <summary>Recursion available (RA).</summary>
    public bool RecursionAvailable { get; init; }

    /// <summary>The 4-bit header response code.</summary>
    public DnsResponseCode ResponseCode { get; init; }

    /// <summary>The question (zone) section.</summary>
    public IReadOnlyList<DnsQuestion> Questions { get; init; } = [];

    /// <summary>The answer (prerequisite) section.</summary>
    public IReadOnlyList<DnsResourceRecord> Answers { get; init; } = [];

    /// <summary>The authority (update) section.</summary>
    public IReadOnlyList<DnsResourceRecord> Authorities { get; init; } = [];

    /// <summary>The additional section.</summary>
    public IReadOnlyList<DnsResourceRecord> Additionals { get; init; } = [];

    /// <summary>Encodes the message.</summary>
    /// <param name="compress">Whether to compress names.</param>
    /// <returns>The wire bytes.</returns>
    /// <exception cref="DnsFormatException">A name or record cannot be encoded, or the message exceeds 65,535 bytes.</exception>
    public byte[] Encode(bool compress = true)
    {
        var writer = new DnsWireWriter(compress);
        WriteTo(writer);
        return writer.ToArray();
    }

    /// <summary>Decodes a message.</summary>
    /// <param name="message">The wire bytes (without a TCP length prefix).</param>
    /// <returns>The message.</returns>
    /// <exception cref="DnsFormatException">The bytes are not a valid DNS message.</exception>
    public static DnsMessage Decode(ReadOnlySpan<byte> message) => Decode(message.ToArray(), out _);

    /// <summary>Decodes a message and reports where its last record starts (for TSIG).</summary>
    /// <param name="message">The wire bytes.</param>
    /// <param name="lastRecordOffset">The offset of the last additional record, or -1 when there is none.</param>
    /// <returns>The message.</returns>
    internal static DnsMessage Decode(byte[] message, out int lastRecordOffset)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length > DnsWireWriter.MaxMessageSize)
        {
            throw new DnsFormatException($"message of {message.Length} bytes exceeds {DnsWireWriter.MaxMessageSize}");
        }

        var reader = new DnsWireReader(message);
        if (message.Length < HeaderSize)
        {
            throw new DnsFormatException($"message of {message.Length} bytes is shorter than the {HeaderSize}-byte header");
        }

        var id = reader.ReadUInt16();
        var flags = reader.ReadUInt16();
        var qd = reader.ReadUInt16();
        var an = reader.ReadUInt16();
        var ns = reader.ReadUInt16();
        var ar = reader.ReadUInt16();

        // Each question needs at least 5 bytes and each record 11: reject impossible counts before allocating.
        if ((qd * 5L) + ((an + ns + (long)ar) * 11) > reader.Remaining)
        {
            throw new DnsFormatException($"header counts ({qd}/{an}/{ns}/{ar}) cannot fit in {reader.Remaining} bytes");
        }

        var questions = new DnsQuestion[qd];
        for (var i = 0; i < qd; i++)
        {
            questions[i] = new DnsQuestion(reader.ReadName(), (DnsRecordType)reader.ReadUInt16(), (DnsClass)reader.ReadUInt16());
        }

        var answers = ReadSection(reader, an);
        var authorities = ReadSection(reader, ns);
        lastRecordOffset = -1;
        var additionals = new DnsResourceRecord[ar];
        for (var i = 0; i < ar; i++)
        {
            lastRecordOffset = reader.Position;
            additionals[i] = DnsResourceRecord.Read(reader);
        }

        if (reader.Remaining != 0)
        {
            throw new DnsFormatException($"{reader.Remaining} bytes follow the last record");
        }

        return new DnsMessage
        {
            Id = id,
            IsResponse = (flags & 0x8000) != 0,
            Opcode = (DnsOpcode)((flags >> 11) & 0xF),
            IsAuthoritative = (flags & 0x0400) != 0,
            IsTruncated = (flags & 0x0200) != 0,
            RecursionDesired = (flags & 0x0100) != 0,
            RecursionAvailable = (flags & 0x0080) != 0,
            ResponseCode = (DnsResponseCode)(flags & 0xF),
            Questions = questions,
            Answers = answers,
            Authorities = authorities,
            Additionals = additionals,
        };
    }

    internal void WriteTo(DnsWireWriter writer)
    {
        if ((ushort)ResponseCode > 15)
        {
            throw new DnsFormatException($"response code {ResponseCode} does not fit the header");
        }

        writer.WriteUInt16(Id);
        var flags = (ushort)(((int)Opcode & 0xF) << 11 | ((int)ResponseCode & 0xF));
        flags |= (ushort)((IsResponse ? 0x8000 : 0) | (IsAuthoritative ? 0x0400 : 0) | (IsTruncated ? 0x0200 : 0)
            | (RecursionDesired ? 0x0100 : 0) | (RecursionAvailable ? 0x0080 : 0));
        writer.WriteUInt16(flags);
        writer.WriteUInt16(checked((ushort)Questions.Count));
        writer.WriteUInt16(checked((ushort)Answers.Count));
        writer.WriteUInt16(checked((ushort)Authorities.Count));
        writer.WriteUInt16(checked((ushort)Additionals.Count));
        foreach (var question in Questions)
        {
            writer.WriteName(question.Name);
            writer.WriteUInt16((ushort)question.Type);
            writer.WriteUInt16((ushort)question.Class);
        }

        foreach (var section in (IReadOnlyList<DnsResourceRecord>[])[Answers, Authorities, Additionals])
        {
            foreach (var record in section)
            {
                record.Write(writer);
            }
        }
    }

    private static DnsResourceRecord[] ReadSection(DnsWireReader reader, int count)
    {
        var records = new DnsResourceRecord[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = DnsResourceRecord.Read(reader);
        }

        return records;
    }
}
