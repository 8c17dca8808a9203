using System.Text.Json.Serialization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Reconciliation;

/// <summary>How a reconcile ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReconcileOutcome>))]
public enum ReconcileOutcome
{
    /// <summary>Changes were planned and applied.</summary>
    Applied,

    /// <summary>The records already matched; nothing was applied.</summary>
    NoChanges,

    /// <summary>Dry run: the plan was calculated and reported, nothing was applied.</summary>
    DryRun,

    /// <summary>The safety guard withheld the plan; see <see cref="ReconcileResult.WithheldReason"/>.</summary>
    Withheld,

    /// <summary>Another instance holds the leader lease; the plan was calculated but not applied.</summary>
    NotLeader,

    /// <summary>A source, the registry or the provider failed; see <see cref="ReconcileResult.Error"/>.</summary>
    Failed,
}

/// <summary>The part of a reconcile that failed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReconcileStage>))]
public enum ReconcileStage
{
    /// <summary>Reading the desired endpoints from a source.</summary>
    Source,

    /// <summary>Reading the current records through the registry.</summary>
    ReadRegistry,

    /// <summary>Adjusting the desired endpoints and calculating the plan.</summary>
    Plan,

    /// <summary>Checking or renewing the leader lease.</summary>
    Lease,

    /// <summary>Applying the changes through the registry.</summary>
    Apply,
}

/// <summary>What a reconcile read and planned.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReconcileMode>))]
public enum ReconcileMode
{
    /// <summary>Every source and the whole zone were read, and every name was planned.</summary>
    Full,

    /// <summary>
    /// Only the names a change signal named (plus the names the previous reconcile reported on or left unapplied) were
    /// read and planned, against the registry's kept view.
    /// </summary>
    Targeted,
}

/// <summary>A reconcile failure.</summary>
/// <param name="Stage">Where it failed.</param>
/// <param name="Message">What failed (from the exception; providers keep secrets out of it).</param>
/// <param name="IsTransient">Whether trying again soon may succeed (the hosted service then backs off and retries).</param>
public sealed record ReconcileError(ReconcileStage Stage, string Message, bool IsTransient)
{
    /// <summary>The exception, when there was one; not serialised.</summary>
    [JsonIgnore]
    public Exception? Exception { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Stage} failed ({(IsTransient ? "transient" : "permanent")}): {Message}";
}

/// <summary>
/// The report of one reconcile: the plan, what was refused and why, whether it was applied, and how it ended.
/// Render it with <see cref="ToMarkdown"/> for people or <see cref="ToJson"/> for tools.
/// </summary>
public sealed record ReconcileResult
{
    /// <summary>How the reconcile ended.</summary>
    public required ReconcileOutcome Outcome { get; init; }

    /// <summary>When it started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Whether the reconcile was full or targeted at a few names.</summary>
    public ReconcileMode Mode { get; init; }

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The planned changes (applied only when <see cref="Applied"/>); empty when planning was not reached.</summary>
    public DnsChanges Changes { get; init; } = DnsChanges.Empty;

    /// <summary>Changes the registry reported as applied (ownership records excluded); empty unless <see cref="Applied"/>.</summary>
    public DnsChanges AppliedChanges { get; init; } = DnsChanges.Empty;

    /// <summary>Desired endpoints refused by the planner or the registry, each with the reason.</summary>
    public IReadOnlyList<RejectedEndpoint> Rejected { get; init; } = [];

    /// <summary>
    /// Records owned by someone else (or by no one) that kept the desired state from being reached: a create blocked at
    /// their name, an update or a delete at a name we want skipped because the record is not ours.
    /// </summary>
    public IReadOnlyList<OwnerMismatch> OwnerMismatches { get; init; } = [];

    /// <summary>Why the safety guard withheld the plan, when it did.</summary>
    public string? WithheldReason { get; init; }

    /// <summary>Whether this was a dry run.</summary>
    public bool DryRun { get; init; }

    /// <summary>Whether changes were applied.</summary>
    public bool Applied => Outcome == ReconcileOutcome.Applied;

    /// <summary>The failure, when the reconcile failed.</summary>
    public ReconcileError? Error { get; init; }

    /// <summary>The number of desired endpoints read from the sources (after de-duplication).</summary>
    public int SourceEndpointCount { get; init; }

    /// <summary>The number of records read through the registry.</summary>
    public int RegistryEndpointCount { get; init; }

    /// <summary>The records in scope that this owner held before the apply (what the safety guard judged the plan against).</summary>
    public int OwnedRecordCount { get; init; }

    /// <summary>Whether the reconcile completed without error (a withheld or dry-run plan counts as completed).</summary>
    public bool Succeeded => Error is null;

    /// <summary>Renders the report as Markdown: a summary line, the changes as a table, then rejections and conflicts.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown() => ReconcileResultRendering.ToMarkdown(this);

    /// <summary>Renders the report as JSON; the changes use ExternalDNS's webhook shape (<see cref="DnsChanges.ToJson"/>).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => ReconcileResultRendering.ToJson(this);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Outcome} {Changes} rejected={Rejected.Count} in {Duration.TotalMilliseconds:0.#} ms"
        + (WithheldReason is null ? string.Empty : $": {WithheldReason}")
        + (Error is null ? string.Empty : $": {Error}");
}
