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
    private readonly List<TcpClient> _held = [];

    public LoopbackHttpServer(Func<string, string, CannedResponse> respond)
    {
        _respond = respond;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

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
                // Read the head, then skip the body by its Content-Length.
                int headEnd;
                while ((headEnd = received.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        client.Dispose();
                        return;
                    }

                    received.Append(Encoding.Latin1.GetString(buffer, 0, n));
                }

                var head = received.ToString(0, headEnd);
                var lines = head.Split("\r\n");
                var contentLength = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(p => int.Parse(p[1].Trim())).FirstOrDefault();
                while (received.Length < headEnd + 4 + contentLength)
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        client.Dispose();
                        return;
                    }

                    received.Append(Encoding.Latin1.GetString(buffer, 0, n));
                }

                received.Remove(0, headEnd + 4 + contentLength);
                var requestLine = lines[0].Split(' ');
                lock (_requests)
                {
                    _requests.Add(head);
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
}
