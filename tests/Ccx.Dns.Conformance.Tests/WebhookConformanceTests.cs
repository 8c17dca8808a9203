using Ccx.Dns.Conformance.Tests.Infrastructure;
using Ccx.Dns.Testing;

namespace Ccx.Dns.Conformance.Tests;

/// <summary>
/// The ExternalDNS webhook client through Ccx.Dns's webhook server (real Kestrel on loopback) to a real pdns_server,
/// with the TXT registry on the client side; answers checked with real DNS queries against PowerDNS.
/// </summary>
[Collection(WebhookPowerDnsServerGroup.Name)]
[Trait("Category", "Integration")]
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime.DisposeAsync
public sealed class WebhookPowerDnsConformanceTests(WebhookPowerDnsFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WebhookPaths _paths = new();
#pragma warning restore CA1001

    public static TheoryData<string> Scenarios => ConformanceTheoryData.Supported(KnownProviderCapabilities.WebhookPowerDns);

    private ConformanceTarget CreateTarget(DnsAnswerVerifier verifier, string zoneSuffix) => new()
    {
        Name = "webhook→pdns+txt",
        Capabilities = KnownProviderCapabilities.WebhookPowerDns,
        CreateSubjectAsync = async (scenario, ct) =>
        {
            var zone = scenario.Name + "." + zoneSuffix;
            return new ConformanceSubject(await fixture.CreateZoneAndClientAsync(_paths, zone, ct), new ConformanceZone(zone));
        },
        ConfigureApply = b => b.AddCaching(),
        VerifyStepAsync = verifier.VerifyAsync,
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_WebhookToPowerDns_ConvergesAndAnswersInDns(string scenario)
    {
        var verifier = new DnsAnswerVerifier(fixture.Server.Query(), DnsAnswerVerifier.UnquotePresentation);
        await ConformanceTheoryData.RunAsync(CreateTarget(verifier, "webhook.pdns.test"), scenario, output);
        output.WriteLine($"{verifier.Queries} real DNS queries agreed");
        Assert.True(verifier.Queries > 0, "no step was checked with a real DNS query");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_WebhookToPowerDns_TargetedReconciles_ConvergeAndAnswerInDns(string scenario)
    {
        var verifier = new DnsAnswerVerifier(fixture.Server.Query(), DnsAnswerVerifier.UnquotePresentation);
        await ConformanceTheoryData.RunAsync(CreateTarget(verifier, "targeted.webhook.pdns.test"), scenario, output, ConformanceReconcileMode.Targeted);
        Assert.True(verifier.Queries > 0, "no step was checked with a real DNS query");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _paths.DisposeAsync().AsTask();

    [Fact]
    public void SkippedScenarios_WebhookToPowerDns_AreListedWithReasons() =>
        ConformanceTheoryData.ListSkipped(CreateTarget(new DnsAnswerVerifier(fixture.Server.Query(), DnsAnswerVerifier.UnquotePresentation), "skipped.webhook.pdns.test"), output);
}

/// <summary>
/// The ExternalDNS webhook client through Ccx.Dns's webhook server (real Kestrel on loopback) to the RFC 2136 provider on
/// a real BIND, with the TXT registry on the client side; answers checked with real DNS queries against BIND.
/// </summary>
[Collection(WebhookBindServerGroup.Name)]
[Trait("Category", "Integration")]
#pragma warning disable CA1001 // disposed by xunit through IAsyncLifetime.DisposeAsync
public sealed class WebhookBindConformanceTests(WebhookBindFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WebhookPaths _paths = new();
#pragma warning restore CA1001

    public static TheoryData<string> Scenarios => ConformanceTheoryData.Supported(KnownProviderCapabilities.WebhookRfc2136);

    private ConformanceTarget CreateTarget(DnsAnswerVerifier verifier, ConformanceReconcileMode mode) => new()
    {
        Name = "webhook→rfc2136-bind+txt",
        Capabilities = KnownProviderCapabilities.WebhookRfc2136,
        CreateSubjectAsync = async (scenario, _) =>
        {
            var zone = WebhookBindFixture.ZoneFor(scenario, mode);
            return new ConformanceSubject(await fixture.CreateClientAsync(_paths, zone), new ConformanceZone(zone));
        },
        VerifyStepAsync = verifier.VerifyAsync,
    };

    private async Task RunScenarioAsync(string scenario, ConformanceReconcileMode mode)
    {
        var verifier = new DnsAnswerVerifier(fixture.Server.Query(), static text => text);
        await ConformanceTheoryData.RunAsync(CreateTarget(verifier, mode), scenario, output, mode);
        output.WriteLine($"{verifier.Queries} real DNS queries agreed");
        Assert.True(verifier.Queries > 0, "no step was checked with a real DNS query");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_WebhookToBind_ConvergesAndAnswersInDns(string scenario) => RunScenarioAsync(scenario, ConformanceReconcileMode.Full);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Scenario_WebhookToBind_TargetedReconciles_ConvergeAndAnswerInDns(string scenario) => RunScenarioAsync(scenario, ConformanceReconcileMode.Targeted);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _paths.DisposeAsync().AsTask();

    [Fact]
    public void SkippedScenarios_WebhookToBind_AreListedWithReasons() =>
        ConformanceTheoryData.ListSkipped(CreateTarget(new DnsAnswerVerifier(fixture.Server.Query(), static text => text), ConformanceReconcileMode.Full), output);
}
