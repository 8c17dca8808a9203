using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Tests.TestDoubles;
using static Ccx.Dns.Tests.Registry.Txt.TxtRegistryTestKit;

namespace Ccx.Dns.Tests.Registry.Txt;

/// <summary>
/// The registry's write-safety rules: a record never forges ownership, a literal name never takes a wildcard's
/// ownership, an ownership record in another zone is created first and deleted last.
/// </summary>
public sealed class TxtRegistryWriteSafetyTests
{
    [Theory]
    [InlineData("heritage=external-dns,external-dns/owner=owner")]
    [InlineData("\"heritage=external-dns,external-dns/owner=someone-else\"")]
    [InlineData("heritage=external-dns")]
    public async Task ApplyChangesAsync_TxtRecordCarryingOwnershipText_IsRefusedAndTheRestApplied(string text)
    {
        var provider = NewProvider();
        var registry = CreateRegistry(provider, o => o.ManagedRecordTypes.Add("TXT"));
        await registry.GetRecordsAsync();

        var result = await registry.ApplyChangesAsync(new DnsChanges
        {
            Create = [TxtRecord("a-legacy.example.org", text), A("ok.example.org", "192.0.2.1")],
        });

        var refused = Assert.Single(result.Rejected);
        Assert.Equal("a-legacy.example.org", refused.Endpoint.DnsName);
        Assert.Contains("ownership text", refused.Reason, StringComparison.Ordinal);
        Assert.Null(FindInZone(provider, "a-legacy.example.org", RecordType.TXT));
        Assert.NotNull(FindInZone(provider, "ok.example.org", RecordType.A));
    }

    [Fact]
    public async Task ApplyChangesAsync_UpdateOfOurTxtRecordToOwnershipText_IsRefused()
    {
        var provider = NewProvider();
        var registry = CreateRegistry(provider, o => o.ManagedRecordTypes.Add("TXT"));
        await registry.GetRecordsAsync();
        await registry.ApplyChangesAsync(new DnsChanges { Create = [TxtRecord("note.example.org", "hello")] });
        var current = Single(await registry.GetRecordsAsync(), "note.example.org", RecordType.TXT);

        var result = await registry.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [current],
            UpdateNew = [current with { Targets = ["heritage=external-dns,external-dns/owner=owner"] }],
        });

        Assert.Contains("ownership text", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
        Assert.Equal(["hello"], FindInZone(provider, "note.example.org", RecordType.TXT)!.Targets);
    }

    [Fact]
    public async Task ApplyChangesAsync_TxtRecordAtAnotherOwnersOwnershipName_IsRefusedAndTheRestApplied()
    {
        var provider = NewProvider();
        await SeedAsync(provider, A("theirs.example.org", "198.51.100.1"), TxtRecord("a-theirs.example.org", OwnershipText("beta")));
        var registry = CreateRegistry(provider, o => o.ManagedRecordTypes.Add("TXT"));
        await registry.GetRecordsAsync();

        var result = await registry.ApplyChangesAsync(new DnsChanges
        {
            Create = [TxtRecord("a-theirs.example.org", "anything"), A("valid.example.org", "192.0.2.10")],
        });

        var refused = Assert.Single(result.Rejected);
        Assert.Contains("is the ownership record of theirs.example.org (owner 'beta')", refused.Reason, StringComparison.Ordinal);
        Assert.Equal([OwnershipText("beta")], FindInZone(provider, "a-theirs.example.org", RecordType.TXT)!.Targets);
        Assert.NotNull(FindInZone(provider, "valid.example.org", RecordType.A));
    }

    [Fact]
    public async Task ApplyChangesAsync_TxtRecordWhereThisChangeSetWritesOwnership_IsRefused()
    {
        var provider = NewProvider();
        var registry = CreateRegistry(provider, o => o.ManagedRecordTypes.Add("TXT"));
        await registry.GetRecordsAsync();

        var result = await registry.ApplyChangesAsync(new DnsChanges
        {
            Create = [TxtRecord("a-new.example.org", "plain"), A("new.example.org", "192.0.2.11")],
        });

        Assert.Contains("ownership record of another record of this change set", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
        Assert.Equal("owner", Single(await CreateRegistry(provider).GetRecordsAsync(), "new.example.org", RecordType.A).Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_TxtRecordOwnedAsARecord_IsNeverReadAsOwnership()
    {
        // A TXT record at a-legacy that we own as a record (txt-a-legacy says so) carries ownership-looking text, as
        // one written before forged text was refused could: it stays a record and legacy stays unowned.
        var provider = NewProvider();
        await SeedAsync(provider,
            A("legacy.example.org", "198.51.100.7"),
            TxtRecord("a-legacy.example.org", OwnershipText("owner")),
            TxtRecord("txt-a-legacy.example.org", OwnershipText("owner")));

        var records = await CreateRegistry(provider, o => o.ManagedRecordTypes.Add("TXT")).GetRecordsAsync();

        Assert.Null(Single(records, "legacy.example.org", RecordType.A).Owner);
        Assert.Equal("owner", Single(records, "a-legacy.example.org", RecordType.TXT).Owner);
    }

    [Fact]
    public async Task GetRecordsAsync_LiteralRecordAtWildcardReplacement_IsNotOwnedThroughTheWildcardsOwnership()
    {
        var provider = NewProvider();
        await SeedAsync(provider,
            A("*.apps.example.org", "192.0.2.20"),
            A("any.apps.example.org", "198.51.100.9"),
            TxtRecord("a-any.apps.example.org", OwnershipText("owner")));

        var records = await CreateRegistry(provider, o => o.WildcardReplacement = "any").GetRecordsAsync();

        Assert.Equal("owner", Single(records, "*.apps.example.org", RecordType.A).Owner);
        Assert.Null(Single(records, "any.apps.example.org", RecordType.A).Owner);
    }

    [Theory]
    [InlineData("any.apps.example.org")]
    [InlineData("ANY.apps.example.org")]
    public async Task ApplyChangesAsync_CreateAtWildcardReplacementName_IsRefusedWithTheFix(string name)
    {
        var provider = NewProvider();
        var registry = CreateRegistry(provider, o => o.WildcardReplacement = "any");
        await registry.GetRecordsAsync();

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [A(name, "192.0.2.1"), A("anyway.apps.example.org", "192.0.2.2")] });

        Assert.Contains("choose a WildcardReplacement that no desired name uses", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
        Assert.Null(FindInZone(provider, "any.apps.example.org", RecordType.A));
        Assert.NotNull(FindInZone(provider, "anyway.apps.example.org", RecordType.A));
    }

    [Fact]
    public async Task ApplyChangesAsync_OwnershipInParentZone_IsCreatedBeforeTheRecordAndDeletedAfterIt()
    {
        var inner = new InMemoryDnsProvider(["example.org", "sub.example.org"]);
        var provider = new RecordingDnsProvider(inner);
        var registry = CreateRegistry(provider);
        await registry.GetRecordsAsync();

        await registry.ApplyChangesAsync(new DnsChanges { Create = [A("sub.example.org", "192.0.2.30"), A("x.sub.example.org", "192.0.2.31")] });

        Assert.Equal(2, provider.Applied.Count);
        Assert.Equal(["a-sub.example.org"], provider.Applied[0].Create.Select(r => r.DnsName));
        Assert.DoesNotContain(provider.Applied[1].Create, r => r.DnsName == "a-sub.example.org");
        var owned = Single(await registry.GetRecordsAsync(), "sub.example.org", RecordType.A);
        Assert.Equal("owner", owned.Owner);

        provider.Applied.Clear();
        await registry.ApplyChangesAsync(new DnsChanges { Delete = [owned] });

        Assert.Equal(2, provider.Applied.Count);
        Assert.Equal(["sub.example.org"], provider.Applied[0].Delete.Select(r => r.DnsName));
        Assert.Equal(["a-sub.example.org"], provider.Applied[1].Delete.Select(r => r.DnsName));
        Assert.Empty(inner.GetZoneRecords("example.org"));
        Assert.Equal(["a-x.sub.example.org", "x.sub.example.org"], inner.GetZoneRecords("sub.example.org").Select(r => r.DnsName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ApplyChangesAsync_RecordWriteFailsAfterCrossZoneOwnership_LeavesOnlyAnOwnershipRecordAndConverges()
    {
        var inner = new InMemoryDnsProvider(["example.org", "sub.example.org"]);
        var provider = new RecordingDnsProvider(inner);
        var registry = CreateRegistry(provider);

        // The second write (the record itself) fails: the ownership record is there, the record is not.
        var failing = new FailSecondApplyProvider(inner);
        var failingRegistry = CreateRegistry(failing);
        await failingRegistry.GetRecordsAsync();
        var error = await Assert.ThrowsAsync<DnsProviderException>(() => failingRegistry.ApplyChangesAsync(new DnsChanges { Create = [A("sub.example.org", "192.0.2.30")] }));
        Assert.True(error.IsPartial);
        Assert.Single(inner.GetZoneRecords("example.org"));
        Assert.Empty(inner.GetZoneRecords("sub.example.org"));

        // The next apply creates the record under the ownership record already there, and nothing is left ownerless.
        var records = await registry.GetRecordsAsync();
        Assert.Empty(records);
        await registry.ApplyChangesAsync(new DnsChanges { Create = [A("sub.example.org", "192.0.2.31")] });

        Assert.Equal("owner", Single(await registry.GetRecordsAsync(), "sub.example.org", RecordType.A).Owner);
        Assert.Single(inner.GetZoneRecords("example.org"));
    }

    [Fact]
    public async Task ApplyChangesAsync_OwnershipNameOutsideEveryZone_IsRefusedWithTheFix()
    {
        // The apex of the only zone: a-example.org would be in no zone of the provider.
        var provider = new RecordingDnsProvider(new InMemoryDnsProvider(["example.org"]));
        var registry = CreateRegistry(provider);
        await registry.GetRecordsAsync();

        var result = await registry.ApplyChangesAsync(new DnsChanges { Create = [A("example.org", "192.0.2.1")] });

        Assert.Contains("would lie outside the provider's zones", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
        Assert.Empty(provider.Applied);
    }

    /// <summary>A zone-aware provider whose second apply fails (as a lost connection would) without applying.</summary>
    private sealed class FailSecondApplyProvider(InMemoryDnsProvider inner) : IZoneAwareDnsProvider
    {
        private int _applies;

        public DomainFilter DomainFilter => inner.DomainFilter;

        public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) => inner.GetRecordsAsync(cancellationToken);

        public Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default) =>
            ++_applies == 2
                ? throw new DnsProviderException("connection lost", isTransient: true)
                : inner.ApplyChangesAsync(changes, cancellationToken);

        public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => endpoints;

        public string? FindZone(string dnsName) => inner.FindZone(dnsName);
    }
}
