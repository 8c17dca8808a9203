using Amazon.DynamoDBv2;
using Ccx.Dns.Conformance.Tests.Infrastructure;
using Ccx.Dns.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>
/// A real pdns_server with the DynamoDB registry on a real DynamoDB Local instead of TXT ownership: ownership items are
/// checked in the table after each step, and answers with real DNS queries.
/// </summary>
[Collection(PowerDnsDynamoDbServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class PowerDnsDynamoDbConformanceTests(PowerDnsDynamoDbFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string> Scenarios => ConformanceTheoryData.Supported(KnownProviderCapabilities.PowerDns);

    private ConformanceTarget CreateTarget(DnsAnswerVerifier dns, string zoneSuffix = "pdns-ddb.test") => new()
    {
        Name = "pdns+dynamodb",
        Capabilities = KnownProviderCapabilities.PowerDns,
        CreateSubjectAsync = async (scenario, ct) =>
        {
            var zone = scenario.Name + "." + zoneSuffix;
            return new ConformanceSubject(await fixture.CreateZoneTableAndProviderAsync(zone, ct), new ConformanceZone(zone));
        },
        ConfigureRegistry = (builder, context) =>
        {
            builder.Services.TryAddSingleton<IAmazonDynamoDB>(fixture.Client);
            builder.AddDynamoDbRegistry(o =>
            {
                o.TableName = PowerDnsDynamoDbFixture.TableFor(context.Zone.Name);
                o.OwnerId = context.OwnerId;
            });
        },
        VerifyStepAsync = async (context, ct) =>
        {
            await dns.VerifyAsync(context, ct);
            await VerifyOwnershipItemsAsync(context, ct);
        },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_PowerDnsWithDynamoDbRegistry_ConvergesWithOwnershipInTheTable(string scenario)
    {
        var dns = new DnsAnswerVerifier(fixture.PowerDns.Query(), DnsAnswerVerifier.UnquotePresentation);
        await ConformanceTheoryData.RunAsync(CreateTarget(dns), scenario, output);
        Assert.True(dns.Queries > 0, "no step was checked with a real DNS query");
    }

    /// <summary>
    /// Every step after the first reconciled only at the names the source's signal named: the DynamoDB registry is an
    /// <see cref="Registry.IScopedRegistry"/>, so the runner fails a step that did not run targeted.
    /// </summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_PowerDnsWithDynamoDbRegistry_TargetedReconciles_ConvergeWithOwnershipInTheTable(string scenario)
    {
        var dns = new DnsAnswerVerifier(fixture.PowerDns.Query(), DnsAnswerVerifier.UnquotePresentation);
        await ConformanceTheoryData.RunAsync(CreateTarget(dns, "targeted.pdns-ddb.test"), scenario, output, ConformanceReconcileMode.Targeted);
        Assert.True(dns.Queries > 0, "no step was checked with a real DNS query");
    }

    [Fact]
    public void SkippedScenarios_PowerDnsWithDynamoDb_AreListedWithReasons() =>
        ConformanceTheoryData.ListSkipped(CreateTarget(new DnsAnswerVerifier(fixture.PowerDns.Query(), DnsAnswerVerifier.UnquotePresentation)), output);

    /// <summary>
    /// Every live record of ours has an item owned by us; removed ones have none; no TXT ownership records are written;
    /// the only items not ours are the foreign owner's seeded ones.
    /// </summary>
    private async Task VerifyOwnershipItemsAsync(ConformanceStepContext context, CancellationToken cancellationToken)
    {
        var items = await fixture.DynamoDb.ItemsAsync(PowerDnsDynamoDbFixture.TableFor(context.Zone.Name), cancellationToken);
        var ours = items.Where(i => i.O == ConformanceScenarios.OwnerId).Select(i => i.K).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var expected in context.Expected)
        {
            if (!ours.Contains(expected.Key.ToString()))
            {
                problems.Add($"no item owned by '{ConformanceScenarios.OwnerId}' for {expected.Key}");
            }
        }

        foreach (var removed in context.Removed)
        {
            if (ours.Contains(removed.ToString()))
            {
                problems.Add($"the item for removed {removed} is still there");
            }
        }

        var heritage = context.Records.Where(r => r.RecordType == Endpoints.RecordType.TXT && r.Targets.Any(t => t.Contains("heritage=external-dns", StringComparison.Ordinal))).ToList();
        if (heritage.Count > 0)
        {
            problems.Add("TXT ownership records were written although ownership lives in DynamoDB: " + string.Join(", ", heritage));
        }

        // Exactly the foreign owner's seeded keys belong to someone else; unowned (hand-made) records get no item.
        var foreign = items.Where(i => i.O != ConformanceScenarios.OwnerId).Select(i => $"{i.K} owner={i.O}").Order(StringComparer.Ordinal).ToList();
        var seeded = context.Scenario.ForeignOwned(context.Zone).Select(e => $"{e.Key} owner={ConformanceScenarios.ForeignOwnerId}").Order(StringComparer.Ordinal).ToList();
        if (!foreign.SequenceEqual(seeded, StringComparer.Ordinal))
        {
            problems.Add($"items not ours: want [{string.Join(", ", seeded)}], table has [{string.Join(", ", foreign)}]");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("DynamoDB ownership items disagree with the desired state:\n  " + string.Join("\n  ", problems));
        }
    }
}
