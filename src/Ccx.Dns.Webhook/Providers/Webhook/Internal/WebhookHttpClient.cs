using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Providers.Webhook.Internal;

/// <summary>
/// Sends one protocol call with the protocol's rules: the exact media type as <c>Accept</c> and <c>Content-Type</c>
/// and required back as <c>Content-Type</c>; 5xx and unreachable servers tried again with exponential back-off and
/// jitter (through the <see cref="TimeProvider"/>) up to the attempt limit, then a transient failure; 4xx and 3xx
/// permanent, redirects never followed; each round trip bounded as a whole by the timeout; bodies capped. An apply
/// that was sent but got no answer is never re-sent: its outcome is unknown.
/// </summary>
internal sealed class WebhookHttpClient
{
    private const int MaxErrorTextLength = 1024;

    private readonly HttpClient _http;
    private readonly Uri _baseUrl;
    private readonly string _origin;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly TimeSpan _timeout;
    private readonly int _maxAttempts;
    private readonly TimeSpan _initialDelay;
    private readonly TimeSpan _maxDelay;
    private readonly long _maxBodySize;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<double> _jitter;

    public WebhookHttpClient(HttpClient http, ExternalDnsWebhookProviderOptions options, TimeProvider timeProvider, ILogger logger, Func<double>? jitter = null)
    {
        _http = http;
        var url = new Uri(options.Url!.Trim(), UriKind.Absolute);
        _baseUrl = url.AbsolutePath.EndsWith('/') ? url : new UriBuilder(url) { Path = url.AbsolutePath + "/" }.Uri;
        _origin = url.GetLeftPart(UriPartial.Authority);
        _headers = [.. options.RequestHeaders];
        _timeout = options.Timeout;
        _maxAttempts = options.MaxAttempts;
        _initialDelay = options.InitialRetryDelay;
        _maxDelay = options.MaxRetryDelay;
        _maxBodySize = options.MaxBodySize;
        _timeProvider = timeProvider;
        _logger = logger;
        _jitter = jitter ?? Random.Shared.NextDouble;
    }

    /// <summary>The server's origin (scheme, host and port), safe to log.</summary>
    public string Origin => _origin;

    /// <summary>The largest body sent or read.</summary>
    public long MaxBodySize => _maxBodySize;

    /// <summary>The wait before retry number <paramref name="attempt"/> (1-based) before jitter.</summary>
    internal static TimeSpan Backoff(TimeSpan initial, TimeSpan max, int attempt)
    {
        var ticks = initial.Ticks * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Sends a call, trying again while the failure allows it.</summary>
    /// <returns>The answer's body for calls that read one (the caller disposes it), <see langword="null"/> for an apply.</returns>
    /// <exception cref="DnsProviderException">The call failed (see the class remarks for which failures are transient).</exception>
    public async Task<PooledBuffer?> SendAsync(WebhookCall call, ReadOnlyMemory<byte>? body, CancellationToken cancellationToken)
    {
        if (body is { Length: var length } && length > _maxBodySize)
        {
            throw new ExternalDnsWebhookException(
                Scrub(string.Create(CultureInfo.InvariantCulture, $"webhook {call}: the request body is {length} bytes, over the limit of {_maxBodySize} bytes (MaxBodySize); the server would refuse it, so it was not sent")),
                isTransient: false,
                statusCode: null);
        }

        for (var attempt = 1; ; attempt++)
        {
            RetryableFailure retryable;
            try
            {
                return await SendOnceAsync(call, body, cancellationToken).ConfigureAwait(false);
            }
            catch (RetryableFailure failure)
            {
                retryable = failure;
            }
            catch (DnsProviderException ex)
            {
                Log.CallFailed(_logger, call.Name, ex.IsTransient, ex.Message);
                throw;
            }

            if (attempt >= _maxAttempts)
            {
                var final = retryable.Failure;
                Log.CallFailed(_logger, call.Name, final.IsTransient, final.Message);
                throw final;
            }

            var delay = Backoff(_initialDelay, _maxDelay, attempt);
            delay = TimeSpan.FromTicks((long)(delay.Ticks * (0.5 + (0.5 * Math.Clamp(_jitter(), 0, 1)))));
            Log.Retrying(_logger, call.Name, attempt, _maxAttempts, retryable.Failure.Message, delay);
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<PooledBuffer?> SendOnceAsync(WebhookCall call, ReadOnlyMemory<byte>? body, CancellationToken cancellationToken)
    {
        var url = new Uri(_baseUrl, call.Route);
        using var request = new HttpRequestMessage(call.Method, url);
        request.Headers.TryAddWithoutValidation("Accept", ExternalDnsWebhookProtocol.MediaType);
        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is { } content)
        {
            request.Content = new ReadOnlyMemoryContent(content);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", ExternalDnsWebhookProtocol.MediaType);
        }

        var what = "webhook " + call.Name;
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var answered = false;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            answered = true;
            if (response.RequestMessage?.RequestUri is { } answeredUrl && !SameOrigin(url, answeredUrl))
            {
                throw new ExternalDnsWebhookException(
                    $"{what} was answered by {answeredUrl.GetLeftPart(UriPartial.Authority)} after a redirect that the HTTP handler followed; the answer is refused because redirects are not followed (configure the handler with AllowAutoRedirect = false, and point Url at the webhook server itself)",
                    isTransient: false,
                    response.StatusCode);
            }

            var code = (int)response.StatusCode;
            if (code is >= 300 and < 400)
            {
                throw new ExternalDnsWebhookException(
                    string.Create(CultureInfo.InvariantCulture, $"{what} answered with a redirect (HTTP {code} {response.StatusCode}{Location(response)}); a webhook server must not redirect, and redirects are not followed: point Url at the webhook server itself"),
                    isTransient: false,
                    response.StatusCode);
            }

            if (code is < 200 or >= 300)
            {
                throw await ErrorAsync(call, what, response, linked.Token).ConfigureAwait(false);
            }

            if (!call.ReadsBody)
            {
                return null;
            }

            var contentType = RawContentType(response);
            if (!string.Equals(contentType, ExternalDnsWebhookProtocol.MediaType, StringComparison.Ordinal))
            {
                throw new ExternalDnsWebhookException(
                    Scrub($"{what} answered with Content-Type '{contentType ?? "(none)"}'; a webhook server must answer exactly '{ExternalDnsWebhookProtocol.MediaType}'"),
                    isTransient: false,
                    response.StatusCode);
            }

            if (response.Content.Headers.ContentLength is { } declared && declared > _maxBodySize)
            {
                throw TooLarge(what, response.StatusCode, declared.ToString(CultureInfo.InvariantCulture) + " bytes declared");
            }

            var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await PooledBuffer.ReadAsync(stream, response.Content.Headers.ContentLength, _maxBodySize, linked.Token).ConfigureAwait(false)
                    ?? throw TooLarge(what, response.StatusCode, "more");
            }
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"{what} timed out after {_timeout.TotalSeconds} s");
            if (call.IsApply && !answered)
            {
                throw OutcomeUnknown(reason, ex);
            }

            throw new ExternalDnsWebhookException(reason, isTransient: true, statusCode: null, ex);
        }
        catch (HttpRequestException ex) when (!answered)
        {
            var reason = $"{what} failed: cannot reach the webhook server at {_origin} ({ex.HttpRequestError}: {ex.Message})";
            if (call.IsApply && !NothingSent(ex))
            {
                throw OutcomeUnknown(reason, ex);
            }

            throw new RetryableFailure(new ExternalDnsWebhookException(Scrub(reason), isTransient: true, statusCode: null, ex));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && answered)
        {
            // The connection broke while the answer's body was read: a read can be tried again.
            throw new RetryableFailure(new ExternalDnsWebhookException(
                Scrub($"{what} failed: the answer from {_origin} was cut short ({ex.Message})"), isTransient: true, statusCode: null, ex));
        }
    }

    private ExternalDnsWebhookException OutcomeUnknown(string reason, Exception cause)
    {
        Log.OutcomeUnknown(_logger, reason);
        return new ExternalDnsWebhookException(
            Scrub(reason + "; the changes were sent but no answer arrived, so whether they were applied is unknown: the next read of the records decides"),
            isTransient: true,
            statusCode: null,
            cause)
        {
            IsPartial = true,
            IsOutcomeUnknown = true,
        };
    }

    private async Task<Exception> ErrorAsync(WebhookCall call, string what, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        var transient = code >= 500;
        ExternalDnsWebhookProblem? problem = null;
        string? text = null;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                // At most 1 MiB of an error body is read (the protocol's drain limit); a longer one is cut.
                using var body = await PooledBuffer.ReadAsync(stream, response.Content.Headers.ContentLength, ExternalDnsWebhookProtocol.MaxErrorBodySize, cancellationToken).ConfigureAwait(false);
                if (body is not null)
                {
                    var mediaType = response.Content.Headers.ContentType?.MediaType;
                    if (mediaType is ExternalDnsWebhookProtocol.ProblemMediaType or "application/json")
                    {
                        problem = ExternalDnsWebhookJson.TryReadProblem(body.WrittenSpan);
                    }

                    text = problem?.Detail ?? ErrorText(body.WrittenSpan);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            text = "(the error body was cut short)";
        }

        var message = new StringBuilder()
            .Append(what).Append(" failed with HTTP ").Append(code).Append(' ').Append(response.StatusCode);
        if (!string.IsNullOrEmpty(text))
        {
            message.Append(": ").Append(text);
        }

        var scrubbed = Scrub(message.ToString());
        var rejected = problem?.Rejected ?? [];

        // What an apply left behind: the server says so (Ccx.Dns's server), or it is unknown after a 5xx from another server.
        var partial = call.IsApply && (problem?.Partial ?? transient);
        DnsProviderException failure = problem is { Conflict: true }
            ? new DnsRecordConflictException(scrubbed, rejected, partial)
            : new ExternalDnsWebhookException(scrubbed, transient, response.StatusCode) { IsPartial = partial, RejectedEndpoints = rejected };
        if (!transient)
        {
            return failure;
        }

        // A conflict never resolves by sending the same changes again, nor does an apply the server reports as partly done.
        return call.IsApply && problem is { Conflict: true } or { Partial: true } ? failure : new RetryableFailure(failure);
    }

    private ExternalDnsWebhookException TooLarge(string what, HttpStatusCode status, string size) =>
        new(Scrub($"{what}: the answer is larger than the limit of {_maxBodySize.ToString(CultureInfo.InvariantCulture)} bytes ({size}); raise MaxBodySize if the server really holds that many records"),
            isTransient: false,
            status);

    private static bool NothingSent(HttpRequestException ex) =>
        ex.HttpRequestError == HttpRequestError.NameResolutionError
        || (ex.HttpRequestError == HttpRequestError.ConnectionError
            && ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.AddressNotAvailable or SocketError.HostNotFound });

    private static string? RawContentType(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? string.Join(", ", values) : null;

    private static string Location(HttpResponseMessage response) =>
        response.Headers.Location is { } target
            ? " to " + (target.IsAbsoluteUri ? target.GetLeftPart(UriPartial.Path) : target.OriginalString.Split('?')[0])
            : string.Empty;

    private static bool SameOrigin(Uri requested, Uri answered) =>
        Uri.Compare(requested, answered, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static string ErrorText(ReadOnlySpan<byte> body)
    {
        var length = Math.Min(body.Length, MaxErrorTextLength * 4);
        var text = Encoding.UTF8.GetString(body[..length]).Trim();
        return text.Length <= MaxErrorTextLength ? text : text[..MaxErrorTextLength] + "…";
    }

    /// <summary>Removes the request headers' values from text that may echo them (defence in depth).</summary>
    private string Scrub(string text)
    {
        foreach (var (_, value) in _headers)
        {
            if (value.Length >= 4)
            {
                text = text.Replace(value, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>A failure that another try may cure; <see cref="Failure"/> is thrown when the tries run out.</summary>
    private sealed class RetryableFailure(DnsProviderException failure) : Exception(failure.Message, failure)
    {
        public DnsProviderException Failure { get; } = failure;
    }
}
