using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Testing;

/// <summary>
/// A provider under test: its declared capabilities, a factory giving a provider over an empty zone for each
/// scenario, how to register the registry, and optional extra checks after each step (real DNS queries, …).
/// </summary>
/// <example>
/// <code>
/// var target = new ConformanceTarget
/// {
///     Name = "my-provider",
///     Capabilities = myCapabilities,
///     CreateSubjectAsync = async (scenario, ct) =&gt; new ConformanceSubject(new MyProvider(...), new ConformanceZone(await CreateEmptyZoneAsync(ct))),
/// };
/// (await new ConformanceRunner(target).RunAllAsync()).ThrowIfFailed();
/// </code>
/// </example>
public sealed record ConformanceTarget
{
    /// <summary>The target's name in results and failure messages (for example <c>pdns+txt</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The provider's declared capabilities; scenarios needing more are skipped and listed.</summary>
    public required DnsProviderCapabilities Capabilities { get; init; }

    /// <summary>
    /// Gives, for one scenario, a provider and a zone holding no records the scenario uses (a fresh zone per
    /// scenario is simplest). The runner shares the provider between the reconciler that applies each step and the
    /// fresh reconcilers that verify it, and never disposes it.
    /// </summary>
    public required Func<ConformanceScenario, CancellationToken, Task<ConformanceSubject>> CreateSubjectAsync { get; init; }

    /// <summary>
    /// Registers the registry on a reconciler builder for the given owner. Called for the applying reconciler, the
    /// verifying ones and the foreign owner's. <value>The default is <see cref="UseTxtRegistry"/>.</value>
    /// </summary>
    public Action<IDnsReconcilerBuilder, ConformanceRegistryContext> ConfigureRegistry { get; init; } = UseTxtRegistry;

    /// <summary>
    /// Extra registrations on the applying reconciler only (decorators such as <c>.AddCaching()</c>); the verifying
    /// reconcilers never get them, so verification always reads the live provider. <value>The default is none.</value>
    /// </summary>
    public Action<IDnsReconcilerBuilder>? ConfigureApply { get; init; }

    /// <summary>Extra checks after each verified step, for example real DNS queries against the server. <value>The default is none.</value></summary>
    public Func<ConformanceStepContext, CancellationToken, Task>? VerifyStepAsync { get; init; }

    /// <summary>The logger factory the reconcilers log to. <value>The default is none.</value></summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// The TXT registry prefix used for scenarios writing at the apex: a templated prefix ending with a dot, as
    /// ExternalDNS documents for apex records, so <c>example.org</c>'s ownership record is <c>a-owner.example.org</c>.
    /// </summary>
    public const string ApexTxtPrefix = "%{record_type}-owner.";

    /// <summary>The TXT registry's wildcard replacement used for scenarios writing wildcard names.</summary>
    public const string TxtWildcardReplacement = "wildcard";

    /// <summary>
    /// Registers the TXT registry (<c>.AddTxtRegistry()</c>) for the context's owner and managed types, with
    /// ExternalDNS's defaults, except <see cref="ApexTxtPrefix"/> when the scenario writes at the apex and
    /// <see cref="TxtWildcardReplacement"/> when it writes wildcard names.
    /// </summary>
    /// <param name="builder">The reconciler builder.</param>
    /// <param name="context">The owner and managed types.</param>
    public static void UseTxtRegistry(IDnsReconcilerBuilder builder, ConformanceRegistryContext context)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(context);
        builder.AddTxtRegistry(o =>
        {
            o.OwnerId = context.OwnerId;
            if (context.WritesApex)
            {
                o.Prefix = ApexTxtPrefix;
            }

            if (context.WritesWildcard)
            {
                o.WildcardReplacement = TxtWildcardReplacement;
            }

            foreach (var type in context.ManagedRecordTypes)
            {
                o.ManagedRecordTypes.Add(type.Value);
            }
        });
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A provider and the zone a scenario runs in.</summary>
/// <param name="Provider">The provider, serving <paramref name="Zone"/>.</param>
/// <param name="Zone">The zone; it must hold none of the names the scenario uses.</param>
public sealed record ConformanceSubject(IDnsProvider Provider, ConformanceZone Zone);

/// <summary>What a registry is registered for.</summary>
/// <param name="OwnerId">The owner id.</param>
/// <param name="ManagedRecordTypes">The record types the reconciler manages.</param>
/// <param name="Zone">The scenario's zone.</param>
/// <param name="WritesApex">
/// Whether the scenario writes records at the zone apex. The TXT registry's default (typed, unprefixed) ownership
/// name of an apex record, <c>a-example.org</c> for <c>example.org</c>, lies outside the zone, as in ExternalDNS;
/// <see cref="ConformanceTarget.UseTxtRegistry"/> then uses <see cref="ConformanceTarget.ApexTxtPrefix"/>.
/// </param>
/// <param name="WritesWildcard">
/// Whether the scenario writes wildcard names. The TXT registry's default ownership name of <c>*.example.org</c> is
/// <c>a-*.example.org</c>, which PowerDNS (rightly) refuses; <see cref="ConformanceTarget.UseTxtRegistry"/> then
/// uses <see cref="ConformanceTarget.TxtWildcardReplacement"/> (ExternalDNS <c>--txt-wildcard-replacement</c>).
/// </param>
public sealed record ConformanceRegistryContext(string OwnerId, IReadOnlyList<RecordType> ManagedRecordTypes, ConformanceZone Zone, bool WritesApex, bool WritesWildcard);

/// <summary>A verified step, passed to <see cref="ConformanceTarget.VerifyStepAsync"/>.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="StepIndex">The step's index (0-based).</param>
/// <param name="Zone">The zone.</param>
/// <param name="Provider">The provider.</param>
/// <param name="Expected">The desired endpoints after the provider's <c>AdjustEndpoints</c>, blocked ones excluded: these are live now.</param>
/// <param name="Removed">Keys that were live after an earlier step and must be gone now.</param>
/// <param name="Records">The provider's records as read right after the step (ownership records included).</param>
public sealed record ConformanceStepContext(
    ConformanceScenario Scenario,
    int StepIndex,
    ConformanceZone Zone,
    IDnsProvider Provider,
    IReadOnlyList<DnsEndpoint> Expected,
    IReadOnlyList<EndpointKey> Removed,
    IReadOnlyList<DnsEndpoint> Records)
{
    /// <summary>The step.</summary>
    public ConformanceStep Step => Scenario.Steps[StepIndex];
}
