using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ccx.Dns.Patroni.Tests.Infrastructure;

/// <summary>How a <see cref="ScriptedPatroniMember"/> answers.</summary>
public enum MemberBehavior
{
    /// <summary>Answers with the scripted status and body.</summary>
    Answer,

    /// <summary>Reads the request and never answers (like Patroni's /cluster while its DCS is unreachable).</summary>
    Hang,

    /// <summary>Accepts the connection and resets it at once (a member whose REST API cannot be reached).</summary>
    Reset,
}

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 (raw sockets, one request per connection) standing in for one Patroni member's
/// REST API: it answers <c>GET /cluster</c> from a script the test changes between reads, so that edge cases a real
/// Patroni does not produce on demand (malformed answers, hangs, flapping) can be played.
/// </summary>
public sealed class ScriptedPatroniMember : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<TcpClient> _held = [];
    private readonly Lock _gate = new();
    private MemberBehavior _behavior = MemberBehavior.Answer;
    private int _status = 200;
    private string _body = "{\"members\": []}";
    private int _requests;
    private TaskCompletionSource _requestSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ScriptedPatroniMember(string name)
    {
        Name = name;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The member's name in the scripted answers.</summary>
    public string Name { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The REST API base URL (what the source is configured with).</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}");

    /// <summary>The <c>api_url</c> Patroni reports for this member.</summary>
    public string ApiUrl => Url + "/patroni";

    /// <summary>How many requests arrived.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The request paths received.</summary>
    public List<string> Paths { get; } = [];

    /// <summary>Answers every request with this status and body.</summary>
    public void Answer(string body, int status = 200)
    {
        lock (_gate)
        {
            _behavior = MemberBehavior.Answer;
            _body = body;
            _status = status;
        }
    }

    /// <summary>Switches to hanging or resetting.</summary>
    public void Behave(MemberBehavior behavior)
    {
        lock (_gate)
        {
            _behavior = behavior;
        }
    }

    /// <summary>Completes when the next request arrives.</summary>
    public Task NextRequest()
    {
        lock (_gate)
        {
            return _requestSeen.Task;
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
        catch (OperationCanceledException)
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
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        MemberBehavior behavior;
        int status;
        string body;
        lock (_gate)
        {
            behavior = _behavior;
            status = _status;
            body = _body;
        }

        if (behavior == MemberBehavior.Reset)
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Dispose();
            Seen("(reset)");
            return;
        }

        try
        {
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream);
            var path = head.Split(' ', 3).ElementAtOrDefault(1) ?? string.Empty;
            Seen(path);
            if (behavior == MemberBehavior.Hang)
            {
                lock (_held)
                {
                    _held.Add(client);
                }

                return;
            }

            var bytes = Encoding.UTF8.GetBytes(path == "/cluster" ? body : "{}");
            var reason = status == 200 ? "OK" : "Scripted";
            var effective = path == "/cluster" ? status : 404;
            var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"HTTP/1.1 {effective} {reason}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(header);
            await stream.WriteAsync(bytes);
            await stream.FlushAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            if (behavior != MemberBehavior.Hang)
            {
                client.Dispose();
            }
        }
    }

    private void Seen(string path)
    {
        TaskCompletionSource seen;
        lock (_gate)
        {
            Paths.Add(path);
            Interlocked.Increment(ref _requests);
            seen = _requestSeen;
            _requestSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        seen.TrySetResult();
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[8192];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }
}
