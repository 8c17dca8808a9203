using System.Buffers.Binary;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Tsig;

/// <summary>Signs requests with TSIG (RFC 8945 §5.1).</summary>
internal static class TsigSigner
{
    /// <summary>The customary fudge (allowed clock skew), seconds.</summary>
    public const ushort DefaultFudge = 300;

    /// <summary>
    /// Signs an encoded message: computes the MAC over the message and the TSIG variables, then returns the
    /// message with the TSIG record appended and ARCOUNT incremented.
    /// </summary>
    /// <param name="unsigned">The encoded message without TSIG.</param>
    /// <param name="key">The key.</param>
    /// <param name="timeSigned">Seconds since the Unix epoch.</param>
    /// <param name="fudge">Allowed skew, seconds.</param>
    /// <param name="mac">The request MAC, which the response's signature covers.</param>
    /// <returns>The signed message.</returns>
    public static byte[] Sign(ReadOnlySpan<byte> unsigned, TsigKey key, ulong timeSigned, ushort fudge, out byte[] mac)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (unsigned.Length < 12)
        {
            throw new DnsFormatException("a message to sign must have a header");
        }

        using (var hmac = key.CreateHmac())
        {
            hmac.AppendData(unsigned);
            var variables = new DnsWireWriter(compress: false, capacity: 128);
            WriteVariables(variables, key, timeSigned, fudge, DnsResponseCode.NoError, ReadOnlySpan<byte>.Empty, timersOnly: false);
            hmac.AppendData(variables.WrittenSpan);
            mac = hmac.GetHashAndReset();
        }

        var originalId = BinaryPrimitives.ReadUInt16BigEndian(unsigned);
        var record = new DnsResourceRecord(key.Name, DnsRecordType.TSIG, DnsClass.Any, 0,
            new TsigRecordData(key.Algorithm, timeSigned, fudge, mac, originalId, DnsResponseCode.NoError, ReadOnlyMemory<byte>.Empty));
        var signed = new DnsWireWriter(compress: false, capacity: unsigned.Length + 128);
        signed.WriteBytes(unsigned);
        record.Write(signed);
        var arcount = BinaryPrimitives.ReadUInt16BigEndian(unsigned[10..]);
        signed.PatchUInt16(10, checked((ushort)(arcount + 1)));
        return signed.ToArray();
    }

    /// <summary>Writes the TSIG variables (RFC 8945 §4.3.3) or, for later messages of a stream, the timers only.</summary>
    internal static void WriteVariables(DnsWireWriter writer, TsigKey key, ulong timeSigned, ushort fudge, DnsResponseCode error, ReadOnlySpan<byte> otherData, bool timersOnly)
    {
        if (!timersOnly)
        {
            writer.WriteName(key.Name, compress: false, lowerCase: true);
            writer.WriteUInt16((ushort)DnsClass.Any);
            writer.WriteUInt32(0);
            writer.WriteName(key.Algorithm, compress: false, lowerCase: true);
        }

        writer.WriteUInt48(timeSigned);
        writer.WriteUInt16(fudge);
        if (!timersOnly)
        {
            writer.WriteUInt16((ushort)error);
            writer.WriteUInt16(checked((ushort)otherData.Length));
            writer.WriteBytes(otherData);
        }
    }
}
