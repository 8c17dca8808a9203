using System.Buffers.Binary;
using System.Text;

namespace Ccx.Dns.Rfc2136.Wire;

/// <summary>
/// Reads DNS wire format from one message. Every read is bounds-checked and throws
/// <see cref="DnsFormatException"/> on truncation; compression pointers must point strictly backwards, so a
/// name can never loop.
/// </summary>
internal sealed class DnsWireReader
{
    private readonly byte[] _message;
    private int _limit;

    /// <summary>Creates a reader over a whole message.</summary>
    /// <param name="message">The message bytes.</param>
    public DnsWireReader(byte[] message)
    {
        _message = message;
        _limit = message.Length;
    }

    /// <summary>The read position.</summary>
    public int Position { get; set; }

    /// <summary>The bytes left before the current limit.</summary>
    public int Remaining => _limit - Position;

    /// <summary>Restricts reads to end at <paramref name="limit"/> (the end of an RDATA).</summary>
    /// <param name="limit">The new limit.</param>
    /// <returns>The previous limit, to restore.</returns>
    public int PushLimit(int limit)
    {
        var previous = _limit;
        _limit = limit;
        return previous;
    }

    /// <summary>Restores a limit returned by <see cref="PushLimit"/>.</summary>
    /// <param name="limit">The limit.</param>
    public void PopLimit(int limit) => _limit = limit;

    public byte ReadByte()
    {
        Need(1);
        return _message[Position++];
    }

    public ushort ReadUInt16()
    {
        Need(2);
        var value = BinaryPrimitives.ReadUInt16BigEndian(_message.AsSpan(Position));
        Position += 2;
        return value;
    }

    public uint ReadUInt32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadUInt32BigEndian(_message.AsSpan(Position));
        Position += 4;
        return value;
    }

    public ulong ReadUInt48()
    {
        Need(6);
        var high = BinaryPrimitives.ReadUInt16BigEndian(_message.AsSpan(Position));
        var low = BinaryPrimitives.ReadUInt32BigEndian(_message.AsSpan(Position + 2));
        Position += 6;
        return ((ulong)high << 32) | low;
    }

    public byte[] ReadBytes(int count)
    {
        if (count < 0)
        {
            throw new DnsFormatException("negative length");
        }

        Need(count);
        var value = _message.AsSpan(Position, count).ToArray();
        Position += count;
        return value;
    }

    /// <summary>Reads a character-string (length byte and bytes).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ReadCharacterString() => ReadBytes(ReadByte());

    /// <summary>Reads a possibly compressed domain name.</summary>
    /// <returns>The name in presentation text without a trailing dot; <c>.</c> for the root.</returns>
    public string ReadName()
    {
        var builder = new StringBuilder();
        var position = Position;
        var end = -1;
        var wireLength = 1;
        var lowestJump = position;
        while (true)
        {
            if (position >= _limit && end < 0)
            {
                throw new DnsFormatException($"name at offset {Position} is truncated");
            }

            if (position >= _message.Length)
            {
                throw new DnsFormatException($"name at offset {Position} runs past the end of the message");
            }

            var length = _message[position];
            switch (length & 0xC0)
            {
                case 0x00:
                    if (length == 0)
                    {
                        Position = end < 0 ? position + 1 : end;
                        if (end < 0 && Position > _limit)
                        {
                            throw new DnsFormatException("name runs past the end of its record");
                        }

                        return builder.Length == 0 ? "." : builder.ToString();
                    }

                    wireLength += length + 1;
                    if (wireLength > DnsNameText.MaxWireLength)
                    {
                        throw new DnsFormatException($"name at offset {Position} is longer than {DnsNameText.MaxWireLength} bytes");
                    }

                    var labelEnd = position + 1 + length;
                    if (labelEnd > (end < 0 ? _limit : _message.Length))
                    {
                        throw new DnsFormatException($"label at offset {position} is truncated");
                    }

                    if (builder.Length > 0)
                    {
                        builder.Append('.');
                    }

                    DnsNameText.AppendLabel(builder, _message.AsSpan(position + 1, length));
                    position = labelEnd;
                    break;
                case 0xC0:
                    if (position + 1 >= (end < 0 ? _limit : _message.Length))
                    {
                        throw new DnsFormatException($"compression pointer at offset {position} is truncated");
                    }

                    var target = ((length & 0x3F) << 8) | _message[position + 1];
                    if (target >= lowestJump)
                    {
                        throw new DnsFormatException($"compression pointer at offset {position} does not point backwards (to {target})");
                    }

                    if (end < 0)
                    {
                        end = position + 2;
                    }

                    lowestJump = target;
                    position = target;
                    break;
                default:
                    throw new DnsFormatException($"label at offset {position} has reserved type bits 0x{length & 0xC0:x2} (label longer than 63?)");
            }
        }
    }

    private void Need(int count)
    {
        if (count > _limit - Position)
        {
            throw new DnsFormatException($"message truncated at offset {Position}: {count} more bytes needed, {Math.Max(0, _limit - Position)} left");
        }
    }
}
