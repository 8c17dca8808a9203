namespace Ccx.Dns.Rfc2136.Tests.Infrastructure;

/// <summary>A clock the test sets; timers are not supported (the tests that use it never wait).</summary>
public sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>The system clock shifted by a fixed offset (real timers, wrong wall time).</summary>
public sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
