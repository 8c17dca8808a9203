using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Xunit.Abstractions;
using static Ccx.Dns.DynamoDb.Tests.Infrastructure.RegistryKit;

namespace Ccx.Dns.DynamoDb.Tests;

/// <summary>
/// The lease measured on each instance's own clock, its fencing token, and the registry's writes fenced by it — on
/// DynamoDB Local, with manual clocks (skewed per replica where it matters).
/// </summary>
[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbLeaseFencingTests(DynamoDbLocalFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Renew = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task TryAcquireOrRenew_ClocksMinutesApartWithCrashesAndAPause_NeverTwoHoldersAtOnceAndTokensGrowByOnePerNewHolder()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        using var client = fixture.NewClient();
        var replicas = new[]
        {
            new SimulatedReplica("r1", new SkewedClock(clock, TimeSpan.FromMinutes(-4), 1.0), TimeSpan.Zero),
            new SimulatedReplica("r2", new SkewedClock(clock, TimeSpan.FromMinutes(3), 1.01), TimeSpan.FromSeconds(1.25)),
            new SimulatedReplica("r3", new SkewedClock(clock, TimeSpan.FromMinutes(7), 0.99), TimeSpan.FromSeconds(2.5)),
            new SimulatedReplica("r4", new SkewedClock(clock, TimeSpan.FromSeconds(-90), 1.005), TimeSpan.FromSeconds(3.75)),
        };
        DynamoDbLeaderLease NewLease(SimulatedReplica replica) => new(
            client,
            new DynamoDbLeaderLeaseOptions { TableName = table, LeaseName = "sim", HolderId = replica.Name, Duration = Duration, RenewInterval = Renew, SafetyMargin = Margin },
            replica.Clock);
        foreach (var replica in replicas)
        {
            replica.Start(NewLease(replica));
        }

        var step = TimeSpan.FromMilliseconds(250);
        var horizon = TimeSpan.FromSeconds(540);
        TimeSpan[] crashes = [TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(150), TimeSpan.FromSeconds(240), TimeSpan.FromSeconds(330)];
        var pauseAt = TimeSpan.FromSeconds(420);
        var restartAfter = TimeSpan.FromSeconds(45);
        var pauseFor = TimeSpan.FromSeconds(30);

        var grants = new List<(TimeSpan At, string Holder, long Token)>();
        var events = new List<(TimeSpan At, string What, string Holder)>();
        var maxHoldersAtOnce = 0;
        var noHolder = TimeSpan.Zero;
        var longestNoHolder = TimeSpan.Zero;
        var currentNoHolder = TimeSpan.Zero;
        var calls = 0;
        for (var t = TimeSpan.Zero; t <= horizon; t += step)
        {
            // Crashes (the holder stops for good, without releasing; a new process with the same id starts later) and a pause.
            if (crashes.Contains(t) || t == pauseAt)
            {
                var holder = Assert.Single(replicas, r => r.Lease.IsHeld);
                if (t == pauseAt)
                {
                    holder.Stop(until: t + pauseFor, restart: false);
                    events.Add((t, "paused", holder.Name));
                }
                else
                {
                    holder.Stop(until: t + restartAfter, restart: true);
                    events.Add((t, "crashed", holder.Name));
                }
            }

            foreach (var replica in replicas)
            {
                if (replica.StoppedUntil is { } until && t >= until)
                {
                    replica.Resume(replica.RestartOnResume ? NewLease(replica) : null);
                    events.Add((t, replica.RestartOnResume ? "restarted" : "resumed", replica.Name));
                    if (!replica.RestartOnResume)
                    {
                        // The paused leader's grant ran out on its own clock while it was stopped; the lease is someone else's.
                        Assert.False(replica.Lease.IsHeld);
                        calls++;
                        Assert.False(await replica.Lease.TryAcquireOrRenewAsync());
                    }
                }

                // Each running replica calls the lease every RenewInterval (as the hosted service does), at its own phase.
                if (replica.StoppedUntil is null && t >= replica.NextCall)
                {
                    calls++;
                    if (await replica.Lease.TryAcquireOrRenewAsync() && replica.Lease.FencingToken != replica.LastToken)
                    {
                        replica.LastToken = replica.Lease.FencingToken;
                        grants.Add((t, replica.Name, replica.LastToken));
                    }

                    replica.NextCall = t + Renew;
                }
            }

            // Every lease object ever created counts, crashed ones included (a crashed process "paused forever").
            var holders = replicas.SelectMany(r => r.AllLeases).Where(l => l.IsHeld).ToList();
            Assert.True(holders.Count <= 1, $"two holders at {t}: {string.Join(", ", holders.Select(h => $"{h.HolderId} token {h.FencingToken}"))}");
            maxHoldersAtOnce = Math.Max(maxHoldersAtOnce, holders.Count);
            if (holders.Count == 1)
            {
                Assert.Equal(grants[^1].Token, holders[0].FencingToken); // the one holder holds the newest grant
                currentNoHolder = TimeSpan.Zero;
            }
            else
            {
                noHolder += step;
                currentNoHolder += step;
                longestNoHolder = TimeSpan.FromTicks(Math.Max(longestNoHolder.Ticks, currentNoHolder.Ticks));
            }

            clock.Advance(step);
        }

        // Tokens: 1 for the first holder, one more at every change of holder: 1, 2, 3, …
        Assert.Equal(Enumerable.Range(1, grants.Count).Select(i => (long)i), grants.Select(g => g.Token));
        Assert.Equal(1 + crashes.Length + 1, grants.Count); // the first grant, one per crash, one after the pause
        for (var i = 1; i < grants.Count; i++)
        {
            Assert.NotEqual(grants[i - 1].Holder, grants[i].Holder);
        }

        // Liveness: after each stop, another replica holds within Duration + 2 × RenewInterval (+1 s for the 1 % slow clock).
        var takeoverDelays = new List<TimeSpan>();
        foreach (var (at, what, _) in events.Where(e => e.What is "crashed" or "paused"))
        {
            var next = grants.First(g => g.At > at);
            takeoverDelays.Add(next.At - at);
            Assert.InRange(next.At - at, TimeSpan.Zero, Duration + Renew + Renew + TimeSpan.FromSeconds(1));
        }

        Assert.Equal(1, maxHoldersAtOnce);
        output.WriteLine($"clocks: {string.Join("; ", replicas.Select(r => $"{r.Name} offset {r.Clock.Offset.TotalSeconds:+0;-0} s rate {r.Clock.Rate:0.000}"))}");
        output.WriteLine($"simulated {horizon.TotalSeconds:0} s in {step.TotalMilliseconds:0} ms steps, {calls} lease calls");
        output.WriteLine($"events: {string.Join("; ", events.Select(e => $"{e.At.TotalSeconds:0} s {e.Holder} {e.What}"))}");
        output.WriteLine($"grants: {string.Join("; ", grants.Select(g => $"{g.At.TotalSeconds:0.##} s {g.Holder} token {g.Token}"))}");
        output.WriteLine($"takeover after stop: {string.Join(", ", takeoverDelays.Select(d => $"{d.TotalSeconds:0.##} s"))}");
        output.WriteLine($"most holders at one instant: {maxHoldersAtOnce}; time without holder {noHolder.TotalSeconds:0.##} s, longest {longestNoHolder.TotalSeconds:0.##} s");
    }

    [Fact]
    public async Task TryAcquireOrRenew_ItemOfTheFormatBeforeTokens_IsReadNotTakenOnItsExpiryAndMigratedAtTakeOver()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();

        // Written by a version without fencing token: holder and an expiry already an hour in the past by our clock.
        await PutOldFormatAsync(table, "old-version-replica", clock.GetUtcNow() - TimeSpan.FromHours(1));
        using var lease = new DynamoDbLeaderLease(fixture.Client, Options(table, "new"), clock);

        Assert.False(await lease.TryAcquireOrRenewAsync()); // the stored expiry is never compared with our clock
        clock.Advance(TimeSpan.FromSeconds(10));
        await PutOldFormatAsync(table, "old-version-replica", clock.GetUtcNow() - TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1)); // the old replica renews
        Assert.False(await lease.TryAcquireOrRenewAsync());
        clock.Advance(Duration - TimeSpan.FromMilliseconds(1));
        Assert.False(await lease.TryAcquireOrRenewAsync()); // unchanged for just under a Duration since the renewal was seen
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(await lease.TryAcquireOrRenewAsync());
        Assert.Equal(1, lease.FencingToken);
        var item = await LeaseItemAsync(table);
        Assert.Equal("new", item["holder"].S);
        Assert.Equal("1", item["token"].N);
        Assert.Equal(clock.GetUtcNow().Add(Duration).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), item["expiresAt"].N);
    }

    [Fact]
    public async Task ReleaseAsync_KeepsTheTokenSoTheNextHolderGetsAHigherOne()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        using var a = new DynamoDbLeaderLease(fixture.Client, Options(table, "a"), clock);
        using var b = new DynamoDbLeaderLease(fixture.Client, Options(table, "b"), clock);
        Assert.True(await a.TryAcquireOrRenewAsync());

        await a.ReleaseAsync();

        var released = await LeaseItemAsync(table);
        Assert.False(released.ContainsKey("holder"));
        Assert.Equal("1", released["token"].N);
        Assert.Equal("0", released["expiresAt"].N); // versions before the token see it as expired
        Assert.True(await b.TryAcquireOrRenewAsync()); // at once
        Assert.Equal(2, b.FencingToken);
        await b.ReleaseAsync();
        Assert.True(await a.TryAcquireOrRenewAsync());
        Assert.Equal(3, a.FencingToken);
    }

    [Fact]
    public async Task TryAcquireOrRenew_NewProcessWithTheSameHolderId_TakesOverAtOnceWithANewTokenAndTheOldProcessIsFencedOff()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var zone = new InMemoryDnsProvider([Zone]);
        using var before = new FencedReplica(fixture, table, "pod-0", zone, clock);
        Assert.True(await before.Lease.TryAcquireOrRenewAsync());
        await before.Registry.GetRecordsAsync();

        // The process restarts (the old one is gone as far as anyone knows) with the same holder id.
        using var after = new FencedReplica(fixture, table, "pod-0", zone, clock);
        Assert.True(await after.Lease.TryAcquireOrRenewAsync());
        Assert.Equal(2, after.Lease.FencingToken);

        // Had the old process survived, its ownership writes would be refused: its token is no longer the lease's.
        Assert.True(before.Lease.IsHeld); // it still believes so, on its own clock
        var error = await Assert.ThrowsAsync<DnsProviderException>(() => before.Registry.ApplyChangesAsync(new DnsChanges { Create = [A("stale", "192.0.2.1")] }));
        Assert.Contains("fencing token 1", error.Message);
        Assert.Empty(zone.GetZoneRecords(Zone));
        Assert.Equal(["#lease#cluster"], (await fixture.ItemsAsync(table)).Select(i => i.K));
    }

    [Fact]
    public async Task ApplyChanges_LeaderStalledUntilTheStandbyTookOver_DynamoDbRefusesItsOwnershipWriteAndTheStandbysApplies()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var zone = new InMemoryDnsProvider([Zone]);
        using var a = new FencedReplica(fixture, table, "replica-a", zone, clock);
        using var b = new FencedReplica(fixture, table, "replica-b", zone, clock);
        Assert.True(await a.Lease.TryAcquireOrRenewAsync());
        Assert.False(await b.Lease.TryAcquireOrRenewAsync()); // b watches from now
        await a.Registry.GetRecordsAsync();

        // a decides to write while it holds the lease (token 1), then stalls before its transaction reaches DynamoDB.
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Handler.BeforeSend = async operation =>
        {
            if (operation == "ExecuteTransaction")
            {
                entered.TrySetResult();
                await stall.Task;
            }
        };
        var applyA = a.Registry.ApplyChangesAsync(new DnsChanges { Create = [A("from-a", "192.0.2.10")] });
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // A Duration later a's grant has run out and b, having seen the lease unchanged that long, takes over and applies.
        clock.Advance(Duration);
        Assert.False(a.Lease.IsHeld);
        Assert.True(await b.Lease.TryAcquireOrRenewAsync());
        Assert.Equal(2, b.Lease.FencingToken);
        await b.Registry.GetRecordsAsync();
        var appliedB = await b.Registry.ApplyChangesAsync(new DnsChanges { Create = [A("from-b", "192.0.2.20")] });
        Assert.Single(appliedB.Applied.Create);

        // a's transaction finally arrives: DynamoDB refuses it (the lease item names b with token 2), nothing is written.
        stall.SetResult();
        var error = await Assert.ThrowsAsync<DnsProviderException>(() => applyA);

        Assert.True(error.IsTransient);
        Assert.Contains("leader lease \"cluster\" was lost", error.Message);
        Assert.Contains("no longer names holder 'replica-a' with fencing token 1", error.Message);
        Assert.Empty(a.Provider.Applied);
        Assert.Equal(["from-b.example.org A 192.0.2.20"], zone.GetZoneRecords(Zone).Select(r => $"{r.DnsName} {r.RecordType} {r.Targets[0]}"));
        Assert.Equal(["#lease#cluster", "from-b.example.org#A#"], (await fixture.ItemsAsync(table)).Select(i => i.K).Order(StringComparer.Ordinal));
        Assert.Equal(1, a.Handler.Count("ExecuteTransaction"));
    }

    [Fact]
    public async Task ApplyChanges_FencedRegistryWhoseLeaseIsNotHeld_WritesNothingAndDoesNotCallTheProvider()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var zone = new InMemoryDnsProvider([Zone]);
        using var replica = new FencedReplica(fixture, table, "replica-a", zone, clock);
        await replica.Registry.GetRecordsAsync();

        var error = await Assert.ThrowsAsync<DnsProviderException>(() => replica.Registry.ApplyChangesAsync(new DnsChanges { Create = [A("x", "192.0.2.1")] }));

        Assert.True(error.IsTransient);
        Assert.Contains("leader lease \"cluster\" is not held by this instance ('replica-a')", error.Message);
        Assert.Equal(0, replica.Handler.Count("ExecuteTransaction") + replica.Handler.Count("BatchExecuteStatement"));
        Assert.Empty(zone.GetZoneRecords(Zone));
        Assert.Empty(replica.Provider.Applied);
        Assert.Empty(await fixture.ItemsAsync(table));
    }

    [Fact]
    public async Task ApplyChanges_FencedRegistry_RefusesAForeignKeyAppliesTheRestAndReleasesInTransactions()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var zone = new InMemoryDnsProvider([Zone]);
        using var replica = new FencedReplica(fixture, table, "replica-a", zone, clock);
        await fixture.PutItemAsync(table, "taken.example.org#A#", "someone-else");
        Assert.True(await replica.Lease.TryAcquireOrRenewAsync());
        Assert.True(replica.Registry.IsFenced);
        await replica.Registry.GetRecordsAsync();

        var created = await replica.Registry.ApplyChangesAsync(new DnsChanges { Create = [A("taken", "192.0.2.1"), A("one", "192.0.2.2"), A("two", "192.0.2.3")] });

        Assert.Equal(["one.example.org", "two.example.org"], created.Applied.Create.Select(e => e.DnsName).Order(StringComparer.Ordinal));
        var refused = Assert.Single(created.Rejected);
        Assert.Equal("taken.example.org", refused.Endpoint.DnsName);
        Assert.Contains("held by owner 'someone-else'", refused.Reason);

        var current = await replica.Registry.GetRecordsAsync();
        var deleted = await replica.Registry.ApplyChangesAsync(new DnsChanges { Delete = [current.Single(r => r.DnsName == "one.example.org")] });

        Assert.Single(deleted.Applied.Delete);
        Assert.Equal(["two.example.org"], zone.GetZoneRecords(Zone).Select(r => r.DnsName));
        Assert.Equal(
            [("#lease#cluster", (string?)null), ("taken.example.org#A#", "someone-else"), ("two.example.org#A#", FencedReplica.Owner)],
            (await fixture.ItemsAsync(table)).Select(i => (i.K, i.O)).OrderBy(i => i.K, StringComparer.Ordinal));
        Assert.Equal(0, replica.Handler.Count("BatchExecuteStatement")); // every ownership write went through a fenced transaction
        Assert.InRange(replica.Handler.Count("ExecuteTransaction"), 2, 4);
    }

    private static DynamoDbLeaderLeaseOptions Options(string table, string holder) =>
        new() { TableName = table, LeaseName = "test", HolderId = holder, Duration = Duration, RenewInterval = Renew };

    private Task PutOldFormatAsync(string table, string holder, DateTimeOffset expiresAt) =>
        fixture.Client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new Dictionary<string, AttributeValue>
            {
                ["k"] = new("#lease#test"),
                ["holder"] = new(holder),
                ["expiresAt"] = new() { N = expiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) },
            },
        });

    private async Task<Dictionary<string, AttributeValue>> LeaseItemAsync(string table) =>
        (await fixture.Client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new Dictionary<string, AttributeValue> { ["k"] = new("#lease#test") },
            ConsistentRead = true,
        })).Item;

    /// <summary>A replica of the simulation: its clock, its lease objects (one per process), and when it calls next.</summary>
    private sealed class SimulatedReplica(string name, SkewedClock clock, TimeSpan phase)
    {
        public string Name => name;

        public SkewedClock Clock => clock;

        public DynamoDbLeaderLease Lease { get; private set; } = null!;

        public List<DynamoDbLeaderLease> AllLeases { get; } = [];

        public TimeSpan NextCall { get; set; } = phase;

        public long LastToken { get; set; }

        public TimeSpan? StoppedUntil { get; private set; }

        public bool RestartOnResume { get; private set; }

        public void Start(DynamoDbLeaderLease lease)
        {
            Lease = lease;
            AllLeases.Add(lease);
        }

        public void Stop(TimeSpan until, bool restart)
        {
            StoppedUntil = until;
            RestartOnResume = restart;
        }

        public void Resume(DynamoDbLeaderLease? newProcess)
        {
            StoppedUntil = null;
            if (newProcess is not null)
            {
                Start(newProcess);
                LastToken = 0;
            }
        }
    }
}
