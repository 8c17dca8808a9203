namespace Ccx.Dns.TestServers;

/// <summary>
/// A clock on which every timer fires at once (on the thread pool) and time jumps by its delay, so that retry
/// backoffs cost no real time and no sleeps. Periodic timers fire once per <see cref="ITimer.Change"/>.
/// </summary>
public sealed class InstantTimeProvider : TimeProvider
{
    private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    /// <summary>Delays requested so far (how much virtual time passed).</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks) - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new InstantTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class InstantTimer(InstantTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private int _generation;
        private volatile bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var generation = Interlocked.Increment(ref _generation);
            if (_disposed || dueTime == Timeout.InfiniteTimeSpan)
            {
                return !_disposed;
            }

            Interlocked.Add(ref owner._ticks, Math.Max(0, dueTime.Ticks));
            ThreadPool.QueueUserWorkItem(_ =>
            {
                if (!_disposed && Volatile.Read(ref _generation) == generation)
                {
                    callback(state);
                }
            });
            return true;
        }

        public void Dispose() => _disposed = true;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
