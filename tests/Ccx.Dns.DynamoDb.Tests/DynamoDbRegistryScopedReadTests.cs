using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Caching;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Ccx.Dns.Registry.Txt;
using static Ccx.Dns.DynamoDb.Tests.Infrastructure.RegistryKit;

namespace Ccx.Dns.DynamoDb.Tests;

/// <summary>
/// The DynamoDB registry as an <see cref="IScopedRegistry"/>: reads of a few names from the kept view (exactly what a
/// full read returns there, no call), when it has no view to serve, and what an apply costs on a large view.
/// </summary>
[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbRegistryScopedReadTests(DynamoDbLocalFixture fixture)
{
    [Fact]
    public async Task GetRecords_Names_ReturnExactlyTheRecordsAndLabelsOfAFullReadAtThoseNamesWithoutAnyCall()
    {
        var table = await fixture.CreateTableAsync();
        using var kit = new RegistryKit(fixture, table);
        await SeedMixedZoneAsync(kit);
        var full = await kit.Registry.GetRecordsAsync();
        kit.Handler.Reset();
        var reads = kit.Provider.ReadCount;

        string[][] scopes =
        [
            ["www.example.org"], ["old.example.org"], ["a-ghost.example.org"], ["api.example.org"], ["plain.example.org"], ["mx.example.org"],
            ["www.example.org", "old.example.org", "a-ghost.example.org", "api.example.org", "plain.example.org", "mx.example.org", "nothing.example.org"],
            ["a-old.example.org"], ["nothing.example.org"],
        ];
        foreach (var scope in scopes)
        {
            var names = scope.ToHashSet(StringComparer.Ordinal);
            var scoped = await kit.Registry.GetRecordsAsync(names);

            Assert.NotNull(scoped);
            Assert.Equal(Describe(full.Where(r => names.Contains(DnsNames.Normalize(r.DnsName)))), Describe(scoped));
        }

        // The records a full read returns at those names, with every kind of labelling: an item of ours (with a set
        // identifier too), TXT ownership to migrate (marked), a TXT ownership record that owns nothing (returned as ours
        // for deletion), unowned records — and another owner's record, unlabelled (only our items are read, as in
        // ExternalDNS).
        var all = await kit.Registry.GetRecordsAsync(scopes[6].ToHashSet(StringComparer.Ordinal));
        Assert.Equal(
            [
                "a-ghost.example.org TXT owner=owner-a -",
                "api.example.org A - -",
                "mx.example.org MX - -",
                "old.example.org A owner=owner-a,resource=svc/old dynamodb/needs-migration=true",
                "plain.example.org TXT - -",
                "www.example.org A owner=owner-a,resource=svc/www -",
                "www.example.org A set=eu owner=owner-a,resource=svc/www-eu -",
            ],
            Lines(all!));
        Assert.Equal(0, kit.Handler.Total);
        Assert.Equal(reads, kit.Provider.ReadCount);
    }

    [Fact]
    public async Task GetRecords_FullReadCancelled_KeepsTheLastViewForNamesAndTheNextFullRead()
    {
        // A full reconcile that yields to a failover cancels its read: the failover is then served from the last view.
        var table = await fixture.CreateTableAsync();
        using var kit = new RegistryKit(fixture, table);
        await SeedMixedZoneAsync(kit);
        var full = await kit.Registry.GetRecordsAsync();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        kit.Faulty.OnRead = async cancellationToken =>
        {
            held.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        };
        using var cancellation = new CancellationTokenSource();
        var read = kit.Registry.GetRecordsAsync(cancellation.Token);
        await held.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);

        var names = new HashSet<string>(StringComparer.Ordinal) { "www.example.org", "old.example.org" };
        var scoped = await kit.Registry.GetRecordsAsync(names);
        kit.Faulty.OnRead = null;
        var again = await kit.Registry.GetRecordsAsync();

        Assert.NotNull(scoped);
        Assert.Equal(Describe(full.Where(r => names.Contains(DnsNames.Normalize(r.DnsName)))), Describe(scoped));
        Assert.Equal(Describe(full), Describe(again));
    }

    [Fact]
    public async Task GetRecords_NamesWithoutAView_ReturnNull()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await kit.Provider.ApplyChangesAsync(new DnsChanges { Create = [A("www", "192.0.2.1")] });

        Assert.Null(await kit.Registry.GetRecordsAsync(Names("www.example.org")));
        Assert.Equal(0, kit.Handler.Total);
        Assert.Equal(0, kit.Provider.ReadCount);
    }

    [Fact]
    public async Task GetRecords_NamesAfterAFailedApply_ReturnNullUntilTheNextFullRead()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await kit.ReconcileAsync([A("www", "192.0.2.1")]);
        Assert.NotNull(await kit.Registry.GetRecordsAsync(Names("www.example.org")));

        kit.Faulty.Fault = ProviderFault.BeforeApply;
        await Assert.ThrowsAsync<DnsProviderException>(() => kit.Registry.ApplyChangesAsync(new DnsChanges { Create = [A("api", "192.0.2.2")] }));

        Assert.Null(await kit.Registry.GetRecordsAsync(Names("www.example.org")));
        kit.Faulty.Fault = ProviderFault.None;
        await kit.Registry.GetRecordsAsync();
        Assert.Equal(["www.example.org A owner=owner-a -"], Lines((await kit.Registry.GetRecordsAsync(Names("www.example.org")))!));
    }

    [Fact]
    public async Task GetRecords_NamesPastTheCacheInterval_ReturnNull()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync(), configure: o => o.CacheInterval = TimeSpan.FromMinutes(1));
        await kit.ReconcileAsync([A("www", "192.0.2.1")]);

        kit.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(await kit.Registry.GetRecordsAsync(Names("www.example.org")));
        kit.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await kit.Registry.GetRecordsAsync(Names("www.example.org")));
    }

    [Fact]
    public async Task GetRecords_NamesAfterAMigrationFreedATxtOwnershipRecordElsewhere_ReturnNullUnlessTheyIncludeIt()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        var codec = new TxtOwnershipCodec();
        await kit.Provider.ApplyChangesAsync(new DnsChanges
        {
            Create =
            [
                A("old", "192.0.2.1"),
                new DnsEndpoint("a-old.example.org", RecordType.TXT, codec.Format(new Dictionary<string, string> { [EndpointLabels.OwnerKey] = "owner-a" })),
            ],
        });
        var (planned, _) = await kit.ReconcileAsync([A("old", "192.0.2.1")]);
        Assert.True(planned.UpdateOld.Single().TryGetProviderSpecific(ProviderSpecificNames.DynamoDbNeedsMigration, out _));

        // The TXT record at a-old is returned for deletion from now on, and no plan has seen it.
        Assert.Null(await kit.Registry.GetRecordsAsync(Names("old.example.org")));
        var both = await kit.Registry.GetRecordsAsync(Names("old.example.org", "a-old.example.org"));
        Assert.Equal(["a-old.example.org TXT owner=owner-a -", "old.example.org A owner=owner-a -"], Lines(both!));

        // Planned once: served again for any names.
        Assert.Equal(["old.example.org A owner=owner-a -"], Lines((await kit.Registry.GetRecordsAsync(Names("old.example.org")))!));
    }

    [Fact]
    public async Task GetRecords_NamesOfAFencedRegistry_OnlyFromAViewReadUnderTheGrantHeldNow()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        using var client = fixture.NewClient();
        using var lease = new DynamoDbLeaderLease(client, new DynamoDbLeaderLeaseOptions { TableName = table, LeaseName = "owner-a", HolderId = "me", Duration = TimeSpan.FromSeconds(15), RenewInterval = TimeSpan.FromSeconds(5) }, clock);
        var provider = new InMemoryDnsProvider([Zone]);
        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("www", "192.0.2.1")] });
        using var registry = new DynamoDbRegistry(provider, client, new DynamoDbRegistryOptions { TableName = table, OwnerId = "owner-a" }, lease, clock);

        // Read as a standby (no grant): another leader may write meanwhile, so the view is never served by name.
        await registry.GetRecordsAsync();
        Assert.Null(await registry.GetRecordsAsync(Names("www.example.org")));
        Assert.True(await lease.TryAcquireOrRenewAsync());
        Assert.Null(await registry.GetRecordsAsync(Names("www.example.org")));

        // Read under the grant: served, until the grant runs out here.
        await registry.GetRecordsAsync();
        Assert.NotNull(await registry.GetRecordsAsync(Names("www.example.org")));
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(0, lease.FencingToken);
        Assert.Null(await registry.GetRecordsAsync(Names("www.example.org")));
    }

    [Fact]
    public async Task RunOnceAsync_StandbyTargetedAtANameTheLeaderCreated_ReadsInFullAndPlansNothingThere()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var zone = new InMemoryDnsProvider([Zone]);
        using var leader = new FencedReplica(fixture, table, "r1", zone, clock);
        using var standby = new FencedReplica(fixture, table, "r2", zone, clock);
        leader.Source.ReplaceAll([A("www", "192.0.2.1")]);
        standby.Source.ReplaceAll([A("www", "192.0.2.1")]);
        Assert.Equal(ReconcileOutcome.Applied, (await leader.Reconciler.RunOnceAsync()).Outcome);
        Assert.Equal(ReconcileOutcome.NoChanges, (await standby.Reconciler.RunOnceAsync()).Outcome);

        // The leader creates api in a targeted reconcile (after a full one read under its grant); the standby's view
        // has never seen it.
        Assert.Equal(ReconcileMode.Full, (await leader.Reconciler.RunOnceAsync()).Mode);
        leader.Source.Upsert(A("api", "192.0.2.2"));
        var led = await leader.Reconciler.RunOnceAsync(["api.example.org"]);
        Assert.Equal((ReconcileMode.Targeted, ReconcileOutcome.Applied), (led.Mode, led.Outcome));
        standby.Source.Upsert(A("api", "192.0.2.2"));
        var stood = await standby.Reconciler.RunOnceAsync(["api.example.org"]);

        Assert.Equal((ReconcileMode.Full, ReconcileOutcome.NoChanges), (stood.Mode, stood.Outcome));
        Assert.False(stood.Changes.HasChanges, stood.Changes.ToString());
    }

    [Fact]
    public async Task ApplyChanges_OnATenThousandRecordView_LabelsOnlyTheChangedRecords()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync(), configure: o => o.CacheInterval = TimeSpan.FromMinutes(1));
        var codec = new TxtOwnershipCodec();
        await kit.Provider.ApplyChangesAsync(new DnsChanges
        {
            Create =
            [
                .. Enumerable.Range(0, 10_000).Select(i => A($"h{i}", "192.0.2.1")),
                new DnsEndpoint("a-h7.example.org", RecordType.TXT, codec.Format(new Dictionary<string, string> { [EndpointLabels.OwnerKey] = "owner-a" })),
            ],
        });
        Assert.Equal(10_000, (await kit.Registry.GetRecordsAsync()).Count); // h7 takes its ownership from a-h7, which is not returned
        var afterRead = kit.Registry.LabelComputations;
        Assert.True(afterRead >= 10_001, $"the read labelled {afterRead} records");

        // Create, update, migrate and delete, one record each: the labels of a handful of records are computed.
        await kit.Registry.ApplyChangesAsync(new DnsChanges { Create = [A("new", "192.0.2.9", "svc/new")] });
        var current = await kit.Registry.GetRecordsAsync(Names("new.example.org", "h7.example.org"));
        var created = current!.Single(r => r.DnsName == "new.example.org");
        await kit.Registry.ApplyChangesAsync(new DnsChanges { UpdateOld = [created], UpdateNew = [A("new", "192.0.2.10", "svc/new")] });
        var h7 = current!.Single(r => r.DnsName == "h7.example.org");
        await kit.Registry.ApplyChangesAsync(new DnsChanges { UpdateOld = [h7], UpdateNew = [A("h7", "192.0.2.1", "svc/h7")] });
        current = await kit.Registry.GetRecordsAsync(Names("new.example.org", "a-h7.example.org")); // a-h7 is returned now
        Assert.Equal(["a-h7.example.org TXT owner=owner-a -", "new.example.org A owner=owner-a,resource=svc/new -"], Lines(current!));
        await kit.Registry.ApplyChangesAsync(new DnsChanges { Delete = [current!.Single(r => r.DnsName == "new.example.org")] });
        var applies = kit.Registry.LabelComputations - afterRead;

        // A full read within the cache interval is served from the patched view: no labelling either.
        var kept = await kit.Registry.GetRecordsAsync();
        Assert.Equal(applies, kit.Registry.LabelComputations - afterRead);
        Assert.InRange(applies, 1, 12);

        // And the patched view is what a fresh registry reads.
        using var fresh = new DynamoDbRegistry(kit.Provider, kit.Client, new DynamoDbRegistryOptions { TableName = kit.Table, OwnerId = "owner-a" });
        Assert.Equal(Describe(await fresh.GetRecordsAsync()), Describe(kept));
        Assert.Contains("a-h7.example.org TXT owner=owner-a -", Lines(kept));
        Assert.Contains("h7.example.org A owner=owner-a,resource=svc/h7 -", Lines(kept));
    }

    [Fact]
    public async Task GetRecords_BehindAnUnchangedCachingProvider_ScansButKeepsTheViewAndSeesTableChanges()
    {
        var table = await fixture.CreateTableAsync();
        var clock = new ManualTimeProvider();
        var inner = new InMemoryDnsProvider([Zone]);
        await inner.ApplyChangesAsync(new DnsChanges { Create = [A("www", "192.0.2.1"), A("api", "192.0.2.2")] });
        var handler = new CountingHandler();
        using var client = fixture.NewClient(handler);
        var caching = new CachingDnsProvider(inner, new CachingDnsProviderOptions { CacheDuration = TimeSpan.FromHours(1) }, clock);
        using var registry = new DynamoDbRegistry(caching, client, new DynamoDbRegistryOptions { TableName = table, OwnerId = "owner-a" }, clock);

        var first = await registry.GetRecordsAsync();
        await registry.ApplyChangesAsync(new DnsChanges { Create = [A("new", "192.0.2.3")] });
        handler.Reset();
        var labelled = registry.LabelComputations;

        // The provider's cache was patched with exactly our apply: no provider read; the scan finds our items; the
        // patched view is served as it is, the same list while nothing changes.
        var second = await registry.GetRecordsAsync();
        var third = await registry.GetRecordsAsync();
        Assert.Equal(1, inner.ReadCount);
        Assert.Equal(new Dictionary<string, int> { ["Scan"] = 2 }, handler.Snapshot());
        Assert.Same(second, third);
        Assert.Equal(labelled, registry.LabelComputations);
        Assert.Equal(["api.example.org A - -", "new.example.org A owner=owner-a -", "www.example.org A - -"], Lines(second));
        Assert.Equal(2, first.Count);

        // An item written behind its back (another instance of this owner) is seen at the next full read, still
        // without a provider read.
        await fixture.PutItemAsync(table, "www.example.org#A#", "owner-a", new Dictionary<string, string> { ["resource"] = "svc/www" });
        var fourth = await registry.GetRecordsAsync();
        Assert.Equal(1, inner.ReadCount);
        Assert.Equal(["api.example.org A - -", "new.example.org A owner=owner-a -", "www.example.org A owner=owner-a,resource=svc/www -"], Lines(fourth));
        handler.Dispose();
    }

    private static HashSet<string> Names(params string[] names) => names.ToHashSet(StringComparer.Ordinal);

    /// <summary>Name, type, set identifier, labels and provider-specific properties, one line per record, sorted.</summary>
    private static List<string> Lines(IEnumerable<DnsEndpoint> records) =>
        [.. records.Select(r =>
            $"{r.DnsName} {r.RecordType}{(r.SetIdentifier.Length > 0 ? " set=" + r.SetIdentifier : string.Empty)} "
            + $"{(r.Labels.Count == 0 ? "-" : string.Join(",", r.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)))} "
            + $"{(r.ProviderSpecific.Count == 0 ? "-" : string.Join(",", r.ProviderSpecific.Select(p => p.Name + "=" + p.Value)))}").Order(StringComparer.Ordinal)];

    private static string Describe(IEnumerable<DnsEndpoint> records) =>
        string.Join("\n", records.Select(r => $"{r} {string.Join(",", r.Labels.Select(l => l.Key + "=" + l.Value))} {string.Join(",", r.ProviderSpecific)}").Order(StringComparer.Ordinal));

    /// <summary>
    /// A zone with records of ours (items, one with a set identifier), another owner's, an unowned TXT and MX, a record
    /// owned through an ExternalDNS TXT ownership record, and a TXT ownership record owning nothing.
    /// </summary>
    private async Task SeedMixedZoneAsync(RegistryKit kit)
    {
        var codec = new TxtOwnershipCodec();
        static Dictionary<string, string> Owner(string owner, string? resource = null) => resource is null
            ? new() { [EndpointLabels.OwnerKey] = owner }
            : new() { [EndpointLabels.OwnerKey] = owner, [EndpointLabels.ResourceKey] = resource };
        await kit.ReconcileAsync([A("www", "192.0.2.1", "svc/www"), A("www", "192.0.2.2", "svc/www-eu") with { SetIdentifier = "eu" }]);
        using (var other = new DynamoDbRegistry(kit.Provider, kit.Client, new DynamoDbRegistryOptions { TableName = kit.Table, OwnerId = "owner-b" }))
        {
            await other.ApplyChangesAsync(new DnsChanges { Create = [A("api", "192.0.2.3")] });
        }

        await kit.Provider.ApplyChangesAsync(new DnsChanges
        {
            Create =
            [
                new DnsEndpoint("plain.example.org", RecordType.TXT, "hello"),
                new DnsEndpoint("mx.example.org", RecordType.MX, "10 mail.example.org"),
                A("old", "192.0.2.4"),
                new DnsEndpoint("a-old.example.org", RecordType.TXT, codec.Format(Owner("owner-a", "svc/old"))),
                new DnsEndpoint("a-ghost.example.org", RecordType.TXT, codec.Format(Owner("owner-a"))),
            ],
        });
    }
}
