using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Ccx.Dns.Rfc2136.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of a DNS server that forwards the first <c>forward</c> length-prefixed messages (one
/// per connection, as the client sends them) and drops the connection on every later one without forwarding it: a
/// connection lost between two UPDATE messages.
/// </summary>
public sealed class DroppingDnsProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly int _forward;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _seen;

    public DroppingDnsProxy(IPEndPoint upstream, int forward)
    {
        _upstream = upstream;
        _forward = forward;
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Messages forwarded so far.</summary>
    public int Forwarded { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var message = await ReadMessageAsync(stream, _stop.Token);
            if (message is null || Interlocked.Increment(ref _seen) > _forward)
            {
                client.Client.LingerState = new LingerOption(true, 0); // reset, as a dropped connection does
                continue;
            }

            using var upstream = new TcpClient();
            await upstream.ConnectAsync(_upstream, _stop.Token);
            var upstreamStream = upstream.GetStream();
            await upstreamStream.WriteAsync(message, _stop.Token);
            var answer = await ReadMessageAsync(upstreamStream, _stop.Token);
            Forwarded++;
            if (answer is not null)
            {
                await stream.WriteAsync(answer, _stop.Token);
            }
        }
    }

    private static async Task<byte[]?> ReadMessageAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[2];
        if (!await ReadExactlyAsync(stream, prefix, cancellationToken))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        var message = new byte[2 + length];
        prefix.CopyTo(message, 0);
        return await ReadExactlyAsync(stream, message.AsMemory(2), cancellationToken) ? message : null;
    }

    private static async Task<bool> ReadExactlyAsync(NetworkStream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }
}
