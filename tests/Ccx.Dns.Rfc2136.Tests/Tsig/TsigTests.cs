using System.Buffers.Binary;
using System.Security.Cryptography;
using Ccx.Dns.Providers;
using Ccx.Dns.Rfc2136.Tests.Infrastructure;
using Ccx.Dns.Rfc2136.Tests.Wire;
using Ccx.Dns.Rfc2136.Tsig;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Tests.Tsig;

public sealed class TsigTests
{
    // providers.md §4.4 (dnspython 2.3.0, recomputed independently).
    private const string VectorSecret = "96Ah/a2g0/nLeFGK+d/0tzQcccf9hCEIy34PoXX2Qg8=";
    private const ulong VectorTime = 1700000000;
    private const string VectorVariablesHex = "0f65787465726e616c646e732d6b65790000ff000000000b686d61632d7368613235360000006553f100012c00000000";
    private const string VectorMacHex = "e6eebf9a6d403de0f6d90b43af597edd0f4ac4c744621b9f9fe91a521e484808";
    private const string VectorSignedHex =
        "123428000001000000030001076578616d706c650474657374000006000103777777c00c000100010000012c0004c000020a" +
        "036f6c64c00c000100fe000000000004c000021403747874c00c001000ff0000000000000f65787465726e616c646e732d6b6579" +
        "0000fa00ff00000000003d0b686d61632d7368613235360000006553f100012c0020e6eebf9a6d403de0f6d90b43af597edd0f" +
        "4ac4c744621b9f9fe91a521e484808123400000000";

    private static readonly DateTimeOffset VectorNow = DateTimeOffset.FromUnixTimeSeconds((long)VectorTime);

    [Fact]
    public void Sign_KnownAnswerVector_ProducesDnspythonMacAndBytes()
    {
        var key = new TsigKey("externaldns-key.", "hmac-sha256", VectorSecret);

        var signed = TsigSigner.Sign(Convert.FromHexString(DnsMessageTests.VectorUnsignedHex), key, VectorTime, 300, out var mac);

        Assert.Equal(VectorMacHex, Convert.ToHexStringLower(mac));
        Assert.Equal(VectorSignedHex, Convert.ToHexStringLower(signed));
    }

    [Fact]
    public void Sign_OwnEncodingOfVectorMessage_ProducesSameSignedBytes()
    {
        var key = new TsigKey("externaldns-key", "HMAC-SHA256", VectorSecret);

        var signed = TsigSigner.Sign(DnsMessageTests.VectorMessage().Encode(), key, VectorTime, 300, out _);

        Assert.Equal(VectorSignedHex, Convert.ToHexStringLower(signed));
        var decoded = DnsMessage.Decode(signed);
        var tsig = Assert.IsType<TsigRecordData>(decoded.Additionals[^1].Data);
        Assert.Equal(0x1234, tsig.OriginalId);
        Assert.Equal("hmac-sha256", tsig.Algorithm);
    }

    [Theory]
    [InlineData("hmac-sha512", 64)]
    [InlineData("hmac-sha1", 20)]
    [InlineData("sha384", 48)]
    public void Sign_OtherAlgorithms_MacMatchesIndependentHmac(string algorithm, int macSize)
    {
        var key = new TsigKey("externaldns-key", algorithm, VectorSecret);
        var unsigned = Convert.FromHexString(DnsMessageTests.VectorUnsignedHex);

        TsigSigner.Sign(unsigned, key, VectorTime, 300, out var mac);

        // Independent digest: the vector's variables with the algorithm name swapped.
        var variables = Convert.FromHexString(VectorVariablesHex).ToList();
        var algorithmWire = new List<byte>();
        foreach (var label in key.Algorithm.Split('.'))
        {
            algorithmWire.Add((byte)label.Length);
            algorithmWire.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        algorithmWire.Add(0);
        var sha256Name = Convert.FromHexString("0b686d61632d73686132353600");
        var start = 17 + 2 + 4; // key name (17) + class + ttl
        variables.RemoveRange(start, sha256Name.Length);
        variables.InsertRange(start, algorithmWire);
        byte[] data = [.. unsigned, .. variables];
        var secret = Convert.FromBase64String(VectorSecret);
        var expected = key.Algorithm switch
        {
            "hmac-sha512" => HMACSHA512.HashData(secret, data),
#pragma warning disable CA5350 // hmac-sha1 is a TSIG algorithm servers still offer; this checks our MAC against it.
            "hmac-sha1" => HMACSHA1.HashData(secret, data),
#pragma warning restore CA5350
            _ => HMACSHA384.HashData(secret, data),
        };
        Assert.Equal(macSize, mac.Length);
        Assert.Equal(expected, mac);
    }

    [Fact]
    public void TsigKey_BadInput_ThrowsWithoutSecret()
    {
        Assert.Throws<ArgumentException>(() => new TsigKey("k", "hmac-md5", VectorSecret));
        var e = Assert.Throws<ArgumentException>(() => new TsigKey("k", "hmac-sha256", "not base64 %%%"));
        Assert.DoesNotContain("%%%", e.Message, StringComparison.Ordinal);
        Assert.Contains("'k'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(VectorSecret, new TsigKey("k", "hmac-sha256", VectorSecret).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SingleSignedResponse_Passes()
    {
        var (key, requestMac) = Request();
        var response = Response(1);
        var signed = ServerSign(response, key, requestMac, VectorTime, timersOnly: false);
        var verifier = new TsigVerifier(key, requestMac, new ManualTimeProvider(VectorNow.AddSeconds(10)));

        Verify(verifier, signed);
        verifier.EnsureComplete();
    }

    [Fact]
    public void Verify_TamperedResponse_IsPermanentBadSigNamingKey()
    {
        var (key, requestMac) = Request();
        var signed = ServerSign(Response(1), key, requestMac, VectorTime, timersOnly: false);
        signed[3] ^= 0x80; // flip RA in the header
        var verifier = new TsigVerifier(key, requestMac, new ManualTimeProvider(VectorNow));

        var e = Assert.Throws<DnsProviderException>(() => Verify(verifier, signed));

        Assert.False(e.IsTransient);
        Assert.Contains("BADSIG", e.Message, StringComparison.Ordinal);
        Assert.Contains("externaldns-key", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(VectorSecret, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ResponseSignedOverOtherRequestMac_Fails()
    {
        var (key, requestMac) = Request();
        var signed = ServerSign(Response(1), key, new byte[32], VectorTime, timersOnly: false);
        var verifier = new TsigVerifier(key, requestMac, new ManualTimeProvider(VectorNow));

        Assert.Throws<DnsProviderException>(() => Verify(verifier, signed));
    }

    [Fact]
    public void Verify_OutsideFudge_IsBadTime()
    {
        var (key, requestMac) = Request();
        var signed = ServerSign(Response(1), key, requestMac, VectorTime, timersOnly: false);
        var verifier = new TsigVerifier(key, requestMac, new ManualTimeProvider(VectorNow.AddSeconds(301)));

        var e = Assert.Throws<DnsProviderException>(() => Verify(verifier, signed));

        Assert.Contains("BADTIME", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_UnsignedFirstResponse_IsRejected()
    {
        var (key, requestMac) = Request();
        var verifier = new TsigVerifier(key, requestMac, new ManualTimeProvider(VectorNow));

        var e = Assert.Throws<DnsProviderException>(() => Verify(verifier, Response(1).Encode()));

        Assert.Contains("not signed", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DnsResponseCode.BadSig, "BADSIG")]
    [InlineData(DnsResponseCode.BadKey, "BADKEY")]
    [InlineData(DnsResponseCode.BadTime, "BADTIME")]
    public void Verify_TsigErrorFromServer_IsPermanentAndNamed(DnsResponseCode error, string name)
    {
        var (key, requestMac) = Request();
        var response = Response(1) with
        {
            ResponseCode = DnsResponseCode.NotAuth,
            Additionals = [new DnsResourceRecord("externaldns-key", DnsRecordType.TSIG, DnsClass.Any, 0, new TsigRecordData("hmac-sha256", VectorTime, 300, Array.Empty<byte>(), 1, error, Array.Empty<byte>()))],
        };
        var verifier = new TsigVerifier(key, requestMac, new ManualTimeProvider(VectorNow));

        var e = Assert.Throws<DnsProviderException>(() => Verify(verifier, response.Encode()));

        Assert.False(e.IsTransient);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.Contains("externaldns-key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_MultiMessageTransferWithUnsignedMiddle_PassesAndDetectsTampering()
    {
        var (key, requestMac) = Request();
        var first = ServerSign(Response(1), key, requestMac, VectorTime, timersOnly: false);
        var firstMac = MacOf(first);
        var middle = Response(2).Encode();
        var last = ServerSign(Response(3), key, [.. firstMac], VectorTime + 1, timersOnly: true, unsignedBefore: middle);

        var verifier = new TsigVerifier(key, requestMac, new ManualTimeProvider(VectorNow));
        Verify(verifier, first);
        Verify(verifier, middle);
        Verify(verifier, last);
        verifier.EnsureComplete();

        var tampered = (byte[])middle.Clone();
        tampered[^1] ^= 1;
        var again = new TsigVerifier(key, requestMac, new ManualTimeProvider(VectorNow));
        Verify(again, first);
        Verify(again, tampered);
        Assert.Throws<DnsProviderException>(() => Verify(again, last));
    }

    [Fact]
    public void EnsureComplete_LastMessageUnsigned_Throws()
    {
        var (key, requestMac) = Request();
        var verifier = new TsigVerifier(key, requestMac, new ManualTimeProvider(VectorNow));
        Verify(verifier, ServerSign(Response(1), key, requestMac, VectorTime, timersOnly: false));
        Verify(verifier, Response(2).Encode());

        Assert.Throws<DnsProviderException>(verifier.EnsureComplete);
    }

    [Fact]
    public void Verify_HundredUnsignedInARow_Throws()
    {
        var (key, requestMac) = Request();
        var verifier = new TsigVerifier(key, requestMac, new ManualTimeProvider(VectorNow));
        Verify(verifier, ServerSign(Response(1), key, requestMac, VectorTime, timersOnly: false));
        for (var i = 0; i < TsigVerifier.MaxUnsignedInARow; i++)
        {
            Verify(verifier, Response(2).Encode());
        }

        Assert.Throws<DnsProviderException>(() => Verify(verifier, Response(2).Encode()));
    }

    private static (TsigKey Key, byte[] RequestMac) Request()
    {
        var key = new TsigKey("externaldns-key", "hmac-sha256", VectorSecret);
        TsigSigner.Sign(Convert.FromHexString(DnsMessageTests.VectorUnsignedHex), key, VectorTime, 300, out var mac);
        return (key, mac);
    }

    private static DnsMessage Response(int n) => new()
    {
        Id = 0x1234,
        IsResponse = true,
        Opcode = DnsOpcode.Query,
        Questions = [new DnsQuestion("example.test", DnsRecordType.AXFR)],
        Answers = [new DnsResourceRecord($"h{n}.example.test", DnsRecordType.A, DnsClass.IN, 60, new AddressRecordData(System.Net.IPAddress.Parse($"192.0.2.{n}")))],
    };

    private static void Verify(TsigVerifier verifier, byte[] raw)
    {
        var message = DnsMessage.Decode(raw, out var offset);
        verifier.Verify(raw, message, offset);
    }

    private static byte[] MacOf(byte[] signed) => ((TsigRecordData)DnsMessage.Decode(signed).Additionals[^1].Data).Mac.ToArray();

    /// <summary>Signs a response the way a server does (RFC 8945 §5.3 / §5.3.1), built by hand here.</summary>
    private static byte[] ServerSign(DnsMessage response, TsigKey key, byte[] priorMac, ulong time, bool timersOnly, byte[]? unsignedBefore = null)
    {
        var body = response.Encode(compress: false);
        var keyName = Convert.FromHexString("0f65787465726e616c646e732d6b657900");
        var algorithm = Convert.FromHexString("0b686d61632d73686132353600");
        var timers = new byte[8];
        BinaryPrimitives.WriteUInt16BigEndian(timers, (ushort)(time >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(timers.AsSpan(2), (uint)time);
        BinaryPrimitives.WriteUInt16BigEndian(timers.AsSpan(6), 300);
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)priorMac.Length);
        byte[] data = timersOnly
            ? [.. prefix, .. priorMac, .. unsignedBefore ?? [], .. body, .. timers]
            : [.. prefix, .. priorMac, .. body, .. keyName, 0, 255, 0, 0, 0, 0, .. algorithm, .. timers, 0, 0, 0, 0];
        var mac = HMACSHA256.HashData(Convert.FromBase64String(VectorSecret), data);
        _ = key;
        var signed = response with
        {
            Additionals = [new DnsResourceRecord("externaldns-key", DnsRecordType.TSIG, DnsClass.Any, 0, new TsigRecordData("hmac-sha256", time, 300, mac, response.Id, DnsResponseCode.NoError, Array.Empty<byte>()))],
        };
        return signed.Encode(compress: false);
    }
}
