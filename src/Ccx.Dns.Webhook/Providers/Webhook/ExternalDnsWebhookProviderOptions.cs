namespace Ccx.Dns.Providers.Webhook;

/// <summary>Settings of <see cref="ExternalDnsWebhookProvider"/>: where the webhook server is and how to call it.</summary>
/// <remarks>
/// Bind from configuration with <c>AddExternalDnsWebhookProvider(configuration.GetSection("Webhook"))</c>; the section's
/// keys are the property names. The values of <see cref="RequestHeaders"/> are treated as secrets: they are sent only
/// as headers and never appear in a log line or an exception message.
/// </remarks>
public sealed class ExternalDnsWebhookProviderOptions
{
    /// <summary>
    /// The base URL of the webhook server, for example <c>http://127.0.0.1:8888</c> (ExternalDNS's
    /// <c>--webhook-provider-url</c>). It may carry a path prefix; the protocol's routes (<c>/</c>, <c>/records</c>,
    /// <c>/adjustendpoints</c>) are appended to it. Required: an absolute <c>http</c> or <c>https</c> URL without user
    /// information, query or fragment.
    /// </summary>
#pragma warning disable CA1056 // A string binds from configuration without a converter; the validator checks it.
    public string? Url { get; set; }
#pragma warning restore CA1056

    /// <summary>
    /// How long one round trip may take as a whole — the request sent and the entire answer read, not only until its
    /// headers arrive — before it is abandoned as a transient failure (ExternalDNS's read and write timeouts).
    /// </summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times one call is tried when the server answers 5xx or cannot be reached (the protocol's "at most 5
    /// tries per call"). Includes the first try; 1 turns retries off.
    /// </summary>
    /// <value>The default is 5.</value>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first retry; each further retry waits twice as long, up to <see cref="MaxRetryDelay"/>, with jitter.</summary>
    /// <value>The default is 500 milliseconds.</value>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two tries.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The largest body sent or read, in bytes. A larger answer is refused without being read to its end; larger changes
    /// are not sent. Both are permanent failures naming this setting.
    /// </summary>
    /// <value>The default is 32 MiB (<see cref="ExternalDnsWebhookProtocol.DefaultMaxBodySize"/>), as in ExternalDNS.</value>
    public long MaxBodySize { get; set; } = ExternalDnsWebhookProtocol.DefaultMaxBodySize;

    /// <summary>
    /// Extra headers sent with every request, for a server behind an authenticating proxy (for example
    /// <c>Authorization</c>). Their values are secrets: never logged, and scrubbed from error messages.
    /// </summary>
    /// <value>The default is none.</value>
    public IDictionary<string, string> RequestHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
