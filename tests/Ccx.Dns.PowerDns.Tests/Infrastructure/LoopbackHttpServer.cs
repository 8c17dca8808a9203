using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ccx.Dns.PowerDns.Tests.Infrastructure;

/// <summary>
/// The answer a <see cref="LoopbackHttpServer"/> gives; <see cref="Hang"/> keeps the connection open without answering,
/// <see cref="Location"/> adds a Location header (for redirects), <see cref="CutShort"/> announces a longer body than it
/// sends and closes the connection.
/// </summary>
public sealed record CannedResponse(int Status, string Body = "", bool Hang = false, string? Location = null, bool CutShort = false)
{
    public static CannedResponse Hanging { get; } = new(0, Hang: true);
}

/// <summary>
/// A tiny real HTTP/1.1 server on 127.0.0.1 (raw sockets) that answers each request from a function of method and path,
/// for status codes and stalls a real PowerDNS does not produce on demand. Records the requests and their headers.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, string, CannedResponse> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<string> _requests = [];
    private readonly List<string> _bodies = [];
    private readonly List<TcpClient> _held = [];

    public LoopbackHttpServer(Func<string, string, CannedResponse> respond)
    {
        _respond = respond;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Request bodies received so far, in the order of <see cref="Requests"/> (empty for none).</summary>
    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_requests)
            {
                return [.. _bodies];
            }
        }
    }

    /// <summary>Request heads received so far ("METHOD path" followed by the header lines).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_held)
        {
            foreach (var client in _held)
            {
                client.Dispose();
            }
        }

        try
        {
            await _loop;
        }
        catch (Exception)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        var stream = client.GetStream();
        var buffer = new byte[64 * 1024];
        var received = new StringBuilder();
        try
        {
            while (true)
            {
                // Read the head, then the body by its Content-Length or its chunks.
                var headEnd = await FillUntilAsync(stream, buffer, received, "\r\n\r\n");
                if (headEnd < 0)
                {
                    client.Dispose();
                    return;
                }

                var head = received.ToString(0, headEnd);
                received.Remove(0, headEnd + 4);
                var lines = head.Split("\r\n");
                var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToArray();
                var contentLength = headers.Where(p => p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(p => int.Parse(p[1].Trim())).FirstOrDefault();
                var chunked = headers.Any(p => p[0].Trim().Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                    && p[1].Contains("chunked", StringComparison.OrdinalIgnoreCase));
                var requestBody = new StringBuilder();
                if (chunked)
                {
                    while (true)
                    {
                        var sizeEnd = await FillUntilAsync(stream, buffer, received, "\r\n");
                        if (sizeEnd < 0)
                        {
                            client.Dispose();
                            return;
                        }

                        var size = Convert.ToInt32(received.ToString(0, sizeEnd).Split(';')[0].Trim(), 16);
                        received.Remove(0, sizeEnd + 2);
                        if (!await FillAsync(stream, buffer, received, size + 2))
                        {
                            client.Dispose();
                            return;
                        }

                        requestBody.Append(received.ToString(0, size));
                        received.Remove(0, size + 2);
                        if (size == 0)
                        {
                            break;
                        }
                    }
                }
                else
                {
                    if (!await FillAsync(stream, buffer, received, contentLength))
                    {
                        client.Dispose();
                        return;
                    }

                    requestBody.Append(received.ToString(0, contentLength));
                    received.Remove(0, contentLength);
                }

                var requestLine = lines[0].Split(' ');
                lock (_requests)
                {
                    _requests.Add(head);
                    _bodies.Add(Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(requestBody.ToString())));
                }

                var canned = _respond(requestLine[0], requestLine[1]);
                if (canned.Hang)
                {
                    lock (_held)
                    {
                        _held.Add(client);
                    }

                    return;
                }

                var body = Encoding.UTF8.GetBytes(canned.Body);
                var location = canned.Location is null ? string.Empty : $"Location: {canned.Location}\r\n";
                var length = canned.CutShort ? body.Length + 1000 : body.Length;
                var response = $"HTTP/1.1 {canned.Status} {(HttpStatusCode)canned.Status}\r\nContent-Type: application/json\r\n{location}Content-Length: {length}\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
                if (canned.CutShort)
                {
                    await stream.FlushAsync(_stop.Token);
                    client.Dispose();
                    return;
                }
            }
        }
        catch (Exception)
        {
            client.Dispose();
        }
    }

    /// <summary>Reads until the buffer holds <paramref name="marker"/>; its index, or -1 when the connection closed first.</summary>
    private async Task<int> FillUntilAsync(NetworkStream stream, byte[] buffer, StringBuilder received, string marker)
    {
        int index;
        while ((index = received.ToString().IndexOf(marker, StringComparison.Ordinal)) < 0)
        {
            var n = await stream.ReadAsync(buffer, _stop.Token);
            if (n == 0)
            {
                return -1;
            }

            received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }

        return index;
    }

    /// <summary>Reads until the buffer holds at least <paramref name="count"/> characters; false when the connection closed first.</summary>
    private async Task<bool> FillAsync(NetworkStream stream, byte[] buffer, StringBuilder received, int count)
    {
        while (received.Length < count)
        {
            var n = await stream.ReadAsync(buffer, _stop.Token);
            if (n == 0)
            {
                return false;
            }

            received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }

        return true;
    }
}
