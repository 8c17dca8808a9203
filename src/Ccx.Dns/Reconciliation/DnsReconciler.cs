using System.Diagnostics;
using Ccx.Dns.Coordination;
using Ccx.Dns.Diagnostics;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Registry;
using Ccx.Dns.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Reconciliation;

/// <summary>
/// The reconcile engine (ExternalDNS's controller <c>RunOnce</c>): reads the desired endpoints from every source,
/// reads the current records through the registry, lets the registry adjust the desired endpoints, calculates
/// the plan, checks it against the safety guard and applies it through the registry.
/// </summary>
/// <remarks>
/// <para>One reconcile runs at a time; concurrent calls to <see cref="RunOnceAsync"/> queue. A reconcile never
/// throws except for cancellation: every failure — a source, the registry, the provider, the lease, or a bug in a
/// plug-in — is reported in <see cref="ReconcileResult.Error"/>, logged and counted.</para>
/// <para>Nothing is applied when <see cref="DnsReconcilerOptions.DryRun"/> is set, when the plan has no changes,
/// when the safety guard withholds it, or when a registered <see cref="ILeaderLease"/> is held by another
/// instance or has less than <see cref="DnsReconcilerOptions.LeaseApplyMargin"/> left; an apply still running when the
/// lease's remaining time reaches that margin is cancelled (a transient <see cref="ReconcileStage.Lease"/> failure).
/// The hosted service calls <see cref="RunOnceAsync"/> on the interval and on source change signals.</para>
/// </remarks>
public sealed class DnsReconciler : IDisposable
{
    /// <summary>The longest delay a timer accepts; a lease with more time left gets no apply deadline.</summary>
    private static readonly TimeSpan MaxLeaseDeadline = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly IEndpointSource[] _sources;
    private readonly IRegistry _registry;
    private readonly DnsReconcilerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly DnsTelemetry _telemetry;
    private readonly ILeaderLease? _lease;
    private readonly IPlan _planner;
    private readonly bool _ownsTelemetry;
    private readonly IPlanPolicy _policy;
    private readonly DomainFilter _domainFilter;
    private readonly HashSet<RecordType> _managed;
    private readonly IReadOnlyCollection<RecordType> _managedList;
    private readonly IReadOnlyCollection<RecordType> _excludedList;
    private readonly SemaphoreSlim _runGate = new(1, 1);
    private readonly Lock _stateGate = new();
    private HashSet<string> _lastRejected = new(StringComparer.Ordinal);
    private ReconcileResult? _lastResult;
    private DateTimeOffset? _lastSuccessfulSyncAt;
    private int _consecutiveTransientFailures;
    private string? _lastWithheldFingerprint;
    private string? _approvedFingerprint;

    /// <summary>Creates a reconciler.</summary>
    /// <param name="sources">The sources of desired endpoints; their endpoints are merged.</param>
    /// <param name="registry">The registry (ownership) over the provider.</param>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="telemetry">The metrics; a private meter is used when <see langword="null"/>.</param>
    /// <param name="lease">The leader lease; when given, changes are applied only while it is held.</param>
    /// <param name="planner">The planner; <see cref="Planner.Instance"/> when <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public DnsReconciler(
        IEnumerable<IEndpointSource> sources,
        IRegistry registry,
        IOptions<DnsReconcilerOptions> options,
        TimeProvider timeProvider,
        ILogger<DnsReconciler> logger,
        DnsTelemetry? telemetry = null,
        ILeaderLease? lease = null,
        IPlan? planner = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _sources = [.. sources];
        _registry = registry;
        _options = options.Value;
        var validation = new DnsReconcilerOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(DnsReconcilerOptions), validation.Failures);
        }

        _timeProvider = timeProvider;
        _logger = logger;
        _ownsTelemetry = telemetry is null;
        _telemetry = telemetry ?? new DnsTelemetry();
        _lease = lease;
        _planner = planner ?? Planner.Instance;
        CreatedAt = timeProvider.GetUtcNow();
        _policy = PlanPolicies.FromName(_options.Policy);
        _domainFilter = string.IsNullOrEmpty(_options.RegexDomainFilter) && string.IsNullOrEmpty(_options.RegexDomainExclusion)
            ? new DomainFilter(_options.IncludeDomains, _options.ExcludeDomains)
            : DomainFilter.FromRegex(_options.RegexDomainFilter, _options.RegexDomainExclusion);
        _managedList = _options.ManagedRecordTypes.Count == 0
            ? RecordType.DefaultManaged
            : [.. _options.ManagedRecordTypes.Select(RecordType.Parse).Distinct()];
        _excludedList = [.. _options.ExcludedRecordTypes.Select(RecordType.Parse).Distinct()];
        _managed = [.. _managedList];
        _managed.ExceptWith(_excludedList);
    }

    /// <summary>
    /// Raised after every reconcile, with its report, on the thread that ran it and before the next reconcile may
    /// start: keep handlers short, and never wait synchronously for <see cref="RunOnceAsync"/> in one. A handler's
    /// exception is logged and ignored.
    /// </summary>
    public event EventHandler<ReconcileResult>? Reconciled;

    /// <summary>Raised when a reconcile should run soon (a withheld plan was approved).</summary>
    internal event EventHandler? RunRequested;

    /// <summary>The sources read by each reconcile.</summary>
    public IReadOnlyList<IEndpointSource> Sources => _sources;

    /// <summary>The leader lease, when one is registered.</summary>
    public ILeaderLease? Lease => _lease;

    /// <summary>The options in force (read at construction; treat as read-only).</summary>
    public DnsReconcilerOptions Options => _options;

    /// <summary>When the reconciler was created (the health check's reference before the first sync).</summary>
    internal DateTimeOffset CreatedAt { get; }

    /// <summary>The report of the last reconcile, or <see langword="null"/> before the first.</summary>
    public ReconcileResult? LastResult
    {
        get
        {
            lock (_stateGate)
            {
                return _lastResult;
            }
        }
    }

    /// <summary>
    /// When the last reconcile completed without error and without its plan being withheld (applied, no changes,
    /// dry run, or planned while another instance leads); <see langword="null"/> before the first.
    /// </summary>
    public DateTimeOffset? LastSuccessfulSyncAt
    {
        get
        {
            lock (_stateGate)
            {
                return _lastSuccessfulSyncAt;
            }
        }
    }

    /// <summary>The number of consecutive reconciles that failed transiently since the last success.</summary>
    public int ConsecutiveTransientFailures => Volatile.Read(ref _consecutiveTransientFailures);

    /// <summary>
    /// Approves the plan the safety guard withheld last: the next reconcile applies it if it calculates exactly the
    /// same changes (a different plan is judged afresh). Also asks the hosted service to reconcile soon.
    /// </summary>
    /// <returns>Whether there was a withheld plan to approve.</returns>
    public bool ApproveWithheldPlan()
    {
        lock (_stateGate)
        {
            if (_lastWithheldFingerprint is null)
            {
                return false;
            }

            _approvedFingerprint = _lastWithheldFingerprint;
        }

        Log.WithheldPlanApproved(_logger);
        RunRequested?.Invoke(this, EventArgs.Empty);
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _runGate.Dispose();
        if (_ownsTelemetry)
        {
            _telemetry.Dispose();
        }
    }

    /// <summary>Runs one reconcile. Never throws except when <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Cancels the reconcile.</param>
    /// <returns>The report.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ReconcileResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await _runGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunExclusiveAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _runGate.Release();
        }
    }

    private async Task<ReconcileResult> RunExclusiveAsync(CancellationToken cancellationToken)
    {
        var startedAt = _timeProvider.GetUtcNow();
        var timestamp = _timeProvider.GetTimestamp();
        using var activity = DnsTelemetry.ActivitySource.StartActivity("ccx.dns.reconcile", ActivityKind.Internal);
        _telemetry.ReconcileStarted(startedAt);

        ReconcileResult result;
        try
        {
            result = await ReconcileAsync(startedAt, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            throw;
        }

        result = result with { Duration = _timeProvider.GetElapsedTime(timestamp) };
        Record(result, activity);
        try
        {
            Reconciled?.Invoke(this, result);
        }
#pragma warning disable CA1031 // a subscriber's failure must not fail the reconcile
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SubscriberFailed(_logger, ex);
        }

        return result;
    }

    private async Task<ReconcileResult> ReconcileAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        // 1. Desired endpoints from every source, merged and de-duplicated.
        List<DnsEndpoint> desired;
        try
        {
            desired = await ReadSourcesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            _telemetry.SourceError();
            return Failed(startedAt, ReconcileStage.Source, ex);
        }

        _telemetry.SourceEndpoints(desired.Count);

        // 2. Current records through the registry.
        IReadOnlyList<DnsEndpoint> current;
        try
        {
            current = await _registry.GetRecordsAsync(cancellationToken).ConfigureAwait(false) ?? [];
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            _telemetry.RegistryError();
            return Failed(startedAt, ReconcileStage.ReadRegistry, ex) with { SourceEndpointCount = desired.Count };
        }

        _telemetry.RegistryEndpoints(current.Count);

        // 3. Provider normalisation and the plan.
        PlanResult plan;
        var ownerId = _registry.OwnerId ?? string.Empty;
        var registryFilter = DomainFilter.All;
        try
        {
            registryFilter = _registry.DomainFilter ?? DomainFilter.All;
            var adjusted = _registry.AdjustEndpoints(desired) ?? [];
            plan = _planner.Calculate(new PlanInput
            {
                Current = current,
                Desired = adjusted,
                Policies = [_policy],
                DomainFilters = [_domainFilter, registryFilter],
                ManagedRecordTypes = _managedList,
                ExcludedRecordTypes = _excludedList,
                OwnerId = ownerId,
                OldOwnerId = _options.OldOwnerId ?? string.Empty,
            });
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            return Failed(startedAt, ReconcileStage.Plan, ex) with { SourceEndpointCount = desired.Count, RegistryEndpointCount = current.Count };
        }

        var result = new ReconcileResult
        {
            Outcome = ReconcileOutcome.NoChanges,
            StartedAt = startedAt,
            Changes = plan.Changes,
            Rejected = plan.Rejected,
            OwnerMismatches = plan.OwnerMismatches,
            DryRun = _options.DryRun,
            SourceEndpointCount = desired.Count,
            RegistryEndpointCount = current.Count,
        };

        // With no record changes, a registry may still have ownership bookkeeping to tidy up (orphaned ownership
        // records): that goes through the same lease and apply path as any other write (not in a dry run).
        if (!plan.Changes.HasChanges && (_options.DryRun || _registry is not IRegistryHousekeeping { HasPendingCleanup: true }))
        {
            return result;
        }

        // 4. The safety guard.
        var verdict = SafetyGuard.Evaluate(_options.Guard, CountOwned(current, ownerId, registryFilter), desired.Count, plan.Changes);
        if (verdict is not null)
        {
            var fingerprint = SafetyGuard.Fingerprint(plan.Changes);
            bool approved;
            lock (_stateGate)
            {
                approved = !_options.DryRun && string.Equals(_approvedFingerprint, fingerprint, StringComparison.Ordinal);
                if (approved)
                {
                    _approvedFingerprint = null;
                    _lastWithheldFingerprint = null;
                }
                else if (!_options.DryRun)
                {
                    _lastWithheldFingerprint = fingerprint;
                }
            }

            if (approved)
            {
                Log.ApplyingApprovedPlan(_logger, verdict.Reason);
            }
            else if (_options.DryRun)
            {
                return result with { Outcome = ReconcileOutcome.DryRun, WithheldReason = verdict.Reason };
            }
            else
            {
                _telemetry.Withheld(verdict.Tag);
                return result with { Outcome = ReconcileOutcome.Withheld, WithheldReason = verdict.Reason };
            }
        }

        if (_options.DryRun)
        {
            return result with { Outcome = ReconcileOutcome.DryRun };
        }

        // 5. Leadership, checked right before writing, with enough of the lease left.
        var applyBudget = TimeSpan.MaxValue;
        if (_lease is not null)
        {
            bool held;
            try
            {
                held = await _lease.TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
            {
                return Failed(startedAt, ReconcileStage.Lease, ex) with
                {
                    Changes = plan.Changes,
                    Rejected = plan.Rejected,
                    OwnerMismatches = plan.OwnerMismatches,
                    SourceEndpointCount = desired.Count,
                    RegistryEndpointCount = current.Count,
                };
            }

            if (!held)
            {
                return result with { Outcome = ReconcileOutcome.NotLeader };
            }

            // Held, but about to run out (a slow renewal, or a lease timed too tightly): apply nothing.
            var remaining = _lease.RemainingTime;
            if (remaining < _options.LeaseApplyMargin)
            {
                return LeaseRanOut(
                    result,
                    $"the leader lease has {remaining} left, less than LeaseApplyMargin ({_options.LeaseApplyMargin}); nothing was applied",
                    exception: null);
            }

            applyBudget = remaining - _options.LeaseApplyMargin;
        }

        // 6. Apply through the registry, cancelled when the lease's remaining time reaches LeaseApplyMargin (on this
        // instance's clock), so that nothing more is written once a standby may take over.
        using var leaseDeadline = applyBudget < MaxLeaseDeadline ? new CancellationTokenSource(applyBudget, _timeProvider) : null;
        using var applyCancellation = leaseDeadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, leaseDeadline.Token);
        try
        {
            var applied = await _registry.ApplyChangesAsync(plan.Changes, applyCancellation?.Token ?? cancellationToken).ConfigureAwait(false);
            return result with
            {
                Outcome = ReconcileOutcome.Applied,
                AppliedChanges = applied.Applied,
                Rejected = applied.Rejected.Count == 0 ? plan.Rejected : [.. plan.Rejected, .. applied.Rejected],
            };
        }
        catch (Exception ex) when (leaseDeadline is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            _telemetry.RegistryError();
            var refused = ex is DnsProviderException { RejectedEndpoints.Count: > 0 } dpe ? dpe.RejectedEndpoints : [];
            return LeaseRanOut(
                result with { Rejected = refused.Count == 0 ? plan.Rejected : [.. plan.Rejected, .. refused] },
                $"the lease ran out during the apply (less than LeaseApplyMargin, {_options.LeaseApplyMargin}, was left); nothing more is written ({ex.Message})",
                ex);
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            _telemetry.RegistryError();
            var refused = ex is DnsProviderException { RejectedEndpoints.Count: > 0 } dpe ? dpe.RejectedEndpoints : [];
            return Failed(startedAt, ReconcileStage.Apply, ex) with
            {
                Changes = plan.Changes,
                Rejected = refused.Count == 0 ? plan.Rejected : [.. plan.Rejected, .. refused],
                OwnerMismatches = plan.OwnerMismatches,
                SourceEndpointCount = desired.Count,
                RegistryEndpointCount = current.Count,
            };
        }
    }

    private async Task<List<DnsEndpoint>> ReadSourcesAsync(CancellationToken cancellationToken)
    {
        var merged = new List<DnsEndpoint>();
        HashSet<(EndpointKey, string)>? seen = null;
        foreach (var source in _sources)
        {
            var endpoints = await source.GetEndpointsAsync(cancellationToken).ConfigureAwait(false);
            if (endpoints is null)
            {
                continue;
            }

            foreach (var endpoint in endpoints)
            {
                if (endpoint is null)
                {
                    continue;
                }

                // Identical endpoints (same key and target set) from several sources collapse into the first, as
                // ExternalDNS's dedup source does; same key with different targets is left to the planner's resolver.
                seen ??= new HashSet<(EndpointKey, string)>(Math.Max(16, endpoints.Count));
                if (seen.Add((endpoint.Key, TargetSetKey(endpoint.Targets))))
                {
                    merged.Add(endpoint);
                }
            }
        }

        return merged;
    }

    private static string TargetSetKey(IReadOnlyList<string> targets)
    {
        if (targets.Count == 1)
        {
            return DnsTargets.Canonical(targets[0]);
        }

        var canonical = new string[targets.Count];
        for (var i = 0; i < canonical.Length; i++)
        {
            canonical[i] = DnsTargets.Canonical(targets[i]);
        }

        Array.Sort(canonical, StringComparer.Ordinal);
        return string.Join('\n', canonical.Distinct(StringComparer.Ordinal));
    }

    private int CountOwned(IReadOnlyList<DnsEndpoint> current, string ownerId, DomainFilter registryFilter)
    {
        var count = 0;
        foreach (var record in current)
        {
            if (record is not null
                && _managed.Contains(record.RecordType)
                && (ownerId.Length == 0 || record.IsOwnedBy(ownerId))
                && _domainFilter.Match(record.DnsName)
                && registryFilter.Match(record.DnsName))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>A transient <see cref="ReconcileStage.Lease"/> failure that keeps the plan's report.</summary>
    private static ReconcileResult LeaseRanOut(ReconcileResult planned, string message, Exception? exception) => planned with
    {
        Outcome = ReconcileOutcome.Failed,
        Error = new ReconcileError(ReconcileStage.Lease, message, IsTransient: true) { Exception = exception },
    };

    private ReconcileResult Failed(DateTimeOffset startedAt, ReconcileStage stage, Exception ex) => new()
    {
        Outcome = ReconcileOutcome.Failed,
        StartedAt = startedAt,
        DryRun = _options.DryRun,
        Error = new ReconcileError(stage, ex.Message, IsTransient(ex)) { Exception = ex },
    };

    /// <summary>Whether a failure may go away by itself: a transient provider error, a timeout, or a cancellation we did not ask for.</summary>
    private static bool IsTransient(Exception ex) => ex switch
    {
        DnsProviderException dpe => dpe.IsTransient,
        TimeoutException or OperationCanceledException => true,
        _ => false,
    };

    private static bool IsCancellation(Exception ex, CancellationToken cancellationToken) =>
        ex is OperationCanceledException && cancellationToken.IsCancellationRequested;

    private void Record(ReconcileResult result, Activity? activity)
    {
        var now = _timeProvider.GetUtcNow();
        var changes = result.Changes;
        lock (_stateGate)
        {
            _lastResult = result;
            if (result.Succeeded && result.Outcome != ReconcileOutcome.Withheld)
            {
                _lastSuccessfulSyncAt = now;
            }
        }

        if (result.Error is { IsTransient: true })
        {
            _telemetry.ConsecutiveSoftErrors(Interlocked.Increment(ref _consecutiveTransientFailures));
        }
        else if (result.Succeeded)
        {
            Interlocked.Exchange(ref _consecutiveTransientFailures, 0);
            _telemetry.ConsecutiveSoftErrors(0);
        }

        if (result.Succeeded && result.Outcome != ReconcileOutcome.Withheld)
        {
            _telemetry.Synced(now);
        }

        _telemetry.Duration(result.Duration, result.Outcome);
        _telemetry.OwnerMismatches(result.OwnerMismatches);
        _telemetry.InvalidEndpoints(result.Rejected);
        if (result.Applied)
        {
            _telemetry.Applied(result.AppliedChanges.Count > 0 ? result.AppliedChanges : changes);
        }

        if (activity is not null)
        {
            activity.SetTag("ccx.dns.outcome", result.Outcome.ToString());
            activity.SetTag("ccx.dns.changes.create", changes.Create.Count);
            activity.SetTag("ccx.dns.changes.update", changes.UpdateNew.Count);
            activity.SetTag("ccx.dns.changes.delete", changes.Delete.Count);
            activity.SetTag("ccx.dns.dry_run", result.DryRun);
            if (result.Error is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, result.Error.ToString());
            }
        }

        LogResult(result);
    }

    private void LogResult(ReconcileResult result)
    {
        var changes = result.Changes;
        var ms = result.Duration.TotalMilliseconds;
        switch (result.Outcome)
        {
            case ReconcileOutcome.Applied:
                Log.ChangesApplied(_logger, changes.Create.Count, changes.UpdateNew.Count, changes.Delete.Count, ms);
                break;
            case ReconcileOutcome.NoChanges:
                _telemetry.NoOpRun();
                Log.NoChanges(_logger, ms);
                break;
            case ReconcileOutcome.DryRun:
                Log.DryRunPlan(_logger, changes.Create.Count, changes.UpdateNew.Count, changes.Delete.Count, result.WithheldReason ?? "none");
                break;
            case ReconcileOutcome.Withheld:
                Log.PlanWithheld(_logger, changes.Create.Count, changes.UpdateNew.Count, changes.Delete.Count, result.WithheldReason!);
                break;
            case ReconcileOutcome.NotLeader:
                Log.NotLeader(_logger, changes.Create.Count, changes.UpdateNew.Count, changes.Delete.Count);
                break;
            default:
                var error = result.Error!;
                if (error.IsTransient)
                {
                    Log.ReconcileFailedTransiently(_logger, error.Stage, error.Message, error.Exception);
                }
                else
                {
                    Log.ReconcileFailed(_logger, error.Stage, error.Message, error.Exception);
                }

                break;
        }

        // Rejections repeat every cycle while the source keeps producing them: warn when the set changes.
        var rejected = new HashSet<string>(result.Rejected.Select(r => r.ToString()), StringComparer.Ordinal);
        var changed = !rejected.SetEquals(_lastRejected);
        _lastRejected = rejected;
        foreach (var item in result.Rejected)
        {
            if (changed)
            {
                Log.EndpointRejected(_logger, item.Endpoint.DnsName, item.Endpoint.RecordType.Value, item.Reason);
            }
            else
            {
                Log.EndpointStillRejected(_logger, item.Endpoint.DnsName, item.Endpoint.RecordType.Value, item.Reason);
            }
        }

        foreach (var mismatch in result.OwnerMismatches)
        {
            Log.OwnerMismatch(_logger, mismatch.Record.DnsName, mismatch.Record.RecordType.Value, mismatch.ForeignOwner);
        }
    }
}
