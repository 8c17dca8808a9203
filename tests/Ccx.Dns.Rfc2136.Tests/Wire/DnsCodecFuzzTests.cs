using System.Diagnostics;
using System.Net;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Tests.Wire;

/// <summary>
/// Seeded fuzzing of the decoder: random valid messages must round-trip, and random or mutated bytes may only
/// produce <see cref="DnsFormatException"/> — never another exception or a hang.
/// </summary>
public sealed class DnsCodecFuzzTests
{
    private const int Iterations = 3000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    [Fact]
    public void EncodeDecode_RandomValidMessages_RoundTripExactly()
    {
        var random = new Random(20261121);
        for (var i = 0; i < Iterations; i++)
        {
            var message = RandomMessage(random);
            var compress = random.Next(2) == 0;

            var bytes = message.Encode(compress);
            var decoded = DnsMessage.Decode(bytes);

            Assert.Equal(Convert.ToHexString(message.Encode(compress: false)), Convert.ToHexString(decoded.Encode(compress: false)));
        }
    }

    [Fact]
    public void Decode_MutatedValidMessages_ThrowOnlyDnsFormatException()
    {
        var random = new Random(4242);
        var watch = Stopwatch.StartNew();
        var failures = 0;
        var decodedCount = 0;
        for (var i = 0; i < Iterations * 2; i++)
        {
            var bytes = RandomMessage(random).Encode(compress: true);
            Mutate(random, ref bytes);
            try
            {
                DnsMessage.Decode(bytes);
                decodedCount++;
            }
            catch (DnsFormatException)
            {
                failures++;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name}: {e.Message}\ninput: {Convert.ToHexString(bytes)}");
            }
        }

        Assert.True(watch.Elapsed < Budget, $"fuzzing took {watch.Elapsed}");
        Assert.True(failures > 0 && decodedCount > 0, $"mutations should both break and keep some messages valid ({failures} failed, {decodedCount} decoded)");
    }

    [Fact]
    public void Decode_RandomBytes_ThrowOnlyDnsFormatException()
    {
        var random = new Random(7);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Iterations; i++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            if (bytes.Length >= 12 && random.Next(2) == 0)
            {
                // Plausible small counts so the decoder gets past the header more often.
                bytes[4] = 0; bytes[5] = (byte)random.Next(3);
                bytes[6] = 0; bytes[7] = (byte)random.Next(5);
                bytes[8] = 0; bytes[9] = (byte)random.Next(3);
                bytes[10] = 0; bytes[11] = (byte)random.Next(3);
            }

            var e = Record.Exception(() => DnsMessage.Decode(bytes));
            Assert.True(e is null or DnsFormatException, $"iteration {i}: {e?.GetType().Name}: {e?.Message}\ninput: {Convert.ToHexString(bytes)}");
        }

        Assert.True(watch.Elapsed < Budget, $"fuzzing took {watch.Elapsed}");
    }

    private static void Mutate(Random random, ref byte[] bytes)
    {
        switch (random.Next(5))
        {
            case 0: // flip a few bytes
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                break;
            case 1: // truncate
                Array.Resize(ref bytes, random.Next(bytes.Length));
                break;
            case 2: // plant a compression pointer somewhere
                var at = random.Next(12, Math.Max(13, bytes.Length - 1));
                if (at + 1 < bytes.Length)
                {
                    bytes[at] = (byte)(0xC0 | random.Next(4));
                    bytes[at + 1] = (byte)random.Next(256);
                }

                break;
            case 3: // bump a header count
                bytes[4 + (2 * random.Next(4)) + 1] ^= (byte)(1 << random.Next(8));
                break;
            default: // insert random bytes
                var insertAt = random.Next(bytes.Length);
                var extra = new byte[random.Next(1, 8)];
                random.NextBytes(extra);
                bytes = [.. bytes[..insertAt], .. extra, .. bytes[insertAt..]];
                break;
        }
    }

    internal static DnsMessage RandomMessage(Random random)
    {
        string[] zones = ["example.org", "example.test", "a.b.c.example.net", "2.0.192.in-addr.arpa"];
        string Name() => random.Next(4) == 0 ? zones[random.Next(zones.Length)] : $"{Label(random)}.{zones[random.Next(zones.Length)]}";
        DnsResourceRecord Record()
        {
            var name = Name();
            return random.Next(11) switch
            {
                0 => new(name, DnsRecordType.A, DnsClass.IN, (uint)random.Next(), new AddressRecordData(new IPAddress(random.NextInt64(0, uint.MaxValue)))),
                1 => new(name, DnsRecordType.AAAA, DnsClass.IN, 300, new AddressRecordData(new IPAddress(Bytes(random, 16)))),
                2 => new(name, DnsRecordType.CNAME, DnsClass.IN, 300, new NameRecordData(Name())),
                3 => new(name, DnsRecordType.TXT, DnsClass.IN, 300, TxtRecordData.FromStrings(Enumerable.Range(0, random.Next(1, 4)).Select(_ => new string((char)random.Next('!', '~'), random.Next(0, 255))))),
                4 => new(name, DnsRecordType.MX, DnsClass.IN, 300, new MxRecordData((ushort)random.Next(65536), Name())),
                5 => new(name, DnsRecordType.SRV, DnsClass.IN, 300, new SrvRecordData((ushort)random.Next(65536), (ushort)random.Next(65536), (ushort)random.Next(65536), Name())),
                6 => new(name, DnsRecordType.NS, DnsClass.IN, 300, new NameRecordData(Name())),
                7 => new(name, DnsRecordType.PTR, DnsClass.IN, 300, new NameRecordData(Name())),
                8 => new(name, DnsRecordType.CAA, DnsClass.IN, 300, new CaaRecordData((byte)random.Next(256), "issue", Label(random))),
                9 => new(name, DnsRecordType.SOA, DnsClass.IN, 300, new SoaRecordData(Name(), Name(), (uint)random.Next(), 1, 2, 3, 4)),
                _ => new(name, DnsRecordType.TXT, random.Next(2) == 0 ? DnsClass.Any : DnsClass.None, 0, EmptyRecordData.Instance),
            };
        }

        DnsResourceRecord[] Section(int max) => [.. Enumerable.Range(0, random.Next(max + 1)).Select(_ => Record())];
        var additionals = Section(2).ToList();
        if (random.Next(3) == 0)
        {
            additionals.Add(new DnsResourceRecord("key.example", DnsRecordType.TSIG, DnsClass.Any, 0,
                new TsigRecordData("hmac-sha256", (ulong)random.NextInt64(0, 1L << 48), 300, Bytes(random, 32), (ushort)random.Next(65536), DnsResponseCode.NoError, Array.Empty<byte>())));
        }

        return new DnsMessage
        {
            Id = (ushort)random.Next(65536),
            IsResponse = random.Next(2) == 0,
            Opcode = random.Next(2) == 0 ? DnsOpcode.Query : DnsOpcode.Update,
            ResponseCode = (DnsResponseCode)random.Next(11),
            Questions = [new DnsQuestion(Name(), DnsRecordType.SOA)],
            Answers = Section(4),
            Authorities = Section(4),
            Additionals = additionals,
        };
    }

    private static string Label(Random random)
    {
        const string chars = "abcdefghijklmnopqrstuvwxyz0123456789-_";
        return new string([.. Enumerable.Range(0, random.Next(1, 20)).Select(_ => chars[random.Next(chars.Length)])]);
    }

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
