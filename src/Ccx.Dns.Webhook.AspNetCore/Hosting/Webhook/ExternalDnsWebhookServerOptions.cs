using Ccx.Dns.Providers.Webhook;

namespace Ccx.Dns.Hosting.Webhook;

/// <summary>Settings of the webhook server mapped by <c>app.MapExternalDnsWebhook()</c>.</summary>
/// <remarks>
/// The protocol has no authentication: ExternalDNS runs a webhook provider as a sidecar and calls it over the loopback
/// interface. The server therefore answers only loopback clients unless <see cref="AllowRemoteClients"/> is set (and the
/// sample host listens on 127.0.0.1 only).
/// </remarks>
public sealed class ExternalDnsWebhookServerOptions
{
    /// <summary>The largest request body accepted, in bytes; a larger one is answered 413 without being read.</summary>
    /// <value>The default is 32 MiB (<see cref="ExternalDnsWebhookProtocol.DefaultMaxBodySize"/>), as in ExternalDNS.</value>
    public long MaxRequestBodySize { get; set; } = ExternalDnsWebhookProtocol.DefaultMaxBodySize;

    /// <summary>
    /// Whether clients on other hosts may call the protocol's routes. Off, a request whose peer address is not a loopback
    /// address is answered 403 (<c>/healthz</c> answers everyone, so that probes work). Turn it on only behind
    /// authentication or on a network you trust: whoever reaches the server can rewrite the provider's zones.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool AllowRemoteClients { get; set; }
}
