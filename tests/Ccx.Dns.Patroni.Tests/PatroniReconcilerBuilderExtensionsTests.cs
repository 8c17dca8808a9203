using System.Net;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Patroni.Tests.Infrastructure;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Sources;
using Ccx.Dns.Patroni;
using Ccx.Dns.TestServers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Patroni.Tests;

/// <summary>Registration, configuration binding, start-up validation, and the source driving the hosted reconciler.</summary>
public sealed class PatroniReconcilerBuilderExtensionsTests
{
    [Fact]
    public void AddPatroniSource_Configuration_BindsEverySetting()
    {
        var id = Guid.NewGuid();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Patroni:PollInterval"] = "00:00:00.250",
            ["Patroni:RequestTimeout"] = "00:00:03",
            ["Patroni:MaxReplicaLagBytes"] = "1048576",
            ["Patroni:ReplicaPublishAfterReads"] = "3",
            ["Patroni:StandbyLeaderRole"] = "Primary",
            ["Patroni:WithdrawPrimaryWithoutLeader"] = "true",
            ["Patroni:MaxConcurrentRequests"] = "8",
            ["Patroni:CallbackListenerPrefix"] = "http://127.0.0.1:8089/ccx-dns/patroni/",
            ["Patroni:HealthStaleAfter"] = "00:02:00",
            ["Patroni:Naming:RecordTtl"] = "00:00:05",
            ["Patroni:Naming:ReplicaLabel"] = "ro",
            ["Patroni:Datastores:0:Id"] = id.ToString(),
            ["Patroni:Datastores:0:UserDomain"] = "db.example.org",
            ["Patroni:Datastores:0:RestApiUrls:0"] = "http://10.0.0.11:8008",
            ["Patroni:Datastores:0:RestApiUrls:1"] = "http://10.0.0.12:8008",
            ["Patroni:Datastores:0:MaxReplicaLagBytes"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddDnsReconciler().AddInMemoryProvider(o => o.Zones.Add("db.example.org")).AddTxtRegistry().AddPatroniSource(configuration.GetSection("Patroni"));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<PatroniSourceOptions>>().Value;

        Assert.Equal(TimeSpan.FromMilliseconds(250), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), options.RequestTimeout);
        Assert.Equal(1_048_576, options.MaxReplicaLagBytes);
        Assert.Equal(3, options.ReplicaPublishAfterReads);
        Assert.Equal(PatroniStandbyLeaderRole.Primary, options.StandbyLeaderRole);
        Assert.True(options.WithdrawPrimaryWithoutLeader);
        Assert.Equal(8, options.MaxConcurrentRequests);
        Assert.Equal("http://127.0.0.1:8089/ccx-dns/patroni/", options.CallbackListenerPrefix);
        Assert.Equal(TimeSpan.FromMinutes(2), options.HealthStaleAfter);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Naming.RecordTtl);
        Assert.Equal("ro", options.Naming.ReplicaLabel);
        var datastore = Assert.Single(options.Datastores);
        Assert.Equal(id, datastore.Id);
        Assert.Equal("db.example.org", datastore.UserDomain);
        Assert.Equal(["http://10.0.0.11:8008", "http://10.0.0.12:8008"], datastore.RestApiUrls);
        Assert.Equal(0, datastore.MaxReplicaLagBytes);

        var source = provider.GetRequiredService<PatroniSource>();
        Assert.Same(source, Assert.Single(provider.GetServices<IEndpointSource>()));
        Assert.Equal([id], source.DatastoreIds);
    }

    [Fact]
    public async Task AddPatroniSource_WithHttpClientFactory_ReadsThroughThatClient()
    {
        await using var cluster = ScriptedCluster.Start(1);
        cluster.AnswerAll(cluster.Leader(0));
        var handler = new CountingHandler();
        var services = new ServiceCollection();
        services.AddDnsReconciler().AddInMemoryProvider(o => o.Zones.Add(ScriptedCluster.Domain)).AddTxtRegistry()
            .AddPatroniSource(cluster.Options().Apply, _ => new HttpClient(handler));
        using var provider = services.BuildServiceProvider();

        var status = await provider.GetRequiredService<PatroniSource>().RefreshAsync(cluster.Id);

        Assert.Equal(PatroniClusterCondition.Published, status.Condition);
        Assert.Equal(1, handler.Requests);
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        public CountingHandler()
            : base(new SocketsHttpHandler { AllowAutoRedirect = false })
        {
        }

        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public void AddPatroniSource_Twice_RegistersOneSourceAndOneHostedService()
    {
        var services = new ServiceCollection();
        var builder = services.AddDnsReconciler();
        builder.AddPatroniSource(o => { }).AddPatroniSource(o => { });

        Assert.Single(services, d => d.ServiceType == typeof(PatroniSource));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory?.Method.ReturnType.Name.Contains("Patroni", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task AddPatroniSource_InvalidOptions_HostFailsToStartNamingEveryProblem()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDnsReconciler().AddInMemoryProvider(o => o.Zones.Add("db.example.org")).AddTxtRegistry()
            .AddPatroniSource(o => o.PollInterval = TimeSpan.Zero);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // Set in code: each error is named by class and option (from configuration, by path: see the ConfigurationOnly tests).
        Assert.Contains(ex.Failures, f => f.StartsWith("PatroniSourceOptions.PollInterval must be from 10 ms", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PatroniSourceOptions.Datastores must list at least one datastore", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostedReconciler_FollowsALeaderChangeWithATargetedReconcile_ThroughTheCallbackListener()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        var prefix = $"http://127.0.0.1:{LoopbackPorts.FreeTcpPort()}/ccx-dns/patroni/";
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddHealthChecks().AddPatroniSourceCheck();
        builder.Services.AddDnsReconciler(o => o.MinEventSyncInterval = TimeSpan.FromMilliseconds(50))
            .AddInMemoryProvider(o => o.Zones.Add(ScriptedCluster.Domain))
            .AddTxtRegistry(o => o.OwnerId = "patroni-test")
            .AddPatroniSource(cluster.Options(o =>
            {
                o.PollInterval = TimeSpan.FromHours(1); // only the callback can make it read again in this test
                o.CallbackListenerPrefix = prefix;
            }).Apply);
        using var host = builder.Build();
        var dns = host.Services.GetRequiredService<InMemoryDnsProvider>();
        var reconciler = host.Services.GetRequiredService<DnsReconciler>();
        await host.StartAsync();
        try
        {
            await WaitForAsync(() => PrimaryOf(dns, cluster) == ScriptedCluster.Host(0));
            Assert.Equal([ScriptedCluster.Host(1)], TargetsOf(dns, cluster.ReplicaName));

            // A switchover: Patroni runs on_role_change on both members (the new leader, then the old one as a replica).
            cluster.AnswerAll(cluster.Replica(0), cluster.Leader(1));
            using var http = new HttpClient();
            for (var callback = 0; callback < 2; callback++)
            {
                using var response = await http.PostAsync(new Uri(prefix + "refresh/" + cluster.Id), null);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await WaitForAsync(() => PrimaryOf(dns, cluster) == ScriptedCluster.Host(1) && TargetsOf(dns, cluster.ReplicaName).SequenceEqual([ScriptedCluster.Host(0)]));
            Assert.Equal(ReconcileMode.Targeted, reconciler.LastResult!.Mode);

            var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Assert.Equal(HealthStatus.Healthy, health.Entries["ccx-dns-patroni"].Status);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task ConfigurationOnly_SourcesNamePatroni_PublishesTheLeaderAndReplica()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dns:Provider"] = "InMemory",
            ["Dns:Registry"] = "Txt",
            ["Dns:DomainFilter:0"] = ScriptedCluster.Domain,
            ["Dns:Txt:OwnerId"] = "patroni-configuration",
            ["Dns:Sources:0"] = "Patroni",
            ["Dns:Patroni:PollInterval"] = "250ms",
            ["Dns:Patroni:Naming:RecordTtl"] = "5s",
            ["Dns:Patroni:Datastores:0:Id"] = cluster.Id.ToString(),
            ["Dns:Patroni:Datastores:0:UserDomain"] = ScriptedCluster.Domain,
            ["Dns:Patroni:Datastores:0:RestApiUrls:0"] = cluster.Members[0].Url,
            ["Dns:Patroni:Datastores:0:RestApiUrls:1"] = cluster.Members[1].Url,
        }).Build();
        var services = new ServiceCollection();
        services.AddDnsReconciler(configuration.GetSection("Dns"));
        using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<DnsReconciler>().RunOnceAsync();

        Assert.True(result.Succeeded, result.ToString());
        var source = provider.GetRequiredService<PatroniSource>();
        Assert.Equal(TimeSpan.FromMilliseconds(250), source.Options.PollInterval); // an ExternalDNS duration
        Assert.Equal(TimeSpan.FromSeconds(5), source.Options.Naming.RecordTtl);
        var dns = provider.GetRequiredService<InMemoryDnsProvider>();
        Assert.Equal([ScriptedCluster.Host(0)], TargetsOf(dns, cluster.PrimaryName));
        Assert.Equal([ScriptedCluster.Host(1)], TargetsOf(dns, cluster.ReplicaName));
        Assert.Equal(5L, dns.GetZoneRecords(ScriptedCluster.Domain).Single(e => e.DnsName == cluster.PrimaryName && e.RecordType == RecordType.A).Ttl);
        Assert.Contains(provider.GetServices<IHostedService>(), s => s.GetType().Name == "PatroniHostedService");
    }

    [Fact]
    public async Task ConfigurationOnly_BadPatroniSettings_HostFailsToStartNamingEachByItsPath()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dns:Provider"] = "InMemory",
            ["Dns:Registry"] = "Txt",
            ["Dns:DomainFilter:0"] = "db.example.org",
            ["Dns:Txt:OwnerId"] = "patroni-configuration",
            ["Dns:Sources:0"] = "Patroni",
            ["Dns:Patroni:PollInterval"] = "0s",
            ["Dns:Patroni:Datastores:0:UserDomain"] = "db.example.org",
            ["Dns:Patroni:Datastores:0:RestApiUrls:0"] = "http://10.0.0.11:8008",
        });
        builder.Services.AddDnsReconciler(builder.Configuration.GetSection("Dns"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith("Dns:Patroni:PollInterval (PatroniSourceOptions.PollInterval) must be from 10 ms", StringComparison.Ordinal));
        Assert.Contains("Dns:Patroni:Datastores:0:Id (PatroniSourceOptions.Datastores[0].Id) is required (a non-empty UUID).", ex.Failures);
        Assert.Equal(2, ex.Failures.Count());
    }

    [Fact]
    public void ConfigurationOnly_UnknownSource_ErrorListsTheSourcesThatCanBeNamed()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dns:Sources:0"] = "Patrony",
        }).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddDnsReconciler(configuration.GetSection("Dns")));

        Assert.Equal("Dns:Sources contains 'Patrony', which is not a source that can be named in configuration (DatastoreNaming, Programmatic, Patroni); add your own in code with AddSource<T>()", Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task NamedReconciler_PatroniSourceOnItsBuilder_PollsAndFollowsALeaderChange()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDnsReconciler("private", o => o.MinEventSyncInterval = TimeSpan.FromMilliseconds(50))
            .AddInMemoryProvider(o => o.Zones.Add(ScriptedCluster.Domain))
            .AddTxtRegistry(o => o.OwnerId = "patroni-named")
            .AddPatroniSource(cluster.Options(o => o.PollInterval = TimeSpan.FromMilliseconds(50)).Apply);
        using var host = builder.Build();
        var dns = (InMemoryDnsProvider)host.Services.GetRequiredKeyedService<IDnsProvider>("private");
        await host.StartAsync();
        try
        {
            await WaitForAsync(() => PrimaryOf(dns, cluster) == ScriptedCluster.Host(0));

            // Only the source's poller (a hosted service in the named reconciler's own container) can see this.
            cluster.AnswerAll(cluster.Replica(0), cluster.Leader(1));

            await WaitForAsync(() => PrimaryOf(dns, cluster) == ScriptedCluster.Host(1) && TargetsOf(dns, cluster.ReplicaName).SequenceEqual([ScriptedCluster.Host(0)]));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static string? PrimaryOf(InMemoryDnsProvider dns, ScriptedCluster cluster) => TargetsOf(dns, cluster.PrimaryName).SingleOrDefault();

    private static IReadOnlyList<string> TargetsOf(InMemoryDnsProvider dns, string name) =>
        dns.GetZoneRecords(ScriptedCluster.Domain).FirstOrDefault(e => e.DnsName == name && e.RecordType == RecordType.A)?.Targets ?? [];

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10); // waits for the hosted services on the real clock; nothing asserts how long it took
        }

        Assert.True(condition());
    }
}

internal static class OptionsCopy
{
    /// <summary>Copies configured options onto options the builder creates (the builder takes an Action).</summary>
    public static void Apply(this PatroniSourceOptions from, PatroniSourceOptions to)
    {
        foreach (var datastore in from.Datastores)
        {
            to.Datastores.Add(datastore);
        }

        to.PollInterval = from.PollInterval;
        to.RequestTimeout = from.RequestTimeout;
        to.CallbackListenerPrefix = from.CallbackListenerPrefix;
        to.MaxReplicaLagBytes = from.MaxReplicaLagBytes;
        to.Naming = from.Naming;
    }
}
