using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Registry.Txt;
using Ccx.Dns.Tests.TestDoubles;
using static Ccx.Dns.Tests.Registry.Txt.TxtRegistryTestKit;

namespace Ccx.Dns.Tests.Registry.Txt;

public sealed class TxtRegistryTests
{
    // ---- GetRecordsAsync: reading ownership ----

    [Fact]
    public async Task GetRecordsAsync_NewFormatOwnershipRecord_AttachesLabelsAndHidesTxt()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("foo.example.org", "1.2.3.4"),
            TxtRecord("a-foo.example.org", OwnershipText("owner", "ingress/default/foo")));

        var records = await CreateRegistry(provider).GetRecordsAsync();

        var record = Assert.Single(records);
        Assert.Equal("foo.example.org", record.DnsName);
        Assert.Equal("owner", record.Owner);
        Assert.Equal("ingress/default/foo", record.Labels[EndpointLabels.ResourceKey]);
        Assert.Empty(record.ProviderSpecific);
    }

    [Fact]
    public async Task GetRecordsAsync_UnquotedText_IsRead()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            Cname("foo.example.org", "bar.example.net"),
            TxtRecord("cname-foo.example.org", "heritage=external-dns,external-dns/owner=owner"));

        var record = Assert.Single(await CreateRegistry(provider).GetRecordsAsync());

        Assert.Equal("owner", record.Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_OldFormatOwnershipRecord_OwnsEveryTypeButAaaa()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("foo.example.org", "1.2.3.4"),
            Aaaa("foo.example.org", "2001:db8::1"),
            new DnsEndpoint("foo.example.org", RecordType.MX, "10 mail.example.org"),
            TxtRecord("foo.example.org", OwnershipText("owner")));

        var records = await CreateRegistry(provider).GetRecordsAsync();

        Assert.Equal(3, records.Count);
        Assert.Equal("owner", Single(records, "foo.example.org", RecordType.A).Owner);
        Assert.Equal("owner", Single(records, "foo.example.org", RecordType.MX).Owner);
        Assert.Null(Single(records, "foo.example.org", RecordType.AAAA).Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_TypedOwnershipPerType_OwnsOnlyThatType()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("foo.example.org", "1.2.3.4"),
            Aaaa("foo.example.org", "2001:db8::1"),
            TxtRecord("a-foo.example.org", OwnershipText("cluster-a")),
            TxtRecord("aaaa-foo.example.org", OwnershipText("cluster-b")));

        var records = await CreateRegistry(provider).GetRecordsAsync();

        Assert.Equal("cluster-a", Single(records, "foo.example.org", RecordType.A).Owner);
        Assert.Equal("cluster-b", Single(records, "foo.example.org", RecordType.AAAA).Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_TxtRecordsWithoutExternalDnsHeritage_AreReturnedAsRecords()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            TxtRecord("example.org", "\"v=spf1 include:_spf.example.org ~all\""),
            TxtRecord("a-foo.example.org", "\"heritage=mate,external-dns/owner=owner\""),
            A("foo.example.org", "1.2.3.4"));

        var records = await CreateRegistry(provider).GetRecordsAsync();

        Assert.Equal(3, records.Count);
        Assert.Null(Single(records, "foo.example.org", RecordType.A).Owner);
        Assert.NotNull(Find(records, "example.org", RecordType.TXT));
        Assert.NotNull(Find(records, "a-foo.example.org", RecordType.TXT));
    }

    [Fact]
    public async Task GetRecordsAsync_OrphanOwnershipRecords_AreConsumed()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            TxtRecord("a-gone.example.org", OwnershipText("owner")),
            TxtRecord("gone-too.example.org", OwnershipText("other")));

        Assert.Empty(await CreateRegistry(provider).GetRecordsAsync());
    }

    [Fact]
    public async Task GetRecordsAsync_TxtWithoutTargets_IsDropped()
    {
        var provider = NewProvider();
        await SeedAsync(provider, new DnsEndpoint("empty.example.org", RecordType.TXT), A("foo.example.org", "1.2.3.4"));

        var record = Assert.Single(await CreateRegistry(provider).GetRecordsAsync());

        Assert.Equal(RecordType.A, record.RecordType);
    }

    [Fact]
    public async Task GetRecordsAsync_WildcardWithReplacement_FindsOwnership()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("*.example.org", "1.2.3.4"),
            TxtRecord("txt-a-wild.example.org", OwnershipText("owner")));

        var record = Assert.Single(await CreateRegistry(provider, o => { o.Prefix = "txt-"; o.WildcardReplacement = "wild"; }).GetRecordsAsync());

        Assert.Equal("*.example.org", record.DnsName);
        Assert.Equal("owner", record.Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_TemplatedPrefixEndingWithDotAtApex_FindsOwnership()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("example.org", "1.2.3.4"),
            TxtRecord("a-abc-.example.org", OwnershipText("owner")));

        var record = Assert.Single(await CreateRegistry(provider, o => o.Prefix = "%{record_type}-abc-.").GetRecordsAsync());

        Assert.Equal("owner", record.Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_TemplatedSuffix_FindsOwnership()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            Cname("www.example.org", "lb.example.net"),
            TxtRecord("www-cname.example.org", OwnershipText("owner")));

        var record = Assert.Single(await CreateRegistry(provider, o => o.Suffix = "-%{record_type}").GetRecordsAsync());

        Assert.Equal("owner", record.Owner);
        Assert.Empty(record.ProviderSpecific);
    }

    [Fact]
    public async Task GetRecordsAsync_SetIdentifiers_MatchOwnershipOfTheSameSet()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("foo.example.org", "1.1.1.1") with { SetIdentifier = "blue" },
            A("foo.example.org", "2.2.2.2") with { SetIdentifier = "green" },
            TxtRecord("a-foo.example.org", OwnershipText("owner")) with { SetIdentifier = "blue" },
            TxtRecord("a-foo.example.org", OwnershipText("other")) with { SetIdentifier = "green" });

        var records = await CreateRegistry(provider).GetRecordsAsync();

        Assert.Equal("owner", records.Single(r => r.SetIdentifier == "blue").Owner);
        Assert.Equal("other", records.Single(r => r.SetIdentifier == "green").Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_OwnedManagedRecordWithoutTypedOwnership_IsMarkedForForceUpdate()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("old.example.org", "1.2.3.4"),
            TxtRecord("old.example.org", OwnershipText("owner")),
            A("new.example.org", "1.2.3.4"),
            TxtRecord("a-new.example.org", OwnershipText("owner")),
            A("foreign.example.org", "1.2.3.4"),
            TxtRecord("foreign.example.org", OwnershipText("other")),
            new DnsEndpoint("mail.example.org", RecordType.MX, "10 mx.example.org"),
            TxtRecord("mail.example.org", OwnershipText("owner")));

        var records = await CreateRegistry(provider).GetRecordsAsync();

        static bool Forced(DnsEndpoint r) => r.TryGetProviderSpecific(ProviderSpecificNames.TxtForceUpdate, out var v) && v == "true";
        Assert.True(Forced(Single(records, "old.example.org", RecordType.A)));
        Assert.False(Forced(Single(records, "new.example.org", RecordType.A)));
        Assert.False(Forced(Single(records, "foreign.example.org", RecordType.A)));
        Assert.False(Forced(Single(records, "mail.example.org", RecordType.MX)), "MX is not a managed type by default");
    }

    [Fact]
    public async Task GetRecordsAsync_ManagedTypesOption_ExtendsForceUpdateCheck()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            new DnsEndpoint("mail.example.org", RecordType.MX, "10 mx.example.org"),
            TxtRecord("mail.example.org", OwnershipText("owner")));

        var record = Assert.Single(await CreateRegistry(provider, o => { o.ManagedRecordTypes.Add("A"); o.ManagedRecordTypes.Add("MX"); }).GetRecordsAsync());

        Assert.True(record.TryGetProviderSpecific(ProviderSpecificNames.TxtForceUpdate, out _));
    }

    [Fact]
    public async Task GetRecordsAsync_RecordOfOldOwner_IsReportedAsOwnedByOwner()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("foo.example.org", "1.2.3.4"),
            TxtRecord("a-foo.example.org", OwnershipText("old-owner", "service/ns/svc")),
            A("bar.example.org", "1.2.3.4"),
            TxtRecord("a-bar.example.org", OwnershipText("stranger")));

        var records = await CreateRegistry(provider, o => o.OldOwnerId = "old-owner").GetRecordsAsync();

        var foo = Single(records, "foo.example.org", RecordType.A);
        Assert.Equal("owner", foo.Owner);
        Assert.Equal("service/ns/svc", foo.Labels[EndpointLabels.ResourceKey]);
        Assert.True(foo.TryGetProviderSpecific(ProviderSpecificNames.TxtForceUpdate, out _), "the ownership record still names the old owner");
        var bar = Single(records, "bar.example.org", RecordType.A);
        Assert.Equal("stranger", bar.Owner);
        Assert.False(bar.TryGetProviderSpecific(ProviderSpecificNames.TxtForceUpdate, out _));
    }

    [Fact]
    public async Task GetRecordsAsync_AAliasWithLegacyCnameOwnership_IsOwnedAndMarkedForForceUpdate()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("alias.example.org", "lb.elb.amazonaws.com").WithProviderSpecific(ProviderSpecificNames.Alias, "true"),
            TxtRecord("cname-alias.example.org", OwnershipText("owner")));

        var record = Assert.Single(await CreateRegistry(provider).GetRecordsAsync());

        Assert.Equal("owner", record.Owner);
        Assert.True(record.TryGetProviderSpecific(ProviderSpecificNames.TxtForceUpdate, out _));
    }

    [Fact]
    public async Task GetRecordsAsync_NonAliasAWithCnameOwnership_IsNotOwned()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("plain.example.org", "1.2.3.4"),
            TxtRecord("cname-plain.example.org", OwnershipText("owner")));

        var record = Assert.Single(await CreateRegistry(provider).GetRecordsAsync());

        Assert.Null(record.Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_OwnershipTextChangedBetweenReads_ReturnsTheNewLabels()
    {
        var provider = NewProvider();
        await SeedAsync(provider, A("foo.example.org", "1.2.3.4"), TxtRecord("a-foo.example.org", OwnershipText("owner", "svc/a")));
        var registry = CreateRegistry(provider);
        Assert.Equal("svc/a", Assert.Single(await registry.GetRecordsAsync()).Labels[EndpointLabels.ResourceKey]);

        // Another writer (ExternalDNS) changes the ownership record, then hands the name over.
        var txt = FindInZone(provider, "a-foo.example.org", RecordType.TXT)!;
        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [txt], UpdateNew = [TxtRecord("a-foo.example.org", OwnershipText("owner", "svc/b"))] });
        Assert.Equal("svc/b", Assert.Single(await registry.GetRecordsAsync()).Labels[EndpointLabels.ResourceKey]);
        txt = FindInZone(provider, "a-foo.example.org", RecordType.TXT)!;
        await provider.ApplyChangesAsync(new DnsChanges { UpdateOld = [txt], UpdateNew = [TxtRecord("a-foo.example.org", "\"not ownership\"")] });

        var records = await registry.GetRecordsAsync();

        Assert.Null(Single(records, "foo.example.org", RecordType.A).Owner);
        Assert.NotNull(Find(records, "a-foo.example.org", RecordType.TXT));
    }

    // ---- ApplyChangesAsync: writing ownership ----

    [Fact]
    public async Task ApplyChangesAsync_Create_WritesRecordAndOwnershipTextInOneProviderCall()
    {
        var provider = NewProvider();
        var recorder = new RecordingDnsProvider(provider);
        var registry = CreateRegistry(recorder);
        await registry.GetRecordsAsync();
        var applyCount = provider.ApplyCount;

        var result = await registry.ApplyChangesAsync(new DnsChanges
        {
            Create = [A("foo.example.org", "1.2.3.4").WithLabel(EndpointLabels.ResourceKey, "ingress/default/foo")],
        });

        Assert.Equal(applyCount + 1, provider.ApplyCount);
        Assert.Empty(result.Rejected);
        Assert.Equal("owner", Assert.Single(result.Applied.Create).Owner);
        Assert.Equal(
            "\"heritage=external-dns,external-dns/owner=owner,external-dns/resource=ingress/default/foo\"",
            Assert.Single(FindInZone(provider, "a-foo.example.org", RecordType.TXT)!.Targets));
        Assert.NotNull(FindInZone(provider, "foo.example.org", RecordType.A));
        var sent = Assert.Single(recorder.Applied).Create.Single(r => r.RecordType == RecordType.TXT);
        Assert.Equal("foo.example.org", sent.Labels[EndpointLabels.OwnedRecordKey]);
    }

    [Fact]
    public async Task ApplyChangesAsync_RecordsSharingOneLabelMap_ShareTheOwnerLabelledMapAndTheOwnershipText()
    {
        var provider = NewProvider();
        var registry = CreateRegistry(provider);
        await registry.GetRecordsAsync();

        // A datastore's primary and replica names, as the naming source makes them: one label map for both.
        var labels = new Dictionary<string, string> { [EndpointLabels.ResourceKey] = "datastore/1" };
        var primary = A("db.example.org", "192.0.2.1").WithLabels(labels);
        var replica = A("replica.db.example.org", "192.0.2.2").WithLabels(primary.Labels);
        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [primary, replica] });

        Assert.Empty(result.Rejected);
        var created = result.Applied.Create;
        Assert.Equal(2, created.Count);
        Assert.Same(created[0].Labels, created[1].Labels);
        Assert.Equal(["owner", "resource"], created[0].Labels.Keys);
        var primaryText = Assert.Single(FindInZone(provider, "a-db.example.org", RecordType.TXT)!.Targets);
        var replicaText = Assert.Single(FindInZone(provider, "a-replica.db.example.org", RecordType.TXT)!.Targets);
        Assert.Equal("\"heritage=external-dns,external-dns/owner=owner,external-dns/resource=datastore/1\"", primaryText);
        Assert.Same(primaryText, replicaText);

        var records = await registry.GetRecordsAsync();
        Assert.Same(Single(records, "db.example.org", RecordType.A).Labels, Single(records, "replica.db.example.org", RecordType.A).Labels);
        Assert.Equal(created[0], Single(records, "db.example.org", RecordType.A));
    }

    [Fact]
    public async Task ApplyChangesAsync_CreateWithPrefixAndSetIdentifier_WritesOwnershipWithSameSetAndProperties()
    {
        var provider = NewProvider();
        var registry = CreateRegistry(provider, o => o.Prefix = "txt.");
        await registry.GetRecordsAsync();

        await registry.ApplyChangesAsync(new DnsChanges
        {
            Create = [(Cname("www.example.org", "lb.example.net") with { SetIdentifier = "eu" }).WithProviderSpecific("aws/weight", "10")],
        });

        var txt = Assert.Single(provider.GetZoneRecords(Zone), r => r.RecordType == RecordType.TXT);
        Assert.Equal("txt.cname-www.example.org", txt.DnsName);
        Assert.Equal("eu", txt.SetIdentifier);
        Assert.Equal([new ProviderSpecificProperty("aws/weight", "10")], txt.ProviderSpecific);
    }

    [Fact]
    public async Task ApplyChangesAsync_CreateAtWildcardAndApex_WritesAffixedOwnershipNames()
    {
        var provider = NewProvider();
        var registry = CreateRegistry(provider, o => { o.Prefix = "%{record_type}-owner."; o.WildcardReplacement = "any"; });
        await registry.GetRecordsAsync();

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [A("example.org", "1.2.3.4"), Cname("*.example.org", "lb.example.net")] });

        Assert.Empty(result.Rejected);
        Assert.NotNull(FindInZone(provider, "a-owner.example.org", RecordType.TXT));
        Assert.NotNull(FindInZone(provider, "cname-owner.any.example.org", RecordType.TXT));
        var records = await CreateRegistry(provider, o => { o.Prefix = "%{record_type}-owner."; o.WildcardReplacement = "any"; }).GetRecordsAsync();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal("owner", r.Owner));
        Assert.All(records, r => Assert.Empty(r.ProviderSpecific));
    }

    [Fact]
    public async Task ApplyChangesAsync_CreatedRecord_IsReadBackAsOwnedByAFreshRegistry()
    {
        var provider = NewProvider();
        var writer = CreateRegistry(provider);
        await writer.GetRecordsAsync();
        await writer.ApplyChangesAsync(new DnsChanges { Create = [Cname("app.example.org", "lb.example.net").WithLabel(EndpointLabels.ResourceKey, "service/ns/app")] });

        var record = Assert.Single(await CreateRegistry(provider).GetRecordsAsync());

        Assert.Equal("owner", record.Owner);
        Assert.Equal("service/ns/app", record.Labels[EndpointLabels.ResourceKey]);
        Assert.Empty(record.ProviderSpecific);
    }

    [Fact]
    public async Task ApplyChangesAsync_WithoutPriorRead_ReadsTheZoneFirst()
    {
        var provider = NewProvider();
        await SeedAsync(provider, TxtRecord("a-foo.example.org", OwnershipText("owner")));
        var registry = CreateRegistry(provider);

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "1.2.3.4")] });

        Assert.Empty(result.Rejected);
        Assert.Equal(1, provider.ReadCount);
        Assert.NotNull(FindInZone(provider, "foo.example.org", RecordType.A));
    }

    [Fact]
    public async Task ApplyChangesAsync_CreateWhereOwnOrphanOwnershipExists_SkipsTheOwnershipCreate()
    {
        var provider = NewProvider();
        var recorder = new RecordingDnsProvider(provider);
        await SeedAsync(provider, TxtRecord("a-foo.example.org", OwnershipText("owner")));
        var registry = CreateRegistry(recorder);
        await registry.GetRecordsAsync();

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "1.2.3.4")] });

        Assert.Empty(result.Rejected);
        Assert.DoesNotContain(Assert.Single(recorder.Applied).Create, r => r.RecordType == RecordType.TXT);
        Assert.Equal("owner", Assert.Single(await registry.GetRecordsAsync()).Owner);
    }

    [Fact]
    public async Task ApplyChangesAsync_CreateWhereOwnOrphanOwnershipHasOtherLabels_RewritesItFromReadText()
    {
        var provider = NewProvider();
        var recorder = new RecordingDnsProvider(provider);
        var orphanText = OwnershipText("owner", "ingress/default/old");
        await SeedAsync(provider, TxtRecord("a-foo.example.org", orphanText));
        var registry = CreateRegistry(recorder);
        await registry.GetRecordsAsync();

        await registry.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "1.2.3.4").WithLabel(EndpointLabels.ResourceKey, "ingress/default/new")] });

        var sent = Assert.Single(recorder.Applied);
        Assert.Equal(orphanText, Assert.Single(Assert.Single(sent.UpdateOld).Targets));
        Assert.Equal(OwnershipText("owner", "ingress/default/new"), Assert.Single(FindInZone(provider, "a-foo.example.org", RecordType.TXT)!.Targets));
    }

    [Fact]
    public async Task ApplyChangesAsync_CreateWhereAnotherOwnersOwnershipExists_IsRejectedAndNotCreated()
    {
        var provider = NewProvider();
        await SeedAsync(provider, TxtRecord("a-foo.example.org", OwnershipText("other")));
        var registry = CreateRegistry(provider);
        await registry.GetRecordsAsync();

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "1.2.3.4"), A("bar.example.org", "5.6.7.8")] });

        var rejected = Assert.Single(result.Rejected);
        Assert.Equal("foo.example.org", rejected.Endpoint.DnsName);
        Assert.Contains("'other'", rejected.Reason, StringComparison.Ordinal);
        Assert.Null(FindInZone(provider, "foo.example.org", RecordType.A));
        Assert.NotNull(FindInZone(provider, "bar.example.org", RecordType.A));
        Assert.Equal(OwnershipText("other"), Assert.Single(FindInZone(provider, "a-foo.example.org", RecordType.TXT)!.Targets));
    }

    [Fact]
    public async Task ApplyChangesAsync_CreateWhereForeignTxtOccupiesTheOwnershipName_IsRejected()
    {
        var provider = NewProvider();
        await SeedAsync(provider, TxtRecord("a-foo.example.org", "\"some verification token\""));
        var registry = CreateRegistry(provider);
        await registry.GetRecordsAsync();
        var applyCount = provider.ApplyCount;

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "1.2.3.4")] });

        Assert.Contains("not an ownership record", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
        Assert.Empty(result.Applied.Create);
        Assert.Equal(applyCount, provider.ApplyCount);
    }

    [Fact]
    public async Task ApplyChangesAsync_OwnershipNameOverDnsLimits_IsRejectedWithReasonAndTheRestApplied()
    {
        var provider = NewProvider();
        var registry = CreateRegistry(provider);
        await registry.GetRecordsAsync();
        var longLabel = A(new string('x', 62) + ".example.org", "1.2.3.4");
        var longName = Cname(string.Join('.', Enumerable.Repeat(new string('y', 60), 3)) + "." + new string('z', 58) + ".example.org", "t.example.net");
        Assert.True(longName.DnsName.Length <= 253);

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [longLabel, A("ok.example.org", "1.2.3.4"), longName] });

        Assert.Equal(2, result.Rejected.Count);
        Assert.Contains("63", result.Rejected.Single(r => r.Endpoint.DnsName == longLabel.DnsName).Reason, StringComparison.Ordinal);
        Assert.Contains("253", result.Rejected.Single(r => r.Endpoint.DnsName == longName.DnsName).Reason, StringComparison.Ordinal);
        Assert.Equal("ok.example.org", Assert.Single(result.Applied.Create).DnsName);
        var zone = provider.GetZoneRecords(Zone);
        Assert.Equal(2, zone.Count);
        Assert.NotNull(FindInZone(provider, "ok.example.org", RecordType.A));
        Assert.NotNull(FindInZone(provider, "a-ok.example.org", RecordType.TXT));
    }

    [Fact]
    public async Task ApplyChangesAsync_RecordsOfAnotherOwnerOrUnlabelled_AreNeverChangedOrDeleted()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("theirs.example.org", "1.1.1.1"),
            TxtRecord("a-theirs.example.org", OwnershipText("other")),
            A("manual.example.org", "2.2.2.2"),
            A("mine.example.org", "3.3.3.3"),
            TxtRecord("a-mine.example.org", OwnershipText("owner")));
        var registry = CreateRegistry(provider);
        var current = await registry.GetRecordsAsync();
        var theirs = Single(current, "theirs.example.org", RecordType.A);
        var manual = Single(current, "manual.example.org", RecordType.A);
        var mine = Single(current, "mine.example.org", RecordType.A);
        var before = provider.GetZoneRecords(Zone).ToHashSet();

        var result = await registry.ApplyChangesAsync(new DnsChanges
        {
            Delete = [theirs, manual, mine],
            UpdateOld = [theirs, manual, theirs.WithLabel(EndpointLabels.OwnerKey, "")],
            UpdateNew = [A("theirs.example.org", "9.9.9.9"), A("manual.example.org", "9.9.9.9"), A("theirs.example.org", "8.8.8.8")],
        });

        Assert.Equal(5, result.Rejected.Count);
        Assert.All(result.Rejected, r => Assert.Contains("not owned by 'owner'", r.Reason, StringComparison.Ordinal));
        Assert.Equal("mine.example.org", Assert.Single(result.Applied.Delete).DnsName);
        Assert.Empty(result.Applied.UpdateNew);
        var after = provider.GetZoneRecords(Zone).ToHashSet();
        before.ExceptWith([Single(before.ToList(), "mine.example.org", RecordType.A), Single(before.ToList(), "a-mine.example.org", RecordType.TXT)]);
        Assert.True(before.SetEquals(after));
    }

    [Fact]
    public async Task ApplyChangesAsync_OnlyForeignChanges_DoesNotCallTheProvider()
    {
        var provider = NewProvider();
        await SeedAsync(provider, A("manual.example.org", "2.2.2.2"));
        var registry = CreateRegistry(provider);
        var manual = Assert.Single(await registry.GetRecordsAsync());
        var applyCount = provider.ApplyCount;

        var result = await registry.ApplyChangesAsync(new DnsChanges { Delete = [manual] });

        Assert.Equal(applyCount, provider.ApplyCount);
        Assert.Single(result.Rejected);
    }

    [Fact]
    public async Task ApplyChangesAsync_UpdateHandingRecordToAnotherOwner_IsRejected()
    {
        var provider = NewProvider();
        await SeedAsync(provider, A("mine.example.org", "3.3.3.3"), TxtRecord("a-mine.example.org", OwnershipText("owner")));
        var registry = CreateRegistry(provider);
        var mine = Assert.Single(await registry.GetRecordsAsync());

        var result = await registry.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [mine],
            UpdateNew = [A("mine.example.org", "4.4.4.4").WithLabel(EndpointLabels.OwnerKey, "thief")],
        });

        Assert.Contains("'thief'", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
        Assert.Equal("3.3.3.3", Assert.Single(FindInZone(provider, "mine.example.org", RecordType.A)!.Targets));
    }

    [Fact]
    public async Task ApplyChangesAsync_DeleteOwned_DeletesRecordAndItsOwnershipRecord()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            Cname("foo.example.org", "bar.example.net"),
            TxtRecord("cname-foo.example.org", OwnershipText("owner")),
            A("keep.example.org", "1.2.3.4"),
            TxtRecord("a-keep.example.org", OwnershipText("owner")));
        var registry = CreateRegistry(provider);
        var foo = Single(await registry.GetRecordsAsync(), "foo.example.org", RecordType.CNAME);

        var result = await registry.ApplyChangesAsync(new DnsChanges { Delete = [foo] });

        Assert.Empty(result.Rejected);
        Assert.Null(FindInZone(provider, "foo.example.org", RecordType.CNAME));
        Assert.Null(FindInZone(provider, "cname-foo.example.org", RecordType.TXT));
        Assert.Equal(2, provider.GetZoneRecords(Zone).Count);
    }

    [Fact]
    public async Task ApplyChangesAsync_DeleteOwnedThroughLegacyOwnershipOnly_LeavesTheLegacyRecord()
    {
        var provider = NewProvider();
        await SeedAsync(provider, A("foo.example.org", "1.2.3.4"), TxtRecord("foo.example.org", OwnershipText("owner")));
        var registry = CreateRegistry(provider);
        var foo = Assert.Single(await registry.GetRecordsAsync());

        await registry.ApplyChangesAsync(new DnsChanges { Delete = [foo] });

        var remaining = Assert.Single(provider.GetZoneRecords(Zone));
        Assert.Equal(RecordType.TXT, remaining.RecordType);
        Assert.Equal("foo.example.org", remaining.DnsName);
    }

    [Fact]
    public async Task ApplyChangesAsync_UpdateOfTargetsOnly_LeavesOwnershipRecordAlone()
    {
        var provider = NewProvider();
        var recorder = new RecordingDnsProvider(provider);
        await SeedAsync(provider, A("foo.example.org", "1.2.3.4"), TxtRecord("a-foo.example.org", OwnershipText("owner", "svc/a")));
        var registry = CreateRegistry(recorder);
        var foo = Assert.Single(await registry.GetRecordsAsync());

        await registry.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [foo],
            UpdateNew = [A("foo.example.org", "5.6.7.8").WithLabels(foo.Labels)],
        });

        var sent = Assert.Single(recorder.Applied);
        Assert.All(sent.UpdateNew.Concat(sent.UpdateOld).Concat(sent.Create).Concat(sent.Delete), r => Assert.Equal(RecordType.A, r.RecordType));
        Assert.Equal("5.6.7.8", Assert.Single(FindInZone(provider, "foo.example.org", RecordType.A)!.Targets));
        Assert.Equal("svc/a", Assert.Single(await registry.GetRecordsAsync()).Labels[EndpointLabels.ResourceKey]);
    }

    [Fact]
    public async Task ApplyChangesAsync_UpdateOfResource_RewritesOwnershipRecordReplacingTheReadText()
    {
        var provider = NewProvider();
        var recorder = new RecordingDnsProvider(provider);
        var readText = "heritage=external-dns,external-dns/owner=owner,external-dns/resource=svc/a";
        await SeedAsync(provider, A("foo.example.org", "1.2.3.4"), TxtRecord("a-foo.example.org", readText));
        var registry = CreateRegistry(recorder);
        var foo = Assert.Single(await registry.GetRecordsAsync());

        await registry.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [foo],
            UpdateNew = [foo.WithLabel(EndpointLabels.ResourceKey, "svc/b")],
        });

        var sent = Assert.Single(recorder.Applied);
        Assert.Equal(readText, Assert.Single(sent.UpdateOld.Single(r => r.RecordType == RecordType.TXT).Targets));
        Assert.Equal(OwnershipText("owner", "svc/b"), Assert.Single(FindInZone(provider, "a-foo.example.org", RecordType.TXT)!.Targets));
    }

    [Fact]
    public async Task ApplyChangesAsync_ForceUpdateOfLegacyOwnership_CreatesTypedOwnershipRecord()
    {
        var provider = NewProvider();
        await SeedAsync(provider, A("foo.example.org", "1.2.3.4"), TxtRecord("foo.example.org", OwnershipText("owner", "svc/a")));
        var registry = CreateRegistry(provider);
        var current = Assert.Single(await registry.GetRecordsAsync());
        Assert.True(current.TryGetProviderSpecific(ProviderSpecificNames.TxtForceUpdate, out _));

        // What the planner emits: the desired record lacks the marker, so the pair differs.
        var result = await registry.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [current],
            UpdateNew = [current.WithoutProviderSpecific(ProviderSpecificNames.TxtForceUpdate)],
        });

        Assert.Empty(result.Rejected);
        Assert.Equal(OwnershipText("owner", "svc/a"), Assert.Single(FindInZone(provider, "a-foo.example.org", RecordType.TXT)!.Targets));
        Assert.NotNull(FindInZone(provider, "foo.example.org", RecordType.TXT));
        var reread = Assert.Single(await CreateRegistry(provider).GetRecordsAsync());
        Assert.False(reread.TryGetProviderSpecific(ProviderSpecificNames.TxtForceUpdate, out _));
    }

    [Fact]
    public async Task ApplyChangesAsync_OwnerMigration_RewritesOwnershipWithTheNewOwner()
    {
        var provider = NewProvider();
        var recorder = new RecordingDnsProvider(provider);
        var oldText = OwnershipText("old-owner", "svc/a");
        await SeedAsync(provider, A("foo.example.org", "1.2.3.4"), TxtRecord("a-foo.example.org", oldText));
        var registry = CreateRegistry(recorder, o => { o.OwnerId = "new-owner"; o.OldOwnerId = "old-owner"; });
        var current = Assert.Single(await registry.GetRecordsAsync());

        await registry.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [current],
            UpdateNew = [current.WithoutProviderSpecific(ProviderSpecificNames.TxtForceUpdate)],
        });

        Assert.Equal(oldText, Assert.Single(Assert.Single(recorder.Applied).UpdateOld.Single(r => r.RecordType == RecordType.TXT).Targets));
        Assert.Equal(OwnershipText("new-owner", "svc/a"), Assert.Single(FindInZone(provider, "a-foo.example.org", RecordType.TXT)!.Targets));
        var reread = Assert.Single(await CreateRegistry(provider, o => o.OwnerId = "new-owner").GetRecordsAsync());
        Assert.Equal("new-owner", reread.Owner);
    }

    [Fact]
    public async Task ApplyChangesAsync_AAliasMigration_WritesATxtAndDeleteRemovesOnlyIt()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("alias.example.org", "lb.elb.amazonaws.com").WithProviderSpecific(ProviderSpecificNames.Alias, "true"),
            TxtRecord("cname-alias.example.org", OwnershipText("owner")));
        var registry = CreateRegistry(provider);
        var current = Assert.Single(await registry.GetRecordsAsync());

        await registry.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [current],
            UpdateNew = [current.WithoutProviderSpecific(ProviderSpecificNames.TxtForceUpdate)],
        });
        var migrated = Assert.Single(await registry.GetRecordsAsync());
        await registry.ApplyChangesAsync(new DnsChanges { Delete = [migrated] });

        Assert.False(migrated.TryGetProviderSpecific(ProviderSpecificNames.TxtForceUpdate, out _));
        Assert.Equal("owner", migrated.Owner);
        var remaining = Assert.Single(provider.GetZoneRecords(Zone));
        Assert.Equal("cname-alias.example.org", remaining.DnsName);
    }

    [Fact]
    public async Task ApplyChangesAsync_UpdateChangingSetIdentifier_MovesTheOwnershipRecord()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("foo.example.org", "1.2.3.4") with { SetIdentifier = "blue" },
            TxtRecord("a-foo.example.org", OwnershipText("owner")) with { SetIdentifier = "blue" });
        var registry = CreateRegistry(provider);
        var current = Assert.Single(await registry.GetRecordsAsync());

        await registry.ApplyChangesAsync(new DnsChanges
        {
            Delete = [],
            UpdateOld = [current],
            UpdateNew = [current with { SetIdentifier = "green" }],
        });

        // The in-memory provider applies an update as delete-old + set-new, so the record moved sets.
        var txt = Assert.Single(provider.GetZoneRecords(Zone), r => r.RecordType == RecordType.TXT);
        Assert.Equal("green", txt.SetIdentifier);
    }

    [Fact]
    public async Task ApplyChangesAsync_ProviderFails_RethrowsAndReadsTheProviderAgainNextTime()
    {
        var provider = NewProvider();
        var recorder = new RecordingDnsProvider(provider);
        var time = new ManualTimeProvider();
        var registry = CreateRegistry(recorder, o => o.CacheInterval = TimeSpan.FromMinutes(5), time);
        await registry.GetRecordsAsync();
        recorder.FailNextApply = new DnsProviderException("throttled", isTransient: true);

        var ex = await Assert.ThrowsAsync<DnsProviderException>(() => registry.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "1.2.3.4")] }));
        var reads = provider.ReadCount;
        await registry.GetRecordsAsync();

        Assert.True(ex.IsTransient);
        Assert.Equal(reads + 1, provider.ReadCount);
    }

    [Fact]
    public async Task ApplyChangesAsync_EmptyChanges_DoesNotCallTheProvider()
    {
        var provider = NewProvider();
        var registry = CreateRegistry(provider);
        await registry.GetRecordsAsync();

        var result = await registry.ApplyChangesAsync(DnsChanges.Empty);

        Assert.Equal(0, provider.ApplyCount);
        Assert.Empty(result.Rejected);
    }

    // ---- Registry cache ----

    [Fact]
    public async Task GetRecordsAsync_WithinCacheInterval_ReadsTheProviderOnce()
    {
        var provider = NewProvider();
        var time = new ManualTimeProvider();
        var registry = CreateRegistry(provider, o => o.CacheInterval = TimeSpan.FromMinutes(1), time);

        var first = await registry.GetRecordsAsync();
        time.Advance(TimeSpan.FromSeconds(59));
        var second = await registry.GetRecordsAsync();

        Assert.Equal(1, provider.ReadCount);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task GetRecordsAsync_AfterCacheInterval_ReadsTheProviderAgain()
    {
        var provider = NewProvider();
        var time = new ManualTimeProvider();
        var registry = CreateRegistry(provider, o => o.CacheInterval = TimeSpan.FromMinutes(1), time);

        await registry.GetRecordsAsync();
        time.Advance(TimeSpan.FromMinutes(1));
        await registry.GetRecordsAsync();

        Assert.Equal(2, provider.ReadCount);
    }

    [Fact]
    public async Task GetRecordsAsync_CacheDisabled_ReadsTheProviderEveryTime()
    {
        var provider = NewProvider();
        var registry = CreateRegistry(provider);

        await registry.GetRecordsAsync();
        await registry.GetRecordsAsync();

        Assert.Equal(2, provider.ReadCount);
    }

    [Fact]
    public async Task ApplyChangesAsync_Success_PatchesTheCachedViewWithoutReading()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("old.example.org", "1.1.1.1"), TxtRecord("a-old.example.org", OwnershipText("owner")),
            A("upd.example.org", "2.2.2.2"), TxtRecord("a-upd.example.org", OwnershipText("owner", "svc/a")));
        var time = new ManualTimeProvider();
        var registry = CreateRegistry(provider, o => o.CacheInterval = TimeSpan.FromMinutes(5), time);
        var current = await registry.GetRecordsAsync();
        var upd = Single(current, "upd.example.org", RecordType.A);

        await registry.ApplyChangesAsync(new DnsChanges
        {
            Create = [A("new.example.org", "3.3.3.3")],
            UpdateOld = [upd],
            UpdateNew = [A("upd.example.org", "4.4.4.4").WithLabel(EndpointLabels.ResourceKey, "svc/b")],
            Delete = [Single(current, "old.example.org", RecordType.A)],
        });
        time.Advance(TimeSpan.FromMinutes(1));
        var cached = await registry.GetRecordsAsync();
        Assert.Equal(1, provider.ReadCount);
        var fresh = await CreateRegistry(provider).GetRecordsAsync();

        Assert.Equal(fresh.OrderBy(r => r.DnsName).ToList(), cached.OrderBy(r => r.DnsName).ToList());
        Assert.Equal("owner", Single(cached, "new.example.org", RecordType.A).Owner);
        Assert.Equal("svc/b", Single(cached, "upd.example.org", RecordType.A).Labels[EndpointLabels.ResourceKey]);
        Assert.Null(Find(cached, "old.example.org", RecordType.A));
    }

    [Fact]
    public async Task ApplyChangesAsync_AfterCachedPatch_SkipsOwnershipCreateForOrphanLeftByDelete()
    {
        var provider = NewProvider();
        await SeedAsync(provider, A("foo.example.org", "1.1.1.1"), TxtRecord("foo.example.org", OwnershipText("owner")));
        var time = new ManualTimeProvider();
        var registry = CreateRegistry(provider, o => o.CacheInterval = TimeSpan.FromMinutes(5), time);
        var foo = Assert.Single(await registry.GetRecordsAsync());
        await registry.ApplyChangesAsync(new DnsChanges { Delete = [foo] });
        Assert.Empty(await registry.GetRecordsAsync());

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [A("foo.example.org", "2.2.2.2")] });
        await registry.ApplyChangesAsync(new DnsChanges { Create = [A("bar.example.org", "2.2.2.2")] });

        Assert.Empty(result.Rejected);
        Assert.Equal(1, provider.ReadCount);
        Assert.Equal(5, provider.GetZoneRecords(Zone).Count);
    }
}
