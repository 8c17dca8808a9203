using System.Net;
using System.Text.Json;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.Webhook.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccx.Dns.Providers.Webhook;

/// <summary>
/// A DNS provider reached through ExternalDNS's webhook protocol: any of the webhook providers written for ExternalDNS
/// (Hetzner, IONOS, Infoblox, DigitalOcean, Netcup, OpenStack Designate, …) or Ccx.Dns's own webhook server. Uses
/// <see cref="HttpClient"/> only.
/// </summary>
/// <remarks>
/// <para><b>Negotiation.</b> The first call (or <see cref="NegotiateAsync"/>) asks the server for its domain filter
/// (<c>GET /</c>, tried again while it fails) and adopts it as <see cref="DomainFilter"/>; until then the filter
/// matches no name, so nothing is ever planned outside what the server manages. The server must answer with
/// <c>Content-Type</c> exactly <see cref="ExternalDnsWebhookProtocol.MediaType"/>, on every JSON answer; another content
/// type is a permanent failure.</para>
/// <para><b>Failures</b> are <see cref="ExternalDnsWebhookException"/>s. 5xx answers and servers that cannot be reached
/// are tried again (<see cref="ExternalDnsWebhookProviderOptions.MaxAttempts"/> tries, exponential back-off with jitter,
/// waiting through the <see cref="TimeProvider"/>) and then fail as transient; 4xx answers are permanent, and so are 3xx
/// answers: redirects are never followed. Each round trip is bounded as a whole by
/// <see cref="ExternalDnsWebhookProviderOptions.Timeout"/>, and bodies by <see cref="ExternalDnsWebhookProviderOptions.MaxBodySize"/>.
/// An apply that was sent but got no answer (the connection dropped, or the timeout struck) is never sent again: it
/// fails as transient with <see cref="DnsProviderException.IsPartial"/> and
/// <see cref="ExternalDnsWebhookException.IsOutcomeUnknown"/> set, so that caches are dropped and the next read of the
/// records decides what happened. A Ccx.Dns webhook server describes a failed apply in its error body (transient,
/// partial, conflict, the refused changes); this provider rethrows it as the same kind of exception
/// (<see cref="DnsRecordConflictException"/> for conflicts), and does not send again an apply that conflicted or was
/// partly applied.</para>
/// <para><b>Zones.</b> The protocol does not tell which zones the server writes to, so this provider is not an
/// <see cref="IZoneAwareDnsProvider"/>: the registry cannot check that an ownership record falls in the same zone as its
/// record, and the server's provider refuses what it cannot write.</para>
/// <para><see cref="AdjustEndpoints"/> is a call to the server too (<c>POST /adjustendpoints</c>); as the
/// <see cref="IDnsProvider"/> contract makes it synchronous, it blocks the calling thread for the round trip
/// (<see cref="AdjustEndpointsAsync"/> does not).</para>
/// </remarks>
public sealed class ExternalDnsWebhookProvider : IDnsProvider, IDisposable
{
    /// <summary>Before negotiation no name is managed: a filter that matches nothing.</summary>
    private static readonly DomainFilter NotNegotiated = DomainFilter.FromRegex("(?!)");

    private readonly HttpClient _http;
    private readonly WebhookHttpClient _client;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _negotiation = new(1, 1);
    private volatile DomainFilter? _domainFilter;

    /// <summary>Creates a provider with its own pooled HTTP connection handler (which never follows redirects).</summary>
    /// <param name="options">The settings; checked by <see cref="ExternalDnsWebhookProviderOptionsValidator"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock behind timeouts and retry waits; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ExternalDnsWebhookProvider(ExternalDnsWebhookProviderOptions options, ILogger<ExternalDnsWebhookProvider>? logger = null, TimeProvider? timeProvider = null)
        : this(options, CreateHandler(), disposeHandler: true, logger, timeProvider)
    {
    }

    /// <summary>Creates a provider that sends its requests through the given handler.</summary>
    /// <param name="options">The settings; checked by <see cref="ExternalDnsWebhookProviderOptionsValidator"/>.</param>
    /// <param name="handler">The HTTP handler (for a proxy, custom TLS or instrumentation). It should not follow redirects
    /// (<c>AllowAutoRedirect = false</c>); the provider logs a warning for a .NET handler that does, and refuses any answer
    /// from another origin than the request's.</param>
    /// <param name="disposeHandler">Whether disposing the provider disposes the handler.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock behind timeouts and retry waits; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ExternalDnsWebhookProvider(
        ExternalDnsWebhookProviderOptions options,
        HttpMessageHandler handler,
        bool disposeHandler,
        ILogger<ExternalDnsWebhookProvider>? logger = null,
        TimeProvider? timeProvider = null)
        : this(options, handler, disposeHandler, logger, timeProvider, jitter: null)
    {
    }

    /// <summary>Creates a provider with a jitter source (tests make the retry waits predictable with it).</summary>
    internal ExternalDnsWebhookProvider(
        ExternalDnsWebhookProviderOptions options,
        HttpMessageHandler handler,
        bool disposeHandler,
        ILogger? logger,
        TimeProvider? timeProvider,
        Func<double>? jitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        var errors = ExternalDnsWebhookProviderOptionsValidator.Collect(options);
        if (errors.Count > 0)
        {
            if (disposeHandler)
            {
                handler.Dispose();
            }

            throw new ArgumentException("Invalid ExternalDNS webhook provider options: " + string.Join(" ", errors), nameof(options));
        }

        _logger = logger ?? NullLogger.Instance;
        _http = new HttpClient(handler, disposeHandler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = int.MaxValue };
        _client = new WebhookHttpClient(_http, options, timeProvider ?? TimeProvider.System, _logger, jitter);
        if (handler is HttpClientHandler { AllowAutoRedirect: true } or SocketsHttpHandler { AllowAutoRedirect: true })
        {
            Log.HandlerFollowsRedirects(_logger);
        }
    }

    /// <summary>
    /// The server's domain filter, as negotiated; before the first successful negotiation a filter that matches no
    /// name (nothing is planned until the server has said what it manages).
    /// </summary>
    public DomainFilter DomainFilter => _domainFilter ?? NotNegotiated;

    /// <summary>Whether the server's domain filter has been negotiated.</summary>
    public bool IsNegotiated => _domainFilter is not null;

    /// <summary>
    /// Negotiates with the server (<c>GET /</c>) unless that already succeeded: checks the media type and adopts the
    /// server's domain filter. Every other call negotiates first, so calling this is only needed to fail early.
    /// </summary>
    /// <param name="cancellationToken">Cancels the negotiation.</param>
    /// <returns>The server's domain filter.</returns>
    /// <exception cref="ExternalDnsWebhookException">The server could not be reached, refused, or answered outside the protocol.</exception>
    public async Task<DomainFilter> NegotiateAsync(CancellationToken cancellationToken = default)
    {
        if (_domainFilter is { } known)
        {
            return known;
        }

        await _negotiation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_domainFilter is { } raced)
            {
                return raced;
            }

            using var body = await _client.SendAsync(WebhookCall.Negotiate, body: null, cancellationToken).ConfigureAwait(false);
            var filter = Parse(WebhookCall.Negotiate, body!, static span => ExternalDnsWebhookJson.ReadDomainFilter(span));
            _domainFilter = filter;
            Log.Negotiated(_logger, _client.Origin, filter);
            return filter;
        }
        finally
        {
            _negotiation.Release();
        }
    }

    /// <summary>Reads every record the server serves (<c>GET /records</c>), ownership TXT records included.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    /// <exception cref="ExternalDnsWebhookException">The call failed.</exception>
    public async Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default)
    {
        await NegotiateAsync(cancellationToken).ConfigureAwait(false);
        using var body = await _client.SendAsync(WebhookCall.Records, body: null, cancellationToken).ConfigureAwait(false);
        var records = Parse(WebhookCall.Records, body!, static span => ExternalDnsWebhookJson.ReadEndpoints(span));
        Log.RecordsRead(_logger, records.Count);
        return records;
    }

    /// <summary>
    /// Applies changes (<c>POST /records</c>, 204). Changes without any endpoint are not sent. See the class remarks for
    /// what a failure says about what was applied.
    /// </summary>
    /// <param name="changes">The changes.</param>
    /// <param name="cancellationToken">Cancels the apply.</param>
    /// <returns>A task that completes when the server accepted the changes.</returns>
    /// <exception cref="DnsProviderException">The call failed: an <see cref="ExternalDnsWebhookException"/>, or the
    /// <see cref="DnsRecordConflictException"/> a Ccx.Dns webhook server reported.</exception>
    public async Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        await NegotiateAsync(cancellationToken).ConfigureAwait(false);
        using var request = new PooledBuffer(EstimateSize(changes.Count));
        ExternalDnsWebhookJson.WriteChanges(request, changes);
        using var answer = await _client.SendAsync(WebhookCall.Apply, request.WrittenMemory, cancellationToken).ConfigureAwait(false);
        Log.Applied(_logger, changes.Create.Count, changes.UpdateNew.Count, changes.Delete.Count);
    }

    /// <summary>Adjusts desired endpoints through the server (<c>POST /adjustendpoints</c>), blocking the calling thread for the round trip.</summary>
    /// <param name="endpoints">The desired endpoints.</param>
    /// <returns>The server's adjusted endpoints.</returns>
    /// <exception cref="ExternalDnsWebhookException">The call failed.</exception>
    /// <remarks>
    /// The one blocking call in the libraries (eng/BannedSymbols.txt bans them): <see cref="IDnsProvider.AdjustEndpoints"/>
    /// is synchronous, as ExternalDNS's provider contract is, and the webhook protocol answers it over HTTP.
    /// </remarks>
    public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints)
    {
#pragma warning disable RS0030 // sync over async, see remarks
        return AdjustEndpointsAsync(endpoints).GetAwaiter().GetResult();
#pragma warning restore RS0030
    }

    /// <summary>Adjusts desired endpoints through the server (<c>POST /adjustendpoints</c>). An empty list is returned as is.</summary>
    /// <param name="endpoints">The desired endpoints.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The server's adjusted endpoints.</returns>
    /// <exception cref="ExternalDnsWebhookException">The call failed.</exception>
    public async Task<IReadOnlyList<DnsEndpoint>> AdjustEndpointsAsync(IReadOnlyList<DnsEndpoint> endpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0)
        {
            return endpoints;
        }

        await NegotiateAsync(cancellationToken).ConfigureAwait(false);
        using var request = new PooledBuffer(EstimateSize(endpoints.Count));
        ExternalDnsWebhookJson.WriteEndpoints(request, endpoints);
        using var body = await _client.SendAsync(WebhookCall.Adjust, request.WrittenMemory, cancellationToken).ConfigureAwait(false);
        return Parse(WebhookCall.Adjust, body!, static span => ExternalDnsWebhookJson.ReadEndpoints(span));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _negotiation.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => "ExternalDNS webhook at " + _client.Origin;

    private static int EstimateSize(int endpoints) => (int)Math.Min(Math.Max(4096L, endpoints * 160L), 64L * 1024 * 1024);

    private delegate T SpanParser<out T>(ReadOnlySpan<byte> span);

    private static T Parse<T>(WebhookCall call, PooledBuffer body, SpanParser<T> parse)
    {
        try
        {
            return parse(body.WrittenSpan);
        }
        catch (JsonException ex)
        {
            throw new ExternalDnsWebhookException($"webhook {call} answered with a body that is not the protocol's JSON: {ex.Message}", isTransient: false, HttpStatusCode.OK, ex);
        }
    }

    private static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
    };
}
