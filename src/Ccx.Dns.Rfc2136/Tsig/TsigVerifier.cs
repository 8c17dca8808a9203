using System.Buffers.Binary;
using System.Security.Cryptography;
using Ccx.Dns.Providers;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Tsig;

/// <summary>
/// Verifies the TSIG signatures of the response(s) to one signed request (RFC 8945 §5.3), including every
/// message of a multi-message zone transfer (§5.3.1): the first message is signed over the request MAC, the
/// message and all TSIG variables; each later signed message over the previous MAC, every message since the
/// previous signed one and the timers only. Failures are permanent <see cref="DnsProviderException"/>s that name
/// the key, never the secret.
/// </summary>
internal sealed class TsigVerifier
{
    /// <summary>RFC 8945 §5.3.1: at most 99 unsigned messages may follow a signed one.</summary>
    public const int MaxUnsignedInARow = 99;

    private readonly TsigKey _key;
    private readonly TimeProvider _timeProvider;
    private readonly List<byte[]> _pending = [];
    private byte[] _previousMac;
    private bool _first = true;

    /// <summary>Creates a verifier for the responses to one request.</summary>
    /// <param name="key">The key the request was signed with.</param>
    /// <param name="requestMac">The request's MAC.</param>
    /// <param name="timeProvider">The clock for the time check.</param>
    public TsigVerifier(TsigKey key, byte[] requestMac, TimeProvider timeProvider)
    {
        _key = key;
        _previousMac = requestMac;
        _timeProvider = timeProvider;
    }

    /// <summary>How many messages carried a verified signature.</summary>
    public int SignedCount { get; private set; }

    /// <summary>Verifies one response message.</summary>
    /// <param name="raw">The message bytes.</param>
    /// <param name="message">The decoded message.</param>
    /// <param name="lastRecordOffset">Where the last additional record starts.</param>
    /// <exception cref="DnsProviderException">The message is unsigned where it must be signed, or its signature is wrong.</exception>
    public void Verify(byte[] raw, DnsMessage message, int lastRecordOffset)
    {
        var last = message.Additionals.Count > 0 ? message.Additionals[^1] : null;
        if (last is null || last.Type != DnsRecordType.TSIG)
        {
            if (_first)
            {
                throw new DnsProviderException(
                    $"the response (rcode {DnsResponseCodes.Name(message.ResponseCode)}) is not signed with {_key}; it cannot be trusted",
                    isTransient: false);
            }

            _pending.Add(raw);
            if (_pending.Count > MaxUnsignedInARow)
            {
                throw new DnsProviderException($"more than {MaxUnsignedInARow} messages in a row arrived without a signature by {_key}", isTransient: false);
            }

            return;
        }

        if (last.Data is not TsigRecordData tsig)
        {
            throw new DnsProviderException($"the response carries a TSIG record without data for {_key}", isTransient: false);
        }

        if (!DnsNameText.AreEqual(last.Name, _key.Name))
        {
            throw new DnsProviderException($"the response is signed with key '{last.Name}', not with {_key}", isTransient: false);
        }

        if (tsig.Error != DnsResponseCode.NoError)
        {
            throw new DnsProviderException(
                $"the server rejected {_key}: TSIG error {DnsResponseCodes.Name(tsig.Error)} (rcode {DnsResponseCodes.Name(message.ResponseCode)}); check the key name, secret, algorithm and clock",
                isTransient: false);
        }

        if (!DnsNameText.AreEqual(tsig.Algorithm, _key.Algorithm))
        {
            throw new DnsProviderException($"the response is signed with algorithm '{tsig.Algorithm}', not with {_key}", isTransient: false);
        }

        byte[] expected;
        using (var hmac = _key.CreateHmac())
        {
            Span<byte> length = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)_previousMac.Length);
            hmac.AppendData(length);
            hmac.AppendData(_previousMac);
            foreach (var pending in _pending)
            {
                hmac.AppendData(pending);
            }

            // The message as it was before the TSIG record was added: original ID, ARCOUNT without the TSIG.
            var body = raw.AsSpan(0, lastRecordOffset).ToArray();
            BinaryPrimitives.WriteUInt16BigEndian(body, tsig.OriginalId);
            BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(10), (ushort)(message.Additionals.Count - 1));
            hmac.AppendData(body);
            var variables = new DnsWireWriter(compress: false, capacity: 128);
            TsigSigner.WriteVariables(variables, _key, tsig.TimeSigned, tsig.Fudge, tsig.Error, tsig.OtherData.Span, timersOnly: !_first);
            hmac.AppendData(variables.WrittenSpan);
            expected = hmac.GetHashAndReset();
        }

        if (tsig.Mac.Length != expected.Length || !CryptographicOperations.FixedTimeEquals(tsig.Mac.Span, expected))
        {
            throw new DnsProviderException($"the response's TSIG signature does not verify with {_key} (BADSIG)", isTransient: false);
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - (long)tsig.TimeSigned) > tsig.Fudge)
        {
            throw new DnsProviderException(
                $"the response signed with {_key} is outside the time window: signed at {tsig.TimeSigned}, now {now}, fudge {tsig.Fudge}s (BADTIME)",
                isTransient: false);
        }

        _previousMac = tsig.Mac.ToArray();
        _pending.Clear();
        _first = false;
        SignedCount++;
    }

    /// <summary>Checks that the stream ended with a signed message.</summary>
    /// <exception cref="DnsProviderException">The last messages were unsigned.</exception>
    public void EnsureComplete()
    {
        if (_first || _pending.Count > 0)
        {
            throw new DnsProviderException($"the last {_pending.Count} message(s) of the response are not signed with {_key}", isTransient: false);
        }
    }
}
