using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Rfc2136.Transport;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136;

/// <summary>
/// A small stub resolver for checking what a server answers: one question over UDP, retried over TCP when the
/// answer is truncated (TC). Meant for tests and diagnostics, not for recursive resolution.
/// </summary>
public sealed class DnsQuery
{
    private readonly IPEndPoint _server;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a client for one server.</summary>
    /// <param name="server">The server's address and port.</param>
    /// <param name="timeout">The time allowed per query (UDP and any TCP retry together); 5 seconds when omitted.</param>
    /// <param name="timeProvider">The clock for the timeout; the system clock when omitted.</param>
    public DnsQuery(IPEndPoint server, TimeSpan? timeout = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        _timeout = timeout ?? TimeSpan.FromSeconds(5);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Asks one question and returns the whole response.</summary>
    /// <param name="name">The name.</param>
    /// <param name="type">The type.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The response.</returns>
    /// <exception cref="TimeoutException">No answer arrived in time.</exception>
    /// <exception cref="DnsFormatException">The answer is malformed.</exception>
    /// <exception cref="SocketException">The server cannot be reached.</exception>
    public async Task<DnsMessage> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var query = new DnsMessage
        {
            Id = (ushort)RandomNumberGenerator.GetInt32(0, 65536),
            Opcode = DnsOpcode.Query,
            Questions = [new DnsQuestion(name, type, DnsClass.IN)],
        };
        var bytes = query.Encode();
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var response = await QueryUdpAsync(bytes, query.Id, linked.Token).ConfigureAwait(false);
            if (response.IsTruncated)
            {
                response = await QueryTcpAsync(bytes, query.Id, linked.Token).ConfigureAwait(false);
            }

            return response;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{_server} did not answer {name} {type} within {_timeout.TotalSeconds:0.###} s", e);
        }
    }

    /// <summary>
    /// Asks one question and returns the answer records of that name and type (empty for NXDOMAIN or no data).
    /// For NS at a delegation point, the referral's NS records (authority section) are returned.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="type">The type.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The answer records.</returns>
    /// <exception cref="InvalidOperationException">The server answered with an error other than NXDOMAIN.</exception>
    public async Task<IReadOnlyList<DnsResourceRecord>> GetAnswersAsync(string name, DnsRecordType type, CancellationToken cancellationToken = default)
    {
        var response = await QueryAsync(name, type, cancellationToken).ConfigureAwait(false);
        if (response.ResponseCode is not (DnsResponseCode.NoError or DnsResponseCode.NXDomain))
        {
            throw new InvalidOperationException($"{_server} answered {DnsResponseCodes.Name(response.ResponseCode)} for {name} {type}");
        }

        var answers = response.Answers.Where(a => a.Type == type && DnsNameText.AreEqual(a.Name, name)).ToList();
        if (answers.Count == 0 && type == DnsRecordType.NS)
        {
            // A delegation is answered with a referral: the NS set sits in the authority section.
            answers.AddRange(response.Authorities.Where(a => a.Type == type && DnsNameText.AreEqual(a.Name, name)));
        }

        return answers;
    }

    /// <summary>
    /// Asks one question and returns the answer as an endpoint, with targets in the provider's text form (TXT the
    /// text, MX <c>"preference host"</c>, SRV <c>"priority weight port host."</c>, …) and the TTL of the first
    /// record; <see langword="null"/> when there is no such record set.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="type">The record type.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The endpoint, or <see langword="null"/>.</returns>
    public async Task<DnsEndpoint?> GetEndpointAsync(string name, RecordType type, CancellationToken cancellationToken = default)
    {
        if (!Rfc2136RecordMapper.TryGetWireType(type, out var wireType))
        {
            throw new ArgumentException($"record type {type} has no known wire value", nameof(type));
        }

        var answers = await GetAnswersAsync(name, wireType, cancellationToken).ConfigureAwait(false);
        return answers.Count == 0
            ? null
            : new DnsEndpoint(name, type, answers.Select(a => Rfc2136RecordMapper.ToTarget(a.Data))) { Ttl = answers[0].Ttl };
    }

    private async Task<DnsMessage> QueryUdpAsync(byte[] query, ushort id, CancellationToken cancellationToken)
    {
        using var socket = new Socket(_server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(_server, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[65535];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            DnsMessage response;
            try
            {
                response = DnsMessage.Decode(buffer.AsSpan(0, received));
            }
            catch (DnsFormatException) when (received >= 2 && (buffer[0] << 8 | buffer[1]) != id)
            {
                continue; // garbage not meant for us
            }

            if (response.IsResponse && response.Id == id)
            {
                return response;
            }
        }
    }

    private async Task<DnsMessage> QueryTcpAsync(byte[] query, ushort id, CancellationToken cancellationToken)
    {
        await using var connection = await DnsTcpConnection.ConnectAsync(_server, cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(query, cancellationToken).ConfigureAwait(false);
        var response = DnsMessage.Decode(await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false));
        if (!response.IsResponse || response.Id != id)
        {
            throw new DnsFormatException($"{_server} answered over TCP with id {response.Id}, expected {id}");
        }

        return response;
    }
}
