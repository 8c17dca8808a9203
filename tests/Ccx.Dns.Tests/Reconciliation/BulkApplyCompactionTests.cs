using Ccx.Dns.Endpoints;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Tests.TestSupport;
using static Ccx.Dns.Tests.TestSupport.ReconcilerHarness;

namespace Ccx.Dns.Tests.Reconciliation;

/// <summary>One compacting full collection after an apply of <see cref="DnsReconcilerOptions.CompactHeapAfterChanges"/> changes or more, and never otherwise.</summary>
public sealed class BulkApplyCompactionTests
{
    private const int HeapCompacted = 1041;

    [Fact]
    public async Task ApplyOfAtLeastTheThreshold_CompactsOnce_SmallerAppliesAndNoOpsDoNot()
    {
        await using var h = new ReconcilerHarness(o => o.CompactHeapAfterChanges = 3);
        h.Source.ReplaceAll([A("db1", "10.0.0.1"), A("db2", "10.0.0.2"), A("db3", "10.0.0.3")]);
        var gen2Before = GC.CollectionCount(2);

        var bulk = await h.RunAsync();

        Assert.Equal(3, bulk.AppliedChanges.Count);
        Assert.True(GC.CollectionCount(2) > gen2Before, "no full collection ran");
        var compacted = Assert.Single(h.Logger.WithEvent(HeapCompacted));
        Assert.StartsWith("Compacted the heap after applying 3 record changes", compacted, StringComparison.Ordinal);

        h.Source.Upsert(A("db4", "10.0.0.4"));
        var small = await h.RunAsync();
        var none = await h.RunAsync();

        Assert.Equal(1, small.AppliedChanges.Count);
        Assert.Equal(ReconcileOutcome.NoChanges, none.Outcome);
        Assert.Single(h.Logger.WithEvent(HeapCompacted));
    }

    [Fact]
    public async Task Zero_TurnsItOff_AndADryRunNeverCompacts()
    {
        await using var off = new ReconcilerHarness(o => o.CompactHeapAfterChanges = 0);
        off.Source.ReplaceAll([A("db1", "10.0.0.1"), A("db2", "10.0.0.2")]);
        await using var dry = new ReconcilerHarness(o => { o.CompactHeapAfterChanges = 1; o.DryRun = true; });
        dry.Source.ReplaceAll([A("db1", "10.0.0.1"), A("db2", "10.0.0.2")]);

        Assert.Equal(2, (await off.RunAsync()).AppliedChanges.Count);
        Assert.Equal(ReconcileOutcome.DryRun, (await dry.RunAsync()).Outcome);

        Assert.Empty(off.Logger.WithEvent(HeapCompacted));
        Assert.Empty(dry.Logger.WithEvent(HeapCompacted));
    }

    [Fact]
    public void NegativeThreshold_IsRejectedWithTheReason()
    {
        var result = new DnsReconcilerOptionsValidator().Validate(null, new DnsReconcilerOptions { CompactHeapAfterChanges = -1 });

        Assert.True(result.Failed);
        Assert.Contains("CompactHeapAfterChanges must not be negative (was -1)", result.FailureMessage, StringComparison.Ordinal);
    }
}
