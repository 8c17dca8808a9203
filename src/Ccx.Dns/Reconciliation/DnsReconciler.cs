using System.Diagnostics;
using System.Runtime;
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
/// <para>One reconcile runs at a time; concurrent calls to <see cref="RunOnceAsync(CancellationToken)"/> queue. A reconcile never
/// throws except for cancellation: every failure — a source, the registry, the provider, the lease, or a bug in a
/// plug-in — is reported in <see cref="ReconcileResult.Error"/>, logged and counted.</para>
/// <para>Nothing is applied when <see cref="DnsReconcilerOptions.DryRun"/> is set, when the plan has no changes,
/// when the safety guard withholds it, or when a registered <see cref="ILeaderLease"/> is held by another
/// instance or has less than <see cref="DnsReconcilerOptions.LeaseApplyMargin"/> left; an apply still running when the
/// lease's remaining time reaches that margin is cancelled (a transient <see cref="ReconcileStage.Lease"/> failure).
/// The hosted service calls <see cref="RunOnceAsync(CancellationToken)"/> on the interval and on source change
/// signals that name nothing, and <see cref="RunOnceAsync(IEnumerable{string}, CancellationToken)"/> on signals that
/// name the changed names.</para>
/// </remarks>
public sealed class DnsReconciler : IDisposable
{
    /// <summary>
    /// A full calculation's verified count over at least this many endpoints (desired and current) is made on the thread
    /// pool; a smaller one at once (about 0.1 s for 400,000: made inline, it costs less memory than alongside the
    /// reconciler's own work).
    /// </summary>
    private const int CountVerifiedInBackgroundFrom = 1_000_000;

    /// <summary>How many times one full reconcile yields to targeted ones before it runs to the end regardless (no starvation under a stream of failovers).</summary>
    private const int MaxYieldsPerFullReconcile = 8;

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
    private readonly IReadOnlyList<IPlanPolicy> _policies;
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
    private string? _loggedWithheldFingerprint;
    private HashSet<(string Name, RecordType Type, string Owner)> _warnedMismatches = [];
    private TargetedState? _targeted;
    private int _targetedWaiting;
    private CancellationTokenSource? _yieldRequest;
    private readonly IncrementalFullPlan _fullPlan;
    private (IReadOnlyList<DnsEndpoint> Current, DomainFilter RegistryFilter, int Count)? _lastOwned;
    private IReadOnlyList<DnsEndpoint>?[]? _lastSourceLists;
    private IReadOnlyList<DnsEndpoint>? _lastMerged;

    // When the last merge was one source's list with no key twice (merged = that list): its endpoints by key, patched
    // when that source's next list differs at a few positions, so the list passes through without a new merge.
    private Dictionary<EndpointKey, DnsEndpoint>? _passThroughKeys;
    private bool _verifiedPlanned;

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
        _policies = [PlanPolicies.FromName(_options.Policy)];
        _domainFilter = string.IsNullOrEmpty(_options.RegexDomainFilter) && string.IsNullOrEmpty(_options.RegexDomainExclusion)
            ? new DomainFilter(_options.IncludeDomains, _options.ExcludeDomains)
            : DomainFilter.FromRegex(_options.RegexDomainFilter, _options.RegexDomainExclusion);
        _managedList = _options.ManagedRecordTypes.Count == 0
            ? RecordType.DefaultManaged
            : [.. _options.ManagedRecordTypes.Select(RecordType.Parse).Distinct()];
        _excludedList = [.. _options.ExcludedRecordTypes.Select(RecordType.Parse).Distinct()];
        _managed = [.. _managedList];
        _managed.ExceptWith(_excludedList);
        _fullPlan = new IncrementalFullPlan(_managed);
    }

    /// <summary>
    /// Raised after every reconcile, with its report, on the thread that ran it and before the next reconcile may
    /// start: keep handlers short, and never wait synchronously for <see cref="RunOnceAsync(CancellationToken)"/> in one. A handler's
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

    /// <summary>
    /// Runs one full reconcile. Never throws except when <paramref name="cancellationToken"/> is cancelled. Until it
    /// reaches the safety guard, it yields to targeted reconciles requested meanwhile
    /// (<see cref="RunOnceAsync(IEnumerable{string}, CancellationToken)"/>): it drops what it has planned, lets them run,
    /// and starts again from the sources (at most 8 times). The report (its start and duration too) is that of the
    /// attempt that ran to the end.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reconcile.</param>
    /// <returns>The report.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ReconcileResult> RunOnceAsync(CancellationToken cancellationToken = default) => RunAsync(null, cancellationToken);

    /// <summary>
    /// Runs one reconcile targeted at the names whose desired endpoints changed: only those names (and the names the
    /// previous reconcile reported on or left unapplied) are read from the sources and the registry's kept view, planned
    /// and applied, in O(names) — exactly as a full reconcile would plan them. Falls back to a full reconcile when a
    /// targeted one is not possible: before the first full reconcile, after a failed one, when a source is not an
    /// <see cref="IScopedEndpointSource"/>, or when the registry is not an <see cref="IScopedRegistry"/> or has no view to
    /// serve. <see cref="ReconcileResult.Mode"/> says which ran. A full reconcile in progress that has not reached its
    /// safety guard yields to it, so that it does not wait for the whole zone. Never throws except when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="names">The changed names, in any DNS spelling.</param>
    /// <param name="cancellationToken">Cancels the reconcile.</param>
    /// <returns>The report.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ReconcileResult> RunOnceAsync(IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        var scope = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(names));
            scope.Add(DnsNames.Normalize(name));
        }

        return RunAsync(scope, cancellationToken);
    }

    private async Task<ReconcileResult> RunAsync(HashSet<string>? names, CancellationToken cancellationToken)
    {
        // A targeted reconcile asks a full one in progress to yield: a failover is not kept waiting behind the whole zone.
        // It queues for the gate first, so that the gate the full one releases when it yields is handed to it.
        var preempts = names is { Count: > 0 } && CanTarget();
        if (preempts)
        {
            Interlocked.Increment(ref _targetedWaiting);
        }

        try
        {
            var wait = _runGate.WaitAsync(cancellationToken);
            if (preempts)
            {
                CancellationTokenSource? yieldRequest;
                lock (_stateGate)
                {
                    yieldRequest = _yieldRequest;
                }

                // Outside the lock: the full reconcile may yield on this very thread, inside Cancel. A callback that a
                // source or provider registered on its read's token may throw: the wait queued above still gets the gate.
                try
                {
                    yieldRequest?.Cancel();
                }
                catch (AggregateException ex)
                {
                    Log.YieldRequestCallbackFailed(_logger, ex);
                }
            }

            await wait.ConfigureAwait(false);
        }
        finally
        {
            if (preempts)
            {
                Interlocked.Decrement(ref _targetedWaiting);
            }
        }

        var held = true;
        try
        {
            if (names is not null)
            {
                return (await RunExclusiveAsync(names, CancellationToken.None, cancellationToken).ConfigureAwait(false))!;
            }

            for (var yields = 0; ; yields++)
            {
                ReconcileResult? result;

                // Not disposed: a targeted request may cancel it at any time, and a plain source (no timer, no wait
                // handle) holds nothing that disposing would release.
#pragma warning disable CA2000
                var yieldRequest = yields < MaxYieldsPerFullReconcile ? new CancellationTokenSource() : null;
#pragma warning restore CA2000
                lock (_stateGate)
                {
                    _yieldRequest = yieldRequest;
                }

                if (Volatile.Read(ref _targetedWaiting) > 0)
                {
                    yieldRequest?.Cancel(); // nothing is registered on it yet
                }

                try
                {
                    result = await RunExclusiveAsync(null, yieldRequest?.Token ?? CancellationToken.None, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    lock (_stateGate)
                    {
                        _yieldRequest = null;
                    }
                }

                if (result is not null)
                {
                    return result;
                }

                // Nothing was written: the targeted reconciles waiting go first, then this one starts again from the
                // sources (what it read may be out of date by then; starting again costs little, as only what changed
                // is re-planned).
                var waiting = Volatile.Read(ref _targetedWaiting);
                Log.FullReconcileYielded(_logger, waiting, yields + 1, MaxYieldsPerFullReconcile);
                held = false;
                _runGate.Release();
                await _runGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                held = true;
            }
        }
        finally
        {
            if (held)
            {
                _runGate.Release();
            }
        }
    }

    /// <returns>The report; <see langword="null"/> when a full reconcile yielded to targeted ones (<paramref name="yieldRequested"/>) before writing anything.</returns>
    private async Task<ReconcileResult?> RunExclusiveAsync(HashSet<string>? names, CancellationToken yieldRequested, CancellationToken cancellationToken)
    {
        var startedAt = _timeProvider.GetUtcNow();
        var timestamp = _timeProvider.GetTimestamp();
        using var activity = DnsTelemetry.ActivitySource.StartActivity("ccx.dns.reconcile", ActivityKind.Internal);
        _telemetry.ReconcileStarted(startedAt);

        ReconcileResult? result;
        try
        {
            result = (names is not null && CanTarget()
                    ? await ReconcileTargetedAsync(startedAt, names, cancellationToken).ConfigureAwait(false)
                    : null)
                ?? await ReconcileFullAsync(startedAt, yieldRequested, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _targeted = null; // what was applied before the cancellation is unknown
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            throw;
        }

        if (result is null)
        {
            activity?.SetTag("ccx.dns.yielded", true);
            return null;
        }

        result = result with { Duration = _timeProvider.GetElapsedTime(timestamp) };
        Remember(result);
        Record(result, activity);
        CompactAfterBulkApply(result);
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

    /// <summary>
    /// Resolves a verified count on the thread pool. A failure there must not end the process: the count stays pending
    /// and the gauge's callback tries again (and reports the failure to the exporter) when it is observed.
    /// </summary>
    private static void ResolveQuietly(VerifiedCount count)
    {
        try
        {
            count.Resolve();
        }
#pragma warning disable CA1031 // a thread-pool work item's exception would terminate the host
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>One compacting full collection after an apply of <see cref="DnsReconcilerOptions.CompactHeapAfterChanges"/> changes or more.</summary>
    private void CompactAfterBulkApply(ReconcileResult result)
    {
        var threshold = _options.CompactHeapAfterChanges;
        var changes = result.AppliedChanges.Count;
        if (threshold <= 0 || !result.Applied || changes < threshold)
        {
            return;
        }

        var before = GC.GetTotalMemory(forceFullCollection: false);
        var started = _timeProvider.GetTimestamp();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var elapsed = _timeProvider.GetElapsedTime(started);
        var after = GC.GetTotalMemory(forceFullCollection: false);
        Log.HeapCompacted(_logger, changes, before >> 20, after >> 20, (long)elapsed.TotalMilliseconds);
    }

    /// <summary>Targeted reconciles waiting for the run gate that asked a full one in progress to yield (for tests).</summary>
    internal int TargetedWaiting => Volatile.Read(ref _targetedWaiting);

    /// <summary>Whether a targeted reconcile may run: a full one succeeded since the last failure, and every part can read by name.</summary>
    private bool CanTarget()
    {
        if (Volatile.Read(ref _targeted) is null || _registry is not IScopedRegistry)
        {
            return false;
        }

        foreach (var source in _sources)
        {
            if (source is not IScopedEndpointSource)
            {
                return false;
            }
        }

        return true;
    }

    /// <returns>The report; <see langword="null"/> when it yielded to targeted reconciles before writing anything.</returns>
    private async Task<ReconcileResult?> ReconcileFullAsync(DateTimeOffset startedAt, CancellationToken yieldRequested, CancellationToken cancellationToken)
    {
        // The reads are cancelled when the reconcile yields: a failover does not wait for a slow zone read (sources and
        // registries keep what they had when a read is cancelled, as when the host stops).
        using var yieldOrStop = yieldRequested.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(yieldRequested, cancellationToken) : null;
        var readToken = yieldOrStop?.Token ?? cancellationToken;

        // 1. Desired endpoints from every source, merged and de-duplicated.
        IReadOnlyList<DnsEndpoint> desired;
        try
        {
            desired = await ReadSourcesAsync(readToken).ConfigureAwait(false);
        }
        catch (Exception) when (Yielded(yieldRequested, cancellationToken))
        {
            return null; // whatever a cancelled read throws (some wrap the cancellation)
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            _telemetry.SourceError();
            return Failed(startedAt, ReconcileStage.Source, ex);
        }

        _telemetry.SourceEndpoints(desired.Count);
        if (yieldRequested.IsCancellationRequested)
        {
            return null;
        }

        // 2. Current records through the registry.
        IReadOnlyList<DnsEndpoint> current;
        try
        {
            current = await _registry.GetRecordsAsync(readToken).ConfigureAwait(false) ?? [];
        }
        catch (Exception) when (Yielded(yieldRequested, cancellationToken))
        {
            return null;
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            _telemetry.RegistryError();
            return Failed(startedAt, ReconcileStage.ReadRegistry, ex) with { SourceEndpointCount = desired.Count };
        }

        _telemetry.RegistryEndpoints(current.Count);
        var registryFilter = DomainFilter.All;
        int owned;
        try
        {
            registryFilter = _registry.DomainFilter ?? DomainFilter.All;
            owned = OwnedSinceLast(current, registryFilter) ?? CountOwned(current, _registry.OwnerId ?? string.Empty, registryFilter);
            _lastOwned = (current, registryFilter, owned);
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            return Failed(startedAt, ReconcileStage.Plan, ex) with { SourceEndpointCount = desired.Count, RegistryEndpointCount = current.Count };
        }

        if (yieldRequested.IsCancellationRequested)
        {
            return null;
        }

        return await PlanAndApplyAsync(new RunInput(startedAt, ReconcileMode.Full, desired, desired.Count, current, registryFilter, owned), yieldRequested, cancellationToken).ConfigureAwait(false);
    }

    /// <returns>The report, or <see langword="null"/> when the registry has no view to serve (then a full reconcile runs).</returns>
    private async Task<ReconcileResult?> ReconcileTargetedAsync(DateTimeOffset startedAt, HashSet<string> names, CancellationToken cancellationToken)
    {
        var state = _targeted!;
        names.UnionWith(state.Outstanding);

        // 1. Desired endpoints at the names, from every source.
        List<DnsEndpoint> desired;
        var total = 0;
        try
        {
            var merged = new List<DnsEndpoint>();
            Dictionary<EndpointKey, DnsEndpoint>? seen = null;
            foreach (var source in _sources)
            {
                var scoped = await ((IScopedEndpointSource)source).GetEndpointsAsync(names, cancellationToken).ConfigureAwait(false);
                if (scoped is null)
                {
                    continue;
                }

                total += scoped.TotalCount;
                Merge(merged, ref seen, scoped.Endpoints);
            }

            desired = merged;
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            _telemetry.SourceError();
            return Failed(startedAt, ReconcileStage.Source, ex) with { Mode = ReconcileMode.Targeted };
        }

        // 2. Current records at the names, from the registry's kept view.
        IReadOnlyList<DnsEndpoint>? current;
        try
        {
            current = await ((IScopedRegistry)_registry).GetRecordsAsync(names, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            _telemetry.RegistryError();
            return Failed(startedAt, ReconcileStage.ReadRegistry, ex) with { Mode = ReconcileMode.Targeted, SourceEndpointCount = total };
        }

        if (current is null)
        {
            Log.TargetedFallsBackToFull(_logger);
            return null;
        }

        var registryFilter = DomainFilter.All;
        try
        {
            registryFilter = _registry.DomainFilter ?? DomainFilter.All;
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            return Failed(startedAt, ReconcileStage.Plan, ex) with { Mode = ReconcileMode.Targeted, SourceEndpointCount = total, RegistryEndpointCount = current.Count };
        }

        return await PlanAndApplyAsync(new RunInput(startedAt, ReconcileMode.Targeted, desired, total, current, registryFilter, state.OwnedCount), CancellationToken.None, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Steps 3 to 6, the same for both modes: the plan, the safety guard, the lease and the apply.</summary>
    /// <returns>The report; <see langword="null"/> when <paramref name="yieldRequested"/> was signalled before the safety guard (nothing written).</returns>
    private async Task<ReconcileResult?> PlanAndApplyAsync(RunInput input, CancellationToken yieldRequested, CancellationToken cancellationToken)
    {
        var (startedAt, mode, desired, desiredCount, current, registryFilter, ownedCount) = input;

        // 3. Provider normalisation and the plan. A full reconcile re-plans only the names whose endpoints changed since
        // the last full one (by reference: sources and registries hand out immutable endpoints), and reuses the rest of
        // its plan; with nothing changed at all it reuses the whole plan. A targeted one plans its names.
        PlanResult plan;
        var ownerId = _registry.OwnerId ?? string.Empty;
        try
        {
            var settings = new PlanInput
            {
                Current = [],
                Desired = [],
                Policies = _policies,
                DomainFilters = [_domainFilter, registryFilter],
                ManagedRecordTypes = _managedList,
                ExcludedRecordTypes = _excludedList,
                OwnerId = ownerId,
#pragma warning disable CS0618 // the obsolete planner-side migration setting still works
                OldOwnerId = _options.OldOwnerId ?? string.Empty,
#pragma warning restore CS0618
            };
            plan = mode == ReconcileMode.Full
                ? _fullPlan.Calculate(_planner, _registry.AdjustEndpoints, settings, desired, current, yieldRequested)
                : _planner.Calculate(settings with { Current = current, Desired = _registry.AdjustEndpoints(desired) ?? [] });

            // ExternalDNS's verified-records gauge, counted on the source's endpoints (as it does), kept beside the full
            // plan: reported after every full reconcile that got as far as planning.
            _verifiedPlanned |= mode == ReconcileMode.Full;
        }
        catch (OperationCanceledException) when (Yielded(yieldRequested, cancellationToken))
        {
            return null; // the plan was left unfinished, and the last one is kept
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            return Failed(startedAt, ReconcileStage.Plan, ex) with { Mode = mode, SourceEndpointCount = desiredCount, RegistryEndpointCount = current.Count };
        }

        var result = new ReconcileResult
        {
            Outcome = ReconcileOutcome.NoChanges,
            Mode = mode,
            StartedAt = startedAt,
            Changes = plan.Changes,
            Rejected = plan.Rejected,
            OwnerMismatches = plan.OwnerMismatches,
            DryRun = _options.DryRun,
            SourceEndpointCount = desiredCount,
            RegistryEndpointCount = current.Count,
            OwnedRecordCount = ownedCount,
        };

        // With no record changes, a registry may still have ownership bookkeeping to tidy up (orphaned ownership
        // records): that goes through the same lease and apply path as any other write (not in a dry run).
        if (!plan.Changes.HasChanges && (_options.DryRun || _registry is not IRegistryHousekeeping { HasPendingCleanup: true }))
        {
            return result;
        }

        // The last point at which a full reconcile yields: from the safety guard on, it is committed to this plan.
        if (yieldRequested.IsCancellationRequested)
        {
            return null;
        }

        // 4. The safety guard.
        var verdict = SafetyGuard.Evaluate(_options.Guard, ownedCount, desiredCount, plan.Changes);
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
                return FailedAfterPlan(result, ReconcileStage.Lease, ex);
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
            var failed = FailedAfterPlan(result, ReconcileStage.Apply, ex);
            return ex is DnsProviderException { RejectedEndpoints.Count: > 0 } dpe
                ? failed with { Rejected = [.. plan.Rejected, .. dpe.RejectedEndpoints] }
                : failed;
        }
    }

    /// <summary>A failure after planning: the report keeps what was planned.</summary>
    private static ReconcileResult FailedAfterPlan(ReconcileResult planned, ReconcileStage stage, Exception ex) =>
        planned with
        {
            Outcome = ReconcileOutcome.Failed,
            Error = new ReconcileError(stage, ex.Message, IsTransient(ex)) { Exception = ex },
        };

    /// <summary>
    /// Keeps what the next targeted reconcile needs: the owned-record count the safety guard judges by, kept up to date
    /// with what was applied, and the names this reconcile reported on or left unapplied. A failure forgets both, so
    /// that the next reconcile is full.
    /// </summary>
    private void Remember(ReconcileResult result)
    {
        if (result.Error is not null)
        {
            _targeted = null;
            return;
        }

        var owned = result.OwnedRecordCount;
        if (result.Applied)
        {
            var ownerId = _registry.OwnerId ?? string.Empty;
            var registryFilter = _registry.DomainFilter ?? DomainFilter.All;
            owned += CountOwned(result.AppliedChanges.Create, ownerId, registryFilter) - CountOwned(result.AppliedChanges.Delete, ownerId, registryFilter);
        }

        var outstanding = new HashSet<string>(StringComparer.Ordinal);
        if (!result.Applied)
        {
            AddNames(outstanding, result.Changes.Create);
            AddNames(outstanding, result.Changes.UpdateNew);
            AddNames(outstanding, result.Changes.Delete);
        }

        foreach (var rejected in result.Rejected)
        {
            outstanding.Add(DnsNames.Normalize(rejected.Endpoint.DnsName));
        }

        foreach (var mismatch in result.OwnerMismatches)
        {
            outstanding.Add(DnsNames.Normalize(mismatch.Record.DnsName));
        }

        _targeted = new TargetedState(owned, outstanding);

        static void AddNames(HashSet<string> into, IReadOnlyList<DnsEndpoint> endpoints)
        {
            foreach (var endpoint in endpoints)
            {
                into.Add(DnsNames.Normalize(endpoint.DnsName));
            }
        }
    }

    /// <summary>What one run reads, in either mode.</summary>
    private readonly record struct RunInput(
        DateTimeOffset StartedAt,
        ReconcileMode Mode,
        IReadOnlyList<DnsEndpoint> Desired,
        int DesiredCount,
        IReadOnlyList<DnsEndpoint> Current,
        DomainFilter RegistryFilter,
        int OwnedCount);

    /// <summary>What a targeted reconcile continues from.</summary>
    /// <param name="OwnedCount">Owned records in scope after the last run (the safety guard's reference).</param>
    /// <param name="Outstanding">Names the last run reported on or left unapplied; every targeted run plans them again.</param>
    private sealed record TargetedState(int OwnedCount, HashSet<string> Outstanding);

    private async Task<IReadOnlyList<DnsEndpoint>> ReadSourcesAsync(CancellationToken cancellationToken)
    {
        var lists = new IReadOnlyList<DnsEndpoint>?[_sources.Length];
        var unchanged = _lastSourceLists is not null;
        for (var i = 0; i < _sources.Length; i++)
        {
            lists[i] = await _sources[i].GetEndpointsAsync(cancellationToken).ConfigureAwait(false);
            unchanged &= ReferenceEquals(lists[i], _lastSourceLists?[i]);
        }

        // Sources hand out immutable snapshots: the very same snapshots merge into the very same list.
        if (unchanged && _lastMerged is not null)
        {
            return _lastMerged;
        }

        var single = SingleList(lists, out var singleSource);
        if (single is not null && _sources[singleSource] is Sources.IDistinctKeyEndpointSource)
        {
            // Each key once by the source's own guarantee: the snapshot is its own merge, with no key index to keep.
            _lastSourceLists = lists;
            _passThroughKeys = null;
            _lastMerged = single;
            return single;
        }

        if (single is not null && TryPassThrough(single))
        {
            _lastSourceLists = lists;
            _lastMerged = single;
            return single;
        }

        var merged = new List<DnsEndpoint>();
        Dictionary<EndpointKey, DnsEndpoint>? seen = null;
        foreach (var endpoints in lists)
        {
            if (endpoints is not null)
            {
                Merge(merged, ref seen, endpoints);
            }
        }

        _lastSourceLists = lists;
        _passThroughKeys = null;
        if (single is not null && seen is not null && seen.Count == single.Count && merged.Count == single.Count)
        {
            // One source, every key once: nothing merged away, and the list itself is the merge.
            _passThroughKeys = seen;
            _lastMerged = single;
            return single;
        }

        _lastMerged = merged;
        return merged;
    }

    /// <summary>The only source list that is not null, if exactly one is, and the position of its source.</summary>
    private static IReadOnlyList<DnsEndpoint>? SingleList(IReadOnlyList<DnsEndpoint>?[] lists, out int index)
    {
        IReadOnlyList<DnsEndpoint>? single = null;
        index = -1;
        for (var i = 0; i < lists.Length; i++)
        {
            if (lists[i] is { } list)
            {
                if (single is not null)
                {
                    index = -1;
                    return null;
                }

                single = list;
                index = i;
            }
        }

        return single;
    }

    /// <summary>
    /// Whether a source's new list still has every key once, known from the last list in O(positions that differ):
    /// then it is its own merge. The keys are patched in place; on <see langword="false"/> they are dropped.
    /// </summary>
    private bool TryPassThrough(IReadOnlyList<DnsEndpoint> list)
    {
        var keys = _passThroughKeys;
        _passThroughKeys = null;
        if (keys is null || _lastMerged is not { } last || list.Count == 0
            || SnapshotPositions.Changed(last, list, list.Count / 4) is not { } changed
            || changed.Exists(i => list[i] is null))
        {
            return false;
        }

        foreach (var i in changed)
        {
            var gone = last[i];
            if (keys.TryGetValue(gone.Key, out var kept) && ReferenceEquals(kept, gone))
            {
                keys.Remove(gone.Key);
            }
        }

        foreach (var i in changed)
        {
            if (!keys.TryAdd(list[i].Key, list[i]))
            {
                return false;
            }
        }

        _passThroughKeys = keys;
        return true;
    }

    /// <summary>
    /// Adds a source's endpoints: identical endpoints (same key and target set) from several sources collapse into the
    /// first, as ExternalDNS's dedup source does; same key with different targets is left to the planner's resolver.
    /// </summary>
    private static void Merge(List<DnsEndpoint> merged, ref Dictionary<EndpointKey, DnsEndpoint>? seen, IReadOnlyList<DnsEndpoint> endpoints)
    {
        seen ??= new Dictionary<EndpointKey, DnsEndpoint>(Math.Max(16, endpoints.Count));
        foreach (var endpoint in endpoints)
        {
            if (endpoint is null)
            {
                continue;
            }

            // Most keys appear once: the target sets are compared only when a key repeats.
            if (seen.TryAdd(endpoint.Key, endpoint) || !IsDuplicate(merged, seen[endpoint.Key], endpoint))
            {
                merged.Add(endpoint);
            }
        }
    }

    /// <summary>Whether an endpoint with the key of <paramref name="first"/> and the same target set was merged already.</summary>
    private static bool IsDuplicate(List<DnsEndpoint> merged, DnsEndpoint first, DnsEndpoint endpoint)
    {
        var targets = TargetSetKey(endpoint.Targets, endpoint.RecordType);
        if (string.Equals(TargetSetKey(first.Targets, first.RecordType), targets, StringComparison.Ordinal))
        {
            return true;
        }

        // A key with several target sets (rare): look through what was merged at that key.
        var key = endpoint.Key;
        foreach (var other in merged)
        {
            if (!ReferenceEquals(other, first) && other.Key == key
                && string.Equals(TargetSetKey(other.Targets, other.RecordType), targets, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string TargetSetKey(IReadOnlyList<string> targets, RecordType recordType)
    {
        if (targets.Count == 1)
        {
            return DnsTargets.Canonical(targets[0], recordType);
        }

        var canonical = new string[targets.Count];
        for (var i = 0; i < canonical.Length; i++)
        {
            canonical[i] = DnsTargets.Canonical(targets[i], recordType);
        }

        Array.Sort(canonical, StringComparer.Ordinal);
        return string.Join('\n', canonical.Distinct(StringComparer.Ordinal));
    }

    /// <summary>
    /// The owned count of <paramref name="current"/> from the last full read's: the same when it is the same snapshot;
    /// the last count corrected at the positions whose instances differ when the snapshot kept its order (a registry
    /// patched by targeted reconciles); <see langword="null"/> when it has to be counted anew.
    /// </summary>
    private int? OwnedSinceLast(IReadOnlyList<DnsEndpoint> current, DomainFilter registryFilter)
    {
        if (_lastOwned is not { } last || !ReferenceEquals(last.RegistryFilter, registryFilter))
        {
            return null;
        }

        if (ReferenceEquals(last.Current, current))
        {
            return last.Count;
        }

        if (SnapshotPositions.Changed(last.Current, current, Math.Max(16, current.Count / 8)) is not { } changed)
        {
            return null;
        }

        var ownerId = _registry.OwnerId ?? string.Empty;
        var count = last.Count;
        foreach (var i in changed)
        {
            count += (IsOwned(current[i], ownerId, registryFilter) ? 1 : 0) - (IsOwned(last.Current[i], ownerId, registryFilter) ? 1 : 0);
        }

        return count;
    }

    private int CountOwned(IReadOnlyList<DnsEndpoint> current, string ownerId, DomainFilter registryFilter)
    {
        var count = 0;
        foreach (var record in current)
        {
            if (IsOwned(record, ownerId, registryFilter))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Whether a current record counts as ours for the safety guard: managed, owned, inside both domain filters.</summary>
    private bool IsOwned(DnsEndpoint? record, string ownerId, DomainFilter registryFilter) =>
        record is not null
        && _managed.Contains(record.RecordType)
        && (ownerId.Length == 0 || record.IsOwnedBy(ownerId))
        && _domainFilter.Match(record.DnsName)
        && registryFilter.Match(record.DnsName);

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

    /// <summary>Whether a full reconcile was asked to yield (and not to stop): what its reads throw then is the yield.</summary>
    private static bool Yielded(CancellationToken yieldRequested, CancellationToken cancellationToken) =>
        yieldRequested.IsCancellationRequested && !cancellationToken.IsCancellationRequested;

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

        _telemetry.Duration(result.Duration, result.Outcome, result.Mode);
        if (result.Mode == ReconcileMode.Full && _verifiedPlanned)
        {
            // Reported only by a full reconcile that got as far as planning (a failed read has no count to report).
            // A full calculation's count over a very large zone is made on the thread pool, off the reconcile's path
            // (until then the gauge resolving it counts it there and then); over a smaller one it is made here.
            var verified = _fullPlan.VerifiedCount;
            _telemetry.VerifiedRecords(verified);
            var toCount = verified.InputCount;
            if (toCount >= CountVerifiedInBackgroundFrom)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static count => ResolveQuietly(count), verified, preferLocal: false);
            }
            else if (toCount > 0)
            {
                verified.Resolve();
            }
            _verifiedPlanned = false;
        }

        _telemetry.OwnerMismatches(result.OwnerMismatches, _registry.OwnerId ?? string.Empty);
        _telemetry.InvalidEndpoints(result.Rejected);
        if (result.Applied)
        {
            _telemetry.Applied(result.AppliedChanges.Count > 0 ? result.AppliedChanges : changes);
        }

        if (activity is not null)
        {
            activity.SetTag("ccx.dns.outcome", DnsTelemetry.OutcomeTag(result.Outcome));
            activity.SetTag("ccx.dns.mode", DnsTelemetry.ModeTag(result.Mode));
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
                _loggedWithheldFingerprint = null;
                Log.ChangesApplied(_logger, changes.Create.Count, changes.UpdateNew.Count, changes.Delete.Count, ms);
                break;
            case ReconcileOutcome.NoChanges:
                _loggedWithheldFingerprint = null;
                _telemetry.NoOpRun();
                Log.NoChanges(_logger, ms);
                break;
            case ReconcileOutcome.DryRun:
                Log.DryRunPlan(_logger, changes.Create.Count, changes.UpdateNew.Count, changes.Delete.Count, result.WithheldReason ?? "none");
                break;
            case ReconcileOutcome.Withheld:
                // One error per withheld plan; the same plan withheld again (every interval until approved) is logged at Debug.
                var withheld = SafetyGuard.Fingerprint(changes);
                if (string.Equals(withheld, _loggedWithheldFingerprint, StringComparison.Ordinal))
                {
                    Log.PlanStillWithheld(_logger, result.WithheldReason!);
                }
                else
                {
                    Log.PlanWithheld(_logger, changes.Create.Count, changes.UpdateNew.Count, changes.Delete.Count, result.WithheldReason!);
                }

                _loggedWithheldFingerprint = withheld;
                break;
            case ReconcileOutcome.NotLeader:
                Log.NotLeader(_logger, changes.Create.Count, changes.UpdateNew.Count, changes.Delete.Count);
                break;
            default:
                // One line with the cause chain; the stack trace only at Debug.
                var error = result.Error!;
                var cause = error.Exception is { } thrown ? ExceptionChain.Describe(thrown) : error.Message;
                if (error.IsTransient)
                {
                    Log.ReconcileFailedTransiently(_logger, error.Stage, Volatile.Read(ref _consecutiveTransientFailures), cause);
                }
                else
                {
                    Log.ReconcileFailed(_logger, error.Stage, cause);
                }

                if (error.Exception is not null)
                {
                    Log.ReconcileFailureDetail(_logger, error.Stage, error.Exception);
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

        // Owner mismatches: a warning the first time a record blocks us, Debug while it keeps doing so. A full reconcile
        // sees every mismatch, so it forgets the ones gone (and warns again should they come back).
        var mismatches = new HashSet<(string Name, RecordType Type, string Owner)>();
        foreach (var mismatch in result.OwnerMismatches)
        {
            var key = (DnsNames.Normalize(mismatch.Record.DnsName), mismatch.Record.RecordType, mismatch.ForeignOwner);
            mismatches.Add(key);
            if (_warnedMismatches.Add(key))
            {
                Log.OwnerMismatchFound(_logger, mismatch.Record.DnsName, mismatch.Record.RecordType.Value, mismatch.ForeignOwner.Length == 0 ? "no owner" : $"owner '{mismatch.ForeignOwner}'", _registry.OwnerId ?? string.Empty);
            }
            else
            {
                Log.OwnerMismatch(_logger, mismatch.Record.DnsName, mismatch.Record.RecordType.Value, mismatch.ForeignOwner);
            }
        }

        if (result.Mode == ReconcileMode.Full && result.Succeeded)
        {
            _warnedMismatches = mismatches;
        }
    }
}
