using System.Collections;
using Ccx.Dns.Diagnostics;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Reconciliation;

namespace Ccx.Dns.Tests.Reconciliation;

/// <summary>
/// The verified-records count of a full calculation is made off the reconcile's path: deriving the next count never
/// waits for it, only the root keeps the inputs alive, and the result is what counting the last inputs gives.
/// </summary>
public sealed class VerifiedCountTests
{
    private static readonly RecordType[] Reported = [RecordType.A, RecordType.CNAME];

    [Fact]
    public async Task With_WhileTheRootIsBeingCounted_ReturnsAtOnce_AndResolvesToTheSameArithmetic()
    {
        var desired = Endpoints("a", "b", "c").Append(new DnsEndpoint("d.example.org", RecordType.AAAA, "2001:db8::1")).ToList();
        var current = Endpoints("a", "b").Append(new DnsEndpoint("d.example.org", RecordType.AAAA, "2001:db8::2")).ToList();
        using var gate = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var root = VerifiedCount.Of(new BlockingList(desired, gate, entered), current, Reported);

        var counting = Task.Run(root.Resolve);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)), "the count did not start");

        // "c" became current at one name; the derived count must not wait for the root's count.
        var derive = Task.Run(() => root.With(new Dictionary<RecordType, int>(), new Dictionary<RecordType, int> { [RecordType.A] = 1 }));
        var derived = await derive.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(counting.IsCompleted);
        Assert.True(derived.IsPending);
        Assert.False(derived.KeepsInputs);
        Assert.True(root.KeepsInputs);

        gate.Set();
        var rootCounts = await counting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(root.KeepsInputs);
        Assert.Equal([(RecordType.A, 2), (RecordType.AAAA, 1), (RecordType.CNAME, 0)], Sorted(rootCounts));
        Assert.Equal([(RecordType.A, 3), (RecordType.AAAA, 1), (RecordType.CNAME, 0)], Sorted(derived.Resolve()));
        Assert.False(derived.IsPending);
    }

    [Fact]
    public void With_AfterTheRootWasCounted_IsResolvedAtOnce_AndDropsTypesThatFellToZero()
    {
        var root = VerifiedCount.Of(Endpoints("a", "b"), Endpoints("a", "b"), Reported);
        var first = root.With(new Dictionary<RecordType, int>(), new Dictionary<RecordType, int> { [RecordType.AAAA] = 1 });
        Assert.Equal([(RecordType.A, 2), (RecordType.AAAA, 1), (RecordType.CNAME, 0)], Sorted(first.Resolve()));

        var second = first.With(new Dictionary<RecordType, int> { [RecordType.AAAA] = 1, [RecordType.A] = 2 }, new Dictionary<RecordType, int>());

        Assert.False(second.IsPending);
        Assert.Equal([(RecordType.A, 0), (RecordType.CNAME, 0)], Sorted(second.Resolve()));
        Assert.Equal(DnsTelemetry.CountVerified([], [], Reported).OrderBy(c => c.Key.Value, StringComparer.Ordinal), second.Resolve().OrderBy(c => c.Key.Value, StringComparer.Ordinal));
    }

    private static List<DnsEndpoint> Endpoints(params string[] names) =>
        [.. names.Select(n => new DnsEndpoint(n + ".example.org", RecordType.A, "192.0.2.1"))];

    private static List<(RecordType, int)> Sorted(IReadOnlyDictionary<RecordType, int> counts) =>
        [.. counts.OrderBy(c => c.Key.Value, StringComparer.Ordinal).Select(c => (c.Key, c.Value))];

    /// <summary>A list whose enumeration waits for a gate (so a count over it can be held in progress).</summary>
    private sealed class BlockingList(List<DnsEndpoint> items, ManualResetEventSlim gate, ManualResetEventSlim entered) : IReadOnlyList<DnsEndpoint>
    {
        public int Count => items.Count;

        public DnsEndpoint this[int index] => items[index];

        public IEnumerator<DnsEndpoint> GetEnumerator()
        {
            entered.Set();
            gate.Wait(TimeSpan.FromSeconds(30));
            return items.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
