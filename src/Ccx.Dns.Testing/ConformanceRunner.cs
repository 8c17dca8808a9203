using System.Globalization;
using System.Text;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Ccx.Dns.Sources;
using Ccx.Dns.Sources.Programmatic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccx.Dns.Testing;

/// <summary>
/// Runs conformance scenarios against a target, independent of any test framework. For every step it reconciles the
/// desired state through <c>AddDnsReconciler()</c> with the target's registry, then builds a fresh reconciler (fresh
/// registry, no cache, dry run) over the live provider and requires a plan with zero changes; it also checks the
/// provider's records against the desired state, that removed records are gone (ownership records too, once nothing
/// is desired), and that records owned by someone else, or by no one, are byte-identical.
/// </summary>
/// <remarks>
/// The reconcilers manage A, AAAA, CNAME and every type the scenario uses, and run with the safety guard's
/// thresholds lifted (<c>AllowUnsafePlans</c>, <c>AllowEmptySource</c>): scenarios delete everything on purpose.
/// Each scenario's applying reconciler lives for all its steps (so caching decorators see the whole sequence);
/// each verification builds a new one.
/// </remarks>
public sealed class ConformanceRunner
{
    private static readonly RecordType[] AlwaysManaged = [RecordType.A, RecordType.AAAA, RecordType.CNAME];
    private readonly ConformanceTarget _target;

    /// <summary>Creates a runner for a target.</summary>
    /// <param name="target">The provider under test.</param>
    public ConformanceRunner(ConformanceTarget target)
        : this(target, ConformanceReconcileMode.Full)
    {
    }

    /// <summary>Creates a runner for a target that applies each step in the given mode.</summary>
    /// <param name="target">The provider under test.</param>
    /// <param name="mode">How each step after the first is reconciled.</param>
    public ConformanceRunner(ConformanceTarget target, ConformanceReconcileMode mode)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
        Mode = mode;
    }

    /// <summary>How each step after the first is reconciled (the first is always full).</summary>
    public ConformanceReconcileMode Mode { get; }

    /// <summary>The scenarios the target's capabilities allow, in order.</summary>
    /// <returns>The scenarios.</returns>
    public IReadOnlyList<ConformanceScenario> SupportedScenarios() =>
        [.. ConformanceScenarios.All.Where(s => s.FindUnmetRequirement(_target.Capabilities) is null)];

    /// <summary>The scenarios the target's capabilities do not allow, each with the missing capability.</summary>
    /// <returns>The scenarios and reasons.</returns>
    public IReadOnlyList<(ConformanceScenario Scenario, string Reason)> SkippedScenarios() =>
        [.. ConformanceScenarios.All
            .Select(s => (Scenario: s, Unmet: s.FindUnmetRequirement(_target.Capabilities)))
            .Where(x => x.Unmet is not null)
            .Select(x => (x.Scenario, $"{_target.Capabilities.Name} does not declare {x.Unmet!.Name}"))];

    /// <summary>Runs every scenario, collecting failures rather than stopping at the first.</summary>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>One result per scenario.</returns>
    public async Task<ConformanceReport> RunAllAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<ConformanceScenarioResult>(ConformanceScenarios.All.Count);
        foreach (var scenario in ConformanceScenarios.All)
        {
            try
            {
                results.Add(await RunAsync(scenario, cancellationToken).ConfigureAwait(false));
            }
            catch (ConformanceException ex)
            {
                results.Add(new ConformanceScenarioResult { Target = _target.Name, Scenario = scenario, Outcome = ConformanceOutcome.Failed, Failure = ex });
            }
        }

        return new ConformanceReport(results);
    }

    /// <summary>Runs one scenario; a scenario the capabilities do not allow returns <see cref="ConformanceOutcome.Skipped"/>.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The result (passed or skipped).</returns>
    /// <exception cref="ConformanceException">A step did not converge or verify; the message says what differed.</exception>
    public async Task<ConformanceScenarioResult> RunAsync(ConformanceScenario scenario, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var unmet = scenario.FindUnmetRequirement(_target.Capabilities);
        if (unmet is not null)
        {
            return new ConformanceScenarioResult
            {
                Target = _target.Name,
                Scenario = scenario,
                Outcome = ConformanceOutcome.Skipped,
                SkipReason = $"{_target.Capabilities.Name} does not declare {unmet.Name}",
            };
        }

        ConformanceSubject subject;
        try
        {
            subject = await _target.CreateSubjectAsync(scenario, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ConformanceException($"[{_target.Name}/{scenario.Name}] the target could not create a provider and zone: {ex.Message}", ex);
        }

        var run = new ScenarioRun(this, scenario, subject);
        var steps = await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return new ConformanceScenarioResult { Target = _target.Name, Scenario = scenario, Outcome = ConformanceOutcome.Passed, Steps = steps };
    }

    private ServiceProvider BuildReconciler(IDnsProvider provider, ConformanceRegistryContext registry, bool dryRun, bool applyDecorators)
    {
        var services = new ServiceCollection();
        services.TryAddSingleton(_target.LoggerFactory ?? NullLoggerFactory.Instance);
        services.TryAddSingleton(typeof(ILogger<>), typeof(Logger<>));
        var builder = services.AddDnsReconciler(o =>
        {
            o.DryRun = dryRun;
            o.Guard.AllowUnsafePlans = true;
            o.Guard.AllowEmptySource = true;
            foreach (var type in registry.ManagedRecordTypes)
            {
                o.ManagedRecordTypes.Add(type.Value);
            }
        });
        builder.AddProvider(_ => new SharedProvider(provider));
        _target.ConfigureRegistry(builder, registry);
        if (applyDecorators)
        {
            _target.ConfigureApply?.Invoke(builder);
        }

        builder.AddProgrammaticSource();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static async Task<ReconcileResult> ReconcileAsync(ServiceProvider services, IReadOnlyList<DnsEndpoint> desired, CancellationToken cancellationToken)
    {
        services.GetRequiredService<ProgrammaticEndpointSource>().ReplaceAll(desired);
        return await services.GetRequiredService<DnsReconciler>().RunOnceAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The state of one scenario run.</summary>
    private sealed class ScenarioRun(ConformanceRunner runner, ConformanceScenario scenario, ConformanceSubject subject)
    {
        private readonly IDnsProvider _provider = subject.Provider;
        private readonly ConformanceZone _zone = subject.Zone;
        private readonly Dictionary<EndpointKey, DnsEndpoint> _protected = [];
        private HashSet<EndpointKey> _baseline = [];
        private IReadOnlyList<RecordType> _managed = [];
        private bool _apex;
        private bool _wildcard;

        private string Where(int step) => step < 0
            ? $"[{runner._target.Name}/{scenario.Name} zone {_zone.Name}, setup]"
            : $"[{runner._target.Name}/{scenario.Name} zone {_zone.Name}, step {step + 1}/{scenario.Steps.Count} '{scenario.Steps[step].Description}']";

        public async Task<IReadOnlyList<ConformanceStepResult>> ExecuteAsync(CancellationToken cancellationToken)
        {
            _managed = [.. AlwaysManaged.Concat(scenario.RecordTypesUsed(_zone)).Distinct().Order()];
            _apex = scenario.WritesApex(_zone);
            _wildcard = scenario.WritesWildcard(_zone);
            _baseline = [.. (await ReadAsync(-1, cancellationToken).ConfigureAwait(false)).Select(r => r.Key)];
            await SeedAsync(cancellationToken).ConfigureAwait(false);

            var results = new List<ConformanceStepResult>(scenario.Steps.Count);
            var everLive = new HashSet<EndpointKey>();
            using var apply = runner.BuildReconciler(_provider, new(ConformanceScenarios.OwnerId, _managed, _zone, _apex, _wildcard), dryRun: false, applyDecorators: true);
            for (var i = 0; i < scenario.Steps.Count; i++)
            {
                var started = TimeProvider.System.GetTimestamp();
                var step = scenario.Steps[i];
                var desired = step.Desired(_zone);
                var blocked = step.Blocked(_zone).ToHashSet();

                var result = i > 0 && runner.Mode == ConformanceReconcileMode.Targeted
                    ? await ReconcileTargetedAsync(i, apply, desired, cancellationToken).ConfigureAwait(false)
                    : await ReconcileAsync(apply, desired, cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded || result.Outcome is not (ReconcileOutcome.Applied or ReconcileOutcome.NoChanges))
                {
                    throw Fail(i, $"the reconcile did not apply: {result}", result);
                }

                if (result.Rejected.Count > 0)
                {
                    throw Fail(i, "desired endpoints were rejected: " + string.Join("; ", result.Rejected.Select(r => r.ToString())), result);
                }

                await VerifyZeroChangesAsync(i, desired, cancellationToken).ConfigureAwait(false);
                var records = await ReadAsync(i, cancellationToken).ConfigureAwait(false);
                var expected = _provider.AdjustEndpoints(desired).Where(e => !blocked.Contains(e.Key)).ToList();
                var removed = everLive.Except(expected.Select(e => e.Key)).Where(k => !_protected.ContainsKey(k) && !_baseline.Contains(k)).ToList();
                VerifyRecords(i, records, expected, removed, desired.Count == 0);
                everLive.UnionWith(expected.Select(e => e.Key));

                if (runner._target.VerifyStepAsync is { } verify)
                {
                    try
                    {
                        await verify(new ConformanceStepContext(scenario, i, _zone, _provider, expected, removed, records), cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not (OperationCanceledException or ConformanceException))
                    {
                        throw new ConformanceException($"{Where(i)} the target's own verification failed: {ex.Message}", ex);
                    }
                }

                results.Add(new ConformanceStepResult(step.Description, result.AppliedChanges.Create.Count + result.AppliedChanges.UpdateNew.Count + result.AppliedChanges.Delete.Count, TimeProvider.System.GetElapsedTime(started)));
            }

            return results;
        }

        /// <summary>
        /// Sets the desired state and reconciles only the names the source's change signal named; a registry that can
        /// serve names from its view must make that a targeted reconcile.
        /// </summary>
        private async Task<ReconcileResult> ReconcileTargetedAsync(int step, ServiceProvider services, IReadOnlyList<DnsEndpoint> desired, CancellationToken cancellationToken)
        {
            var source = services.GetRequiredService<ProgrammaticEndpointSource>();
            HashSet<string>? names = new(StringComparer.Ordinal);
            void OnChanged(object? sender, EventArgs e)
            {
                if (EndpointsChangedEventArgs.NamesOf(e) is { } changed)
                {
                    names?.UnionWith(changed);
                }
                else
                {
                    names = null;
                }
            }

            source.Changed += OnChanged;
            try
            {
                source.ReplaceAll(desired);
            }
            finally
            {
                source.Changed -= OnChanged;
            }

            var reconciler = services.GetRequiredService<DnsReconciler>();
            var result = names is null
                ? await reconciler.RunOnceAsync(cancellationToken).ConfigureAwait(false)
                : await reconciler.RunOnceAsync(names, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded && result.Mode != ReconcileMode.Targeted && services.GetRequiredService<IRegistry>() is IScopedRegistry)
            {
                throw Fail(step, $"the reconcile of the changed names [{string.Join(", ", names ?? [])}] was not targeted", result);
            }

            return result;
        }

        private async Task SeedAsync(CancellationToken cancellationToken)
        {
            var unowned = scenario.Unowned(_zone);
            if (unowned.Count > 0)
            {
                try
                {
                    await _provider.ApplyChangesAsync(new DnsChanges { Create = _provider.AdjustEndpoints(unowned) }, cancellationToken).ConfigureAwait(false);
                }
                catch (DnsProviderException ex)
                {
                    throw new ConformanceException($"{Where(-1)} writing the unowned records straight to the provider failed: {ex.Message}", ex);
                }
            }

            var foreign = scenario.ForeignOwned(_zone);
            if (foreign.Count > 0)
            {
                using var other = runner.BuildReconciler(_provider, new(ConformanceScenarios.ForeignOwnerId, _managed, _zone, _apex, _wildcard), dryRun: false, applyDecorators: false);
                var result = await ReconcileAsync(other, foreign, cancellationToken).ConfigureAwait(false);
                if (result.Outcome != ReconcileOutcome.Applied || result.Rejected.Count > 0)
                {
                    throw new ConformanceException($"{Where(-1)} the foreign owner '{ConformanceScenarios.ForeignOwnerId}' could not create its records: {result}");
                }
            }

            if (unowned.Count + foreign.Count == 0)
            {
                return;
            }

            // Everything the seeding added (records and their ownership records) must stay exactly as it is now.
            foreach (var record in await ReadAsync(-1, cancellationToken).ConfigureAwait(false))
            {
                if (!_baseline.Contains(record.Key))
                {
                    _protected[record.Key] = record;
                }
            }

            var seeded = _provider.AdjustEndpoints([.. unowned, .. foreign]);
            var missing = seeded.Where(s => !_protected.ContainsKey(s.Key)).ToList();
            if (missing.Count > 0)
            {
                throw new ConformanceException($"{Where(-1)} seeded records are not readable from the provider: {string.Join(", ", missing)}");
            }
        }

        private async Task VerifyZeroChangesAsync(int step, IReadOnlyList<DnsEndpoint> desired, CancellationToken cancellationToken)
        {
            using var verify = runner.BuildReconciler(_provider, new(ConformanceScenarios.OwnerId, _managed, _zone, _apex, _wildcard), dryRun: true, applyDecorators: false);
            var result = await ReconcileAsync(verify, desired, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw Fail(step, $"re-planning against the live provider failed: {result}", result);
            }

            if (result.Changes.HasChanges || result.Rejected.Count > 0)
            {
                throw Fail(step, "re-planning against the live provider (fresh registry, no cache) did not give zero changes; the provider does not store what it was given, or reads it back differently", result);
            }
        }

        private void VerifyRecords(int step, IReadOnlyList<DnsEndpoint> records, List<DnsEndpoint> expected, List<EndpointKey> removed, bool nothingDesired)
        {
            var byKey = new Dictionary<EndpointKey, DnsEndpoint>();
            foreach (var record in records)
            {
                if (!byKey.TryAdd(record.Key, record))
                {
                    throw Fail(step, $"the provider returned two record sets with the key {record.Key}: {byKey[record.Key]} and {record}");
                }
            }

            var problems = new List<string>();
            foreach (var want in expected)
            {
                if (!byKey.TryGetValue(want.Key, out var have))
                {
                    problems.Add($"missing {want}");
                }
                else if (!DnsTargets.Same(want.Targets, have.Targets, want.RecordType))
                {
                    problems.Add($"targets differ: want {want}, provider has {have}");
                }
                else if (want.IsTtlConfigured && runner._target.Capabilities.Ttl && want.Ttl != have.Ttl)
                {
                    problems.Add($"TTL differs: want {want.Ttl}, provider has {have}");
                }
            }

            foreach (var key in removed)
            {
                if (byKey.TryGetValue(key, out var stale))
                {
                    problems.Add($"not deleted: {stale}");
                }
            }

            foreach (var (key, original) in _protected)
            {
                if (!byKey.TryGetValue(key, out var now))
                {
                    problems.Add($"a record we do not own was deleted: {original}");
                }
                else if (!original.Equals(now) || !string.Equals(original.ToString(), now.ToString(), StringComparison.Ordinal))
                {
                    problems.Add($"a record we do not own was changed: was {original}, now {now}");
                }
            }

            if (nothingDesired)
            {
                // With nothing desired, only what was there before the scenario (and the protected seeds) may remain:
                // leftovers here are ownership records the registry failed to delete.
                foreach (var record in records)
                {
                    if (!_baseline.Contains(record.Key) && !_protected.ContainsKey(record.Key))
                    {
                        problems.Add($"left behind with nothing desired: {record}");
                    }
                }
            }

            if (problems.Count > 0)
            {
                throw Fail(step, "the provider's records do not match the desired state:\n  " + string.Join("\n  ", problems.Take(20))
                    + (problems.Count > 20 ? $"\n  … and {problems.Count - 20} more" : string.Empty));
            }
        }

        private async Task<IReadOnlyList<DnsEndpoint>> ReadAsync(int step, CancellationToken cancellationToken)
        {
            try
            {
                var all = await _provider.GetRecordsAsync(cancellationToken).ConfigureAwait(false);
                return [.. all.Where(r => DnsNames.IsAtOrBelow(r.DnsName, _zone.Name))];
            }
            catch (DnsProviderException ex)
            {
                throw new ConformanceException($"{Where(step)} reading the provider's records failed: {ex.Message}", ex);
            }
        }

        private ConformanceException Fail(int step, string what, ReconcileResult? result = null)
        {
            var sb = new StringBuilder();
            sb.Append(Where(step)).Append(' ').Append(what);
            if (result is not null)
            {
                sb.Append("\n--- plan ---\n").Append(result.ToMarkdown());
            }

            return result?.Error?.Exception is { } inner
                ? new ConformanceException(sb.ToString(), inner)
                : new ConformanceException(sb.ToString());
        }
    }

    /// <summary>Hands the target's provider to a container without letting the container dispose it.</summary>
    private sealed class SharedProvider(IDnsProvider inner) : IDnsProvider
    {
        public DomainFilter DomainFilter => inner.DomainFilter;

        public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) => inner.GetRecordsAsync(cancellationToken);

        public Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default) => inner.ApplyChangesAsync(changes, cancellationToken);

        public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => inner.AdjustEndpoints(endpoints);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"shared {inner}");
    }
}
