using Microsoft.Extensions.Options;

namespace Ccx.Dns.Rfc2136.Tests;

public sealed class Rfc2136ProviderOptionsValidatorTests
{
    private const string Secret = "96Ah/a2g0/nLeFGK+d/0tzQcccf9hCEIy34PoXX2Qg8=";

    private static Rfc2136ProviderOptions Valid()
    {
        var options = new Rfc2136ProviderOptions { Host = "127.0.0.1", Port = 5353, TsigKeyName = "k", TsigSecret = Secret };
        options.Zones.Add("example.org");
        return options;
    }

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        Assert.True(new Rfc2136ProviderOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Fact]
    public void Validate_NoTsigAtAll_SucceedsAsUnsigned()
    {
        var options = Valid();
        options.TsigKeyName = null;
        options.TsigSecret = null;

        Assert.True(new Rfc2136ProviderOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEveryErrorAtOnce()
    {
        var options = new Rfc2136ProviderOptions
        {
            Host = " ",
            Port = 0,
            TsigKeyName = "key-without-secret",
            TsigAlgorithm = "hmac-md5",
            TsigFudgeSeconds = -1,
            BatchSize = 0,
            Timeout = TimeSpan.Zero,
            MinTtl = -5,
            DefaultTtl = 0,
        };
        options.Zones.Add("bad..zone");

        var result = new Rfc2136ProviderOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        foreach (var expected in new[] { "Host", "Port", "bad..zone", "TsigSecret", "hmac-md5", "TsigFudgeSeconds", "BatchSize", "Timeout", "MinTtl", "DefaultTtl" })
        {
            Assert.Contains(failures, f => f.Contains(expected, StringComparison.Ordinal));
        }

        Assert.Equal(10, failures.Count);
    }

    [Fact]
    public void Validate_NoZones_Fails()
    {
        var options = Valid();
        options.Zones.Clear();

        var result = new Rfc2136ProviderOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.Contains("Zones", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadSecret_ReportsKeyNameButNeverTheSecret()
    {
        var options = Valid();
        options.TsigSecret = "this is *not* base64!";

        var result = new Rfc2136ProviderOptionsValidator().Validate(null, options);

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("'k'", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("*not*", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsOptionsValidationException()
    {
        var options = Valid();
        options.Host = string.Empty;

        var e = Assert.Throws<OptionsValidationException>(() => new Rfc2136DnsProvider(Options.Create(options)));

        Assert.Contains("Host", e.Message, StringComparison.Ordinal);
    }
}
