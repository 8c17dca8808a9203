using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.RateLimiting;
using System.Xml;
using System.Xml.Linq;
using Ccx.Dns.Providers;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Route53.Internal;

/// <summary>
/// Route 53 over its REST/XML API (version 2013-04-01) with <see cref="HttpClient"/>: every request waits for a
/// token of the account's shared bucket, is signed with SigV4, and is retried with exponential backoff and
/// jitter (delays on the injected <see cref="TimeProvider"/>) on throttling, <c>PriorRequestNotComplete</c>,
/// 5xx, 429 and network failures. Request headers (credentials) are never logged nor put in exceptions. Redirects are
/// never followed: a 3xx answer is a permanent error, and an answer the handler got by following one is refused, so
/// that a signed request is only ever answered by the configured endpoint.
/// </summary>
internal sealed class Route53RestClient : IRoute53Client
{
    /// <summary>At most 100 zones per ListHostedZones page.</summary>
    public const int ZonesPageSize = 100;

    /// <summary>At most 300 record sets per ListResourceRecordSets page.</summary>
    public const int RecordSetsPageSize = 300;

    /// <summary>At most 10 ids per ListTagsForResources call.</summary>
    public const int TagsBatchSize = 10;

    private const string ApiPrefix = "/2013-04-01";

    private readonly HttpClient _http;
    private readonly Route53RequestSigner _signer;
    private readonly Route53AccountRateLimiters _limiters;
    private readonly Route53ProviderOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<double> _random;
    private readonly Uri _endpoint;
    private RateLimiter? _limiter;

    public Route53RestClient(
        HttpClient http,
        Route53RequestSigner signer,
        Route53AccountRateLimiters limiters,
        Route53ProviderOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        Func<double>? random = null)
    {
        _http = http;
        _signer = signer;
        _limiters = limiters;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _random = random ?? Random.Shared.NextDouble;
        _endpoint = options.Endpoint;
    }

    public async Task<HostedZonePage> ListHostedZonesAsync(string? marker, CancellationToken cancellationToken = default)
    {
        var query = "maxitems=" + ZonesPageSize.ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(marker))
        {
            query += "&marker=" + Uri.EscapeDataString(marker);
        }

        var doc = await SendAsync("ListHostedZones", HttpMethod.Get, ApiPrefix + "/hostedzone?" + query, null, cancellationToken).ConfigureAwait(false);
        return Route53Xml.ReadHostedZones(doc);
    }

    public async Task<IReadOnlyList<HostedZoneTags>> ListTagsForHostedZonesAsync(IReadOnlyList<string> zoneIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zoneIds);
        if (zoneIds.Count is 0 or > TagsBatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(zoneIds), zoneIds.Count, "ListTagsForResources takes 1 to 10 ids");
        }

        var body = Route53Xml.WriteListTagsForResources([.. zoneIds.Select(Route53Xml.BareId)]);
        var doc = await SendAsync("ListTagsForResources", HttpMethod.Post, ApiPrefix + "/tags/hostedzone", body, cancellationToken).ConfigureAwait(false);
        return Route53Xml.ReadTagSets(doc);
    }

    public async Task<RecordSetPage> ListResourceRecordSetsAsync(string zoneId, RecordSetCursor? start, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder("maxitems=").Append(RecordSetsPageSize.ToString(CultureInfo.InvariantCulture));
        if (start is not null)
        {
            query.Append("&name=").Append(Uri.EscapeDataString(start.Name));
            if (start.Type.Length > 0)
            {
                query.Append("&type=").Append(Uri.EscapeDataString(start.Type));
            }

            if (start.Identifier is not null)
            {
                query.Append("&identifier=").Append(Uri.EscapeDataString(start.Identifier));
            }
        }

        var path = $"{ApiPrefix}/hostedzone/{Uri.EscapeDataString(Route53Xml.BareId(zoneId))}/rrset?{query}";
        var doc = await SendAsync("ListResourceRecordSets", HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return Route53Xml.ReadRecordSets(doc);
    }

    public async Task<ChangeInfo> ChangeResourceRecordSetsAsync(string zoneId, IReadOnlyList<RecordSetChange> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var body = Route53Xml.WriteChangeBatch(changes);
        var path = $"{ApiPrefix}/hostedzone/{Uri.EscapeDataString(Route53Xml.BareId(zoneId))}/rrset/";
        var doc = await SendAsync("ChangeResourceRecordSets", HttpMethod.Post, path, body, cancellationToken).ConfigureAwait(false);
        return Route53Xml.ReadChangeInfo(doc, "ChangeResourceRecordSets");
    }

    public async Task<ChangeInfo> GetChangeAsync(string changeId, CancellationToken cancellationToken = default)
    {
        var path = $"{ApiPrefix}/change/{Uri.EscapeDataString(Route53Xml.BareId(changeId))}";
        var doc = await SendAsync("GetChange", HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return Route53Xml.ReadChangeInfo(doc, "GetChange");
    }

    /// <summary>The retry delay after a failed attempt: exponential, capped, with equal jitter (half fixed, half random).</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var exponential = _options.RetryBaseDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        var cap = Math.Min(_options.RetryMaxDelay.Ticks, exponential);
        return TimeSpan.FromTicks((long)((cap / 2) + (_random() * cap / 2)));
    }

    private async Task<XDocument> SendAsync(string operation, HttpMethod method, string pathAndQuery, byte[]? body, CancellationToken cancellationToken)
    {
        var limiter = await GetLimiterAsync(cancellationToken).ConfigureAwait(false);
        var uri = new Uri(_endpoint, pathAndQuery);
        var unanswered = false;
        for (var attempt = 1; ; attempt++)
        {
            using (var lease = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false))
            {
                if (!lease.IsAcquired)
                {
                    throw new DnsProviderException($"Route 53 {operation}: the request rate limiter refused the request", isTransient: true);
                }
            }

            Route53ApiException error;
            try
            {
                using var request = new HttpRequestMessage(method, uri);
                if (body is not null)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
                }

                await _signer.SignAsync(request, body, cancellationToken).ConfigureAwait(false);
                // ResponseContentRead: HttpClient.Timeout then covers the whole body (pages are at most a few hundred KB).
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                var answeredBy = response.RequestMessage?.RequestUri ?? request.RequestUri;
                if (answeredBy is not null && !Equals(answeredBy, uri))
                {
                    throw new Route53ApiException(operation, response.StatusCode, Route53ErrorCodes.RedirectFollowed,
                        [$"the HTTP handler followed a redirect to {Origin(answeredBy)}; the answer is refused because it did not come from {Origin(uri)}: give the provider a handler with AllowAutoRedirect = false"]);
                }

                if ((int)response.StatusCode is >= 300 and <= 399)
                {
                    var location = response.Headers.Location is { } target ? Origin(target.IsAbsoluteUri ? target : new Uri(uri, target)) : "an unnamed location";
                    throw new Route53ApiException(operation, response.StatusCode, Route53ErrorCodes.Redirect,
                        [$"the endpoint answered with a redirect to {location}; redirects are never followed, so that a signed request goes nowhere else: check Route53ProviderOptions.Endpoint"]);
                }

                if (response.IsSuccessStatusCode)
                {
                    var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                    await using (stream.ConfigureAwait(false))
                    {
                        try
                        {
                            return await XDocument.LoadAsync(stream, LoadOptions.None, cancellationToken).ConfigureAwait(false);
                        }
                        catch (XmlException e)
                        {
                            throw new Route53ApiException(operation, response.StatusCode, "MalformedResponse", ["the response body is not XML"], e);
                        }
                    }
                }

                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var (code, messages) = Route53Xml.ReadError(text, response.StatusCode, response.ReasonPhrase);
                error = new Route53ApiException(operation, response.StatusCode, code, messages);
            }
            catch (HttpRequestException e)
            {
                error = new Route53ApiException(operation, null, Route53ErrorCodes.NetworkFailure, [e.HttpRequestError.ToString()], e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                error = new Route53ApiException(operation, null, Route53ErrorCodes.Timeout, ["the request timed out"], e);
            }

            error.EarlierAttemptUnanswered = unanswered;
            if (!error.IsTransient || attempt >= _options.MaxAttempts)
            {
                Log.RequestFailed(_logger, operation, error.ErrorCode, attempt);
                throw error;
            }

            // No answer, or a server failure: the request may have been carried out all the same.
            unanswered |= error.StatusCode is null || (int)error.StatusCode.Value >= 500;

            var delay = Backoff(attempt);
            Log.RetryingRequest(_logger, operation, error.ErrorCode, attempt, delay);
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Scheme, host and port only: never a path or query, which may carry tokens.</summary>
    private static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    private async ValueTask<RateLimiter> GetLimiterAsync(CancellationToken cancellationToken)
    {
        if (_limiter is { } known)
        {
            return known;
        }

        var account = _options.AccountId is { Length: > 0 } id
            ? "account:" + id
            : "key:" + await _signer.GetAccessKeyIdAsync(cancellationToken).ConfigureAwait(false);
        return _limiter = _limiters.GetOrCreate(account, _options.RequestsPerSecond, _options.RequestBurst);
    }
}
