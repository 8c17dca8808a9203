using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using static Ccx.Dns.DynamoDb.Tests.Infrastructure.RegistryKit;

namespace Ccx.Dns.DynamoDb.Tests;

[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbRegistryTests(DynamoDbLocalFixture fixture)
{
    [Fact]
    public async Task GetRecords_TableMissing_FailsNamingTheTableAndTheFix()
    {
        using var kit = new RegistryKit(fixture, DynamoDbLocalServer.NewTableName("missing"));

        var error = await Assert.ThrowsAsync<DnsProviderException>(() => kit.Registry.GetRecordsAsync());

        Assert.False(error.IsTransient);
        Assert.Contains($"DynamoDB table \"{kit.Table}\" does not exist", error.Message);
        Assert.Contains("CreateTableIfMissing", error.Message);
        Assert.Equal(0, kit.Provider.ReadCount);
    }

    [Theory]
    [InlineData("no-k", "must have attribute \"k\" of type \"S\"")]
    [InlineData("k-number", "attribute \"k\" must have type \"S\"")]
    [InlineData("k-not-hash", "must have hash key \"k\"")]
    [InlineData("range-key", "must not have a range key")]
    public async Task GetRecords_WrongKeySchema_FailsWithExternalDnsErrorText(string schema, string expected)
    {
        var table = DynamoDbLocalServer.NewTableName(schema);
        var request = new CreateTableRequest { TableName = table, BillingMode = BillingMode.PAY_PER_REQUEST };
        switch (schema)
        {
            case "no-k":
                request.AttributeDefinitions = [new("id", ScalarAttributeType.S)];
                request.KeySchema = [new("id", KeyType.HASH)];
                break;
            case "k-number":
                request.AttributeDefinitions = [new("k", ScalarAttributeType.N)];
                request.KeySchema = [new("k", KeyType.HASH)];
                break;
            case "k-not-hash":
                request.AttributeDefinitions = [new("id", ScalarAttributeType.S), new("k", ScalarAttributeType.S)];
                request.KeySchema = [new("id", KeyType.HASH), new("k", KeyType.RANGE)];
                break;
            default:
                request.AttributeDefinitions = [new("k", ScalarAttributeType.S), new("r", ScalarAttributeType.S)];
                request.KeySchema = [new("k", KeyType.HASH), new("r", KeyType.RANGE)];
                break;
        }

        await fixture.Client.CreateTableAsync(request);
        using var kit = new RegistryKit(fixture, table);

        var error = await Assert.ThrowsAsync<DnsProviderException>(() => kit.Registry.GetRecordsAsync());

        Assert.Equal($"table \"{table}\" {expected}", error.Message);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task EnsureTable_CreateTableIfMissing_CreatesOnDemandTableWithHashKeyK()
    {
        using var kit = new RegistryKit(fixture, DynamoDbLocalServer.NewTableName("created"), configure: o => o.CreateTableIfMissing = true);

        await kit.Registry.EnsureTableAsync();
        var records = await kit.Registry.GetRecordsAsync();

        var table = (await fixture.Client.DescribeTableAsync(kit.Table)).Table;
        Assert.Equal(KeyType.HASH, Assert.Single(table.KeySchema).KeyType);
        Assert.Equal("k", table.KeySchema[0].AttributeName);
        Assert.Equal(BillingMode.PAY_PER_REQUEST, table.BillingModeSummary?.BillingMode ?? BillingMode.PAY_PER_REQUEST);
        Assert.Empty(records);
        Assert.Equal(1, kit.Handler.Count("CreateTable"));
    }

    [Fact]
    public async Task ApplyChanges_CreateUpdateDelete_RoundTripsItemsAndRecords()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());

        // Create.
        var (planned, result) = await kit.ReconcileAsync([A("www", "192.0.2.1", "svc/www"), A("api", "192.0.2.2", "svc/api")]);
        Assert.Equal(2, planned.Create.Count);
        Assert.Empty(result!.Rejected);
        Assert.Equal(["api.example.org A 192.0.2.2", "www.example.org A 192.0.2.1"], kit.Records());
        var items = await fixture.ItemsAsync(kit.Table);
        Assert.Equal(["api.example.org#A#", "www.example.org#A#"], items.Select(i => i.K));
        Assert.All(items, i => Assert.Equal("owner-a", i.O));
        Assert.Equal("svc/www", items[1].L["resource"]);
        Assert.DoesNotContain("owner", items[1].L.Keys);

        var read = await kit.Registry.GetRecordsAsync();
        var www = Assert.Single(read, r => r.DnsName == "www.example.org");
        Assert.Equal("owner-a", www.Owner);
        Assert.Equal("svc/www", www.Labels["resource"]);

        // Update: new target and a new resource label.
        (planned, result) = await kit.ReconcileAsync([A("www", "192.0.2.9", "svc/www2"), A("api", "192.0.2.2", "svc/api")]);
        Assert.Single(planned.UpdateNew);
        Assert.Empty(result!.Rejected);
        Assert.Contains("www.example.org A 192.0.2.9", kit.Records());
        items = await fixture.ItemsAsync(kit.Table);
        Assert.Equal("svc/www2", items.Single(i => i.K == "www.example.org#A#").L["resource"]);

        // Delete.
        (planned, result) = await kit.ReconcileAsync([A("api", "192.0.2.2", "svc/api")]);
        Assert.Single(planned.Delete);
        Assert.Equal(["api.example.org A 192.0.2.2"], kit.Records());
        Assert.Equal(["api.example.org#A#"], (await fixture.ItemsAsync(kit.Table)).Select(i => i.K));

        // Converged.
        (planned, _) = await kit.ReconcileAsync([A("api", "192.0.2.2", "svc/api")]);
        Assert.False(planned.HasChanges);
    }

    [Fact]
    public async Task GetRecords_ItemsWrittenByExternalDns_AttachLabelsBySetIdentifierAndIgnoreOtherOwners()
    {
        var table = await fixture.CreateTableAsync();
        using var kit = new RegistryKit(fixture, table);
        await kit.Provider.ApplyChangesAsync(new DnsChanges
        {
            Create =
            [
                A("foo", "192.0.2.1"),
                A("baz", "192.0.2.2") with { SetIdentifier = "set-1" },
                A("theirs", "192.0.2.3"),
                A("nobody", "192.0.2.4"),
            ],
        });
        await fixture.PutItemAsync(table, "foo.example.org#A#", "owner-a", new Dictionary<string, string> { ["resource"] = "ingress/default/foo" });
        await fixture.PutItemAsync(table, "baz.example.org#A#set-1", "owner-a");
        await fixture.PutItemAsync(table, "theirs.example.org#A#", "owner-b", new Dictionary<string, string> { ["resource"] = "x" });

        var records = await kit.Registry.GetRecordsAsync();

        Assert.Equal("ingress/default/foo", records.Single(r => r.DnsName == "foo.example.org").Labels["resource"]);
        Assert.Equal("owner-a", records.Single(r => r.DnsName == "foo.example.org").Owner);
        Assert.Equal("owner-a", records.Single(r => r.DnsName == "baz.example.org").Owner);
        Assert.Null(records.Single(r => r.DnsName == "theirs.example.org").Owner);
        Assert.Empty(records.Single(r => r.DnsName == "nobody.example.org").Labels);
        Assert.Equal(1, kit.Handler.Count("Scan"));
        Assert.Equal(1, kit.Handler.Count("DescribeTable"));
    }

    [Fact]
    public async Task GetRecords_TableLargerThanOneScanPage_ReadsEveryPage()
    {
        var table = await fixture.CreateTableAsync();
        using var kit = new RegistryKit(fixture, table);
        var big = new string('x', 10_000);
        var names = Enumerable.Range(0, 120).Select(i => $"p{i}.example.org").ToList();
        await kit.Provider.ApplyChangesAsync(new DnsChanges { Create = [.. names.Select(n => A(n, "192.0.2.1"))] });
        foreach (var chunk in names.Chunk(25))
        {
            await fixture.Client.BatchWriteItemAsync(new BatchWriteItemRequest
            {
                RequestItems = new Dictionary<string, List<WriteRequest>>
                {
                    [table] = [.. chunk.Select(n => new WriteRequest(new PutRequest(new Dictionary<string, AttributeValue>
                    {
                        ["k"] = new($"{n}#A#"),
                        ["o"] = new("owner-a"),
                        ["l"] = new AttributeValue { M = new Dictionary<string, AttributeValue> { ["resource"] = new(n), ["note"] = new(big) } },
                    })))],
                },
            });
        }

        var records = await kit.Registry.GetRecordsAsync();

        Assert.True(kit.Handler.Count("Scan") >= 2, $"expected several pages, got {kit.Handler.Count("Scan")}");
        Assert.Equal(120, records.Count);
        Assert.All(records, r => Assert.Equal(("owner-a", r.DnsName), (r.Owner, r.Labels["resource"])));
    }

    [Fact]
    public async Task GetRecords_SteadyState_MakesNoDynamoDbCallsInsideTheCacheInterval()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync(), configure: o => o.CacheInterval = TimeSpan.FromMinutes(1));
        var desired = Enumerable.Range(0, 10).Select(i => A($"h{i}", $"192.0.2.{i + 1}")).ToList();
        await kit.ReconcileAsync(desired);
        kit.Handler.Reset();
        var providerReads = kit.Provider.ReadCount;

        for (var i = 0; i < 5; i++)
        {
            kit.Clock.Advance(TimeSpan.FromSeconds(10));
            var (planned, _) = await kit.ReconcileAsync(desired);
            Assert.False(planned.HasChanges);
        }

        Assert.Equal(0, kit.Handler.Total);
        Assert.Equal(providerReads, kit.Provider.ReadCount);

        // Past the interval: one Scan (the table was checked once already), one provider read.
        kit.Clock.Advance(TimeSpan.FromSeconds(11));
        await kit.ReconcileAsync(desired);
        Assert.Equal(new Dictionary<string, int> { ["Scan"] = 1 }, kit.Handler.Snapshot());
        Assert.Equal(providerReads + 1, kit.Provider.ReadCount);
    }

    [Fact]
    public async Task GetRecords_WithoutCache_ScansOncePerReconcile()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        var desired = new[] { A("www", "192.0.2.1") };
        await kit.ReconcileAsync(desired);
        kit.Handler.Reset();

        await kit.ReconcileAsync(desired);
        await kit.ReconcileAsync(desired);

        Assert.Equal(new Dictionary<string, int> { ["Scan"] = 2 }, kit.Handler.Snapshot());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(25)]
    [InlineData(26)]
    [InlineData(60)]
    public async Task ApplyChanges_NCreatesThenNDeletes_UseCeilingOfNOver25BatchCalls(int n)
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync(), configure: o => o.CacheInterval = TimeSpan.FromMinutes(1));
        await kit.Registry.GetRecordsAsync();
        kit.Handler.Reset();
        var desired = Enumerable.Range(0, n).Select(i => A($"n{i}", "192.0.2.1")).ToList();

        var (planned, result) = await kit.ReconcileAsync(desired);

        var batches = (n + 24) / 25;
        Assert.Equal(n, planned.Create.Count);
        Assert.Equal(n, result!.Applied.Create.Count);
        Assert.Equal(new Dictionary<string, int> { ["BatchExecuteStatement"] = batches }, kit.Handler.Snapshot());
        Assert.Equal(n, (await fixture.ItemsAsync(kit.Table)).Count);

        kit.Handler.Reset();
        (planned, _) = await kit.ReconcileAsync([]);
        Assert.Equal(n, planned.Delete.Count);
        Assert.Equal(new Dictionary<string, int> { ["BatchExecuteStatement"] = batches }, kit.Handler.Snapshot());
        Assert.Empty(await fixture.ItemsAsync(kit.Table));
        Assert.Empty(kit.Records());
    }

    [Fact]
    public async Task ApplyChanges_UpdateWithUnchangedLabels_WritesNoStatement()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync(), configure: o => o.CacheInterval = TimeSpan.FromMinutes(1));
        await kit.ReconcileAsync([A("www", "192.0.2.1", "svc/www")]);
        kit.Handler.Reset();

        var (planned, result) = await kit.ReconcileAsync([A("www", "192.0.2.2", "svc/www")]);

        Assert.Single(planned.UpdateNew);
        Assert.Single(result!.Applied.UpdateNew);
        Assert.Equal(0, kit.Handler.Total);
        Assert.Equal(["www.example.org A 192.0.2.2"], kit.Records());
    }

    [Fact]
    public async Task TwoOwners_ReconcilingConcurrentlyOnOneTable_NeverOverwriteEachOther()
    {
        var table = await fixture.CreateTableAsync();
        var provider = new InMemoryDnsProvider([Zone]);
        using var a = new RegistryKit(fixture, table, "owner-a", provider: provider);
        using var b = new RegistryKit(fixture, table, "owner-b", provider: provider);
        var desiredA = Enumerable.Range(0, 30).Select(i => A($"a{i}", "192.0.2.1", "team/a")).ToList();
        var desiredB = Enumerable.Range(0, 30).Select(i => A($"b{i}", "198.51.100.1", "team/b")).ToList();

        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Task.Run(() => a.ReconcileAsync(desiredA)), Task.Run(() => b.ReconcileAsync(desiredB)));
        }

        // Both also want "shared" now and then, and each wants the other's names gone from its own view: nothing of the
        // other is ever touched.
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(
                Task.Run(() => a.ReconcileAsync([.. desiredA, A("shared", "192.0.2.1")])),
                Task.Run(() => b.ReconcileAsync([.. desiredB, A("shared", "198.51.100.1")])));
        }

        var items = await fixture.ItemsAsync(table);
        Assert.Equal(61, items.Count);
        Assert.All(items.Where(i => i.K.StartsWith('a')), i => Assert.Equal(("owner-a", "team/a"), (i.O, i.L["resource"])));
        Assert.All(items.Where(i => i.K.StartsWith('b')), i => Assert.Equal(("owner-b", "team/b"), (i.O, i.L["resource"])));
        var shared = items.Single(i => i.K == "shared.example.org#A#");
        var expectedTarget = shared.O == "owner-a" ? "192.0.2.1" : "198.51.100.1";
        Assert.Contains($"shared.example.org A {expectedTarget}", a.Records());
        Assert.Equal(61, a.Records().Count);

        // The loser never sent "shared" to the provider.
        var loser = shared.O == "owner-a" ? b : a;
        Assert.DoesNotContain(loser.Faulty.Applied, c => c.Create.Concat(c.UpdateNew).Concat(c.Delete).Any(e => e.DnsName.StartsWith("shared", StringComparison.Ordinal)));
        var (planned, _) = await loser.ReconcileAsync(shared.O == "owner-a" ? [.. desiredB, A("shared", "198.51.100.1")] : [.. desiredA, A("shared", "192.0.2.1")]);
        Assert.False(planned.HasChanges);
    }

    [Fact]
    public async Task ApplyChanges_TwoOwnersCreateTheSameKeyConcurrently_ExactlyOneWinsAndTheLoserIsRejected()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var table = await fixture.CreateTableAsync();
            var provider = new InMemoryDnsProvider([Zone]);
            using var a = new RegistryKit(fixture, table, "owner-a", provider: provider);
            using var b = new RegistryKit(fixture, table, "owner-b", provider: provider);
            var changesA = new DnsChanges { Create = [A("race", "192.0.2.1")] };
            var changesB = new DnsChanges { Create = [A("race", "198.51.100.1")] };
            await a.Registry.GetRecordsAsync();
            await b.Registry.GetRecordsAsync();

            using var start = new Barrier(2);
            var results = await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(); return a.Registry.ApplyChangesAsync(changesA); }),
                Task.Run(() => { start.SignalAndWait(); return b.Registry.ApplyChangesAsync(changesB); }));

            var winner = Assert.Single(results, r => r.Applied.Create.Count == 1);
            var loser = Assert.Single(results, r => r.Applied.Create.Count == 0);
            var rejection = Assert.Single(loser.Rejected);
            Assert.Equal("race.example.org", rejection.Endpoint.DnsName);
            var item = Assert.Single(await fixture.ItemsAsync(table));
            Assert.Contains($"is held by owner '{item.O}'", rejection.Reason);
            Assert.Equal(item.O == "owner-a" ? "192.0.2.1" : "198.51.100.1", Assert.Single(a.Records()).Split(' ')[2]);
            var losingKit = item.O == "owner-a" ? b : a;
            Assert.Empty(losingKit.Faulty.Applied);
            Assert.Same(winner, item.O == "owner-a" ? results[0] : results[1]);
        }
    }

    [Fact]
    public async Task ApplyChanges_CreateOfAKeyAnotherOwnerHolds_IsDroppedFromTheProviderChangesAndRejected()
    {
        var table = await fixture.CreateTableAsync();
        await fixture.PutItemAsync(table, "taken.example.org#A#", "owner-b");
        using var kit = new RegistryKit(fixture, table);

        var (planned, result) = await kit.ReconcileAsync([A("taken", "192.0.2.1"), A("free", "192.0.2.2")]);

        Assert.Equal(2, planned.Create.Count);
        var rejected = Assert.Single(result!.Rejected);
        Assert.Equal("taken.example.org", rejected.Endpoint.DnsName);
        Assert.Equal($"the ownership item taken.example.org#A# in DynamoDB table \"{table}\" is held by owner 'owner-b'; the record was not created", rejected.Reason);
        Assert.Equal(["free.example.org"], Assert.Single(kit.Faulty.Applied).Create.Select(c => c.DnsName));
        Assert.Equal(["free.example.org A 192.0.2.2"], kit.Records());
        Assert.Equal([("free.example.org#A#", "owner-a"), ("taken.example.org#A#", "owner-b")], (await fixture.ItemsAsync(table)).Select(i => (i.K, i.O!)));
    }

    [Fact]
    public async Task ApplyChanges_DeleteAndCreateOfOneKeyInOneChangeSet_KeepsTheItem()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await kit.ReconcileAsync([A("www", "192.0.2.1", "svc/old")]);
        var current = Assert.Single(await kit.Registry.GetRecordsAsync());

        var result = await kit.Registry.ApplyChangesAsync(new DnsChanges { Delete = [current], Create = [A("www", "192.0.2.2", "svc/new")] });

        Assert.Empty(result.Rejected);
        Assert.Equal(["www.example.org A 192.0.2.2"], kit.Records());
        var item = Assert.Single(await fixture.ItemsAsync(kit.Table));
        Assert.Equal(("owner-a", "svc/new"), (item.O, item.L["resource"]));
    }

    [Fact]
    public async Task ApplyChanges_ChangesToRecordsOfAnotherOwner_AreRejectedAndNeverApplied()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());
        await kit.Provider.ApplyChangesAsync(new DnsChanges { Create = [A("theirs", "192.0.2.1"), A("unowned", "192.0.2.2")] });
        var theirs = A("theirs", "192.0.2.1").WithLabel(EndpointLabels.OwnerKey, "owner-b");
        var unowned = A("unowned", "192.0.2.2");

        var result = await kit.Registry.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [theirs],
            UpdateNew = [A("theirs", "192.0.2.9").WithLabel(EndpointLabels.OwnerKey, "owner-b")],
            Delete = [unowned],
        });

        Assert.Equal(2, result.Rejected.Count);
        Assert.Equal(0, result.Applied.Count);
        Assert.Empty(kit.Faulty.Applied);
        Assert.Equal(["theirs.example.org A 192.0.2.1", "unowned.example.org A 192.0.2.2"], kit.Records());
    }

    [Fact]
    public async Task ApplyChanges_UpdateWhoseItemAnotherOwnerTookMeanwhile_IsRejectedAndNotApplied()
    {
        var table = await fixture.CreateTableAsync();
        using var kit = new RegistryKit(fixture, table, configure: o => o.CacheInterval = TimeSpan.FromMinutes(5));
        await kit.ReconcileAsync([A("www", "192.0.2.1", "svc/a")]);
        await kit.Registry.GetRecordsAsync();

        // Someone hands the item to owner-b behind our back; our cached view still says it is ours.
        await fixture.PutItemAsync(table, "www.example.org#A#", "owner-b");
        var (planned, result) = await kit.ReconcileAsync([A("www", "192.0.2.2", "svc/b")]);

        Assert.Single(planned.UpdateNew);
        var rejected = Assert.Single(result!.Rejected);
        Assert.Contains("is held by owner 'owner-b'", rejected.Reason);
        Assert.Equal(["www.example.org A 192.0.2.1"], kit.Records());
        Assert.Equal("owner-b", Assert.Single(await fixture.ItemsAsync(table)).O);
    }

    [Fact]
    public async Task ApplyChanges_OrphanedItemOfOurs_IsReadoptedByACreateAndOtherOrphansAreDeleted()
    {
        var table = await fixture.CreateTableAsync();
        await fixture.PutItemAsync(table, "back.example.org#A#", "owner-a", new Dictionary<string, string> { ["resource"] = "old" });
        await fixture.PutItemAsync(table, "gone.example.org#A#", "owner-a");
        await fixture.PutItemAsync(table, "foreign.example.org#A#", "owner-b");
        using var kit = new RegistryKit(fixture, table);

        var records = await kit.Registry.GetRecordsAsync();
        Assert.Empty(records);

        var (planned, result) = await kit.ReconcileAsync([A("back", "192.0.2.1", "new")]);

        Assert.Single(planned.Create);
        Assert.Empty(result!.Rejected);
        Assert.Equal(["back.example.org A 192.0.2.1"], kit.Records());
        var items = await fixture.ItemsAsync(table);
        Assert.Equal(["back.example.org#A#", "foreign.example.org#A#"], items.Select(i => i.K));
        Assert.Equal(("owner-a", "new"), (items[0].O, items[0].L["resource"]));
        Assert.Equal("owner-b", items[1].O);
    }

    [Fact]
    public async Task GetRecords_OldOwnerItems_AreOursAndHandedOverOnUpdate()
    {
        var table = await fixture.CreateTableAsync();
        using var kit = new RegistryKit(fixture, table, "owner-new", configure: o => o.OldOwnerId = "owner-old");
        await kit.Provider.ApplyChangesAsync(new DnsChanges { Create = [A("www", "192.0.2.1")] });
        await fixture.PutItemAsync(table, "www.example.org#A#", "owner-old", new Dictionary<string, string> { ["resource"] = "svc" });

        var records = await kit.Registry.GetRecordsAsync();
        Assert.Equal("owner-new", Assert.Single(records).Owner);

        await kit.ReconcileAsync([A("www", "192.0.2.2", "svc")]);

        var item = Assert.Single(await fixture.ItemsAsync(table));
        Assert.Equal(("owner-new", "svc"), (item.O, item.L["resource"]));
        Assert.Equal(["www.example.org A 192.0.2.2"], kit.Records());
    }

    [Fact]
    public async Task Reconcile_OldOwnerIdAlone_HandsOverUnchangedRecordsOnceThenNoChanges()
    {
        // One migration setting: the registry's OldOwnerId; the planner needs none. The desired record is unchanged.
        var table = await fixture.CreateTableAsync();
        using var kit = new RegistryKit(fixture, table, "owner-new", configure: o => o.OldOwnerId = "owner-old");
        await kit.Provider.ApplyChangesAsync(new DnsChanges { Create = [A("www", "192.0.2.1")] });
        await fixture.PutItemAsync(table, "www.example.org#A#", "owner-old", new Dictionary<string, string> { ["resource"] = "svc" });

        var (first, _) = await kit.ReconcileAsync([A("www", "192.0.2.1", "svc")]);
        var (second, _) = await kit.ReconcileAsync([A("www", "192.0.2.1", "svc")]);

        Assert.Single(first.UpdateNew);
        Assert.Equal("owner-new", Assert.Single(await fixture.ItemsAsync(table)).O);
        Assert.False(second.HasChanges);
        Assert.Equal(["www.example.org A 192.0.2.1"], kit.Records());
    }

    [Fact]
    public async Task GetRecords_LeaseItemInTheSameTable_IsNeitherReturnedNorDeletedAsAnOrphan()
    {
        var table = await fixture.CreateTableAsync();
        using var client = fixture.NewClient();
        var lease = new Ccx.Dns.DynamoDb.DynamoDbLeaderLease(client, new() { TableName = table, LeaseName = "owner-a" }, new ManualTimeProvider());
        Assert.True(await lease.TryAcquireOrRenewAsync());
        using var kit = new RegistryKit(fixture, table);

        await kit.ReconcileAsync([A("www", "192.0.2.1")]);
        await kit.ReconcileAsync([A("api", "192.0.2.2")]);

        Assert.Equal(["#lease#owner-a", "api.example.org#A#"], (await fixture.ItemsAsync(table)).Select(i => i.K));
    }

    [Fact]
    public async Task GetRecords_UnreachableEndpoint_FailsTransientWithoutLeakingTheSecret()
    {
        var options = new DynamoDbRegistryOptions { TableName = "external-dns", OwnerId = "owner-a" };
        using var client = new AmazonDynamoDBClient(
            new Amazon.Runtime.BasicAWSCredentials(DynamoDbLocalServer.AccessKey, DynamoDbLocalServer.SecretKey),
            new AmazonDynamoDBConfig { ServiceURL = $"http://127.0.0.1:{LoopbackPorts.FreeTcpPort()}", AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var logger = new CapturingLogger<DynamoDbRegistry>();
        var registry = new DynamoDbRegistry(new InMemoryDnsProvider([Zone]), client, options, new ManualTimeProvider(), logger);

        var error = await Assert.ThrowsAsync<DnsProviderException>(() => registry.GetRecordsAsync());

        Assert.True(error.IsTransient);
        Assert.Contains("external-dns", error.Message);
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(DynamoDbLocalServer.SecretKey, e.ToString());
        }

        Assert.All(logger.Lines, l => Assert.DoesNotContain(DynamoDbLocalServer.SecretKey, l));
    }

    [Fact]
    public async Task ApplyChanges_MismatchedUpdateLists_Throws()
    {
        using var kit = new RegistryKit(fixture, await fixture.CreateTableAsync());

        await Assert.ThrowsAsync<ArgumentException>(() => kit.Registry.ApplyChangesAsync(new DnsChanges { UpdateNew = [A("www", "192.0.2.1")] }));
    }
}
