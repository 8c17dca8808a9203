using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ccx.Dns.Providers.Webhook;

namespace Ccx.Dns.Webhook.Tests.Support;

/// <summary>A request the scripted server received.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>What the scripted server does with a request.</summary>
public abstract record ScriptedAnswer
{
    /// <summary>Answers with a status, headers and a body (Content-Length set unless <paramref name="Chunked"/>).</summary>
    public sealed record Respond(int Status, string? ContentType, byte[] Body, IReadOnlyList<(string Name, string Value)>? Headers = null, bool Chunked = false) : ScriptedAnswer;

    /// <summary>Reads the request, then closes the connection without answering.</summary>
    public sealed record Drop : ScriptedAnswer;

    /// <summary>Reads the request and never answers (until the server is disposed).</summary>
    public sealed record Hang : ScriptedAnswer;

    public static ScriptedAnswer Json(string json, int status = 200) =>
        new Respond(status, ExternalDnsWebhookProtocol.MediaType, Encoding.UTF8.GetBytes(json));

    public static ScriptedAnswer NoContent() => new Respond(204, null, []);

    public static ScriptedAnswer Error(int status, string text = "") => new Respond(status, "text/plain", Encoding.UTF8.GetBytes(text));
}

/// <summary>
/// A real HTTP/1.1 listener on a free loopback port that answers each request as the test scripts it: any status,
/// content type or body, a dropped connection, or no answer at all. Records every request it read. Keep-alive is
/// honoured, so a client reuses its connection as it would with a real server.
/// </summary>
public sealed class ScriptedWebhookServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Func<RecordedRequest, int, ScriptedAnswer> _script;
    private readonly Task _accepting;
    private readonly ConcurrentBag<TcpClient> _clients = [];
    private int _count;

    /// <summary>Starts a server; <paramref name="script"/> gets each request and its 1-based number.</summary>
    public ScriptedWebhookServer(Func<RecordedRequest, int, ScriptedAnswer> script)
    {
        _script = script;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>A server that negotiates with <c>{}</c> and answers every other call as <paramref name="script"/> says.</summary>
    public static ScriptedWebhookServer AfterNegotiation(Func<RecordedRequest, int, ScriptedAnswer> script) =>
        new((request, n) => request is { Method: "GET", Path: "/" } ? ScriptedAnswer.Json("{}") : script(request, n));

    public string Url => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>The requests other than negotiation.</summary>
    public IReadOnlyList<RecordedRequest> Calls => [.. _requests.Where(r => r.Path != "/")];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _clients.Add(client);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                var reader = new BufferedStream(stream);
                while (!_stop.IsCancellationRequested)
                {
                    var request = await ReadRequestAsync(reader, _stop.Token);
                    if (request is null)
                    {
                        return;
                    }

                    _requests.Enqueue(request);
                    var answer = _script(request, Interlocked.Increment(ref _count));
                    switch (answer)
                    {
                        case ScriptedAnswer.Drop:
                            client.Client.Shutdown(SocketShutdown.Both);
                            return;
                        case ScriptedAnswer.Hang:
                            await Task.Delay(Timeout.Infinite, _stop.Token);
                            return;
                        case ScriptedAnswer.Respond respond:
                            await WriteResponseAsync(stream, respond, _stop.Token);
                            break;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away, or the server stops.
        }
    }

    private static async Task<RecordedRequest?> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        var requestLine = await ReadLineAsync(stream, cancellationToken);
        if (string.IsNullOrEmpty(requestLine))
        {
            return null;
        }

        var parts = requestLine.Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await ReadLineAsync(stream, cancellationToken) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = Array.Empty<byte>();
        if (headers.TryGetValue("Content-Length", out var lengthText) && int.Parse(lengthText, CultureInfo.InvariantCulture) is > 0 and var length)
        {
            body = new byte[length];
            await stream.ReadExactlyAsync(body, cancellationToken);
        }

        return new RecordedRequest(parts[0], parts[1], headers, body);
    }

    private static async Task<string?> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return bytes.Count == 0 ? null : Encoding.ASCII.GetString([.. bytes]);
            }

            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            }

            bytes.Add(one[0]);
        }
    }

    private static async Task WriteResponseAsync(Stream stream, ScriptedAnswer.Respond respond, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {respond.Status} Scripted\r\n");
        if (respond.ContentType is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: {respond.ContentType}\r\n");
        }

        foreach (var (name, value) in respond.Headers ?? [])
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append(respond.Chunked ? "Transfer-Encoding: chunked\r\n" : string.Create(CultureInfo.InvariantCulture, $"Content-Length: {respond.Body.Length}\r\n"));
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
        if (respond.Chunked)
        {
            const int ChunkSize = 8192;
            for (var offset = 0; offset < respond.Body.Length; offset += ChunkSize)
            {
                var chunk = respond.Body.AsMemory(offset, Math.Min(ChunkSize, respond.Body.Length - offset));
                await stream.WriteAsync(Encoding.ASCII.GetBytes(chunk.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), cancellationToken);
                await stream.WriteAsync(chunk, cancellationToken);
                await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
            }

            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
        }
        else
        {
            await stream.WriteAsync(respond.Body, cancellationToken);
        }

        await stream.FlushAsync(cancellationToken);
    }
}
