using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Reconciliation;

namespace Ccx.Dns.Tests.Reconciliation;

/// <summary>
/// The incremental full plan equals the planner's full calculation: random desired and current lists evolve step by
/// step (most endpoints kept as the same instances, a few replaced, added or removed, as sources and registries do),
/// and at every step the incremental plan and a fresh full calculation hold the same changes, rejections and mismatches,
/// and the kept verified-records counts equal a fresh count.
/// </summary>
public sealed class IncrementalFullPlanTests
{
    private static readonly string[] Names = [.. Enumerable.Range(0, 40).Select(i => $"n{i}.example.org")];

    [Fact]
    public void Calculate_RandomEvolution_EqualsAFullCalculationAtEveryStep()
    {
        var incrementalSteps = 0;
        for (var seed = 1; seed <= 300; seed++)
        {
            var random = new Random(seed);
            RecordType[] verifiedTypes = [RecordType.A, RecordType.CNAME];
            var incremental = new IncrementalFullPlan(verifiedTypes);
            var settings = new PlanInput
            {
                Current = [],
                Desired = [],
                Policies = [PlanPolicies.FromName(random.Next(3) switch { 0 => "sync", 1 => "upsert-only", _ => "create-only" })],
                OwnerId = "me",
                ManagedRecordTypes = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT],
            };
            var desired = Enumerable.Range(0, random.Next(30)).Select(_ => RandomEndpoint(random, owned: false)).ToList();
            var current = Enumerable.Range(0, random.Next(30)).Select(_ => RandomEndpoint(random, owned: true)).ToList();
            for (var step = 0; step < 20; step++)
            {
                var got = incremental.Calculate(Planner.Instance, e => e, settings, desired, current);
                var want = Planner.Instance.Calculate(settings with { Current = current, Desired = desired });
                Assert.True(Describe(want) == Describe(got), $"seed {seed} step {step} (incremental {incremental.Last})\nwant:\n{Describe(want)}\ngot:\n{Describe(got)}");
                var wantVerified = Ccx.Dns.Diagnostics.DnsTelemetry.CountVerified(desired, current, verifiedTypes);
                Assert.True(
                    wantVerified.OrderBy(c => c.Key.Value, StringComparer.Ordinal).SequenceEqual(incremental.Verified.OrderBy(c => c.Key.Value, StringComparer.Ordinal)),
                    $"seed {seed} step {step}: verified want {string.Join(", ", wantVerified)}, got {string.Join(", ", incremental.Verified)}");
                if (incremental.Last.Incremental)
                {
                    incrementalSteps++;
                }

                // Keep most instances; replace, add or remove a few (a new list every time, as a new snapshot is).
                desired = Evolve(random, desired, owned: false);
                current = random.Next(3) == 0 ? current : Evolve(random, current, owned: true);
            }
        }

        Assert.True(incrementalSteps > 3_000, $"only {incrementalSteps} steps were incremental");
    }

    [Fact]
    public void Verified_ResolvedOnlyNowAndThen_EqualsAFreshCountOfTheLastInputs()
    {
        // The count of a full calculation waits until asked for; the incremental steps in between add their differences
        // to it unresolved. Whenever it is resolved, it equals a fresh count of the last inputs.
        var resolvedWhilePending = 0;
        for (var seed = 1; seed <= 300; seed++)
        {
            var random = new Random(seed);
            RecordType[] verifiedTypes = [RecordType.A];
            var incremental = new IncrementalFullPlan(verifiedTypes);
            var settings = new PlanInput { Current = [], Desired = [], OwnerId = "me", ManagedRecordTypes = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT] };
            var desired = Enumerable.Range(0, random.Next(30)).Select(_ => RandomEndpoint(random, owned: false)).ToList();
            var current = Enumerable.Range(0, random.Next(30)).Select(_ => RandomEndpoint(random, owned: true)).ToList();
            for (var step = 0; step < 20; step++)
            {
                incremental.Calculate(Planner.Instance, e => e, settings, desired, current);
                if (random.Next(5) == 0)
                {
                    resolvedWhilePending += incremental.VerifiedCount.IsPending ? 1 : 0;
                    var want = Ccx.Dns.Diagnostics.DnsTelemetry.CountVerified(desired, current, verifiedTypes);
                    Assert.True(
                        want.OrderBy(c => c.Key.Value, StringComparer.Ordinal).SequenceEqual(incremental.Verified.OrderBy(c => c.Key.Value, StringComparer.Ordinal)),
                        $"seed {seed} step {step}: verified want {string.Join(", ", want)}, got {string.Join(", ", incremental.Verified)}");
                    Assert.False(incremental.VerifiedCount.IsPending);
                }

                // Now and then a step that changes more than a quarter: a full calculation, whose count starts pending.
                desired = random.Next(6) == 0 ? [.. Enumerable.Range(0, random.Next(30)).Select(_ => RandomEndpoint(random, owned: false))] : Evolve(random, desired, owned: false);
                current = random.Next(3) == 0 ? current : Evolve(random, current, owned: true);
            }
        }

        Assert.True(resolvedWhilePending > 200, $"only {resolvedWhilePending} counts were resolved while pending");
    }

    [Fact]
    public void Verified_OfAFullCalculation_IsCountedWhenFirstAskedForAndOnce()
    {
        var incremental = new IncrementalFullPlan([RecordType.A, RecordType.AAAA]);
        var settings = new PlanInput { Current = [], Desired = [], OwnerId = "me" };
        IReadOnlyList<DnsEndpoint> desired = [new DnsEndpoint("a.example.org", RecordType.A, "192.0.2.1"), new DnsEndpoint("b.example.org", RecordType.A, "192.0.2.2")];
        IReadOnlyList<DnsEndpoint> current = [new DnsEndpoint("A.example.org", RecordType.A, "192.0.2.9")];

        Assert.False(incremental.VerifiedCount.IsPending);
        Assert.Equal([(RecordType.A, 0), (RecordType.AAAA, 0)], incremental.Verified.Select(c => (c.Key, c.Value)).OrderBy(c => c.Key.Value, StringComparer.Ordinal));
        incremental.Calculate(Planner.Instance, e => e, settings, desired, current);
        var count = incremental.VerifiedCount;
        Assert.True(count.IsPending);

        // Resolved from several threads at once (the exporter and a test, say): one count, the same for all.
        var results = new IReadOnlyDictionary<RecordType, int>[8];
        Parallel.For(0, results.Length, i => results[i] = count.Resolve());

        Assert.False(count.IsPending);
        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.Equal([(RecordType.A, 1), (RecordType.AAAA, 0)], results[0].Select(c => (c.Key, c.Value)).OrderBy(c => c.Key.Value, StringComparer.Ordinal));
    }

    [Fact]
    public void Calculate_SameDesiredSnapshotAgainstAWhollyNewZone_SkipsNoRejectionAndEqualsAFullCalculation()
    {
        // The first full reconcile after a bulk creation: the same desired snapshot, a current list that changed past the
        // budget. Only the desired endpoints the last calculation rejected are validated again; the plan must still be the
        // whole one: every invalid endpoint rejected with its reason, its current record protected.
        for (var seed = 1; seed <= 100; seed++)
        {
            var random = new Random(seed);
            var incremental = new IncrementalFullPlan();
            var settings = new PlanInput
            {
                Current = [],
                Desired = [],
                OwnerId = "me",
                ManagedRecordTypes = [RecordType.A, RecordType.AAAA, RecordType.CNAME],
                DomainFilters = [new DomainFilter(["example.org"])],
            };
            IReadOnlyList<DnsEndpoint> desired = [.. Enumerable.Range(0, 40).Select(_ => RandomEndpoint(random, owned: false))];
            for (var step = 0; step < 4; step++)
            {
                IReadOnlyList<DnsEndpoint> current = [.. Enumerable.Range(0, 30 + random.Next(30)).Select(_ => RandomEndpoint(random, owned: true))];
                var got = incremental.Calculate(Planner.Instance, e => e, settings, desired, current);
                var want = Planner.Instance.Calculate(settings with { Current = current, Desired = desired });

                Assert.True(want.Rejected.Count > 0, $"seed {seed}: nothing rejected");
                Assert.True(Describe(want) == Describe(got), $"seed {seed} step {step} (incremental {incremental.Last})\nwant:\n{Describe(want)}\ngot:\n{Describe(got)}");
            }
        }
    }

    [Fact]
    public void Calculate_SameSnapshots_ReusesThePlan()
    {
        var incremental = new IncrementalFullPlan();
        var settings = new PlanInput { Current = [], Desired = [], OwnerId = "me" };
        IReadOnlyList<DnsEndpoint> desired = [new DnsEndpoint("a.example.org", RecordType.A, "192.0.2.1")];
        IReadOnlyList<DnsEndpoint> current = [];
        var first = incremental.Calculate(Planner.Instance, e => e, settings, desired, current);
        var second = incremental.Calculate(Planner.Instance, e => e, settings, desired, current);

        Assert.Same(first, second);
        Assert.Equal((true, 0), incremental.Last);
    }

    [Fact]
    public void Calculate_ListGrownPastTheBudget_CalculatesInFullThenIncrementallyAgain()
    {
        var incremental = new IncrementalFullPlan();
        var settings = new PlanInput { Current = [], Desired = [], OwnerId = "me" };
        IReadOnlyList<DnsEndpoint> desired = [.. Enumerable.Range(0, 100).Select(i => new DnsEndpoint($"n{i}.example.org", RecordType.A, "192.0.2.1"))];
        incremental.Calculate(Planner.Instance, e => e, settings, desired, []);

        // The first full reconcile after a bulk creation: every record is new since the last (empty) current list.
        IReadOnlyList<DnsEndpoint> created = [.. desired.Take(99).Select(e => e.WithLabel(EndpointLabels.OwnerKey, "me"))];
        var plan = incremental.Calculate(Planner.Instance, e => e, settings, desired, created);

        Assert.Equal((false, -1), incremental.Last);
        Assert.Equal(
            Describe(Planner.Instance.Calculate(settings with { Current = created, Desired = desired })),
            Describe(plan));
        Assert.Equal("+ n99.example.org A [192.0.2.1]", Describe(plan));

        // A few more records after that: incremental again.
        IReadOnlyList<DnsEndpoint> grown = [.. created, desired[99].WithLabel(EndpointLabels.OwnerKey, "me")];
        var next = incremental.Calculate(Planner.Instance, e => e, settings, desired, grown);
        Assert.Equal((true, 1), incremental.Last);
        Assert.Empty(next.Changes.Create);
    }

    private static List<DnsEndpoint> Evolve(Random random, List<DnsEndpoint> endpoints, bool owned)
    {
        var next = new List<DnsEndpoint>(endpoints);
        for (var changes = random.Next(4); changes > 0; changes--)
        {
            switch (random.Next(3))
            {
                case 0 when next.Count > 0:
                    next[random.Next(next.Count)] = RandomEndpoint(random, owned);
                    break;
                case 1 when next.Count > 0:
                    next.RemoveAt(random.Next(next.Count));
                    break;
                default:
                    next.Insert(random.Next(next.Count + 1), RandomEndpoint(random, owned));
                    break;
            }
        }

        return next;
    }

    private static DnsEndpoint RandomEndpoint(Random random, bool owned)
    {
        var name = Names[random.Next(Names.Length)];
        var v = random.Next(4).ToString(CultureInfo.InvariantCulture);
        var endpoint = random.Next(5) switch
        {
            0 => new DnsEndpoint(name, RecordType.AAAA, "2001:db8::" + (int.Parse(v, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture)),
            1 => new DnsEndpoint(name, RecordType.CNAME, "t" + v + ".example.net"),
            2 => new DnsEndpoint(name, RecordType.TXT, "text " + v),
            3 => new DnsEndpoint(name.ToUpperInvariant(), RecordType.A, v == "3" ? "not-an-address" : "192.0.2." + v),
            _ => new DnsEndpoint(name, RecordType.A, "192.0.2." + v) { Ttl = random.Next(2) * 300 },
        };
        return owned && random.Next(4) != 0 ? endpoint.WithLabel(EndpointLabels.OwnerKey, random.Next(5) == 0 ? "other" : "me") : endpoint;
    }

    private static string Describe(PlanResult plan)
    {
        static IEnumerable<string> Sorted(IEnumerable<object> items) => items.Select(i => i.ToString()!).Order(StringComparer.Ordinal);
        var c = plan.Changes;
        return string.Join("\n", Sorted(c.Create).Select(x => "+ " + x)
            .Concat(Sorted(c.UpdateOld.Zip(c.UpdateNew, (o, n) => (object)(o + " -> " + n))).Select(x => "~ " + x))
            .Concat(Sorted(c.Delete).Select(x => "- " + x))
            .Concat(Sorted(plan.Rejected).Select(x => "! " + x))
            .Concat(Sorted(plan.OwnerMismatches.Select(m => (object)(m.Record + " " + m.ForeignOwner))).Select(x => "? " + x)));
    }
}
