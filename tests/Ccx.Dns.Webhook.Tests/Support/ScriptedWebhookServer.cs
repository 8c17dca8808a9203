using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

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
public sealed class ScriptedWebhookServer : LoopbackTcpServer
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Func<RecordedRequest, int, ScriptedAnswer> _script;
    private int _count;

    /// <summary>Starts a server; <paramref name="script"/> gets each request and its 1-based number.</summary>
    public ScriptedWebhookServer(Func<RecordedRequest, int, ScriptedAnswer> script)
    {
        _script = script;
        Start();
    }

    /// <summary>A server that negotiates with <c>{}</c> and answers every other call as <paramref name="script"/> says.</summary>
    public static ScriptedWebhookServer AfterNegotiation(Func<RecordedRequest, int, ScriptedAnswer> script) =>
        new((request, n) => request is { Method: "GET", Path: "/" } ? ScriptedAnswer.Json("{}") : script(request, n));

    public string Url => BaseAddress.ToString().TrimEnd('/');

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>The requests other than negotiation.</summary>
    public IReadOnlyList<RecordedRequest> Calls => [.. _requests.Where(r => r.Path != "/")];

    protected override async Task ServeAsync(TcpClient connection, CancellationToken stopping)
    {
        var stream = connection.GetStream();
        var reader = new HttpRequestReader(stream);
        while (await reader.ReadAsync(stopping) is { } wire)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in wire.Headers)
            {
                headers[name] = value;
            }

            var request = new RecordedRequest(wire.Method, wire.Target, headers, wire.Body);
            _requests.Enqueue(request);
            switch (_script(request, Interlocked.Increment(ref _count)))
            {
                case ScriptedAnswer.Drop:
                    connection.Client.Shutdown(SocketShutdown.Both);
                    return;
                case ScriptedAnswer.Hang:
                    await Task.Delay(Timeout.Infinite, stopping);
                    return;
                case ScriptedAnswer.Respond respond:
                    await WriteResponseAsync(stream, respond, stopping);
                    break;
            }
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
