using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Ccx.Dns.DynamoDb.Tests.Infrastructure;

/// <summary>
/// Sits under the AWS SDK's HttpClient: counts DynamoDB calls by operation (the X-Amz-Target header) and can make
/// calls fail as a stopped server would (connection refused) from a chosen point on.
/// </summary>
public sealed class CountingHandler : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public CountingHandler()
        : base(new SocketsHttpHandler())
    {
    }

    /// <summary>When it returns true for an operation, the call fails with a connection error instead of being sent.</summary>
    public Func<string, bool>? FailWhen { get; set; }

    public int Total => _calls.Values.Sum();

    public int Count(string operation) => _calls.TryGetValue(operation, out var n) ? n : 0;

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(_calls);

    public void Reset() => _calls.Clear();

    /// <summary>
    /// Awaited before an operation is sent, without the caller's cancellation (a process paused between deciding to
    /// write and the write reaching DynamoDB); the request is then sent even if the caller has given up since.
    /// </summary>
    public Func<string, Task>? BeforeSend { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : "?";
        var operation = target[(target.LastIndexOf('.') + 1)..];
        _calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        if (FailWhen?.Invoke(operation) == true)
        {
            throw new HttpRequestException("Connection refused (127.0.0.1)", new SocketException((int)SocketError.ConnectionRefused));
        }

        if (BeforeSend is { } hook)
        {
            await hook(operation);
            return await base.SendAsync(request, CancellationToken.None);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
