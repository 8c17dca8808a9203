using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ccx.Dns.TestServers;

/// <summary>
/// A real TCP listener on a free loopback port that serves each accepted connection on its own task: the plumbing of
/// the test HTTP servers (the Route 53 rule proxy, the scripted servers of the PowerDNS and webhook tests). A subclass
/// says how one connection is served; the connection is closed when that returns, and every open one when the server
/// is disposed.
/// </summary>
public abstract class LoopbackTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private Task _accepting = Task.CompletedTask;

    /// <summary>The port on 127.0.0.1 (once <see cref="Start"/> has run).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The base address for an HTTP client, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));

    /// <summary>Cancelled when the server is disposed.</summary>
    protected CancellationToken Stopping => _stopping.Token;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts listening and accepting; a subclass's constructor calls it last, once its own state is set.</summary>
    protected void Start()
    {
        _listener.Start();
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Serves one connection until the caller closes it, the server stops, or the subclass drops it by returning.</summary>
    /// <param name="connection">The connection; closed by the caller of this method when it returns.</param>
    /// <param name="stopping">Cancelled when the server is disposed.</param>
    /// <returns>A task that completes when the connection is done with.</returns>
    protected abstract Task ServeAsync(TcpClient connection, CancellationToken stopping);

    /// <summary>Stops accepting, closes every open connection and waits for the accept loop; a subclass disposes its own state after calling it.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
        }

        await _accepting.ConfigureAwait(false);
        _listener.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient connection;
            try
            {
                connection = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _connections[connection] = 0;
            _ = Task.Run(() => ServeAndCloseAsync(connection));
        }
    }

    private async Task ServeAndCloseAsync(TcpClient connection)
    {
        try
        {
            await ServeAsync(connection, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            // The caller went away, the server stops, or the caller sent something that is not HTTP/1.1.
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            connection.Dispose();
        }
    }
}
