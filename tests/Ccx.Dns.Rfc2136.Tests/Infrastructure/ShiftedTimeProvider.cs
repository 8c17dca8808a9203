namespace Ccx.Dns.Rfc2136.Tests.Infrastructure;

/// <summary>The system clock shifted by a fixed offset (real timers, wrong wall time).</summary>
public sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
