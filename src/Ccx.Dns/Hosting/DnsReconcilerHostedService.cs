using Ccx.Dns.Reconciliation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Hosting;

/// <summary>
/// Runs the <see cref="DnsReconciler"/> in the background (ExternalDNS's controller <c>Run</c>): at start, every
/// <see cref="DnsReconcilerOptions.Interval"/>, and at once when a source raises
/// <see cref="Sources.IEndpointSource.Changed"/> — but never sooner than
/// <see cref="DnsReconcilerOptions.MinEventSyncInterval"/> after the previous run started.
/// </summary>
/// <remarks>
/// <para>A transient failure is retried after <see cref="DnsReconcilerOptions.InitialRetryDelay"/>, doubling with
/// each consecutive transient failure up to <see cref="DnsReconcilerOptions.MaxRetryDelay"/>. A permanent failure
/// is reported and the next attempt waits for the interval or a change signal. A change signal during a back-off
/// waits for the retry, so that a throttled provider is not hit harder while sources keep changing. Nothing but stopping the host ends
/// the loop. All waiting goes through the injected <see cref="TimeProvider"/>.</para>
/// <para>A change signal that names the changed names (<see cref="Sources.EndpointsChangedEventArgs"/>) runs a targeted
/// reconcile of the names collected since the last run; a signal that names nothing, the interval, a retry and the
/// first run are full reconciles (the safety net: only they read the whole zone). While a full reconcile runs, named
/// signals still start targeted reconciles (throttled by <see cref="DnsReconcilerOptions.MinEventSyncInterval"/> from the
/// full one's start), and the full one yields to them until it reaches its safety guard.</para>
/// <para>With a leader lease registered, the lease is renewed every
/// <see cref="DnsReconcilerOptions.LeaseRenewInterval"/>; winning it triggers a reconcile so that a new leader
/// converges at once.</para>
/// </remarks>
internal sealed class DnsReconcilerHostedService : BackgroundService
{
    private readonly DnsReconciler _reconciler;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);
    private readonly Lock _namesGate = new();
    private TaskCompletionSource _signal = NewSignal();
    private int _eventPending;
    private HashSet<string>? _pendingNames = new(StringComparer.Ordinal); // null: a full reconcile is due
    private bool _leaseHeld;
    private string? _lastLeaseFailure;
    private ArmedWait? _wait; // used by the loop only

    public DnsReconcilerHostedService(DnsReconciler reconciler, TimeProvider timeProvider, ILogger<DnsReconcilerHostedService> logger)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _reconciler = reconciler;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Computes the delay before retry number <paramref name="attempt"/> (1-based).</summary>
    internal static TimeSpan Backoff(DnsReconcilerOptions options, int attempt)
    {
        var initial = options.InitialRetryDelay;
        var max = options.MaxRetryDelay;
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = initial.Ticks * Math.Pow(2, exponent);
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _reconciler.Options;
        if (options.Once)
        {
            return; // run-once mode: DnsRunOnceService runs the one reconcile
        }

        Log.ReconcilerStarted(_logger, options.Interval, options.MinEventSyncInterval, options.Policy, options.DryRun, _reconciler.Sources.Count);
        if (_reconciler.Sources.Count == 0)
        {
            Log.NoSources(_logger);
        }

        foreach (var source in _reconciler.Sources)
        {
            source.Changed += OnChanged;
        }

        _reconciler.RunRequested += OnChanged;
        try
        {
            await LoopAsync(options, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            DisarmWait();
            _reconciler.RunRequested -= OnChanged;
            foreach (var source in _reconciler.Sources)
            {
                source.Changed -= OnChanged;
            }

            Log.ReconcilerStopped(_logger);
        }
    }

    private void OnChanged(object? sender, EventArgs e)
    {
        var names = Sources.EndpointsChangedEventArgs.NamesOf(e);
        lock (_namesGate)
        {
            if (names is null)
            {
                _pendingNames = null;
            }
            else
            {
                _pendingNames?.UnionWith(names);
            }
        }

        Interlocked.Exchange(ref _eventPending, 1);
        Volatile.Read(ref _signal).TrySetResult();
    }

    /// <summary>Takes the names collected from signals since the last run; <see langword="null"/> when a full reconcile is due.</summary>
    private HashSet<string>? TakePendingNames()
    {
        lock (_namesGate)
        {
            var names = _pendingNames;
            _pendingNames = new HashSet<string>(StringComparer.Ordinal);
            return names;
        }
    }

    private async Task LoopAsync(DnsReconcilerOptions options, CancellationToken stoppingToken)
    {
        var lease = _reconciler.Lease;
        var now = _timeProvider.GetUtcNow();
        var nextPeriodic = now; // the first run is immediate
        var nextLeaseRenew = now;
        DateTimeOffset? lastRunStart = null;
        DateTimeOffset? retryAt = null;

        while (true)
        {
            stoppingToken.ThrowIfCancellationRequested();
            var signal = Volatile.Read(ref _signal);
            now = _timeProvider.GetUtcNow();

            if (lease is not null && nextLeaseRenew <= now)
            {
                await RenewLeaseAsync(stoppingToken).ConfigureAwait(false);
                nextLeaseRenew = After(_timeProvider.GetUtcNow(), options.LeaseRenewInterval);
                continue;
            }

            var due = retryAt is { } retry && retry < nextPeriodic ? retry : nextPeriodic;
            if (Volatile.Read(ref _eventPending) != 0)
            {
                var eventDue = lastRunStart is { } last && After(last, options.MinEventSyncInterval) > now ? After(last, options.MinEventSyncInterval) : now;
                if (retryAt is { } backingOff && backingOff > eventDue)
                {
                    eventDue = backingOff; // a throttled or failing provider is not hit harder because sources keep changing
                }

                if (eventDue < due)
                {
                    due = eventDue;
                }
            }

            if (due > now)
            {
                var wake = lease is not null && nextLeaseRenew < due ? nextLeaseRenew : due;
                await WaitAsync(wake, now, signal, stoppingToken).ConfigureAwait(false);
                continue;
            }

            // Clear the flag before reading the sources: a change signalled during the run triggers another run.
            Interlocked.Exchange(ref _eventPending, 0);
            var names = TakePendingNames();
            var full = names is null || nextPeriodic <= now || retryAt is { } due2 && due2 <= now;
            lastRunStart = now;
            ReconcileResult? result;
            if (full)
            {
                var served = await SurvivingAsync(() => RunFullServingTargetedAsync(options, now, stoppingToken), stoppingToken).ConfigureAwait(false);
                result = served?.Result;
                lastRunStart = served?.LastRunStart ?? now;

                // A targeted reconcile that failed transiently beside the full one may have run after it: retry (in full).
                if (result is { Error: null } && served?.FailedTargeted?.Error is { IsTransient: true })
                {
                    result = served.FailedTargeted;
                }
            }
            else
            {
                result = await SurvivingAsync(() => _reconciler.RunOnceAsync(names!, stoppingToken), stoppingToken).ConfigureAwait(false);
            }

            if (full || result?.Mode == ReconcileMode.Full)
            {
                // The interval counts from the last full reconcile: targeted ones never read the whole zone.
                nextPeriodic = After(now, options.Interval);
            }

            if (result?.Error is { IsTransient: true })
            {
                var attempt = Math.Max(1, _reconciler.ConsecutiveTransientFailures);
                var delay = Backoff(options, attempt);
                retryAt = After(_timeProvider.GetUtcNow(), delay);
                Log.RetryScheduled(_logger, delay, attempt);
            }
            else
            {
                retryAt = null;
            }
        }
    }

    /// <summary>
    /// Runs a full reconcile and, while it runs, the targeted reconciles that named change signals ask for (throttled by
    /// <see cref="DnsReconcilerOptions.MinEventSyncInterval"/> as any other): the full reconcile yields to them before it
    /// writes, so that a failover is applied within a targeted reconcile's time, not after the whole zone's.
    /// </summary>
    /// <returns>The full reconcile's report, when the last reconcile started, and the last targeted reconcile's report when it failed.</returns>
    private async Task<FullRunServed> RunFullServingTargetedAsync(DnsReconcilerOptions options, DateTimeOffset started, CancellationToken stoppingToken)
    {
        var full = _reconciler.RunOnceAsync(stoppingToken);
        var lastRunStart = started;
        ReconcileResult? failedTargeted = null;
        using var throttleCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Task? throttle = null; // the wait for MinEventSyncInterval, armed once for the names pending
        var never = Task.Delay(Timeout.Infinite, throttleCancellation.Token);
        try
        {
            // Once the full reconcile has ended, names still pending go to the main loop (which also renews the lease,
            // keeps the interval and backs off); so do they after a targeted run here failed.
            while (!full.IsCompleted && failedTargeted is null)
            {
                var signal = Volatile.Read(ref _signal);
                var now = _timeProvider.GetUtcNow();
                var due = After(lastRunStart, options.MinEventSyncInterval);
                var targeted = Volatile.Read(ref _eventPending) != 0 && HasPendingNames();
                if (targeted && due <= now)
                {
                    Interlocked.Exchange(ref _eventPending, 0);
                    var names = TakePendingNames();
                    if (names is null)
                    {
                        SetFullDue(); // an unnamed signal raced in: the next run is full
                        continue;
                    }

                    lastRunStart = now;
                    throttle = null;
                    failedTargeted = await RunTargetedBesideAsync(names, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                if (targeted)
                {
                    throttle ??= Task.Delay(Capped(due - now), _timeProvider, throttleCancellation.Token);
                }

                await Task.WhenAny(full, signal.Task, throttle ?? never).ConfigureAwait(false);
                stoppingToken.ThrowIfCancellationRequested();
                if (signal.Task.IsCompleted)
                {
                    Interlocked.CompareExchange(ref _signal, NewSignal(), signal);
                }

                if (throttle is { IsCompleted: true })
                {
                    throttle = null;
                }
            }
        }
        finally
        {
            await throttleCancellation.CancelAsync().ConfigureAwait(false); // releases the timers of the waits not taken
        }

        return new FullRunServed(await full.ConfigureAwait(false), lastRunStart, failedTargeted);
    }

    /// <summary>Runs one targeted reconcile beside a full one; its report when it failed (<see langword="null"/> when it did not).</summary>
    private async Task<ReconcileResult?> RunTargetedBesideAsync(HashSet<string> names, CancellationToken stoppingToken)
    {
        var result = await SurvivingAsync(() => _reconciler.RunOnceAsync(names, stoppingToken), stoppingToken).ConfigureAwait(false);
        return result?.Error is null ? null : result;
    }

    /// <summary>Runs a reconcile; <see langword="null"/> when it threw (logged: the loop survives anything but stopping).</summary>
    private async Task<T?> SurvivingAsync<T>(Func<Task<T>> run, CancellationToken stoppingToken)
        where T : class
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // the loop must survive anything a reconcile throws (RunOnceAsync already reports failures)
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.LoopFailed(_logger, ex);
            return null;
        }
    }

    /// <summary>Whether the signals since the last run named their names (and did not ask for a full reconcile).</summary>
    private bool HasPendingNames()
    {
        lock (_namesGate)
        {
            return _pendingNames is { Count: > 0 };
        }
    }

    /// <summary>Marks a full reconcile as due at the next run.</summary>
    private void SetFullDue()
    {
        lock (_namesGate)
        {
            _pendingNames = null;
        }

        Interlocked.Exchange(ref _eventPending, 1);
    }

    private async Task RenewLeaseAsync(CancellationToken stoppingToken)
    {
        bool held;
        try
        {
            held = await _reconciler.Lease!.TryAcquireOrRenewAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // a lease store failure means "not held", never the end of the loop
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // One line with the cause chain, and only when it differs from the last failure; the stack trace at Debug.
            var cause = Diagnostics.ExceptionChain.Describe(ex);
            if (!string.Equals(cause, _lastLeaseFailure, StringComparison.Ordinal))
            {
                Log.LeaseRenewFailed(_logger, cause);
            }

            Log.LeaseRenewFailureDetail(_logger, ex);
            _lastLeaseFailure = cause;
            held = false;
        }

        if (held)
        {
            _lastLeaseFailure = null;
        }

        if (held && !_leaseHeld)
        {
            Log.LeaseAcquired(_logger);
            SetFullDue(); // a new leader converges at once, in full
        }
        else if (!held && _leaseHeld)
        {
            Log.LeaseLost(_logger);
        }

        _leaseHeld = held;
    }

    /// <summary><paramref name="at"/> + <paramref name="span"/>, saturating at <see cref="DateTimeOffset.MaxValue"/> (an interval of <see cref="TimeSpan.MaxValue"/> means "only on change signals").</summary>
    internal static DateTimeOffset After(DateTimeOffset at, TimeSpan span) =>
        span >= DateTimeOffset.MaxValue - at ? DateTimeOffset.MaxValue : at + span;

    /// <summary>
    /// Waits until <paramref name="wake"/> or a signal. The timer armed for a wake time is kept while the loop wakes for
    /// signals that leave it unchanged (a burst of changes within the debounce window), so it is armed once.
    /// </summary>
    private async Task WaitAsync(DateTimeOffset wake, DateTimeOffset now, TaskCompletionSource signal, CancellationToken stoppingToken)
    {
        if (_wait is not { } wait || wait.At != wake || wait.Delay.IsCompleted)
        {
            DisarmWait();

            var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait = new ArmedWait(wake, Task.Delay(Capped(wake - now), _timeProvider, cancellation.Token), cancellation);
            _wait = wait;
        }

        await Task.WhenAny(wait.Delay, signal.Task).ConfigureAwait(false);
        if (wait.Delay.IsCompleted)
        {
            DisarmWait();
        }

        stoppingToken.ThrowIfCancellationRequested();
        if (signal.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _signal, NewSignal(), signal);
        }
    }

    /// <summary>A delay a timer accepts: timers take at most about 49.7 days, so a longer wait is taken in steps (the loop recomputes what is due).</summary>
    private static TimeSpan Capped(TimeSpan delay) => delay > MaxWait ? MaxWait : delay;

    /// <summary>Releases the armed wait's timer, if any.</summary>
    private void DisarmWait()
    {
        if (_wait is { } wait)
        {
            _wait = null;
            wait.Cancellation.Cancel();
            wait.Cancellation.Dispose();
        }
    }

    /// <summary>What a full reconcile run beside targeted ones gives the loop.</summary>
    private sealed record FullRunServed(ReconcileResult Result, DateTimeOffset LastRunStart, ReconcileResult? FailedTargeted);

    /// <summary>A wait armed by the loop: its wake time, its delay and what cancels the delay.</summary>
    private sealed record ArmedWait(DateTimeOffset At, Task Delay, CancellationTokenSource Cancellation);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
