namespace Ccx.Dns.TestServers;

/// <summary>
/// A clock that moves only when told to. Timers fire inline during <see cref="Advance"/> (and <see cref="SetUtcNow"/>),
/// in due-time order, with the clock set to each one's due time; periodic timers are re-armed. Timestamps follow the
/// clock, so elapsed times move only when it does. Every delay a timer is armed with is kept in <see cref="Delays"/>;
/// <see cref="RunAsync{T}(Task{T})"/> drives an operation to completion by jumping to each pending timer in turn, and
/// <see cref="WaitForTimerAsync"/> waits for the code under test to arm a timer.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>Where a clock starts when no start is given: 2026-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan RealTimeLimit = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<TimeSpan> _delays = [];
    private readonly List<(DateTimeOffset Due, TaskCompletionSource Armed)> _waiters = [];
    private DateTimeOffset _now;

    /// <summary>Creates a clock.</summary>
    /// <param name="start">The time it shows; <see cref="DefaultStart"/> when null.</param>
    public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? DefaultStart;

    /// <summary>Timers created and not yet disposed (armed or not).</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count;
            }
        }
    }

    /// <summary>Timers not disposed that are due to fire (a fired one-shot timer no longer counts).</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    /// <summary>How long until each pending timer fires.</summary>
    public IReadOnlyList<TimeSpan> PendingDelays
    {
        get
        {
            lock (_gate)
            {
                return [.. _timers.Where(t => t.Due is not null).Select(t => t.Due!.Value - _now)];
            }
        }
    }

    /// <summary>The due times of the pending timers, earliest first.</summary>
    public IReadOnlyList<DateTimeOffset> ArmedTimers
    {
        get
        {
            lock (_gate)
            {
                return [.. _timers.Where(t => t.Due is not null).Select(t => t.Due!.Value).Order()];
            }
        }
    }

    /// <summary>Every delay a timer was armed with so far (infinite ones left out), in order.</summary>
    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_gate)
            {
                return [.. _delays];
            }
        }
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <summary>Timestamps follow the manual clock, so elapsed times (<see cref="TimeProvider.GetElapsedTime(long)"/>) move only with it.</summary>
    /// <returns>The clock's ticks.</returns>
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    /// <param name="by">How far; not negative.</param>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }

        MoveTo(target);
    }

    /// <summary>Sets the clock; moving forward fires the timers that fall due on the way, moving back fires none.</summary>
    /// <param name="value">The new time.</param>
    public void SetUtcNow(DateTimeOffset value) => MoveTo(value);

    /// <summary>Awaits <paramref name="task"/>, firing the next pending timer whenever it is blocked on one, so that delays cost no real time.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">The operation.</param>
    /// <returns>Its result.</returns>
    /// <exception cref="TimeoutException">It did not complete within 30 s of real time.</exception>
    public async Task<T> RunAsync<T>(Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        using var limit = new CancellationTokenSource(RealTimeLimit);
        while (!task.IsCompleted)
        {
            if (limit.IsCancellationRequested)
            {
                throw new TimeoutException($"the operation did not complete within {RealTimeLimit.TotalSeconds} s of real time");
            }

            if (!FireNext(DateTimeOffset.MaxValue))
            {
                // Nothing is pending: let the operation run on until it arms a timer or completes.
                await Task.WhenAny(task, Task.Delay(2, CancellationToken.None)).ConfigureAwait(false);
            }
        }

        return await task.ConfigureAwait(false);
    }

    /// <summary>Awaits <paramref name="task"/>, firing the next pending timer whenever it is blocked on one.</summary>
    /// <param name="task">The operation.</param>
    /// <returns>A task that completes with it.</returns>
    public Task RunAsync(Task task) =>
        RunAsync(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default));

    /// <summary>Completes when a timer is armed to fire at <paramref name="due"/> (real-time limit: 10 s).</summary>
    /// <param name="due">The due time.</param>
    /// <returns>A task that completes when such a timer is armed.</returns>
    /// <exception cref="TimeoutException">No such timer was armed within 10 s of real time.</exception>
    public async Task WaitForTimerAsync(DateTimeOffset due)
    {
        TaskCompletionSource armed;
        lock (_gate)
        {
            if (_timers.Any(t => t.Due == due))
            {
                return;
            }

            armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((due, armed));
        }

        try
        {
            await armed.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no timer was armed for {due:O}; armed: [{string.Join(", ", ArmedTimers.Select(t => t.ToString("O")))}], now {GetUtcNow():O}");
        }
    }

    private void MoveTo(DateTimeOffset target)
    {
        while (FireNext(target))
        {
        }

        lock (_gate)
        {
            _now = target;
        }
    }

    /// <summary>Fires the earliest timer due at or before <paramref name="limit"/>, moving the clock to its due time (never back).</summary>
    private bool FireNext(DateTimeOffset limit)
    {
        ManualTimer? next;
        lock (_gate)
        {
            next = _timers.Where(t => t.Due is not null && t.Due <= limit).MinBy(t => t.Due);
            if (next is null)
            {
                return false;
            }

            if (next.Due!.Value > _now)
            {
                _now = next.Due.Value;
            }

            next.Due = next.Period > TimeSpan.Zero ? _now + next.Period : null;
        }

        next.Fire();
        return true;
    }

    private void Arm(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        List<TaskCompletionSource> release = [];
        lock (_gate)
        {
            if (timer.Disposed)
            {
                return;
            }

            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                timer.Due = null;
                return;
            }

            _delays.Add(dueTime);
            timer.Due = _now + dueTime;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Due == timer.Due)
                {
                    release.Add(_waiters[i].Armed);
                    _waiters.RemoveAt(i);
                }
            }
        }

        release.ForEach(r => r.TrySetResult());
    }

    private void Disarm(ManualTimer timer)
    {
        lock (_gate)
        {
            timer.Disposed = true;
            timer.Due = null;
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan Period { get; set; }

        public bool Disposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Arm(this, dueTime, period);
            return !Disposed;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Disarm(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
