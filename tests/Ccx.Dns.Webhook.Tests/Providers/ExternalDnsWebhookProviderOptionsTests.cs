using Ccx.Dns.Providers;
using Ccx.Dns.Providers.Webhook;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Webhook.Tests.Providers;

/// <summary>The client's options, validator and registration.</summary>
public sealed class ExternalDnsWebhookProviderOptionsTests
{
    [Fact]
    public void Validate_EveryProblem_IsReportedAtOnce()
    {
        var options = new ExternalDnsWebhookProviderOptions
        {
            Url = "ftp://example.org",
            Timeout = TimeSpan.Zero,
            MaxAttempts = 0,
            InitialRetryDelay = TimeSpan.FromSeconds(5),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            MaxBodySize = 10,
        };
        options.RequestHeaders["Bad Name"] = "x";
        options.RequestHeaders["Accept"] = "text/html";
        options.RequestHeaders["X-Token"] = "line\nbreak";

        var result = new ExternalDnsWebhookProviderOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(8, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Url must be an absolute http or https URL", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Timeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MaxAttempts", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MaxRetryDelay", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MaxBodySize", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("invalid header name", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("must not set 'Accept'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("['X-Token'] must be a value without line breaks", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("line\nbreak", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "Url is required")]
    [InlineData("not a url", "absolute http or https")]
    [InlineData("http://user:secret@127.0.0.1:8888", "user information")]
    [InlineData("http://127.0.0.1:8888/?token=x", "query or fragment")]
    public void Validate_BadUrl_NamesTheRuleNotTheValue(string? url, string expected)
    {
        var result = new ExternalDnsWebhookProviderOptionsValidator().Validate(null, new ExternalDnsWebhookProviderOptions { Url = url });

        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new ExternalDnsWebhookProvider(new ExternalDnsWebhookProviderOptions()));

        Assert.Contains("Url is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddExternalDnsWebhookProvider_Configuration_BindsEveryOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhook:Url"] = "http://127.0.0.1:8888",
            ["Webhook:Timeout"] = "00:00:05",
            ["Webhook:MaxAttempts"] = "3",
            ["Webhook:InitialRetryDelay"] = "00:00:01",
            ["Webhook:MaxRetryDelay"] = "00:00:30",
            ["Webhook:MaxBodySize"] = "1048576",
            ["Webhook:RequestHeaders:Authorization"] = "Bearer x",
        }).Build();
        var services = new ServiceCollection();
        services.AddDnsReconciler().AddExternalDnsWebhookProvider(configuration.GetSection("Webhook"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ExternalDnsWebhookProviderOptions>>().Value;

        Assert.Equal(("http://127.0.0.1:8888", TimeSpan.FromSeconds(5), 3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 1048576L),
            (options.Url, options.Timeout, options.MaxAttempts, options.InitialRetryDelay, options.MaxRetryDelay, options.MaxBodySize));
        Assert.Equal("Bearer x", options.RequestHeaders["Authorization"]);
        Assert.IsType<ExternalDnsWebhookProvider>(provider.GetRequiredService<IDnsProvider>());
    }

    [Fact]
    public async Task AddExternalDnsWebhookProvider_InvalidOptions_FailStartWithEveryError()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDnsReconciler().AddExternalDnsWebhookProvider(o => (o.Url, o.MaxAttempts) = (null, 0)).AddNoopRegistry();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("Url is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxAttempts", StringComparison.Ordinal));
    }
}
