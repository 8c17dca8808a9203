using Ccx.Dns.Coordination;

namespace Ccx.Dns.Tests.TestSupport;

/// <summary>A leader lease whose holder the test decides.</summary>
internal sealed class StubLease(bool held) : ILeaderLease
{
    private volatile bool _held = held;

    public int Calls;

    public Exception? Failure { get; set; }

    public bool IsHeld => _held;

    public void Set(bool held) => _held = held;

    public Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        return Failure is not null ? Task.FromException<bool>(Failure) : Task.FromResult(_held);
    }
}
