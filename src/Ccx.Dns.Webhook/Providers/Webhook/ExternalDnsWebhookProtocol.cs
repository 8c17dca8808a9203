namespace Ccx.Dns.Providers.Webhook;

/// <summary>
/// The constants of ExternalDNS's webhook provider protocol: the media type, the routes and the default body limit.
/// ExternalDNS is the client (<c>--provider=webhook</c>); a webhook provider is an HTTP server answering these routes.
/// </summary>
public static class ExternalDnsWebhookProtocol
{
    /// <summary>
    /// The media type of every JSON body of the protocol, sent by the client as <c>Accept</c> (and as the request's
    /// <c>Content-Type</c>) and required <b>exactly</b>, byte for byte, as the server's <c>Content-Type</c>.
    /// </summary>
    public const string MediaType = "application/external.dns.webhook+json;version=1";

    /// <summary>The media type of the error bodies Ccx.Dns's webhook server writes (RFC 9457 problem details).</summary>
    public const string ProblemMediaType = "application/problem+json";

    /// <summary>Negotiation: <c>GET /</c> answers the provider's domain filter.</summary>
    public const string NegotiatePath = "/";

    /// <summary>Records: <c>GET /records</c> reads every record, <c>POST /records</c> applies changes (204).</summary>
    public const string RecordsPath = "/records";

    /// <summary>Adjust: <c>POST /adjustendpoints</c> canonicalises desired endpoints.</summary>
    public const string AdjustEndpointsPath = "/adjustendpoints";

    /// <summary>The probe: <c>GET /healthz</c> answers 200 while the server runs.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>The default cap on a request or response body: 32 MiB, as in ExternalDNS (roughly 60,000 records).</summary>
    public const long DefaultMaxBodySize = 32L * 1024 * 1024;

    /// <summary>The most of an error body a client reads (and a server should write): 1 MiB, as in ExternalDNS.</summary>
    public const int MaxErrorBodySize = 1024 * 1024;
}
