using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Ccx.Dns.Providers.PowerDns.Internal;

/// <summary>
/// The few calls of the PowerDNS Authoritative HTTP API (v1) the provider needs: list zones, read a zone's RRsets,
/// PATCH RRsets. Maps failures to <see cref="PowerDnsApiException"/> with the right transience and keeps the API key
/// out of every message. Redirects are refused, never followed: a 3xx answer fails, and so does an answer that a
/// caller-supplied handler fetched from another origin after following one.
/// </summary>
internal sealed class PowerDnsApiClient
{
    private const int MaxErrorTextLength = 1024;
    private static readonly MediaTypeWithQualityHeaderValue JsonMediaType = new("application/json");

    private readonly HttpClient _http;
    private readonly Uri _serverUrl;
    private readonly string _apiKey;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a client.</summary>
    /// <param name="http">The HTTP client (its own timeout should be infinite; this class enforces <paramref name="timeout"/>).</param>
    /// <param name="apiUrl">The web server's base URL, possibly with a path prefix.</param>
    /// <param name="serverId">The server id, normally <c>localhost</c>.</param>
    /// <param name="apiKey">The API key.</param>
    /// <param name="timeout">The per-request timeout.</param>
    /// <param name="timeProvider">The clock behind the timeout.</param>
    public PowerDnsApiClient(HttpClient http, Uri apiUrl, string serverId, string apiKey, TimeSpan timeout, TimeProvider timeProvider)
    {
        _http = http;
        var basePath = apiUrl.AbsolutePath.TrimEnd('/');
        _serverUrl = new UriBuilder(apiUrl) { Path = $"{basePath}/api/v1/servers/{Uri.EscapeDataString(serverId)}/" }.Uri;
        _apiKey = apiKey;
        _timeout = timeout;
        _timeProvider = timeProvider;
    }

    /// <summary>Lists the server's zones (without RRsets).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The zones, each with a non-empty id and name.</returns>
    /// <exception cref="PowerDnsApiException">The call failed, or the list is malformed (not an array, an entry that is
    /// <see langword="null"/> or lacks its id or name). A malformed list fails as a whole: leaving a zone out would send its
    /// names to a parent zone.</exception>
    public async Task<IReadOnlyList<PowerDnsZone>> ListZonesAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_serverUrl, "zones?dnssec=false"));
        var zones = await SendAsync(request, PowerDnsJsonContext.Default.ListPowerDnsZone, cancellationToken).ConfigureAwait(false)
            ?? throw Malformed(request, "the zone list is null");
        for (var i = 0; i < zones.Count; i++)
        {
            if (zones[i] is not { Id: { Length: > 0 }, Name: { Length: > 0 } })
            {
                throw Malformed(request, string.Create(CultureInfo.InvariantCulture, $"zone list entry {i} is null or has no id or name"));
            }
        }

        return zones!;
    }

    /// <summary>Reads the RRsets of one zone, or only those at one name.</summary>
    /// <param name="zoneId">The zone id from <see cref="ListZonesAsync"/>.</param>
    /// <param name="name">The normalised name whose RRsets (all types) to read (query parameter <c>rrset_name</c> of the
    /// 4.7 API; a server that does not know it answers with the whole zone, which callers must allow for); <see langword="null"/>
    /// for the whole zone.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The RRsets, entry by entry; a malformed entry is returned with its problem, not thrown (see <see cref="PowerDnsRecordSets"/>).</returns>
    /// <exception cref="PowerDnsApiException">The call failed, or the answer is not a zone object with an <c>rrsets</c> array.</exception>
    public async Task<PowerDnsRrSetList> GetRrSetsAsync(string zoneId, string? name, CancellationToken cancellationToken = default)
    {
        var url = ZoneUrl(zoneId);
        if (name is not null)
        {
            url = new Uri(url.AbsoluteUri + "?rrset_name=" + Uri.EscapeDataString(name == "." ? name : name + "."));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        var zone = await SendAsync(request, PowerDnsJsonContext.Default.PowerDnsZone, cancellationToken).ConfigureAwait(false)
            ?? throw Malformed(request, "the zone is null");
        return zone.RrSets ?? throw Malformed(request, "the zone has no 'rrsets' array");
    }

    /// <summary>Applies RRset changes to one zone in one transaction (HTTP PATCH, 204 on success).</summary>
    /// <param name="zoneId">The zone id.</param>
    /// <param name="patch">The changes, in the order PowerDNS must apply them.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when PowerDNS accepted the changes.</returns>
    public async Task PatchRrSetsAsync(string zoneId, PowerDnsPatch patch, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, ZoneUrl(zoneId))
        {
            Content = JsonContent.Create(patch, PowerDnsJsonContext.Default.PowerDnsPatch),
        };
        await SendAsync<object>(request, typeInfo: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a zone (HTTP POST, 201 on success, 409 when it exists).</summary>
    /// <param name="zone">The zone to create.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when PowerDNS created the zone.</returns>
    public async Task CreateZoneAsync(PowerDnsZoneCreation zone, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_serverUrl, "zones?rrsets=false"))
        {
            Content = JsonContent.Create(zone, PowerDnsJsonContext.Default.PowerDnsZoneCreation),
        };
        await SendAsync<object>(request, typeInfo: null, cancellationToken).ConfigureAwait(false);
    }

    // Zone ids are URL-safe by the API's contract (other characters arrive as =XX); escape anything else anyway.
    private Uri ZoneUrl(string zoneId) =>
        new(_serverUrl, "zones/" + (IsUrlSafe(zoneId) ? zoneId : Uri.EscapeDataString(zoneId)));

    private static bool IsUrlSafe(string zoneId)
    {
        foreach (var c in zoneId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_' or '='))
            {
                return false;
            }
        }

        return zoneId.Length > 0;
    }

    private async Task<T?> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T>? typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        request.Headers.Add("X-API-Key", _apiKey);
        request.Headers.Accept.Add(JsonMediaType);
        var requested = request.RequestUri!;
        var what = $"PowerDNS {request.Method} {requested.AbsolutePath}";
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (response.RequestMessage?.RequestUri is { } answered && !SameOrigin(requested, answered))
            {
                // A caller-supplied handler followed a redirect: the answer is another server's, never PowerDNS data.
                throw new PowerDnsApiException(
                    Scrub($"{what} was answered by {answered.GetLeftPart(UriPartial.Authority)} after a redirect that the HTTP handler followed; "
                        + $"the answer is refused because redirects are not followed (configure the handler with AllowAutoRedirect = false, and point ApiUrl at the PowerDNS web server itself)"),
                    isTransient: false,
                    response.StatusCode,
                    serverError: null);
            }

            if ((int)response.StatusCode is >= 300 and < 400)
            {
                throw Redirect(what, response);
            }

            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
                throw Failure(what, response.StatusCode, body);
            }

            if (typeInfo is null || response.StatusCode == HttpStatusCode.NoContent)
            {
                return null;
            }

            var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, typeInfo, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new PowerDnsApiException(
                Scrub($"{what} timed out after {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"),
                isTransient: true,
                statusCode: null,
                serverError: null,
                ex);
        }
        catch (HttpRequestException ex)
        {
            // Connection refused or reset, DNS failure of the API host, TLS failure: trying again may work.
            throw new PowerDnsApiException(
                Scrub($"{what} failed: cannot reach PowerDNS at {_serverUrl.GetLeftPart(UriPartial.Authority)} ({ex.HttpRequestError}: {ex.Message})"),
                isTransient: true,
                statusCode: null,
                serverError: null,
                ex);
        }
        catch (IOException ex)
        {
            // The connection broke while the body was read (a body cut short): trying again may work.
            throw new PowerDnsApiException(
                Scrub($"{what} failed: the answer from {_serverUrl.GetLeftPart(UriPartial.Authority)} was cut short ({ex.Message})"),
                isTransient: true,
                statusCode: null,
                serverError: null,
                ex);
        }
        catch (JsonException ex)
        {
            throw new PowerDnsApiException(
                Scrub($"{what} returned a body that is not the expected JSON: {ex.Message}"),
                isTransient: false,
                HttpStatusCode.OK,
                serverError: null,
                ex);
        }
    }

    private static bool SameOrigin(Uri requested, Uri answered) =>
        Uri.Compare(requested, answered, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;

    private PowerDnsApiException Redirect(string what, HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        var location = response.Headers.Location is { } target
            ? " to " + (target.IsAbsoluteUri ? target.GetLeftPart(UriPartial.Path) : target.OriginalString.Split('?')[0])
            : string.Empty;
        return new PowerDnsApiException(
            Scrub($"{what} answered with a redirect (HTTP {code} {response.StatusCode}{location}); redirects are not followed, "
                + "so that the API key is never sent to another address: point ApiUrl at the PowerDNS web server itself"),
            isTransient: false,
            response.StatusCode,
            serverError: null);
    }

    private PowerDnsApiException Malformed(HttpRequestMessage request, string problem) =>
        new(Scrub($"PowerDNS {request.Method} {request.RequestUri!.AbsolutePath} returned a malformed answer: {problem}"),
            isTransient: false,
            HttpStatusCode.OK,
            serverError: null);

    private PowerDnsApiException Failure(string what, HttpStatusCode status, string body)
    {
        var serverError = ErrorText(body);
        var code = (int)status;
        var transient = code >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
        var hint = status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => " (check the API key and webserver-allow-from)",
            HttpStatusCode.NotFound => " (unknown server id or zone)",
            _ => string.Empty,
        };
        var message = new StringBuilder()
            .Append(what).Append(" failed with HTTP ").Append(code).Append(' ').Append(status).Append(hint);
        if (!string.IsNullOrEmpty(serverError))
        {
            message.Append(": ").Append(serverError);
        }

        return new PowerDnsApiException(Scrub(message.ToString()), transient, status, serverError is null ? null : Scrub(serverError));
    }

    private static string? ErrorText(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            var error = JsonSerializer.Deserialize(body, PowerDnsJsonContext.Default.PowerDnsError);
            if (error?.Error is { Length: > 0 } text)
            {
                return error.Errors is { Count: > 0 } more && !(more.Count == 1 && more[0] == text)
                    ? text + " (" + string.Join("; ", more) + ")"
                    : text;
            }
        }
        catch (JsonException)
        {
            // Not PowerDNS's JSON (a proxy's page, for example): fall back to the text.
        }

        var trimmed = body.Trim();
        return trimmed.Length <= MaxErrorTextLength ? trimmed : trimmed[..MaxErrorTextLength] + "…";
    }

    /// <summary>Removes the API key from text that may echo request data (defence in depth; PowerDNS does not echo it).</summary>
    private string Scrub(string text) =>
        _apiKey.Length == 0 ? text : text.Replace(_apiKey, "***", StringComparison.Ordinal);
}
