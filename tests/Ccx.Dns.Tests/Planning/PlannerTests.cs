using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Tests.Planning;

public sealed class PlannerTests
{
    private const string Owner = "owner";

    private static DnsEndpoint Ep(string name, RecordType type, params string[] targets) => new(name, type, targets);

    private static DnsEndpoint Owned(DnsEndpoint e, string owner = Owner) => e.WithLabel(EndpointLabels.OwnerKey, owner);

    private static PlanResult Plan(
        IReadOnlyList<DnsEndpoint> current,
        IReadOnlyList<DnsEndpoint> desired,
        string owner = Owner,
        Func<PlanInput, PlanInput>? configure = null)
    {
        var input = new PlanInput { Current = current, Desired = desired, OwnerId = owner };
        return Planner.Instance.Calculate(configure is null ? input : configure(input));
    }

    private static void AssertChanges(DnsChanges changes, int create = 0, int updateOld = 0, int delete = 0)
    {
        Assert.Equal(create, changes.Create.Count);
        Assert.Equal(updateOld, changes.UpdateOld.Count);
        Assert.Equal(updateOld, changes.UpdateNew.Count);
        Assert.Equal(delete, changes.Delete.Count);
    }

    [Fact]
    public void Calculate_NoCurrent_CreatesDesired()
    {
        var desired = Ep("foo.example.org", RecordType.A, "1.2.3.4");

        var result = Plan([], [desired]);

        AssertChanges(result.Changes, create: 1);
        Assert.Same(desired, result.Changes.Create[0]);
        Assert.True(result.Changes.HasChanges);
    }

    [Fact]
    public void Calculate_OwnedCurrentNotDesired_IsDeleted()
    {
        var current = Owned(Ep("foo.example.org", RecordType.A, "1.2.3.4"));

        var result = Plan([current], []);

        AssertChanges(result.Changes, delete: 1);
        Assert.Same(current, result.Changes.Delete[0]);
    }

    [Fact]
    public void Calculate_ForeignOrUnlabelledCurrentNotDesired_IsNeverDeleted()
    {
        var foreign = Owned(Ep("foo.example.org", RecordType.A, "1.2.3.4"), "someone-else");
        var unlabelled = Ep("bar.example.org", RecordType.CNAME, "x.example.net");

        var result = Plan([foreign, unlabelled], []);

        AssertChanges(result.Changes);
        Assert.False(result.Changes.HasChanges);
    }

    [Fact]
    public void Calculate_TargetsChanged_UpdatesAndInheritsOwner()
    {
        var current = Owned(Ep("foo.example.org", RecordType.A, "1.2.3.4"));
        var desired = Ep("foo.example.org", RecordType.A, "5.6.7.8").WithLabel(EndpointLabels.ResourceKey, "datastore/x");

        var result = Plan([current], [desired]);

        AssertChanges(result.Changes, updateOld: 1);
        Assert.Same(current, result.Changes.UpdateOld[0]);
        var updated = result.Changes.UpdateNew[0];
        Assert.Equal(["5.6.7.8"], updated.Targets);
        Assert.Equal(Owner, updated.Owner);
        Assert.Equal("datastore/x", updated.Labels[EndpointLabels.ResourceKey]);
    }

    [Theory]
    [InlineData(new[] { "Foo.Example.NET" }, new[] { "foo.example.net" })]
    [InlineData(new[] { "::1" }, new[] { "::0001" })]
    [InlineData(new[] { "1.1.1.1", "2.2.2.2" }, new[] { "2.2.2.2", "1.1.1.1" })]
    [InlineData(new[] { "A.example.com", "b.example.com" }, new[] { "a.example.com", "B.example.com" })]
    [InlineData(new[] { "::1", "2001:db8::1" }, new[] { "2001:0db8::0001", "::0001" })]
    public void Calculate_EquivalentTargets_NoChange(string[] current, string[] desired)
    {
        // Mixed address/name lists are covered by DnsTargetsTests; TXT text is compared exactly (see below).
        var type = current[0].Contains(':') ? RecordType.AAAA
            : DnsTargets.IsIpAddress(current[0], out _) ? RecordType.A
            : current.Length > 1 ? RecordType.NS : RecordType.CNAME;

        var result = Plan(
            [Owned(Ep("foo.example.org", type, current))],
            [Ep("foo.example.org", type, desired)],
            configure: i => i with { ManagedRecordTypes = [type] });

        Assert.Empty(result.Rejected);
        Assert.False(result.Changes.HasChanges);
    }

    [Theory]
    [InlineData(new[] { "Hello" }, new[] { "hello" })]
    [InlineData(new[] { "v=spf1 -all", "Key=ABC" }, new[] { "key=abc", "v=spf1 -all" })]
    public void Calculate_TxtTextDifferingOnlyInCase_IsAnUpdate(string[] current, string[] desired)
    {
        var result = Plan(
            [Owned(Ep("foo.example.org", RecordType.TXT, current))],
            [Ep("foo.example.org", RecordType.TXT, desired)],
            configure: i => i with { ManagedRecordTypes = [RecordType.TXT] });

        AssertChanges(result.Changes, updateOld: 1);
        Assert.Equal(desired, result.Changes.UpdateNew[0].Targets);
    }

    [Fact]
    public void Calculate_TxtTextInAnotherOrder_NoChange()
    {
        var result = Plan(
            [Owned(Ep("foo.example.org", RecordType.TXT, "b", "A"))],
            [Ep("foo.example.org", RecordType.TXT, "A", "b")],
            configure: i => i with { ManagedRecordTypes = [RecordType.TXT] });

        AssertChanges(result.Changes);
    }

    [Fact]
    public void Calculate_TtlUnsetInDesired_DoesNotUpdate()
    {
        var result = Plan([Owned(Ep("a.example.org", RecordType.A, "1.2.3.4") with { Ttl = 300 })], [Ep("a.example.org", RecordType.A, "1.2.3.4")]);

        Assert.False(result.Changes.HasChanges);
    }

    [Fact]
    public void Calculate_TtlChanged_Updates()
    {
        var result = Plan([Owned(Ep("a.example.org", RecordType.A, "1.2.3.4") with { Ttl = 300 })], [Ep("a.example.org", RecordType.A, "1.2.3.4") with { Ttl = 60 }]);

        AssertChanges(result.Changes, updateOld: 1);
        Assert.Equal(60, result.Changes.UpdateNew[0].Ttl);
    }

    [Fact]
    public void Calculate_TtlSameAsCurrent_NoChange()
    {
        var result = Plan([Owned(Ep("a.example.org", RecordType.A, "1.2.3.4") with { Ttl = 60 })], [Ep("a.example.org", RecordType.A, "1.2.3.4") with { Ttl = 60 }]);

        Assert.False(result.Changes.HasChanges);
    }

    [Theory]
    [InlineData("aws/weight=10", "aws/weight=20", true)]
    [InlineData("aws/weight=10", "", true)]
    [InlineData("", "aws/weight=10", true)]
    [InlineData("aws/weight=10;alias=false", "alias=false;aws/weight=10", false)]
    [InlineData("", "", false)]
    public void Calculate_ProviderSpecific_UpdatesOnlyWhenPropertiesDiffer(string current, string desired, bool expectUpdate)
    {
        static DnsEndpoint With(DnsEndpoint e, string props)
        {
            foreach (var p in props.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = p.Split('=');
                e = e.WithProviderSpecific(kv[0], kv[1]);
            }

            return e;
        }

        var result = Plan(
            [Owned(With(Ep("a.example.org", RecordType.A, "1.2.3.4"), current))],
            [With(Ep("a.example.org", RecordType.A, "1.2.3.4"), desired)]);

        Assert.Equal(expectUpdate, result.Changes.UpdateNew.Count == 1);
    }

    [Fact]
    public void Calculate_ForeignRecordAtName_SuppressesCreateAndReportsMismatch()
    {
        var foreign = Owned(Ep("db.example.org", RecordType.CNAME, "elsewhere.example.net"), "other");

        var result = Plan([foreign], [Ep("db.example.org", RecordType.A, "10.0.0.1")]);

        AssertChanges(result.Changes);
        var mismatch = Assert.Single(result.OwnerMismatches);
        Assert.Same(foreign, mismatch.Record);
        Assert.Equal("other", mismatch.ForeignOwner);
    }

    [Fact]
    public void Calculate_UnlabelledRecordAtName_SuppressesCreate()
    {
        var result = Plan([Ep("db.example.org", RecordType.AAAA, "::1")], [Ep("db.example.org", RecordType.A, "10.0.0.1")]);

        AssertChanges(result.Changes);
        Assert.Equal(string.Empty, Assert.Single(result.OwnerMismatches).ForeignOwner);
    }

    [Fact]
    public void Calculate_ForeignRecordSameType_IsNotUpdatedAndReportsMismatch()
    {
        var foreign = Owned(Ep("db.example.org", RecordType.A, "10.0.0.9"), "other");

        var result = Plan([foreign], [Ep("db.example.org", RecordType.A, "10.0.0.1")]);

        AssertChanges(result.Changes);
        var mismatch = Assert.Single(result.OwnerMismatches);
        Assert.Same(foreign, mismatch.Record);
        Assert.Equal("other", mismatch.ForeignOwner);
    }

    [Fact]
    public void Calculate_UnownedRecordSameTypeAlreadyAsDesired_ReportsNoMismatch()
    {
        var result = Plan([Ep("db.example.org", RecordType.A, "10.0.0.1")], [Ep("db.example.org", RecordType.A, "10.0.0.1")]);

        AssertChanges(result.Changes);
        Assert.Empty(result.OwnerMismatches);
    }

    [Fact]
    public void Calculate_ForeignRecordNotDesired_IsNeitherDeletedNorReported()
    {
        var result = Plan([Owned(Ep("db.example.org", RecordType.A, "10.0.0.9"), "other")], []);

        AssertChanges(result.Changes);
        Assert.Empty(result.OwnerMismatches);
    }

    [Fact]
    public void Calculate_SkippedUpdateAndBlockedCreateOnOneRecord_ReportOneMismatch()
    {
        var foreign = Owned(Ep("db.example.org", RecordType.A, "10.0.0.9"), "other");

        var result = Plan([foreign], [Ep("db.example.org", RecordType.A, "10.0.0.1"), Ep("db.example.org", RecordType.AAAA, "fd00::1")]);

        AssertChanges(result.Changes);
        Assert.Same(foreign, Assert.Single(result.OwnerMismatches).Record);
    }

    [Fact]
    public void Calculate_OwnedRecordOfOtherTypeAtName_AllowsCreate()
    {
        var result = Plan([Owned(Ep("db.example.org", RecordType.A, "10.0.0.1"))],
            [Ep("db.example.org", RecordType.A, "10.0.0.1"), Ep("db.example.org", RecordType.AAAA, "fd00::1")]);

        AssertChanges(result.Changes, create: 1);
        Assert.Equal(RecordType.AAAA, result.Changes.Create[0].RecordType);
    }

    [Fact]
    public void Calculate_NoOwnerId_ManagesEverything()
    {
        var result = Plan(
            [Owned(Ep("a.example.org", RecordType.A, "1.1.1.1"), "other"), Ep("b.example.org", RecordType.A, "2.2.2.2")],
            [Ep("a.example.org", RecordType.A, "9.9.9.9")],
            owner: string.Empty);

        AssertChanges(result.Changes, updateOld: 1, delete: 1);
        Assert.Equal("other", result.Changes.UpdateNew[0].Owner);
    }

    [Fact]
    public void Calculate_OldOwnerMigration_ForcesUpdateOfOwnedRecords()
    {
        var current = Owned(Ep("a.example.org", RecordType.A, "1.1.1.1"));

        var result = Plan([current], [Ep("a.example.org", RecordType.A, "1.1.1.1")], configure: i => i with { OldOwnerId = "old" });

        AssertChanges(result.Changes, updateOld: 1);
        Assert.Equal(Owner, result.Changes.UpdateNew[0].Owner);
    }

    [Fact]
    public void Calculate_OldOwnerMigration_RecordStillLabelledOldOwnerIsNotUpdated()
    {
        var result = Plan([Owned(Ep("a.example.org", RecordType.A, "1.1.1.1"), "old")], [Ep("a.example.org", RecordType.A, "1.1.1.1")],
            configure: i => i with { OldOwnerId = "old" });

        Assert.False(result.Changes.HasChanges);
    }

    [Theory]
    [InlineData(new[] { "v2" }, new[] { "v1" }, "v1")]
    [InlineData(new[] { "192.168.0.1" }, new[] { "127.0.0.1" }, "127.0.0.1")]
    [InlineData(new[] { "1.2.3.4", "1.2.3.5" }, new[] { "9.9.9.9" }, "9.9.9.9")]
    public void Calculate_ConflictingCreates_SmallestTargetsWin(string[] first, string[] second, string expectedFirstTarget)
    {
        var type = first[0].Contains('.') && char.IsDigit(first[0][0]) ? RecordType.A : RecordType.CNAME;
        if (type == RecordType.CNAME)
        {
            first = [first[0] + ".example.net"];
            second = [second[0] + ".example.net"];
            expectedFirstTarget += ".example.net";
        }

        var result = Plan([], [Ep("x.example.org", type, first), Ep("x.example.org", type, second)]);

        Assert.Equal(expectedFirstTarget, Assert.Single(result.Changes.Create).Targets[0]);
    }

    [Fact]
    public void Calculate_ConflictingCreates_TieKeepsFirst()
    {
        var a = Ep("x.example.org", RecordType.A, "1.1.1.1").WithLabel(EndpointLabels.ResourceKey, "r1");
        var b = Ep("x.example.org", RecordType.A, "1.1.1.1").WithLabel(EndpointLabels.ResourceKey, "r2");

        Assert.Same(a, Assert.Single(Plan([], [a, b]).Changes.Create));
        Assert.Same(b, Assert.Single(Plan([], [b, a]).Changes.Create));
    }

    [Fact]
    public void Calculate_ConflictingUpdate_CurrentResourceWins()
    {
        var current = Owned(Ep("x.example.org", RecordType.A, "5.5.5.5")).WithLabel(EndpointLabels.ResourceKey, "r2");
        var smaller = Ep("x.example.org", RecordType.A, "1.1.1.1").WithLabel(EndpointLabels.ResourceKey, "r1");
        var holder = Ep("x.example.org", RecordType.A, "6.6.6.6").WithLabel(EndpointLabels.ResourceKey, "r2");

        var result = Plan([current], [smaller, holder]);

        Assert.Equal(["6.6.6.6"], Assert.Single(result.Changes.UpdateNew).Targets);
    }

    [Fact]
    public void Calculate_ConflictingUpdate_NoCandidateFromCurrentResource_SmallestWins()
    {
        var current = Owned(Ep("x.example.org", RecordType.A, "5.5.5.5")).WithLabel(EndpointLabels.ResourceKey, "gone");

        var result = Plan([current], [Ep("x.example.org", RecordType.A, "7.7.7.7"), Ep("x.example.org", RecordType.A, "3.3.3.3")]);

        Assert.Equal(["3.3.3.3"], Assert.Single(result.Changes.UpdateNew).Targets);
    }

    [Fact]
    public void Calculate_CnameAndACandidates_CnameDiscardedWithReason()
    {
        var cname = Ep("x.example.org", RecordType.CNAME, "y.example.net");
        var a = Ep("x.example.org", RecordType.A, "1.2.3.4");

        var result = Plan([], [cname, a]);

        Assert.Same(a, Assert.Single(result.Changes.Create));
        var rejected = Assert.Single(result.Rejected);
        Assert.Same(cname, rejected.Endpoint);
        Assert.Contains("CNAME", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Calculate_TypeChangeCnameToA_DeletesCnameAndCreatesA()
    {
        var current = Owned(Ep("x.example.org", RecordType.CNAME, "old.example.net"));

        var result = Plan([current], [Ep("x.example.org", RecordType.A, "1.2.3.4")]);

        AssertChanges(result.Changes, create: 1, delete: 1);
        Assert.Equal(RecordType.A, result.Changes.Create[0].RecordType);
        Assert.Same(current, result.Changes.Delete[0]);
    }

    [Fact]
    public void Calculate_TypeChangeAToCname_DeletesAAndCreatesCname()
    {
        var current = Owned(Ep("x.example.org", RecordType.A, "1.2.3.4"));

        var result = Plan([current], [Ep("x.example.org", RecordType.CNAME, "new.example.net")]);

        AssertChanges(result.Changes, create: 1, delete: 1);
        Assert.Equal(RecordType.CNAME, result.Changes.Create[0].RecordType);
    }

    [Fact]
    public void Calculate_ExistingCnameAndACurrentWithACandidate_DeletesCnameKeepsA()
    {
        var cname = Owned(Ep("x.example.org", RecordType.CNAME, "old.example.net"));
        var a = Owned(Ep("x.example.org", RecordType.A, "1.2.3.4"));

        var result = Plan([cname, a], [Ep("x.example.org", RecordType.A, "1.2.3.4"), Ep("x.example.org", RecordType.CNAME, "z.example.net")]);

        AssertChanges(result.Changes, delete: 1);
        Assert.Same(cname, result.Changes.Delete[0]);
    }

    [Fact]
    public void Calculate_DualStack_CreatesAAndAaaa()
    {
        var result = Plan([], [Ep("x.example.org", RecordType.A, "1.2.3.4"), Ep("x.example.org", RecordType.AAAA, "2001:db8::1")]);

        Assert.Equal([RecordType.A, RecordType.AAAA], result.Changes.Create.Select(c => c.RecordType));
    }

    [Fact]
    public void Calculate_DualStackAaaaRemoved_DeletesOnlyAaaa()
    {
        var a = Owned(Ep("x.example.org", RecordType.A, "1.2.3.4"));
        var aaaa = Owned(Ep("x.example.org", RecordType.AAAA, "2001:db8::1"));

        var result = Plan([a, aaaa], [Ep("x.example.org", RecordType.A, "1.2.3.4")]);

        AssertChanges(result.Changes, delete: 1);
        Assert.Same(aaaa, result.Changes.Delete[0]);
    }

    [Fact]
    public void Calculate_SetIdentifiers_AreIndependentRows()
    {
        var w1 = Owned(Ep("x.example.org", RecordType.A, "1.1.1.1") with { SetIdentifier = "one" });
        var w2 = Owned(Ep("x.example.org", RecordType.A, "2.2.2.2") with { SetIdentifier = "two" });

        var result = Plan([w1, w2], [Ep("x.example.org", RecordType.A, "1.1.1.1") with { SetIdentifier = "one" }, Ep("x.example.org", RecordType.A, "3.3.3.3") with { SetIdentifier = "three" }]);

        AssertChanges(result.Changes, create: 1, delete: 1);
        Assert.Equal("three", result.Changes.Create[0].SetIdentifier);
        Assert.Same(w2, result.Changes.Delete[0]);
    }

    [Fact]
    public void Calculate_SetIdentifierCaseDiffers_IsADifferentRow()
    {
        var current = Owned(Ep("x.example.org", RecordType.A, "1.1.1.1") with { SetIdentifier = "One" });

        var result = Plan([current], [Ep("x.example.org", RecordType.A, "1.1.1.1") with { SetIdentifier = "one" }]);

        AssertChanges(result.Changes, create: 1, delete: 1);
    }

    [Fact]
    public void Calculate_DomainFilter_IgnoresCurrentOutsideAndRejectsDesiredOutside()
    {
        var outside = Owned(Ep("a.other.org", RecordType.A, "1.1.1.1"));
        var desiredOutside = Ep("b.other.org", RecordType.A, "2.2.2.2");
        var inside = Ep("c.example.org", RecordType.A, "3.3.3.3");

        var result = Plan([outside], [desiredOutside, inside], configure: i => i with { DomainFilters = [new DomainFilter(["example.org"])] });

        AssertChanges(result.Changes, create: 1);
        Assert.Same(inside, result.Changes.Create[0]);
        Assert.Contains("domain filter", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Calculate_AllDomainFiltersMustMatch()
    {
        var result = Plan([], [Ep("a.x.example.org", RecordType.A, "1.1.1.1"), Ep("a.y.example.org", RecordType.A, "1.1.1.1")],
            configure: i => i with { DomainFilters = [new DomainFilter(["example.org"]), new DomainFilter(["x.example.org"])] });

        Assert.Equal("a.x.example.org", Assert.Single(result.Changes.Create).DnsName);
    }

    [Fact]
    public void Calculate_UnmanagedTypes_AreNeitherDeletedNorCreated()
    {
        var txt = Owned(Ep("a.example.org", RecordType.TXT, "\"hello\""));
        var desiredMx = Ep("a.example.org", RecordType.MX, "10 mail.example.org");

        var result = Plan([txt], [desiredMx]);

        AssertChanges(result.Changes);
        Assert.Contains("not managed", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Calculate_ExcludedType_IsNotManaged()
    {
        var result = Plan([Owned(Ep("a.example.org", RecordType.AAAA, "::1"))], [],
            configure: i => i with { ExcludedRecordTypes = [RecordType.AAAA] });

        Assert.False(result.Changes.HasChanges);
    }

    [Fact]
    public void Calculate_EmptyManagedTypes_ManagesNothing()
    {
        var result = Plan([Owned(Ep("a.example.org", RecordType.A, "1.1.1.1"))], [Ep("b.example.org", RecordType.A, "1.1.1.1")],
            configure: i => i with { ManagedRecordTypes = [] });

        Assert.False(result.Changes.HasChanges);
    }

    [Fact]
    public void Calculate_ManagedMx_CreatesMx()
    {
        var result = Plan([], [Ep("a.example.org", RecordType.MX, "10 mail.example.org")],
            configure: i => i with { ManagedRecordTypes = [RecordType.A, RecordType.MX] });

        AssertChanges(result.Changes, create: 1);
    }

    [Fact]
    public void Calculate_IdnAndCase_UnicodeDesiredMatchesPunycodeCurrent()
    {
        var current = Owned(Ep("xn--bcher-kva.example.com", RecordType.A, "1.2.3.4"));

        var result = Plan([current], [Ep("Bücher.Example.com", RecordType.A, "1.2.3.4")]);

        Assert.Empty(result.Rejected);
        Assert.False(result.Changes.HasChanges);
    }

    [Fact]
    public void Calculate_CaseOnlyNameDifference_NoChange()
    {
        var result = Plan([Owned(Ep("db.example.org", RecordType.CNAME, "a.example.net"))], [Ep("DB.Example.ORG.", RecordType.CNAME, "A.example.net.")]);

        Assert.False(result.Changes.HasChanges);
    }

    [Fact]
    public void Calculate_Policies_UpsertOnlyDropsDeletes()
    {
        var result = Plan([Owned(Ep("a.example.org", RecordType.A, "1.1.1.1")), Owned(Ep("b.example.org", RecordType.A, "1.1.1.1"))],
            [Ep("a.example.org", RecordType.A, "2.2.2.2"), Ep("c.example.org", RecordType.A, "3.3.3.3")],
            configure: i => i with { Policies = [UpsertOnlyPolicy.Instance] });

        AssertChanges(result.Changes, create: 1, updateOld: 1);
    }

    [Fact]
    public void Calculate_Policies_CreateOnlyKeepsOnlyCreates()
    {
        var result = Plan([Owned(Ep("a.example.org", RecordType.A, "1.1.1.1")), Owned(Ep("b.example.org", RecordType.A, "1.1.1.1"))],
            [Ep("a.example.org", RecordType.A, "2.2.2.2"), Ep("c.example.org", RecordType.A, "3.3.3.3")],
            configure: i => i with { Policies = [CreateOnlyPolicy.Instance] });

        AssertChanges(result.Changes, create: 1);
    }

    [Theory]
    [InlineData("sync", typeof(SyncPolicy))]
    [InlineData("Upsert-Only", typeof(UpsertOnlyPolicy))]
    [InlineData("create-only", typeof(CreateOnlyPolicy))]
    public void PlanPolicies_FromName_ReturnsPolicy(string name, Type expected)
    {
        Assert.IsType(expected, PlanPolicies.FromName(name));
    }

    [Fact]
    public void PlanPolicies_FromName_UnknownNameListsChoices()
    {
        var error = Assert.Throws<ArgumentException>(() => PlanPolicies.FromName("delete-all"));
        Assert.Contains("sync, upsert-only, create-only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calculate_InvalidDesired_IsRejectedAndCurrentKeptWhileValidOnesProceed()
    {
        var current = Owned(Ep("a.example.org", RecordType.A, "1.1.1.1"));
        var invalid = Ep("a.example.org", RecordType.A, "not-an-ip");
        var valid = Ep("b.example.org", RecordType.A, "2.2.2.2");

        var result = Plan([current], [invalid, valid]);

        AssertChanges(result.Changes, create: 1);
        Assert.Same(valid, result.Changes.Create[0]);
        var rejected = Assert.Single(result.Rejected);
        Assert.Same(invalid, rejected.Endpoint);
        Assert.Contains("not an IPv4 address", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Calculate_DuplicateCurrentRecords_DeletedOnce()
    {
        var one = Owned(Ep("a.example.org", RecordType.A, "1.1.1.1"));
        var two = Owned(Ep("a.example.org", RecordType.A, "2.2.2.2"));

        var result = Plan([one, two], []);

        Assert.Single(result.Changes.Delete);
    }

    [Fact]
    public void Calculate_SameInputTwice_SameOrder()
    {
        var current = Enumerable.Range(0, 50).Select(i => Owned(Ep($"h{i}.example.org", RecordType.A, $"10.0.0.{i}"))).ToList();
        var desired = Enumerable.Range(25, 50).Select(i => Ep($"h{i}.example.org", RecordType.A, $"10.0.1.{i}")).ToList();

        var first = Plan(current, desired).Changes.ToJson();
        var second = Plan(current, desired).Changes.ToJson();

        Assert.Equal(first, second);
        Assert.Contains("h0.example.org", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Calculate_WildcardName_IsAnOrdinaryRow()
    {
        var result = Plan([Owned(Ep("*.example.org", RecordType.A, "1.1.1.1"))], [Ep("*.example.org", RecordType.A, "2.2.2.2")]);

        AssertChanges(result.Changes, updateOld: 1);
    }

    [Fact]
    public void HasChanges_IdenticalUpdatePair_IsNotAChange()
    {
        var e = Owned(Ep("a.example.org", RecordType.A, "1.1.1.1"));

        Assert.False(new DnsChanges { UpdateOld = [e], UpdateNew = [e with { }] }.HasChanges);
        Assert.True(new DnsChanges { UpdateOld = [e], UpdateNew = [e with { Ttl = 5 }] }.HasChanges);
    }
}
