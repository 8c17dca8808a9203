using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;

namespace Ccx.Dns.Tests.Providers;

public sealed class InMemoryDnsProviderTests
{
    private static InMemoryDnsProvider Create() => new(["example.org", "sub.example.org"]);

    private static DnsEndpoint A(string name, string ip) => new(name, RecordType.A, ip);

    [Fact]
    public async Task ApplyChanges_CreateUpdateDelete_RoundTrips()
    {
        var provider = Create();
        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("a.example.org", "1.1.1.1"), A("b.sub.example.org", "2.2.2.2")] });

        await provider.ApplyChangesAsync(new DnsChanges
        {
            UpdateOld = [A("a.example.org", "1.1.1.1")],
            UpdateNew = [A("a.example.org", "9.9.9.9")],
            Delete = [A("b.sub.example.org", "2.2.2.2")],
        });

        var records = await provider.GetRecordsAsync();
        Assert.Equal(["9.9.9.9"], Assert.Single(records).Targets);
        Assert.Empty(provider.GetZoneRecords("sub.example.org"));
    }

    [Fact]
    public async Task ApplyChanges_MostSpecificZoneHoldsTheRecord()
    {
        var provider = Create();

        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("x.sub.example.org", "1.1.1.1")] });

        Assert.Single(provider.GetZoneRecords("sub.example.org"));
        Assert.Empty(provider.GetZoneRecords("example.org"));
    }

    [Fact]
    public async Task ApplyChanges_CreateExisting_FailsAndChangesNothing()
    {
        var provider = Create();
        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("a.example.org", "1.1.1.1")] });

        var error = await Assert.ThrowsAsync<DnsRecordConflictException>(() => provider.ApplyChangesAsync(
            new DnsChanges { Create = [A("new.example.org", "3.3.3.3"), A("A.example.org.", "2.2.2.2")] }));

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsTransient); // a re-read shows the record as it is, and the next plan takes it into account
        Assert.False(error.IsPartial);
        Assert.Equal(new EndpointKey("a.example.org", RecordType.A), Assert.Single(error.RejectedEndpoints).Endpoint.Key);
        Assert.Equal(["a.example.org"], (await provider.GetRecordsAsync()).Select(r => r.DnsName));
    }

    [Theory]
    [InlineData("delete", "9.9.9.9", 300)]
    [InlineData("update", "9.9.9.9", 300)]
    [InlineData("delete", "1.1.1.1", 60)]
    [InlineData("update", "1.1.1.1", 60)]
    public async Task ApplyChanges_OldRecordNotAsStored_ConflictsAndChangesNothing(string operation, string oldTarget, long oldTtl)
    {
        var provider = Create();
        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("a.example.org", "1.1.1.1") with { Ttl = 300 }] });
        var stale = A("a.example.org", oldTarget) with { Ttl = oldTtl };
        var changes = operation == "delete"
            ? new DnsChanges { Create = [A("x.example.org", "1.1.1.1")], Delete = [stale] }
            : new DnsChanges { Create = [A("x.example.org", "1.1.1.1")], UpdateOld = [stale], UpdateNew = [A("a.example.org", "2.2.2.2")] };

        var error = await Assert.ThrowsAsync<DnsRecordConflictException>(() => provider.ApplyChangesAsync(changes));

        Assert.Contains("not the record as it was read", Assert.Single(error.RejectedEndpoints).Reason, StringComparison.Ordinal);
        var record = Assert.Single(await provider.GetRecordsAsync());
        Assert.Equal(["1.1.1.1"], record.Targets);
        Assert.Equal(300, record.Ttl);
    }

    [Fact]
    public async Task ApplyChanges_ConflictAfterDeletesUpdatesAndCreates_UndoesEveryStep()
    {
        var provider = Create();
        var kept = A("kept.example.org", "1.1.1.1");
        var updated = A("updated.example.org", "2.2.2.2");
        var deleted = A("deleted.sub.example.org", "3.3.3.3");
        var taken = A("taken.example.org", "4.4.4.4");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [kept, updated, deleted, taken] });
        var before = (await provider.GetRecordsAsync()).OrderBy(r => r.DnsName, StringComparer.Ordinal).ToArray();

        // Deleted, updated and created first; the last create conflicts, so every earlier step must be undone.
        var creates = Enumerable.Range(0, 2_000).Select(i => A($"bulk{i}.example.org", "5.5.5.5")).Append(A("TAKEN.example.org", "6.6.6.6")).ToArray();
        var error = await Assert.ThrowsAsync<DnsRecordConflictException>(() => provider.ApplyChangesAsync(new DnsChanges
        {
            Delete = [deleted],
            UpdateOld = [updated],
            UpdateNew = [A("updated.example.org", "7.7.7.7")],
            Create = creates,
        }));

        Assert.Equal(new EndpointKey("taken.example.org", RecordType.A), Assert.Single(error.RejectedEndpoints).Endpoint.Key);
        var after = (await provider.GetRecordsAsync()).OrderBy(r => r.DnsName, StringComparer.Ordinal).ToArray();
        Assert.Equal(before, after);
        Assert.Single(provider.GetZoneRecords("sub.example.org"));
    }

    [Fact]
    public async Task ApplyChanges_NameOutsideZonesAfterAppliedSteps_UndoesThem()
    {
        var provider = Create();
        var existing = A("a.example.org", "1.1.1.1");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [existing] });

        await Assert.ThrowsAsync<DnsProviderException>(() => provider.ApplyChangesAsync(new DnsChanges
        {
            Delete = [existing],
            Create = [A("b.example.org", "2.2.2.2"), A("c.example.net", "3.3.3.3")],
        }));

        Assert.Equal(existing, Assert.Single(await provider.GetRecordsAsync()));
    }

    [Theory]
    [InlineData("example.org", "example.org")]
    [InlineData("A.Example.ORG.", "example.org")]
    [InlineData("x.sub.example.org", "sub.example.org")]
    [InlineData("sub.example.org", "sub.example.org")]
    [InlineData("example.net", null)]
    public void FindZone_MostSpecificZone(string name, string? zone)
    {
        var provider = new InMemoryDnsProvider(["example.org", "sub.example.org"]);

        Assert.Equal(zone, provider.FindZone(name));
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("update")]
    public async Task ApplyChanges_MissingRecord_FailsAndChangesNothing(string operation)
    {
        var provider = Create();
        var missing = A("missing.example.org", "1.1.1.1");
        var changes = operation == "delete"
            ? new DnsChanges { Create = [A("x.example.org", "1.1.1.1")], Delete = [missing] }
            : new DnsChanges { Create = [A("x.example.org", "1.1.1.1")], UpdateOld = [missing], UpdateNew = [A("missing.example.org", "2.2.2.2")] };

        var error = await Assert.ThrowsAsync<DnsRecordConflictException>(() => provider.ApplyChangesAsync(changes));

        Assert.Contains($"cannot {operation} missing.example.org", error.Message, StringComparison.Ordinal);
        Assert.Empty(await provider.GetRecordsAsync());
    }

    [Fact]
    public async Task ApplyChanges_NameOutsideZones_Fails()
    {
        var error = await Assert.ThrowsAsync<DnsProviderException>(() => Create().ApplyChangesAsync(new DnsChanges { Create = [A("a.example.net", "1.1.1.1")] }));

        Assert.Contains("no zone serves a.example.net", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChanges_TypeChangeAtOneName_WorksInOneCall()
    {
        var provider = Create();
        var cname = new DnsEndpoint("x.example.org", RecordType.CNAME, "y.example.net");
        await provider.ApplyChangesAsync(new DnsChanges { Create = [cname] });

        await provider.ApplyChangesAsync(new DnsChanges { Delete = [cname], Create = [A("x.example.org", "1.1.1.1")] });

        Assert.Equal(RecordType.A, Assert.Single(await provider.GetRecordsAsync()).RecordType);
    }

    [Fact]
    public async Task ApplyChanges_LabelsAreNotStored()
    {
        var provider = Create();

        await provider.ApplyChangesAsync(new DnsChanges { Create = [A("a.example.org", "1.1.1.1").WithLabel("owner", "me")] });

        Assert.Empty(Assert.Single(await provider.GetRecordsAsync()).Labels);
    }

    [Fact]
    public async Task Counters_CountCalls()
    {
        var provider = Create();
        await provider.GetRecordsAsync();
        await provider.GetRecordsAsync();
        await provider.ApplyChangesAsync(DnsChanges.Empty);

        Assert.Equal(2, provider.ReadCount);
        Assert.Equal(1, provider.ApplyCount);
    }
}
