using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Ccx.Dns.Sources;
using Ccx.Dns.Sources.Datastore;
using Ccx.Dns.Sources.Programmatic;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.DependencyInjection;

public sealed class DnsReconcilerServiceCollectionExtensionsTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static void AddTestRegistry(IServiceCollection services) =>
        services.AddSingleton<IRegistry>(sp => new OwnerLabelRegistry(sp.GetRequiredService<IDnsProvider>()));

    private static HostApplicationBuilder HostBuilder() => Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

    private static string AllMessages(Exception ex) => ex switch
    {
        AggregateException aggregate => string.Join("\n", aggregate.Flatten().InnerExceptions.Select(AllMessages)),
        OptionsValidationException options => string.Join("\n", options.Failures),
        _ => ex.Message,
    };

    [Fact]
    public void AddDnsReconciler_Configuration_BindsEveryOption()
    {
        var services = new ServiceCollection();
        services.AddDnsReconciler(Configuration(
            ("Interval", "00:00:30"),
            ("MinEventSyncInterval", "00:00:00.250"),
            ("DryRun", "true"),
            ("Policy", "upsert-only"),
            ("ManagedRecordTypes:0", "A"),
            ("ManagedRecordTypes:1", "TXT"),
            ("ExcludedRecordTypes:0", "AAAA"),
            ("IncludeDomains:0", "db.example.org"),
            ("ExcludeDomains:0", "internal.db.example.org"),
            ("Guard:MinExistingRecords", "5"),
            ("Guard:MaxDeletePercent", "10"),
            ("Guard:MaxUpdatePercent", "20"),
            ("Guard:AllowEmptySource", "true"),
            ("UnhealthyAfterIntervals", "5")));

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<DnsReconcilerOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(30), options.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.MinEventSyncInterval);
        Assert.True(options.DryRun);
        Assert.Equal("upsert-only", options.Policy);
        Assert.Equal(["A", "AAAA", "CNAME", "A", "TXT"], options.ManagedRecordTypes); // binding appends to the defaults
        Assert.Equal(["AAAA"], options.ExcludedRecordTypes);
        Assert.Equal(["db.example.org"], options.IncludeDomains);
        Assert.Equal(["internal.db.example.org"], options.ExcludeDomains);
        Assert.Equal((5, 10d, 20d, true, false), (options.Guard.MinExistingRecords, options.Guard.MaxDeletePercent, options.Guard.MaxUpdatePercent, options.Guard.AllowEmptySource, options.Guard.AllowUnsafePlans));
        Assert.Equal(5, options.UnhealthyAfterIntervals);
    }

    [Fact]
    public void AddDnsReconciler_NoConfiguration_HasTheDocumentedDefaults()
    {
        var services = new ServiceCollection();
        services.AddDnsReconciler();

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<DnsReconcilerOptions>>().Value;

        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(500), false, "sync"), (options.Interval, options.MinEventSyncInterval, options.DryRun, options.Policy));
        Assert.Equal((10, 30d, 30d, false), (options.Guard.MinExistingRecords, options.Guard.MaxDeletePercent, options.Guard.MaxUpdatePercent, options.Guard.GuardTargetChanges));
        Assert.Equal(["A", "AAAA", "CNAME"], options.ManagedRecordTypes);
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_FailsListingEveryError()
    {
        var builder = HostBuilder();
        builder.Services.AddDnsReconciler(Configuration(
                ("Interval", "-00:00:01"),
                ("Policy", "delete-everything"),
                ("ManagedRecordTypes:0", "BOGUS"),
                ("IncludeDomains:0", "example.org"),
                ("RegexDomainFilter", "(unclosed"),
                ("Guard:MaxDeletePercent", "150")))
            .AddInMemoryProvider(o => o.Zones.Add("example.org"));
        AddTestRegistry(builder.Services);
        using var host = builder.Build();

        var ex = await Record.ExceptionAsync(() => host.StartAsync());

        var messages = AllMessages(Assert.IsAssignableFrom<Exception>(ex));
        Assert.Contains("Interval must be positive", messages);
        Assert.Contains("Policy 'delete-everything'", messages);
        Assert.Contains("'BOGUS'", messages);
        Assert.Contains("not both", messages);
        Assert.Contains("RegexDomainFilter '(unclosed'", messages);
        Assert.Contains("Guard.MaxDeletePercent", messages);
    }

    [Fact]
    public async Task StartAsync_InMemoryProviderWithoutZones_FailsNamingTheOption()
    {
        var builder = HostBuilder();
        builder.Services.AddDnsReconciler().AddInMemoryProvider();
        AddTestRegistry(builder.Services);
        using var host = builder.Build();

        var ex = await Record.ExceptionAsync(() => host.StartAsync());

        Assert.Contains("Zones must name at least one zone", AllMessages(ex!));
    }

    [Fact]
    public async Task StartAsync_NoRegistry_FailsNamingTheRegistryExtensions()
    {
        var builder = HostBuilder();
        builder.Services.AddDnsReconciler().AddInMemoryProvider(o => o.Zones.Add("example.org"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains(".AddTxtRegistry(", ex.Message);
        Assert.Contains(".AddNoopRegistry()", ex.Message);
    }

    [Fact]
    public async Task AddProvider_CustomProvider_IsTheProviderTheReconcilerWritesTo()
    {
        var services = new ServiceCollection();
        services.AddDnsReconciler().AddProvider<CountingProvider>().AddProgrammaticSource();
        AddTestRegistry(services);
        await using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<ProgrammaticEndpointSource>().Upsert(new DnsEndpoint("db.example.org", RecordType.A, "10.0.0.1"));

        var result = await sp.GetRequiredService<DnsReconciler>().RunOnceAsync();

        var custom = sp.GetRequiredService<CountingProvider>();
        Assert.Same(custom, sp.GetRequiredService<IDnsProvider>());
        Assert.Equal(ReconcileOutcome.Applied, result.Outcome);
        Assert.Equal(1, custom.Applies);
    }

    [Fact]
    public void AddProvider_ADifferentSecondProvider_Throws()
    {
        var builder = new ServiceCollection().AddDnsReconciler().AddProvider<CountingProvider>();

        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddInMemoryProvider());

        Assert.Contains(nameof(CountingProvider), ex.Message);
    }

    [Fact]
    public async Task AddDnsReconciler_RegisteredTwice_IsHarmless()
    {
        var builder = HostBuilder();
        builder.Services.AddDnsReconciler(o => o.MinEventSyncInterval = TimeSpan.Zero)
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddProgrammaticSource()
            .AddDatastoreNamingSource();
        builder.Services.AddDnsReconciler()
            .AddInMemoryProvider()
            .AddProgrammaticSource()
            .AddDatastoreNamingSource();
        AddTestRegistry(builder.Services);
        using var host = builder.Build();

        Assert.Equal(3, builder.Services.Count(d => d.ServiceType == typeof(IHostedService))); // the reconcile loop, the set-up monitor, run-once
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IDnsProvider));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IValidateOptions<DnsReconcilerOptions>));
        Assert.Equal(2, host.Services.GetServices<IEndpointSource>().Count());
        Assert.Equal(["example.org"], host.Services.GetRequiredService<InMemoryDnsProvider>().Zones);

        var reconciler = host.Services.GetRequiredService<DnsReconciler>();
        var applied = new TaskCompletionSource<ReconcileResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        reconciler.Reconciled += (_, r) =>
        {
            if (r.Applied)
            {
                applied.TrySetResult(r);
            }
        };
        await host.StartAsync();
        host.Services.GetRequiredService<ProgrammaticEndpointSource>().Upsert(new DnsEndpoint("db.example.org", RecordType.A, "10.0.0.1"));
        var result = await applied.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await host.StopAsync();

        Assert.Single(result.AppliedChanges.Create);
    }

    [Fact]
    public void AddDnsReconciler_ClockRegisteredFirst_IsKept()
    {
        var clock = new ManualTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddDnsReconciler();
        var other = new ServiceCollection();
        other.AddDnsReconciler();

        Assert.Same(clock, services.BuildServiceProvider().GetRequiredService<TimeProvider>());
        Assert.Same(TimeProvider.System, other.BuildServiceProvider().GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddDatastoreNamingSource_Configuration_BindsItsOptions()
    {
        var services = new ServiceCollection();
        services.AddDnsReconciler().AddDatastoreNamingSource(Configuration(("RecordTtl", "00:00:10"), ("ReplicaLabel", "ro")));

        var source = services.BuildServiceProvider().GetRequiredService<DatastoreNamingSource>();
        var endpoints = source.EndpointsFor(new DatastoreCluster(Guid.NewGuid(), "example.org", [new DatastoreNode("10.0.0.1", DatastoreNodeRole.Replica)]));

        Assert.Equal(10, Assert.Single(endpoints).Ttl);
        Assert.StartsWith("ro.", endpoints[0].DnsName);
    }

    private sealed class CountingProvider : IDnsProvider
    {
        private readonly InMemoryDnsProvider _inner = new(["example.org"]);

        public int Applies;

        public DomainFilter DomainFilter => _inner.DomainFilter;

        public Task<IReadOnlyList<DnsEndpoint>> GetRecordsAsync(CancellationToken cancellationToken = default) => _inner.GetRecordsAsync(cancellationToken);

        public Task ApplyChangesAsync(DnsChanges changes, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Applies);
            return _inner.ApplyChangesAsync(changes, cancellationToken);
        }

        public IReadOnlyList<DnsEndpoint> AdjustEndpoints(IReadOnlyList<DnsEndpoint> endpoints) => endpoints;
    }
}
