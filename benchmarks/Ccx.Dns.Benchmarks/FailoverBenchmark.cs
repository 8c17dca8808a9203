using BenchmarkDotNet.Attributes;
using Ccx.Dns.Reconciliation;

namespace Ccx.Dns.Benchmarks;

/// <summary>
/// A failover at scale: the datastore source promotes a replica, and the reconciler applies the two changed records.
/// <see cref="Targeted"/> reconciles only the names the source's change signal named (what the hosted service does);
/// <see cref="Full"/> reconciles the same failover in full (the baseline: what every failover cost before targeted
/// reconciles); <see cref="SteadyFull"/> is a full reconcile with nothing changed (the periodic safety net). The stack:
/// in-memory provider + caching + TXT registry + datastore naming source (<see cref="FailoverStack"/>).
/// Goals: targeted ≤ 2 ms median at 100k clusters and within 2× of 1k, ≤ 64 KB allocated; steady full ≤ 200 ms at 100k.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // disposed in [GlobalCleanup], BenchmarkDotNet's lifecycle
public class FailoverBenchmark
#pragma warning restore CA1001
{
    private FailoverStack _stack = null!;

    [Params(1_000, 10_000, 100_000)]
    public int Clusters { get; set; }

    [GlobalSetup]
    public void Setup() => _stack = new FailoverStack(Clusters);

    [GlobalCleanup]
    public void Cleanup() => _stack.Dispose();

    [Benchmark]
    public async Task<ReconcileResult> Targeted()
    {
        _stack.FailoverFast();
        return Check(await _stack.Reconciler.RunOnceAsync(_stack.LastNames), ReconcileMode.Targeted);
    }

    [Benchmark(Baseline = true)]
    public async Task<ReconcileResult> Full()
    {
        _stack.FailoverFast();
        return Check(await _stack.Reconciler.RunOnceAsync(), ReconcileMode.Full);
    }

    [Benchmark]
    public async Task<ReconcileResult> SteadyFull()
    {
        var result = await _stack.Reconciler.RunOnceAsync();
        return result.Outcome == ReconcileOutcome.NoChanges ? result : throw new InvalidOperationException($"expected no changes: {result}");
    }

    private static ReconcileResult Check(ReconcileResult result, ReconcileMode mode) =>
        result.Mode == mode && result.AppliedChanges.UpdateNew.Count == 2
            ? result
            : throw new InvalidOperationException($"expected a {mode} reconcile with 2 updates, got {result.Mode}: {result}");
}
