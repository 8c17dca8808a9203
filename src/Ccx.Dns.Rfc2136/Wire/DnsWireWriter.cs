using System.Buffers.Binary;
using System.Text;

namespace Ccx.Dns.Rfc2136.Wire;

/// <summary>
/// Writes DNS wire format into a growable buffer, with optional name compression (RFC 1035 §4.1.4).
/// A message never grows beyond 65,535 bytes.
/// </summary>
internal sealed class DnsWireWriter
{
    /// <summary>The largest DNS message (the TCP length prefix is 16 bits).</summary>
    public const int MaxMessageSize = 65535;

    private readonly Dictionary<string, int>? _compression;
    private byte[] _buffer;

    /// <summary>Creates a writer.</summary>
    /// <param name="compress">Whether names written with compression allowed point to earlier copies.</param>
    /// <param name="capacity">The initial buffer size.</param>
    public DnsWireWriter(bool compress = true, int capacity = 512)
    {
        _buffer = new byte[Math.Max(capacity, 16)];
        _compression = compress ? new Dictionary<string, int>(StringComparer.Ordinal) : null;
    }

    /// <summary>The number of bytes written.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    /// <summary>Copies out the bytes written.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void WriteUInt48(ulong value)
    {
        if (value > 0xFFFF_FFFF_FFFFUL)
        {
            throw new DnsFormatException("a 48-bit field overflowed");
        }

        var span = Reserve(6);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)(value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(span[2..], (uint)value);
    }

    public void WriteBytes(ReadOnlySpan<byte> value) => value.CopyTo(Reserve(value.Length));

    /// <summary>Overwrites a 16-bit value written earlier.</summary>
    /// <param name="offset">Where.</param>
    /// <param name="value">The value.</param>
    public void PatchUInt16(int offset, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(offset, 2), value);

    /// <summary>Writes a character-string: a length byte and up to 255 bytes.</summary>
    /// <param name="value">The bytes.</param>
    public void WriteCharacterString(ReadOnlySpan<byte> value)
    {
        if (value.Length > 255)
        {
            throw new DnsFormatException("a character-string is longer than 255 bytes");
        }

        WriteByte((byte)value.Length);
        WriteBytes(value);
    }

    /// <summary>Writes a domain name.</summary>
    /// <param name="name">The name in presentation text.</param>
    /// <param name="compress">Whether this name may point to an earlier name (only where RFC 3597 allows it).</param>
    /// <param name="lowerCase">Whether to write labels in lower case (canonical form, RFC 4034 §6.2).</param>
    public void WriteName(string name, bool compress = true, bool lowerCase = false)
    {
        var labels = DnsNameText.ToLabels(name);
        for (var i = 0; i < labels.Count; i++)
        {
            if (_compression is not null)
            {
                var key = SuffixKey(labels, i);
                if (compress && _compression.TryGetValue(key, out var pointer))
                {
                    WriteUInt16((ushort)(0xC000 | pointer));
                    return;
                }

                if (Length < 0x3FFF)
                {
                    _compression.TryAdd(key, Length);
                }
            }

            var label = labels[i];
            WriteByte((byte)label.Length);
            var span = Reserve(label.Length);
            label.CopyTo(span);
            if (lowerCase)
            {
                for (var j = 0; j < span.Length; j++)
                {
                    if (span[j] is >= (byte)'A' and <= (byte)'Z')
                    {
                        span[j] = (byte)(span[j] + 32);
                    }
                }
            }
        }

        WriteByte(0);
    }

    private static string SuffixKey(List<byte[]> labels, int start)
    {
        var sb = new StringBuilder();
        for (var i = start; i < labels.Count; i++)
        {
            sb.Append((char)labels[i].Length);
            foreach (var b in labels[i])
            {
                sb.Append((char)(b is >= (byte)'A' and <= (byte)'Z' ? b + 32 : b));
            }
        }

        return sb.ToString();
    }

    private Span<byte> Reserve(int count)
    {
        var needed = Length + count;
        if (needed > MaxMessageSize)
        {
            throw new DnsFormatException($"the DNS message would exceed {MaxMessageSize} bytes");
        }

        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(MaxMessageSize, Math.Max(needed, _buffer.Length * 2)));
        }

        var span = _buffer.AsSpan(Length, count);
        Length = needed;
        return span;
    }
}
