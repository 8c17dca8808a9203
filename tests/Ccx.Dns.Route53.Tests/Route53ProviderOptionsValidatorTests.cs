using Amazon.Runtime;

namespace Ccx.Dns.Route53.Tests;

public sealed class Route53ProviderOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds() =>
        Assert.True(new Route53ProviderOptionsValidator().Validate(null, new Route53ProviderOptions()).Succeeded);

    [Fact]
    public void Validate_ManyErrors_ReportsEveryOneAtOnce()
    {
        var options = new Route53ProviderOptions
        {
            Endpoint = new Uri("ftp://example.com"),
            SigningRegion = " ",
            Profile = "dev",
            Credentials = new BasicAWSCredentials("a", "b"),
            MaxChangesPerBatch = 0,
            MaxValuesPerBatch = 1001,
            MaxValueCharactersPerBatch = 32001,
            MaxAttempts = 0,
            RequestsPerSecond = 0,
            RequestBurst = 0,
            RetryBaseDelay = TimeSpan.Zero,
            RetryMaxDelay = TimeSpan.FromSeconds(-1),
            RequestTimeout = TimeSpan.Zero,
            ZonesCacheDuration = TimeSpan.FromSeconds(-1),
            DefaultTtl = 0,
            InSyncPollInterval = TimeSpan.Zero,
        };
        options.ZoneTags.Add("=value");
        options.ZoneIdFilter.Add(" ");
        options.DomainFilter.Add(string.Empty);
        options.CanonicalHostedZones[" "] = "Z1";

        var result = new Route53ProviderOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        foreach (var expected in new[]
        {
            "Endpoint", "SigningRegion", "either Credentials or Profile", "MaxChangesPerBatch", "MaxValuesPerBatch", "MaxValueCharactersPerBatch",
            "MaxAttempts", "RequestsPerSecond", "RequestBurst", "RetryBaseDelay", "RetryMaxDelay", "RequestTimeout", "ZonesCacheDuration",
            "DefaultTtl", "InSyncPollInterval", "ZoneTags", "ZoneIdFilter", "DomainFilter", "CanonicalHostedZones",
        })
        {
            Assert.Contains(failures, f => f.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new Route53Provider(new Route53ProviderOptions { MaxAttempts = 0 }));

        Assert.Contains("MaxAttempts", error.Message, StringComparison.Ordinal);
    }
}
