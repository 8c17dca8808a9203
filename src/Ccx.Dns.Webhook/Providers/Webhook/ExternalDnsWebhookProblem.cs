using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Providers.Webhook;

/// <summary>
/// The error body Ccx.Dns's webhook server writes (<see cref="ExternalDnsWebhookProtocol.ProblemMediaType"/>, RFC 9457
/// problem details with a few members of its own), and that <see cref="ExternalDnsWebhookProvider"/> reads back so that
/// a provider failure crosses the protocol intact: whether it is transient, whether part of the changes were applied,
/// whether it is a conflict, and which changes were refused. Other servers' error bodies are read as plain text.
/// </summary>
public sealed record ExternalDnsWebhookProblem
{
    /// <summary>A short summary of the kind of failure (<c>title</c>).</summary>
    public required string Title { get; init; }

    /// <summary>The HTTP status code (<c>status</c>).</summary>
    public int Status { get; init; }

    /// <summary>What failed, for a person (<c>detail</c>); no secrets.</summary>
    public string? Detail { get; init; }

    /// <summary>Whether trying again may succeed (<c>transient</c>).</summary>
    public bool Transient { get; init; }

    /// <summary>Whether some of the changes were applied before the failure (<c>partial</c>).</summary>
    public bool Partial { get; init; }

    /// <summary>Whether the provider refused changes because its records changed since they were read (<c>conflict</c>).</summary>
    public bool Conflict { get; init; }

    /// <summary>The refused changes, each with its reason (<c>rejected</c>).</summary>
    public IReadOnlyList<RejectedEndpoint> Rejected { get; init; } = [];
}
