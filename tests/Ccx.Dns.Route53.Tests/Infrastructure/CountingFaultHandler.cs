using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Ccx.Dns.Route53.Tests.Infrastructure;

/// <summary>
/// Counts requests by operation and injects faults moto cannot produce (throttling, PriorRequestNotComplete,
/// 5xx, network errors): queued faults answer the next matching requests instead of the server.
/// </summary>
public sealed class CountingFaultHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<(Func<HttpRequestMessage, bool> Match, Func<HttpResponseMessage> Respond)> _faults = new();
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(Func<HttpRequestMessage, string, bool> Match, Func<HttpResponseMessage> Respond)> _rules = new();
    private int _total;
    private int _stalls;

    public CountingFaultHandler(HttpMessageHandler? inner = null) => InnerHandler = inner ?? new SocketsHttpHandler { AllowAutoRedirect = false };

    public int Total => Volatile.Read(ref _total);

    public ConcurrentQueue<string> RequestLog { get; } = new();

    public int Count(string operation) => _counts.GetValueOrDefault(operation);

    public void Reset()
    {
        _counts.Clear();
        Interlocked.Exchange(ref _total, 0);
        RequestLog.Clear();
    }

    public void InjectError(HttpStatusCode status, string code, int times = 1, Func<HttpRequestMessage, bool>? match = null)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue((match ?? (_ => true), () => ErrorResponse(status, code)));
        }
    }

    /// <summary>Answers every matching request with the response, for as long as the handler lives; rules are tried in the order added.</summary>
    public void AddRule(Func<HttpRequestMessage, string, bool> match, Func<HttpResponseMessage> respond) => _rules.Enqueue((match, respond));

    /// <summary>The next requests never get an answer (until the caller's timeout or cancellation fires).</summary>
    public void InjectStall(int times = 1) => Interlocked.Add(ref _stalls, times);

    public void InjectNetworkFailure(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue((_ => true, () => throw new HttpRequestException(HttpRequestError.ConnectionError, "connection refused (injected)")));
        }
    }

    public static HttpResponseMessage ErrorResponse(HttpStatusCode status, string code) => new(status)
    {
        Content = new StringContent(
            $"<?xml version=\"1.0\"?><ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{code} (injected)</Message></Error><RequestId>r-1</RequestId></ErrorResponse>",
            Encoding.UTF8,
            "text/xml"),
    };

    public static string OperationOf(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        return (request.Method.Method, path) switch
        {
            ("GET", _) when path.EndsWith("/hostedzone", StringComparison.Ordinal) => "ListHostedZones",
            ("GET", _) when path.EndsWith("/rrset", StringComparison.Ordinal) => "ListResourceRecordSets",
            ("POST", _) when path.EndsWith("/rrset/", StringComparison.Ordinal) => "ChangeResourceRecordSets",
            ("POST", _) when path.Contains("/tags/", StringComparison.Ordinal) => "ListTagsForResources",
            ("GET", _) when path.Contains("/change/", StringComparison.Ordinal) => "GetChange",
            _ => request.Method.Method + " " + path,
        };
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = OperationOf(request);
        _counts.AddOrUpdate(operation, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
        RequestLog.Enqueue(operation + " " + request.RequestUri!.PathAndQuery);
        if (Interlocked.Decrement(ref _stalls) >= 0)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        Interlocked.CompareExchange(ref _stalls, 0, -1);
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        foreach (var rule in _rules)
        {
            if (rule.Match(request, body))
            {
                return rule.Respond();
            }
        }

        if (_faults.TryPeek(out var fault) && fault.Match(request) && _faults.TryDequeue(out fault))
        {
            return fault.Respond();
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
