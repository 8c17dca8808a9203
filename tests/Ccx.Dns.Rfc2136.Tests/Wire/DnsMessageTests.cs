using System.Net;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Tests.Wire;

public sealed class DnsMessageTests
{
    // The unsigned UPDATE of providers.md §4.4 (dnspython 2.3.0 output).
    internal const string VectorUnsignedHex =
        "123428000001000000030000076578616d706c650474657374000006000103777777c00c000100010000012c0004c000020a" +
        "036f6c64c00c000100fe000000000004c000021403747874c00c001000ff000000000000";

    internal static DnsMessage VectorMessage() => new()
    {
        Id = 0x1234,
        Opcode = DnsOpcode.Update,
        Questions = [new DnsQuestion("example.test", DnsRecordType.SOA)],
        Authorities =
        [
            new DnsResourceRecord("www.example.test", DnsRecordType.A, DnsClass.IN, 300, new AddressRecordData(IPAddress.Parse("192.0.2.10"))),
            new DnsResourceRecord("old.example.test", DnsRecordType.A, DnsClass.None, 0, new AddressRecordData(IPAddress.Parse("192.0.2.20"))),
            new DnsResourceRecord("txt.example.test", DnsRecordType.TXT, DnsClass.Any, 0, EmptyRecordData.Instance),
        ],
    };

    public static TheoryData<string, DnsRecordType, DnsRecordData> Records() => new()
    {
        { "a.example.org", DnsRecordType.A, new AddressRecordData(IPAddress.Parse("192.0.2.1")) },
        { "aaaa.example.org", DnsRecordType.AAAA, new AddressRecordData(IPAddress.Parse("2001:db8::1")) },
        { "cname.example.org", DnsRecordType.CNAME, new NameRecordData("target.example.org") },
        { "ns.example.org", DnsRecordType.NS, new NameRecordData("ns1.example.org") },
        { "10.2.0.192.in-addr.arpa", DnsRecordType.PTR, new NameRecordData("host.example.org") },
        { "txt.example.org", DnsRecordType.TXT, TxtRecordData.FromStrings(["one", "two \"quoted\"", string.Empty]) },
        { "long.example.org", DnsRecordType.TXT, new TxtRecordData(new string('x', 600)) },
        { "mx.example.org", DnsRecordType.MX, new MxRecordData(10, "mail.example.org") },
        { "_sip._tcp.example.org", DnsRecordType.SRV, new SrvRecordData(10, 60, 5060, "sip.example.org") },
        { "caa.example.org", DnsRecordType.CAA, new CaaRecordData(128, "issue", "letsencrypt.org; validationmethods=dns-01") },
        { "example.org", DnsRecordType.SOA, new SoaRecordData("ns1.example.org", "hostmaster.example.org", 2026112101, 3600, 600, 86400, 300) },
        { "key.example.org", DnsRecordType.TSIG, new TsigRecordData("hmac-sha256", 1700000000, 300, new byte[] { 1, 2, 3 }, 7, DnsResponseCode.BadTime, new byte[] { 0, 0, 0x65, 0x53, 0xf1, 0 }) },
        { "x.example.org", (DnsRecordType)65280, new UnknownRecordData(new byte[] { 9, 8, 7 }) },
        { "*.example.org", DnsRecordType.A, new AddressRecordData(IPAddress.Parse("192.0.2.2")) },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void EncodeDecode_EachRecordType_RoundTrips(string name, DnsRecordType type, DnsRecordData data)
    {
        foreach (var compress in new[] { true, false })
        {
            var message = new DnsMessage
            {
                Id = 42,
                IsResponse = true,
                IsAuthoritative = true,
                Questions = [new DnsQuestion(name, type)],
                Answers = [new DnsResourceRecord(name, type, DnsClass.IN, 3600, data)],
                Additionals = [new DnsResourceRecord("example.org", DnsRecordType.NS, DnsClass.IN, 60, new NameRecordData("ns1.example.org"))],
            };

            var decoded = DnsMessage.Decode(message.Encode(compress));

            Assert.Equal(42, decoded.Id);
            Assert.True(decoded.IsResponse);
            Assert.True(decoded.IsAuthoritative);
            Assert.Equal(message.Questions, decoded.Questions);
            var answer = Assert.Single(decoded.Answers);
            Assert.Equal(name, answer.Name);
            Assert.Equal(type, answer.Type);
            Assert.Equal(3600u, answer.Ttl);
            Assert.Equal(data.ToString(), answer.Data.ToString());
            if (data is TxtRecordData txt)
            {
                Assert.Equal(txt, answer.Data);
                Assert.Equal(txt.Text, ((TxtRecordData)answer.Data).Text);
            }
            else if (data is TsigRecordData tsig)
            {
                var got = Assert.IsType<TsigRecordData>(answer.Data);
                Assert.Equal(tsig.Mac.ToArray(), got.Mac.ToArray());
                Assert.Equal(tsig.OtherData.ToArray(), got.OtherData.ToArray());
                Assert.Equal(tsig.Error, got.Error);
            }
            else if (data is UnknownRecordData unknown)
            {
                Assert.Equal(unknown.Data.ToArray(), Assert.IsType<UnknownRecordData>(answer.Data).Data.ToArray());
            }
            else
            {
                Assert.Equal(data, answer.Data);
            }

            Assert.Equal(message.Encode(compress), decoded.Encode(compress));
        }
    }

    [Fact]
    public void Encode_KnownAnswerUpdate_MatchesDnspythonBytesIncludingCompression()
    {
        var bytes = VectorMessage().Encode();

        Assert.Equal(VectorUnsignedHex, Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void Decode_KnownAnswerUpdate_ReadsSectionsAndMetaClasses()
    {
        var message = DnsMessage.Decode(Convert.FromHexString(VectorUnsignedHex));

        Assert.Equal(DnsOpcode.Update, message.Opcode);
        Assert.Equal(new DnsQuestion("example.test", DnsRecordType.SOA), Assert.Single(message.Questions));
        Assert.Equal([DnsClass.IN, DnsClass.None, DnsClass.Any], message.Authorities.Select(a => a.Class));
        Assert.Equal("old.example.test", message.Authorities[1].Name);
        Assert.Same(EmptyRecordData.Instance, message.Authorities[2].Data);
    }

    [Fact]
    public void Encode_Compression_ShrinksRepeatedNamesAndDecodesEqual()
    {
        var records = Enumerable.Range(0, 20)
            .Select(i => new DnsResourceRecord($"h{i}.example.org", DnsRecordType.CNAME, DnsClass.IN, 60, new NameRecordData("target.example.org")))
            .ToArray();
        var message = new DnsMessage { Answers = records };

        var compressed = message.Encode(compress: true);
        var plain = message.Encode(compress: false);

        Assert.True(compressed.Length < plain.Length / 2, $"{compressed.Length} vs {plain.Length}");
        Assert.Equal(plain, DnsMessage.Decode(compressed).Encode(compress: false));
    }

    [Fact]
    public void Encode_SrvTarget_IsNeverCompressed()
    {
        var message = new DnsMessage
        {
            Answers = [new DnsResourceRecord("sip.example.org", DnsRecordType.SRV, DnsClass.IN, 60, new SrvRecordData(1, 2, 3, "sip.example.org"))],
        };

        var bytes = message.Encode();

        // The SRV RDATA ends with the full uncompressed target: 3sip7example3org0.
        Assert.EndsWith("03736970076578616d706c65036f726700", Convert.ToHexStringLower(bytes), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\\.b.example.org")]
    [InlineData("a\\\\b.example.org")]
    [InlineData("sp\\032ace.example.org")]
    [InlineData("\\000zero.example.org")]
    public void EncodeDecode_EscapedLabels_RoundTrip(string name)
    {
        var message = new DnsMessage { Questions = [new DnsQuestion(name, DnsRecordType.A)] };

        var decoded = DnsMessage.Decode(message.Encode());

        Assert.Equal(name, decoded.Questions[0].Name);
    }

    [Fact]
    public void Decode_RootName_IsDot()
    {
        var message = new DnsMessage { Questions = [new DnsQuestion(".", DnsRecordType.NS)] };

        Assert.Equal(".", DnsMessage.Decode(message.Encode()).Questions[0].Name);
    }

    [Fact]
    public void TxtRecordData_LongUtf8Text_SplitsAt255BytesWithoutCuttingCharacters()
    {
        var text = string.Concat(Enumerable.Repeat("é€😀x", 100));

        var data = new TxtRecordData(text);

        Assert.All(data.Strings, s => Assert.True(System.Text.Encoding.UTF8.GetByteCount(s) <= 255));
        Assert.True(data.Strings.Count > 1);
        Assert.Equal(text, data.Text);
        Assert.Equal(text, string.Concat(data.Strings));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData("..")]
    [InlineData("bad\\")]
    [InlineData("bad\\25")]
    [InlineData("bad\\256")]
    [InlineData("ünïcode.example")]
    public void Encode_InvalidName_ThrowsDnsFormatException(string name)
    {
        if (name.Length == 0)
        {
            // The empty name is the root, which is valid.
            Assert.Equal(".", DnsMessage.Decode(new DnsMessage { Questions = [new DnsQuestion(name, DnsRecordType.A)] }.Encode()).Questions[0].Name);
            return;
        }

        Assert.Throws<DnsFormatException>(() => new DnsMessage { Questions = [new DnsQuestion(name, DnsRecordType.A)] }.Encode());
    }

    [Fact]
    public void Encode_LabelOf64Bytes_ThrowsDnsFormatException()
    {
        var name = new string('a', 64) + ".example.org";

        var e = Assert.Throws<DnsFormatException>(() => new DnsMessage { Questions = [new DnsQuestion(name, DnsRecordType.A)] }.Encode());
        Assert.Contains("63", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_NameOf256Bytes_ThrowsAndNameOf255Encodes()
    {
        // 4 labels of 63 bytes = 4 * 64 + 1 = 257 bytes on the wire; 3 of 63 and one of 61 = 255.
        var label = new string('a', 63);
        var tooLong = string.Join('.', label, label, label, label);
        var maximal = string.Join('.', label, label, label, new string('b', 61));

        Assert.Throws<DnsFormatException>(() => new DnsMessage { Questions = [new DnsQuestion(tooLong, DnsRecordType.A)] }.Encode());
        var decoded = DnsMessage.Decode(new DnsMessage { Questions = [new DnsQuestion(maximal, DnsRecordType.A)] }.Encode());
        Assert.Equal(maximal, decoded.Questions[0].Name);
    }

    [Fact]
    public void Encode_MessageOver65535Bytes_ThrowsDnsFormatException()
    {
        var big = new TxtRecordData(new string('x', 60_000));
        var message = new DnsMessage
        {
            Answers = [new DnsResourceRecord("a.example.org", DnsRecordType.TXT, DnsClass.IN, 0, big), new DnsResourceRecord("b.example.org", DnsRecordType.TXT, DnsClass.IN, 0, big)],
        };

        Assert.Throws<DnsFormatException>(() => message.Encode());
    }

    public static TheoryData<string, string> Malformed() => new()
    {
        { "empty", string.Empty },
        { "short header", "1234" },
        { "question count without question", "000001000001000000000000" },
        { "truncated name", "00000100000100000000000003777777" },
        { "pointer to itself", "000001000001000000000000c00c00010001" },
        { "pointer forward", "000001000001000000000000c00e0001000100" },
        { "pointer loop", "00000100000200000000000001610000010001" + "c01300010001" },
        { "pointer past end", "000001000001000000000000c3ff00010001" },
        { "label type 01 (label 64+)", "0000010000010000000000004061000010001" + "0" },
        { "label type 10", "000001000001000000000000806100010001" },
        { "count too large for message", "00000100ffffffffffffffff" },
        { "rdlength past end", "000081000000000100000000" + "0161000001000100000e10" + "0010c0000201" },
        { "A with 3 bytes", "000081000000000100000000" + "0161000001000100000e10" + "0003c00002" },
        { "trailing garbage", "000081000000000000000000ff" },
        { "rdata with unread bytes", "000081000000000100000000" + "0161000005000100000e10" + "00040161" + "0000" },
        { "name crossing rdata end", "000081000000000100000000" + "0161000005000100000e10" + "0002" + "03616263" + "00" },
        { "txt string past rdata", "000081000000000100000000" + "0161000010000100000e10" + "0002" + "0561" + "62" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Decode_MalformedInput_ThrowsDnsFormatExceptionOnly(string what, string hex)
    {
        var bytes = Convert.FromHexString(hex.Length % 2 == 0 ? hex : hex + "0");

        var e = Record.Exception(() => DnsMessage.Decode(bytes));

        Assert.True(e is DnsFormatException, $"{what}: {e?.GetType().Name ?? "no exception"} {e?.Message}");
    }

    [Fact]
    public void Decode_NameOver255BytesThroughPointers_ThrowsDnsFormatException()
    {
        // Five names, each a 63-byte label plus a pointer to the previous one: the last expands past 255 bytes.
        var bytes = new List<byte> { 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0 };
        var previous = -1;
        for (var i = 0; i < 5; i++)
        {
            var start = bytes.Count;
            bytes.Add(63);
            bytes.AddRange(Enumerable.Repeat((byte)'a', 63));
            if (previous < 0)
            {
                bytes.Add(0);
            }
            else
            {
                bytes.Add((byte)(0xC0 | (previous >> 8)));
                bytes.Add((byte)previous);
            }

            bytes.AddRange(new byte[] { 0, 1, 0, 1 });
            previous = start;
        }

        var e = Assert.Throws<DnsFormatException>(() => DnsMessage.Decode(bytes.ToArray()));
        Assert.Contains("255", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_OversizeMessage_ThrowsDnsFormatException()
    {
        Assert.Throws<DnsFormatException>(() => DnsMessage.Decode(new byte[70_000]));
    }
}
