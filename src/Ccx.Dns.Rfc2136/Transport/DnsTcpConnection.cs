using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Ccx.Dns.Rfc2136.Transport;

/// <summary>One DNS-over-TCP connection (RFC 1035 §4.2.2, RFC 7766): messages framed by a 2-byte length.</summary>
internal sealed class DnsTcpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private DnsTcpConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Connects.</summary>
    /// <param name="server">The server.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The connection.</returns>
    public static async Task<DnsTcpConnection> ConnectAsync(EndPoint server, CancellationToken cancellationToken)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            return new DnsTcpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task.</returns>
    public async Task SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, checked((ushort)message.Length));
        message.CopyTo(framed, 2);
        await _stream.WriteAsync(framed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Receives one message.</summary>
    /// <param name="cancellationToken">Cancels the receive.</param>
    /// <returns>The message bytes.</returns>
    /// <exception cref="EndOfStreamException">The server closed the connection.</exception>
    public async Task<byte[]> ReceiveAsync(CancellationToken cancellationToken)
    {
        var prefix = new byte[2];
        await _stream.ReadExactlyAsync(prefix, cancellationToken).ConfigureAwait(false);
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await _stream.ReadExactlyAsync(message, cancellationToken).ConfigureAwait(false);
        return message;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
