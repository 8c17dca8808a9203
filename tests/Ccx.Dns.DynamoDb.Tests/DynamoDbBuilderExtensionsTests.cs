using Amazon.DynamoDBv2;
using Ccx.Dns.Coordination;
using Ccx.Dns.DynamoDb.Tests.Infrastructure;
using Ccx.Dns.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.DynamoDb.Tests;

[Collection(DynamoDbLocalGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbBuilderExtensionsTests(DynamoDbLocalFixture fixture)
{
    [Fact]
    public async Task AddDynamoDbRegistry_WithRegisteredClient_UsesThatClient()
    {
        var table = await fixture.CreateTableAsync();
        using var handler = new CountingHandler();
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonDynamoDB>(fixture.NewClient(handler));
        services.AddDnsReconciler()
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddDynamoDbRegistry(o =>
            {
                o.TableName = table;
                o.OwnerId = "di-owner";
            });
        await using var provider = services.BuildServiceProvider();

        var registry = Assert.IsType<DynamoDbRegistry>(provider.GetRequiredService<IRegistry>());
        await registry.GetRecordsAsync();

        Assert.Equal("di-owner", registry.OwnerId);
        Assert.Equal(table, registry.TableName);
        Assert.Equal(1, handler.Count("Scan"));
    }

    [Fact]
    public async Task AddDynamoDbRegistry_WithoutRegisteredClient_UsesServiceUrlAndTheDefaultCredentialChain()
    {
        // The SDK's default chain reads these (fake values; DynamoDB Local with -sharedDb accepts any).
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", DynamoDbLocalServer.AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", DynamoDbLocalServer.SecretKey);
        var table = DynamoDbLocalServer.NewTableName("own-client");
        var services = new ServiceCollection();
        services.AddDnsReconciler()
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddDynamoDbRegistry(o =>
            {
                o.TableName = table;
                o.ServiceUrl = fixture.ServiceUrl;
                o.Region = "eu-west-1";
                o.CreateTableIfMissing = true;
            });

        await using (var provider = services.BuildServiceProvider())
        {
            var registry = provider.GetRequiredService<IRegistry>();
            Assert.Empty(await registry.GetRecordsAsync());
        }

        Assert.Equal(table, (await fixture.Client.DescribeTableAsync(table)).Table.TableName);
    }

    [Fact]
    public async Task AddDynamoDbRegistry_TableMissingAtHostStart_StopsTheStartWithTheTableError()
    {
        var table = DynamoDbLocalServer.NewTableName("start");
        using var host = NewHost(table, createIfMissing: false);

        var error = await Assert.ThrowsAsync<Ccx.Dns.Providers.DnsProviderException>(() => host.StartAsync());

        Assert.Contains($"DynamoDB table \"{table}\" does not exist", error.Message);
    }

    [Fact]
    public async Task AddDynamoDbRegistry_CreateTableIfMissing_CreatesTheTableAtHostStart()
    {
        var table = DynamoDbLocalServer.NewTableName("start");
        using var host = NewHost(table, createIfMissing: true);

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal("k", Assert.Single((await fixture.Client.DescribeTableAsync(table)).Table.KeySchema).AttributeName);
    }

    private IHost NewHost(string table, bool createIfMissing)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IAmazonDynamoDB>(fixture.NewClient());
        builder.Services.AddDnsReconciler(o => o.Interval = TimeSpan.FromHours(1))
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddDynamoDbRegistry(o =>
            {
                o.TableName = table;
                o.CreateTableIfMissing = createIfMissing;
            });
        return builder.Build();
    }

    [Fact]
    public void AddDynamoDbRegistry_Configuration_BindsEveryOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TableName"] = "dns-ownership",
            ["Region"] = "eu-west-1",
            ["ServiceUrl"] = "http://127.0.0.1:8000",
            ["OwnerId"] = "cluster-1",
            ["OldOwnerId"] = "cluster-0",
            ["CacheInterval"] = "00:00:30",
            ["CreateTableIfMissing"] = "true",
            ["TxtPrefix"] = "txt-",
            ["TxtWildcardReplacement"] = "wild",
        }).Build();
        var services = new ServiceCollection();
        services.AddDnsReconciler().AddDynamoDbRegistry(configuration);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DynamoDbRegistryOptions>>().Value;

        Assert.Equal(("dns-ownership", "eu-west-1", "cluster-1", "cluster-0"), (options.TableName, options.Region, options.OwnerId, options.OldOwnerId));
        Assert.Equal(new Uri("http://127.0.0.1:8000"), options.ServiceUrl);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CacheInterval);
        Assert.True(options.CreateTableIfMissing);
        Assert.Equal(("txt-", "wild"), (options.TxtPrefix, options.TxtWildcardReplacement));
    }

    [Fact]
    public async Task AddDynamoDbRegistry_InvalidOptions_HostFailsToStartListingEveryError()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDnsReconciler()
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddDynamoDbRegistry(o =>
            {
                o.TableName = "x";
                o.OwnerId = "";
                o.CacheInterval = TimeSpan.FromSeconds(-1);
                o.TxtEncryptionAesKey = "not-a-valid-key-secret";
            });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(4, error.Failures.Count());
        Assert.DoesNotContain("not-a-valid-key-secret", error.Message);
    }

    [Fact]
    public async Task AddDynamoDbLeaderElection_WithRegisteredClient_RegistersTheLeaseForTheReconciler()
    {
        var table = await fixture.CreateTableAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TableName"] = table,
            ["LeaseName"] = "di",
            ["HolderId"] = "holder-1",
            ["Duration"] = "00:00:20",
            ["RenewInterval"] = "00:00:04",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonDynamoDB>(fixture.NewClient());
        services.AddDnsReconciler().AddDynamoDbLeaderElection(configuration);
        await using var provider = services.BuildServiceProvider();

        var lease = Assert.IsType<DynamoDbLeaderLease>(provider.GetRequiredService<ILeaderLease>());
        var options = provider.GetRequiredService<IOptions<DynamoDbLeaderLeaseOptions>>().Value;

        Assert.True(await lease.TryAcquireOrRenewAsync());
        Assert.Equal("holder-1", lease.HolderId);
        Assert.Equal((TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(4)), (options.Duration, options.RenewInterval));
        Assert.Equal("#lease#di", Assert.Single(await fixture.ItemsAsync(table)).K);
    }

    [Fact]
    public async Task AddDynamoDbLeaderElection_RenewIntervalNotBelowDuration_HostFailsToStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDnsReconciler()
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddNoopRegistry()
            .AddDynamoDbLeaderElection(o => o.RenewInterval = o.Duration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("must be shorter than Duration", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AddDynamoDbRegistry_WithTheDynamoDbLeaderElection_FencesItsWritesWithThatLeaseInEitherOrder(bool registryFirst)
    {
        var table = await fixture.CreateTableAsync();
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonDynamoDB>(fixture.NewClient());
        var builder = services.AddDnsReconciler().AddInMemoryProvider(o => o.Zones.Add("example.org"));
        void Registry() => builder.AddDynamoDbRegistry(o => o.TableName = table);
        void Lease() => builder.AddDynamoDbLeaderElection(o =>
        {
            o.TableName = table;
            o.HolderId = "holder-1";
        });
        if (registryFirst)
        {
            Registry();
            Lease();
        }
        else
        {
            Lease();
            Registry();
        }

        await using var provider = services.BuildServiceProvider();
        var registry = Assert.IsType<DynamoDbRegistry>(provider.GetRequiredService<IRegistry>());
        var lease = Assert.IsType<DynamoDbLeaderLease>(provider.GetRequiredService<ILeaderLease>());

        Assert.True(registry.IsFenced);
        await registry.GetRecordsAsync();
        var refused = await Assert.ThrowsAsync<Ccx.Dns.Providers.DnsProviderException>(() => registry.ApplyChangesAsync(new Ccx.Dns.Planning.DnsChanges { Create = [RegistryKit.A("x", "192.0.2.1")] }));
        Assert.Contains("is not held by this instance ('holder-1')", refused.Message);
        Assert.True(await lease.TryAcquireOrRenewAsync());
        Assert.Single((await registry.ApplyChangesAsync(new Ccx.Dns.Planning.DnsChanges { Create = [RegistryKit.A("x", "192.0.2.1")] })).Applied.Create);
    }

    [Fact]
    public async Task AddDynamoDbRegistry_WithoutALease_IsNotFenced()
    {
        var table = await fixture.CreateTableAsync();
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonDynamoDB>(fixture.NewClient());
        services.AddDnsReconciler().AddInMemoryProvider(o => o.Zones.Add("example.org")).AddDynamoDbRegistry(o => o.TableName = table);
        await using var provider = services.BuildServiceProvider();

        Assert.False(Assert.IsType<DynamoDbRegistry>(provider.GetRequiredService<IRegistry>()).IsFenced);
    }

    [Fact]
    public async Task AddDnsReconciler_DynamoDbRegistryChosenByName_BindsItsSectionWithGoDurations()
    {
        // Configuration-only set-up finds the registry and its options class by name (Ccx.Dns.DynamoDb.DynamoDbRegistryOptions).
        var table = await fixture.CreateTableAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dns:Provider"] = "InMemory",
            ["Dns:InMemory:Zones:0"] = "example.org",
            ["Dns:Registry"] = "DynamoDb",
            ["Dns:DynamoDb:TableName"] = table,
            ["Dns:DynamoDb:OwnerId"] = "by-name",
            ["Dns:DynamoDb:CacheInterval"] = "30s",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IAmazonDynamoDB>(fixture.NewClient());
        services.AddDnsReconciler(configuration.GetSection("Dns"));
        await using var provider = services.BuildServiceProvider();

        var registry = Assert.IsType<DynamoDbRegistry>(provider.GetRequiredService<IRegistry>());

        Assert.Equal(("by-name", table), (registry.OwnerId, registry.TableName));
        Assert.Equal(TimeSpan.FromSeconds(30), provider.GetRequiredService<IOptions<DynamoDbRegistryOptions>>().Value.CacheInterval);
        Assert.Empty(await registry.GetRecordsAsync()); // reads the (empty) table through DynamoDB Local
    }

    [Fact]
    public async Task AddDynamoDbLeaderElection_LeaseApplyMarginNotBelowWhatAGrantHasLeft_HostFailsToStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDnsReconciler(o => o.LeaseApplyMargin = TimeSpan.FromSeconds(8))
            .AddInMemoryProvider(o => o.Zones.Add("example.org"))
            .AddNoopRegistry()
            .AddDynamoDbLeaderElection(o => o.ServiceUrl = fixture.ServiceUrl);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(
            "DnsReconcilerOptions.LeaseApplyMargin (00:00:08) must be shorter than the DynamoDB leader lease's Duration - SafetyMargin - RenewInterval (00:00:15 - 00:00:02 - 00:00:05 = 00:00:08)",
            error.Message);
    }
}
