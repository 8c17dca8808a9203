using System.Collections.Concurrent;

namespace Ccx.Dns.PowerDns.Tests.Infrastructure;

/// <summary>Passes requests on to a real socket handler (one that does not follow redirects) and counts them by method.</summary>
public sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
{
    private readonly ConcurrentQueue<(HttpMethod Method, string Path, string Query, string? Body)> _requests = new();

    public IReadOnlyList<(HttpMethod Method, string Path, string Query, string? Body)> Requests => [.. _requests];

    public int Count(HttpMethod method) => _requests.Count(r => r.Method == method);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        _requests.Enqueue((request.Method, request.RequestUri!.AbsolutePath, Uri.UnescapeDataString(request.RequestUri.Query), body));
        return await base.SendAsync(request, cancellationToken);
    }
}
