using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Ccx.Dns.Coordination;
using Ccx.Dns.Diagnostics;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Registry;
using Ccx.Dns.Sources.Programmatic;
using Ccx.Dns.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.DependencyInjection;

/// <summary>Several reconcilers in one host: <c>AddDnsReconciler("public")</c> / <c>AddDnsReconciler("private")</c>.</summary>
public sealed class NamedDnsReconcilerTests
{
    private static readonly DnsEndpoint Www = new("www.example.org", RecordType.A, "192.0.2.1");

    private static HostApplicationBuilder HostBuilder() => Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

    /// <summary>A primary and a secondary DNS, each its own in-memory zone, registry and owner, fed by one source.</summary>
    private static void AddPrimaryAndSecondary(IServiceCollection services)
    {
        services.AddDnsReconciler("primary", o => o.Guard.AllowEmptySource = true)
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddTxtRegistry(o => o.OwnerId = "primary-owner")
            .AddSharedSource<ProgrammaticEndpointSource>();
        services.AddDnsReconciler("secondary", o => o.Guard.AllowEmptySource = true)
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddTxtRegistry(o => o.OwnerId = "secondary-owner")
            .AddSharedSource<ProgrammaticEndpointSource>();
    }

    [Fact]
    public async Task RunOnce_TwoNamedReconcilersOneSource_EachWritesItsOwnProviderWithItsOwnOwner()
    {
        var services = new ServiceCollection();
        AddPrimaryAndSecondary(services);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<ProgrammaticEndpointSource>().ReplaceAll([Www]);

        var primary = provider.GetRequiredKeyedService<DnsReconciler>("primary");
        var secondary = provider.GetRequiredKeyedService<DnsReconciler>("secondary");
        Assert.NotSame(primary, secondary);
        Assert.Equal(ReconcileOutcome.Applied, (await primary.RunOnceAsync()).Outcome);
        Assert.Equal(ReconcileOutcome.Applied, (await secondary.RunOnceAsync()).Outcome);

        var primaryZone = (InMemoryDnsProvider)provider.GetRequiredKeyedService<IDnsProvider>("primary");
        var secondaryZone = (InMemoryDnsProvider)provider.GetRequiredKeyedService<IDnsProvider>("secondary");
        Assert.NotSame(primaryZone, secondaryZone);
        Assert.Contains(await primaryZone.GetRecordsAsync(), r => r.DnsName == "www.example.org" && r.RecordType == RecordType.A);
        Assert.Contains(await secondaryZone.GetRecordsAsync(), r => r.DnsName == "www.example.org" && r.RecordType == RecordType.A);
        Assert.Contains(await primaryZone.GetRecordsAsync(), r => r.RecordType == RecordType.TXT && r.Targets[0].Contains("owner=primary-owner", StringComparison.Ordinal));
        Assert.Contains(await secondaryZone.GetRecordsAsync(), r => r.RecordType == RecordType.TXT && r.Targets[0].Contains("owner=secondary-owner", StringComparison.Ordinal));
        Assert.Equal("primary-owner", provider.GetRequiredKeyedService<IRegistry>("primary").OwnerId);
        Assert.Equal("secondary-owner", provider.GetRequiredKeyedService<IRegistry>("secondary").OwnerId);
        Assert.Same(primary.Sources.Single(), secondary.Sources.Single());
    }

    [Fact]
    public async Task Host_TwoNamedReconcilers_EachRunsItsOwnHostedServiceOnTheSourcesSignal()
    {
        var builder = HostBuilder();
        AddPrimaryAndSecondary(builder.Services);
        using var host = builder.Build();
        var source = host.Services.GetRequiredService<ProgrammaticEndpointSource>();
        var primaryZone = (InMemoryDnsProvider)host.Services.GetRequiredKeyedService<IDnsProvider>("primary");
        var secondaryZone = (InMemoryDnsProvider)host.Services.GetRequiredKeyedService<IDnsProvider>("secondary");

        await host.StartAsync();
        source.ReplaceAll([Www]); // one change signal, two reconcilers react
        await Eventually.TrueAsync(async () => (await primaryZone.GetRecordsAsync()).Any(r => r.DnsName == "www.example.org") && (await secondaryZone.GetRecordsAsync()).Any(r => r.DnsName == "www.example.org"), "the reconcilers converged", interval: TimeSpan.FromMilliseconds(10));
        await host.StopAsync();

        Assert.Equal(2, host.Services.GetServices<IHostedService>().Count(h => h.GetType().Name == "DnsReconcilerHostedService"));
    }

    [Fact]
    public async Task Options_NamedAndUnnamedReconcilers_AreIndependent()
    {
        var services = new ServiceCollection();
        services.AddDnsReconciler(o => o.DryRun = true).AddInMemoryProvider(o => o.Zones.Add("unnamed.example")).AddNoopRegistry();
        services.AddDnsReconciler("public", o => o.Interval = TimeSpan.FromMinutes(7)).AddInMemoryProvider(o => o.Zones.Add("public.example")).AddNoopRegistry();
        services.AddDnsReconciler("private", o => o.Policy = "upsert-only").AddInMemoryProvider(o => o.Zones.Add("private.example")).AddNoopRegistry();
        await using var provider = services.BuildServiceProvider();

        var unnamed = provider.GetRequiredService<DnsReconciler>();
        var publicReconciler = provider.GetRequiredKeyedService<DnsReconciler>("public");
        var privateReconciler = provider.GetRequiredKeyedService<DnsReconciler>("private");

        Assert.Equal((true, TimeSpan.FromMinutes(1), "sync"), (unnamed.Options.DryRun, unnamed.Options.Interval, unnamed.Options.Policy));
        Assert.Equal((false, TimeSpan.FromMinutes(7), "sync"), (publicReconciler.Options.DryRun, publicReconciler.Options.Interval, publicReconciler.Options.Policy));
        Assert.Equal((false, TimeSpan.FromMinutes(1), "upsert-only"), (privateReconciler.Options.DryRun, privateReconciler.Options.Interval, privateReconciler.Options.Policy));
        Assert.Equal(["unnamed.example"], ((InMemoryDnsProvider)provider.GetRequiredService<IDnsProvider>()).Zones);
        Assert.Equal(["public.example"], ((InMemoryDnsProvider)provider.GetRequiredKeyedService<IDnsProvider>("public")).Zones);
        Assert.Equal(["private.example"], ((InMemoryDnsProvider)provider.GetRequiredKeyedService<IDnsProvider>("private")).Zones);
        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Equal(3, hosted.Count(h => h.GetType().Name == "DnsReconcilerHostedService"));
        Assert.Equal(3, hosted.Count(h => h.GetType().Name == "DnsSetupMonitor"));
    }

    [Fact]
    public async Task Lease_OnlyOnTheReconcilerThatRegisteredOne()
    {
        var lease = new StubLease(held: false);
        var services = new ServiceCollection();
        var withLease = services.AddDnsReconciler("leased").AddInMemoryProvider(o => o.Zones.Add("a.example")).AddNoopRegistry();
        withLease.Services.AddSingleton<ILeaderLease>(lease);
        services.AddDnsReconciler("free").AddInMemoryProvider(o => o.Zones.Add("b.example")).AddNoopRegistry();
        await using var provider = services.BuildServiceProvider();

        Assert.Same(lease, provider.GetRequiredKeyedService<DnsReconciler>("leased").Lease);
        Assert.Null(provider.GetRequiredKeyedService<DnsReconciler>("free").Lease);
        Assert.Same(lease, provider.GetKeyedService<ILeaderLease>("leased"));
        Assert.Null(provider.GetKeyedService<ILeaderLease>("free"));
        Assert.Null(provider.GetService<ILeaderLease>());
    }

    [Fact]
    public async Task Start_NamedReconcilerInvalid_FailsNamingTheReconcilerAndEveryProblem()
    {
        var builder = HostBuilder();
        builder.Services.AddDnsReconciler("public", o => (o.Interval, o.Policy) = (TimeSpan.Zero, "sometimes")).AddInMemoryProvider(o => o.Zones.Add("example.org")).AddNoopRegistry();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.True(error.Failures.Count() >= 2, string.Join("\n", error.Failures));
        Assert.All(error.Failures, f => Assert.StartsWith("DNS reconciler 'public': ", f, StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Interval", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("sometimes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_NamedReconcilerWithoutRegistry_SaysWhereToAddOne()
    {
        var builder = HostBuilder();
        builder.Services.AddDnsReconciler("private").AddInMemoryProvider(o => o.Zones.Add("example.org"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("services.AddDnsReconciler(\"private\").AddTxtRegistry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDnsReconciler_SameNameTwice_IsOneReconciler()
    {
        var services = new ServiceCollection();
        services.AddDnsReconciler("public").AddInMemoryProvider(o => o.Zones.Add("example.org"));
        services.AddDnsReconciler("public").AddNoopRegistry();
        await using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IHostedService>(), h => h.GetType().Name == "DnsReconcilerHostedService");
        Assert.NotNull(provider.GetRequiredKeyedService<DnsReconciler>("public"));
    }

    [Fact]
    public async Task Metrics_EachNamedReconciler_TagsItsMeasurements()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        AddPrimaryAndSecondary(services);
        await using var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<IMeterFactory>();
        var seen = new ConcurrentBag<(string Instrument, string? Reconciler)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this host's meters: other tests running at the same time measure on meters of their own.
            if (instrument.Meter.Name == DnsTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => seen.Add((instrument.Name, Tag(tags))));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => seen.Add((instrument.Name, Tag(tags))));
        listener.Start();

        await provider.GetRequiredKeyedService<DnsReconciler>("primary").RunOnceAsync();
        await provider.GetRequiredKeyedService<DnsReconciler>("secondary").RunOnceAsync();

        Assert.Contains(("ccx.dns.reconcile.duration", "primary"), seen);
        Assert.Contains(("ccx.dns.reconcile.duration", "secondary"), seen);
        Assert.DoesNotContain(seen, s => s.Instrument == "ccx.dns.reconcile.duration" && s.Reconciler is null);

        static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == DnsTelemetry.ReconcilerTag)
                {
                    return tag.Value as string;
                }
            }

            return null;
        }
    }

    [Fact]
    public async Task Logs_EachNamedReconciler_WritesInsideItsOwnScope()
    {
        var logs = new ScopeCapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        AddPrimaryAndSecondary(services);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredKeyedService<DnsReconciler>("primary").RunOnceAsync();
        await provider.GetRequiredKeyedService<DnsReconciler>("secondary").RunOnceAsync();

        Assert.NotEmpty(logs.Entries);
        Assert.Contains(logs.Entries, e => e.Scopes.Contains("DnsReconciler:primary"));
        Assert.Contains(logs.Entries, e => e.Scopes.Contains("DnsReconciler:secondary"));
        Assert.All(logs.Entries, e => Assert.Single(e.Scopes, s => s.StartsWith("DnsReconciler:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task HealthChecks_OneEntryPerNamedReconciler()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        AddPrimaryAndSecondary(services);
        services.AddHealthChecks().AddNamedDnsReconcilerChecks();
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredKeyedService<DnsReconciler>("primary").RunOnceAsync();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(["ccx-dns-primary", "ccx-dns-secondary"], report.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("DNS in sync", report.Entries["ccx-dns-primary"].Description, StringComparison.Ordinal);
        Assert.StartsWith("starting", report.Entries["ccx-dns-secondary"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clock_TheHostsTimeProvider_IsTheNamedReconcilersClock()
    {
        var clock = new ManualTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        AddPrimaryAndSecondary(services);
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredKeyedService<DnsReconciler>("primary").RunOnceAsync();

        Assert.Equal(clock.GetUtcNow(), result.StartedAt);
    }

    /// <summary>Records each entry with the scopes open around it.</summary>
    private sealed class ScopeCapturingLoggerProvider : ILoggerProvider, ILogger
    {
        private readonly AsyncLocal<ImmutableStack<string>> _scopes = new();

        public ConcurrentQueue<(string Message, ImmutableArray<string> Scopes)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            var before = _scopes.Value ?? [];
            _scopes.Value = before.Push(state.ToString() ?? string.Empty);
            return new Pop(() => _scopes.Value = before);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((formatter(state, exception), [.. _scopes.Value ?? []]));

        public void Dispose()
        {
        }

        private sealed class Pop(Action action) : IDisposable
        {
            public void Dispose() => action();
        }
    }
}
