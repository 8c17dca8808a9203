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
/// A tiny real HTTP/1.1 server on 127.0.0.1 that answers each request from a function of method and path, for status
/// codes and stalls a real PowerDNS does not produce on demand. Records the requests and their headers.
/// </summary>
public sealed class LoopbackHttpServer : LoopbackTcpServer
{
    private readonly Func<string, string, CannedResponse> _respond;
    private readonly List<HttpWireRequest> _requests = [];

    public LoopbackHttpServer(Func<string, string, CannedResponse> respond)
    {
        _respond = respond;
        Start();
    }

    public string Url => BaseAddress.ToString().TrimEnd('/');

    /// <summary>Request bodies received so far, in the order of <see cref="Requests"/> (empty for none).</summary>
    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests.Select(r => r.BodyText)];
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
                return [.. _requests.Select(r => r.Head)];
            }
        }
    }

    protected override async Task ServeAsync(TcpClient connection, CancellationToken stopping)
    {
        var stream = connection.GetStream();
        var reader = new HttpRequestReader(stream);
        while (await reader.ReadAsync(stopping) is { } request)
        {
            lock (_requests)
            {
                _requests.Add(request);
            }

            var canned = _respond(request.Method, request.Target);
            if (canned.Hang)
            {
                await Task.Delay(Timeout.Infinite, stopping);
                return;
            }

            var body = Encoding.UTF8.GetBytes(canned.Body);
            var location = canned.Location is null ? string.Empty : $"Location: {canned.Location}\r\n";
            var length = canned.CutShort ? body.Length + 1000 : body.Length;
            var response = $"HTTP/1.1 {canned.Status} {(HttpStatusCode)canned.Status}\r\nContent-Type: application/json\r\n{location}Content-Length: {length}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response), stopping);
            await stream.WriteAsync(body, stopping);
            await stream.FlushAsync(stopping);
            if (canned.CutShort)
            {
                return;
            }
        }
    }
}
