namespace Ccx.Dns.Route53.Tests.Infrastructure;

/// <summary>
/// A fake clock: time moves only when a test advances it, and timers fire when their due time is reached.
/// <see cref="RunAsync{T}"/> drives an operation to completion by jumping to each pending timer in turn, so
/// retry delays cost no real time; every requested delay is recorded in <see cref="Delays"/>.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;

    public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public List<TimeSpan> Delays { get; } = [];

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }

        while (FireNext(target))
        {
        }

        lock (_gate)
        {
            _now = target;
        }
    }

    /// <summary>Awaits the task, firing pending timers whenever it is blocked on one.</summary>
    public async Task<T> RunAsync<T>(Task<T> task)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!task.IsCompleted)
        {
            if (!FireNext(DateTimeOffset.MaxValue))
            {
                await Task.Delay(2);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the operation did not complete within 30 s of real time");
            }
        }

        return await task;
    }

    public async Task RunAsync(Task task) => await RunAsync(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default));

    private bool FireNext(DateTimeOffset limit)
    {
        FakeTimer? next;
        lock (_gate)
        {
            next = _timers.Where(t => t.Due is not null && t.Due <= limit).OrderBy(t => t.Due).FirstOrDefault();
            if (next is null)
            {
                return false;
            }

            _now = next.Due!.Value > _now ? next.Due.Value : _now;
            next.Due = next.Period is { } p && p > TimeSpan.Zero ? _now + p : null;
        }

        next.Fire();
        return true;
    }

    private sealed class FakeTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    Due = null;
                    return true;
                }

                owner.Delays.Add(dueTime);
                Due = owner._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
                owner._timers.Add(this);
            }

            return true;
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                Due = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
