using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Ccx.Dns.Patroni.Internal;

/// <summary>Why a member's <c>GET /cluster</c> gave no usable answer.</summary>
internal enum PatroniReadFailure
{
    /// <summary>No connection, or it broke (refused, reset, DNS failure).</summary>
    Unreachable,

    /// <summary>No answer within the request timeout.</summary>
    Timeout,

    /// <summary>An answer other than 200 OK.</summary>
    HttpStatus,

    /// <summary>200 OK with a body that is not a <c>/cluster</c> answer.</summary>
    Malformed,
}

/// <summary>The outcome of one member's <c>GET /cluster</c>.</summary>
/// <param name="Url">The member's configured REST API base URL.</param>
/// <param name="Answered">Whether its REST API answered at all (any HTTP status): the member's Patroni is reachable.</param>
/// <param name="View">The parsed answer, or null.</param>
/// <param name="Failure">Why there is no view, or null.</param>
/// <param name="Error">The reason, or null.</param>
internal sealed record PatroniMemberRead(Uri Url, bool Answered, PatroniClusterView? View, PatroniReadFailure? Failure, string? Error);

/// <summary>Reads <c>GET /cluster</c> from one Patroni REST API with a timeout on the source's clock and a bounded body.</summary>
internal sealed class PatroniRestClient
{
    /// <summary>The largest <c>/cluster</c> body read (a cluster of hundreds of members is a few tens of KiB).</summary>
    internal const int MaxBodyBytes = 1024 * 1024;

    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    public PatroniRestClient(HttpClient http, TimeSpan timeout, TimeProvider timeProvider)
    {
        _http = http;
        _timeout = timeout;
        _timeProvider = timeProvider;
    }

    /// <summary>Creates the HTTP client the source uses when none is given: no redirects, no proxy, no cookies, connections renewed every minute.</summary>
    public static HttpClient CreateDefaultHttpClient(TimeSpan connectTimeout) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // each request has its own timeout, on the source's clock
    };

    public async Task<PatroniMemberRead> ReadAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, "cluster"));
            request.Headers.Accept.Add(Json);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new PatroniMemberRead(url, true, null, PatroniReadFailure.HttpStatus,
                    string.Create(CultureInfo.InvariantCulture, $"GET /cluster answered {(int)response.StatusCode} {response.ReasonPhrase}"));
            }

            byte[] body;
            try
            {
                body = await ReadBodyAsync(response.Content, linked.Token).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                return new PatroniMemberRead(url, true, null, PatroniReadFailure.Unreachable, "the connection broke while reading the answer: " + ex.Message);
            }

            try
            {
                return new PatroniMemberRead(url, true, PatroniClusterView.Parse(body), null, null);
            }
            catch (FormatException ex)
            {
                return new PatroniMemberRead(url, true, null, PatroniReadFailure.Malformed,
                    string.Create(CultureInfo.InvariantCulture, $"malformed /cluster answer ({body.Length} bytes): {ex.Message}"));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our timeout, or the HttpClient's own Timeout when the caller gave a client that has one.
            return new PatroniMemberRead(url, false, null, PatroniReadFailure.Timeout,
                string.Create(CultureInfo.InvariantCulture, $"no answer within {_timeout.TotalMilliseconds:0} ms"));
        }
        catch (HttpRequestException ex)
        {
            return new PatroniMemberRead(url, false, null, PatroniReadFailure.Unreachable, ex.Message);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            // SocketsHttpHandler lets a raw SocketException out when the connection is reset right after it is made
            // (it reads the socket's remote end point): the member is as unreachable as with a refused connection.
            return new PatroniMemberRead(url, false, null, PatroniReadFailure.Unreachable, ex.Message);
        }
        catch (FormatException ex)
        {
            return new PatroniMemberRead(url, true, null, PatroniReadFailure.Malformed, ex.Message);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is > MaxBodyBytes)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the answer is {content.Headers.ContentLength} bytes, more than the {MaxBodyBytes} read"));
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the answer is longer than the {MaxBodyBytes} bytes read"));
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }
}
