using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Ccx.Dns.Providers;
using Ccx.Dns.Rfc2136.Tsig;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Transport;

/// <summary>
/// Sends TSIG-signed UPDATE messages and AXFR queries over TCP to one server and checks the answers. A failed UPDATE
/// prerequisite (YXDOMAIN, YXRRSET, NXDOMAIN, NXRRSET) is returned to the caller, from a signed answer only; every other
/// failure is a <see cref="DnsProviderException"/>: timeouts, refused connections and SERVFAIL are transient;
/// REFUSED, NOTAUTH, NOTZONE, FORMERR and TSIG errors (BADSIG, BADKEY, BADTIME) are permanent.
/// </summary>
internal sealed class Rfc2136Client
{
    private readonly string _host;
    private readonly int _port;
    private readonly TsigKey? _key;
    private readonly ushort _fudge;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    public Rfc2136Client(string host, int port, TsigKey? key, ushort fudge, TimeSpan timeout, TimeProvider timeProvider)
    {
        _host = host;
        _port = port;
        _key = key;
        _fudge = fudge;
        _timeout = timeout;
        _timeProvider = timeProvider;
    }

    /// <summary>The server as <c>host:port</c>, for messages.</summary>
    public string Server => _host.Contains(':', StringComparison.Ordinal) ? $"[{_host}]:{_port}" : $"{_host}:{_port}";

    /// <summary>Transfers a zone (AXFR) and returns its records, the leading SOA included and the trailing SOA dropped.</summary>
    /// <param name="zone">The zone apex.</param>
    /// <param name="cancellationToken">Cancels the transfer.</param>
    /// <returns>The records in transfer order, with message counts.</returns>
    public Task<ZoneTransfer> TransferZoneAsync(string zone, CancellationToken cancellationToken = default) =>
        RunAsync($"AXFR of zone {zone}", async token =>
        {
            var query = new DnsMessage
            {
                Id = NewId(),
                Opcode = DnsOpcode.Query,
                Questions = [new DnsQuestion(zone, DnsRecordType.AXFR, DnsClass.IN)],
            };
            var (bytes, verifier) = Sign(query);
            await using var connection = await ConnectAsync(token).ConfigureAwait(false);
            await connection.SendAsync(bytes, token).ConfigureAwait(false);
            var records = new List<DnsResourceRecord>();
            var soaCount = 0;
            var messageCount = 0;
            while (soaCount < 2)
            {
                messageCount++;
                var raw = await connection.ReceiveAsync(token).ConfigureAwait(false);
                var message = Check(raw, query.Id, verifier, $"AXFR of zone {zone}");
                foreach (var record in message.Answers)
                {
                    if (records.Count == 0 && soaCount == 0 && record.Type != DnsRecordType.SOA)
                    {
                        throw new DnsProviderException($"AXFR of zone {zone} from {Server} did not start with the SOA record (got {record.Type})", isTransient: false);
                    }

                    if (soaCount >= 2)
                    {
                        throw new DnsProviderException($"AXFR of zone {zone} from {Server} has records after the closing SOA", isTransient: false);
                    }

                    if (record.Type == DnsRecordType.SOA && ++soaCount == 2)
                    {
                        continue;
                    }

                    records.Add(record);
                }

                if (message.Answers.Count == 0)
                {
                    throw new DnsProviderException($"AXFR of zone {zone} from {Server} returned an empty message before the zone ended", isTransient: false);
                }
            }

            verifier?.EnsureComplete();
            return new ZoneTransfer(records, messageCount, verifier?.SignedCount ?? 0);
        }, cancellationToken);

    /// <summary>
    /// Sends one UPDATE message for a zone and checks the answer. A failed prerequisite (YXDOMAIN, YXRRSET, NXDOMAIN,
    /// NXRRSET: the server applied nothing) is returned; every other error is thrown.
    /// </summary>
    /// <param name="zone">The zone apex.</param>
    /// <param name="prerequisites">The prerequisite section (RFC 2136 §2.4); see <see cref="DnsUpdatePrerequisites"/>.</param>
    /// <param name="updates">The update section (adds and deletes).</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns><see cref="DnsResponseCode.NoError"/> when the server applied the message, else the prerequisite
    /// failure it answered.</returns>
    /// <exception cref="DnsProviderException">The server refused the message for another reason or did not answer.</exception>
    public Task<DnsResponseCode> UpdateAsync(string zone, IReadOnlyList<DnsResourceRecord> prerequisites, IReadOnlyList<DnsResourceRecord> updates, CancellationToken cancellationToken = default) =>
        RunAsync($"UPDATE of zone {zone}", async token =>
        {
            var update = BuildUpdate(zone, prerequisites, updates);
            var (bytes, verifier) = Sign(update);
            await using var connection = await ConnectAsync(token).ConfigureAwait(false);
            await connection.SendAsync(bytes, token).ConfigureAwait(false);
            var raw = await connection.ReceiveAsync(token).ConfigureAwait(false);
            var response = Check(raw, update.Id, verifier, $"UPDATE of zone {zone}", acceptPrerequisiteFailure: true);
            verifier?.EnsureComplete();
            return response.ResponseCode;
        }, cancellationToken);

    /// <summary>Builds an UPDATE message: zone section = the zone's SOA, then the prerequisite and update sections.</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="prerequisites">The prerequisite section.</param>
    /// <param name="updates">The update section.</param>
    /// <returns>The message.</returns>
    internal static DnsMessage BuildUpdate(string zone, IReadOnlyList<DnsResourceRecord> prerequisites, IReadOnlyList<DnsResourceRecord> updates) => new()
    {
        Id = NewId(),
        Opcode = DnsOpcode.Update,
        Questions = [new DnsQuestion(zone, DnsRecordType.SOA, DnsClass.IN)],
        Answers = prerequisites,
        Authorities = updates,
    };

    /// <summary>Whether a response code to an UPDATE says that a prerequisite failed (RFC 2136 §3.2), so nothing was applied.</summary>
    /// <param name="code">The response code.</param>
    /// <returns><see langword="true"/> for YXDOMAIN, YXRRSET, NXDOMAIN and NXRRSET.</returns>
    internal static bool IsPrerequisiteFailure(DnsResponseCode code) =>
        code is DnsResponseCode.YXDomain or DnsResponseCode.YXRRSet or DnsResponseCode.NXDomain or DnsResponseCode.NXRRSet;

    private static ushort NewId() => (ushort)RandomNumberGenerator.GetInt32(0, 65536);

    private static bool IsTransient(DnsResponseCode code) => code == DnsResponseCode.ServFail;

    private (byte[] Bytes, TsigVerifier? Verifier) Sign(DnsMessage message)
    {
        var encoded = message.Encode();
        if (_key is null)
        {
            return (encoded, null);
        }

        var now = (ulong)_timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var signed = TsigSigner.Sign(encoded, _key, now, _fudge, out var mac);
        return (signed, new TsigVerifier(_key, mac, _timeProvider));
    }

    private DnsMessage Check(byte[] raw, ushort id, TsigVerifier? verifier, string what, bool acceptPrerequisiteFailure = false)
    {
        var message = DnsMessage.Decode(raw, out var lastRecordOffset);
        if (!message.IsResponse || message.Id != id)
        {
            throw new DnsProviderException($"{what}: {Server} answered with a message that is not the response to the request (id {message.Id}, expected {id})", isTransient: true);
        }

        // An answer acted on (success, or a failed prerequisite: nothing applied) must carry a valid signature.
        var accepted = message.ResponseCode == DnsResponseCode.NoError || (acceptPrerequisiteFailure && IsPrerequisiteFailure(message.ResponseCode));
        var signed = message.Additionals.Count > 0 && message.Additionals[^1].Type == DnsRecordType.TSIG;
        if (verifier is not null && (signed || accepted))
        {
            verifier.Verify(raw, message, lastRecordOffset);
        }

        if (!accepted)
        {
            var name = DnsResponseCodes.Name(message.ResponseCode);
            throw new DnsProviderException($"{what}: {Server} answered {name}{Hint(message.ResponseCode)}", IsTransient(message.ResponseCode));
        }

        return message;
    }

    private string Hint(DnsResponseCode code) => code switch
    {
        DnsResponseCode.Refused => _key is null
            ? " (the server's allow-update/allow-transfer does not admit unsigned requests, or the zone is not served there)"
            : $" (is {_key} allowed by the zone's allow-update/allow-transfer, and is the zone served there?)",
        // Knot DNS answers NOTAUTH where BIND answers REFUSED: to a request its ACL does not admit.
        DnsResponseCode.NotAuth => _key is null
            ? " (the server is not authoritative for the zone, or its access control admits no unsigned requests: a Knot acl or BIND allow-update/allow-transfer without a key)"
            : $" (the server is not authoritative for the zone, or its access control does not admit {_key} for this zone and operation: the Knot acl's key and action, BIND allow-update/allow-transfer)",
        DnsResponseCode.NotZone => " (a name in the update is outside the zone)",
        _ => string.Empty,
    };

    private async Task<DnsTcpConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        EndPoint endPoint;
        if (IPAddress.TryParse(_host, out var address))
        {
            endPoint = new IPEndPoint(address, _port);
        }
        else
        {
            var addresses = await System.Net.Dns.GetHostAddressesAsync(_host, cancellationToken).ConfigureAwait(false);
            if (addresses.Length == 0)
            {
                throw new DnsProviderException($"host name {_host} has no addresses", isTransient: true);
            }

            endPoint = new IPEndPoint(addresses[0], _port);
        }

        return await DnsTcpConnection.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await operation(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DnsProviderException($"{what}: {Server} did not answer within {_timeout.TotalSeconds:0.###} s", isTransient: true, e);
        }
        catch (SocketException e)
        {
            throw new DnsProviderException($"{what}: cannot reach {Server}: {e.SocketErrorCode}", isTransient: true, e);
        }
        catch (IOException e)
        {
            throw new DnsProviderException($"{what}: the connection to {Server} failed: {e.Message}", isTransient: true, e);
        }
        catch (DnsFormatException e)
        {
            throw new DnsProviderException($"{what} with {Server}: malformed DNS message: {e.Message}", isTransient: false, e);
        }
    }
}

/// <summary>The result of a zone transfer.</summary>
/// <param name="Records">The records in transfer order, the closing SOA dropped.</param>
/// <param name="MessageCount">How many messages the transfer took.</param>
/// <param name="SignedMessageCount">How many of them carried a verified TSIG signature.</param>
internal sealed record ZoneTransfer(List<DnsResourceRecord> Records, int MessageCount, int SignedMessageCount);
