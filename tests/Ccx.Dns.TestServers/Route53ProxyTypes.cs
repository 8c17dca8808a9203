namespace Ccx.Dns.TestServers;

/// <summary>A fault <see cref="Route53RuleProxy"/> answers with instead of Route 53's answer.</summary>
public enum Route53FaultKind
{
    /// <summary>HTTP 400 with the error code <c>Throttling</c> ("Rate exceeded"); nothing is forwarded.</summary>
    Throttling,

    /// <summary>HTTP 400 with the error code <c>PriorRequestNotComplete</c>; nothing is forwarded.</summary>
    PriorRequestNotComplete,

    /// <summary>HTTP 500 <c>InternalFailure</c>; nothing is forwarded.</summary>
    InternalError,

    /// <summary>HTTP 503 <c>ServiceUnavailable</c>; nothing is forwarded.</summary>
    ServiceUnavailable,

    /// <summary>The connection is closed without an answer before anything is forwarded.</summary>
    DroppedBeforeForwarding,

    /// <summary>
    /// The request is handled (forwarded and applied, or refused by the rules), then the connection is closed without
    /// an answer.
    /// </summary>
    DroppedAfterForwarding,
}

/// <summary>What became of a change batch that reached the proxy.</summary>
public enum Route53BatchOutcome
{
    /// <summary>Forwarded to the emulator, which applied it; the answer reached the caller.</summary>
    Applied,

    /// <summary>Forwarded and applied, but the answer was lost (connection dropped after forwarding).</summary>
    AppliedAnswerLost,

    /// <summary>Refused by Route 53's rules (HTTP 400 <c>InvalidChangeBatch</c>); nothing was forwarded.</summary>
    RefusedByRules,

    /// <summary>Answered with an injected fault or dropped before forwarding; nothing was applied.</summary>
    NotForwarded,

    /// <summary>Forwarded, and the emulator itself refused it (a gap in the proxy's translation; tests expect none).</summary>
    RefusedUpstream,
}

/// <summary>One change of a batch as it arrived on the wire.</summary>
/// <param name="Action">CREATE, DELETE or UPSERT.</param>
/// <param name="Name">The record set's name, normalised (lower case, no trailing dot, <c>\052</c> decoded).</param>
/// <param name="Type">The record type.</param>
/// <param name="SetIdentifier">The set identifier, empty when none.</param>
public sealed record Route53WireChange(string Action, string Name, string Type, string SetIdentifier)
{
    /// <inheritdoc />
    public override string ToString() => SetIdentifier.Length == 0 ? $"{Action} {Name} {Type}" : $"{Action} {Name} {Type} [{SetIdentifier}]";
}

/// <summary>A ChangeResourceRecordSets call as the proxy saw it.</summary>
/// <param name="Sequence">Arrival order (1 = first).</param>
/// <param name="Caller">The access key id from the request's SigV4 credential scope; empty when unsigned.</param>
/// <param name="ZoneId">The bare hosted zone id.</param>
/// <param name="Changes">The changes, in wire order.</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Messages">The refusal messages (rules or emulator), or the injected fault.</param>
public sealed record Route53WireBatch(int Sequence, string Caller, string ZoneId, IReadOnlyList<Route53WireChange> Changes, Route53BatchOutcome Outcome, IReadOnlyList<string> Messages)
{
    /// <summary>Whether the zone was changed by this batch.</summary>
    public bool Applied => Outcome is Route53BatchOutcome.Applied or Route53BatchOutcome.AppliedAnswerLost;
}

/// <summary>One request that reached the proxy (any operation).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="PathAndQuery">The path and query as received.</param>
/// <param name="Operation">The Route 53 operation it maps to.</param>
/// <param name="Caller">The access key id from the SigV4 credential scope; empty when unsigned.</param>
/// <param name="HadAuthorization">Whether an <c>Authorization</c> header arrived.</param>
/// <param name="HadSecurityToken">Whether an <c>X-Amz-Security-Token</c> header arrived.</param>
public sealed record Route53ProxiedRequest(string Method, string PathAndQuery, string Operation, string Caller, bool HadAuthorization, bool HadSecurityToken);

/// <summary>
/// A seeded random fault schedule: each request the <see cref="Operations"/> filter admits draws from a
/// <see cref="Random"/> seeded with <see cref="Seed"/> whether to fail (<see cref="Rate"/>) and how (uniformly among
/// <see cref="Kinds"/>). Requests arrive in a deterministic order when one caller works sequentially, so a seed
/// replays the same faults.
/// </summary>
/// <param name="Seed">The seed.</param>
/// <param name="Rate">The probability of a fault per admitted request, 0 to 1.</param>
public sealed record Route53FaultSchedule(int Seed, double Rate)
{
    /// <summary>The kinds drawn from. <value>Every <see cref="Route53FaultKind"/>.</value></summary>
    public IReadOnlyList<Route53FaultKind> Kinds { get; init; } = Enum.GetValues<Route53FaultKind>();

    /// <summary>Which operations may fail (by name, for example <c>ChangeResourceRecordSets</c>). <value>All.</value></summary>
    public Func<string, bool> Operations { get; init; } = _ => true;
}
