
namespace Ccx.Dns.PowerDns.Tests;

public sealed class PowerDnsProviderOptionsValidatorTests
{
    private static PowerDnsProviderOptions Valid() => new() { ApiUrl = "http://127.0.0.1:8081", ApiKey = "k" };

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        var result = new PowerDnsProviderOptionsValidator().Validate(null, Valid());
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_HttpsUrlWithPathPrefix_Succeeds()
    {
        var options = Valid();
        options.ApiUrl = "https://dns.example.org/pdns/";
        Assert.True(new PowerDnsProviderOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEveryErrorAtOnce()
    {
        var options = new PowerDnsProviderOptions { ApiUrl = null, ApiKey = " ", ServerId = "", DefaultTtl = 0, Timeout = TimeSpan.Zero };
        options.IncludeDomains.Add(" ");
        options.ExcludeDomains.Add("");

        var result = new PowerDnsProviderOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToArray();
        Assert.Equal(7, failures.Length);
        Assert.Contains(failures, f => f.StartsWith("ApiUrl is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ApiKey is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ServerId is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("DefaultTtl", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Timeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("IncludeDomains[0]", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("ExcludeDomains[0]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1:8081")]
    [InlineData("/api")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("not a url")]
    public void Validate_UrlNotAbsoluteHttp_Fails(string url)
    {
        var options = Valid();
        options.ApiUrl = url;
        var result = new PowerDnsProviderOptionsValidator().Validate(null, options);
        Assert.Contains(result.Failures!, f => f == "ApiUrl must be an absolute http or https URL.");
    }

    [Fact]
    public void Validate_UrlWithQuery_Fails()
    {
        var options = Valid();
        options.ApiUrl = "http://127.0.0.1:8081/?api-key=secret-in-url";
        var result = new PowerDnsProviderOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.DoesNotContain("secret-in-url", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InvalidKey_DoesNotEchoIt()
    {
        var options = Valid();
        options.ApiKey = "secret\nvalue";
        var result = new PowerDnsProviderOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.DoesNotContain("secret", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsArgumentExceptionListingErrors()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PowerDnsProvider(new PowerDnsProviderOptions { DefaultTtl = -1 }));
        Assert.Contains("ApiUrl is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ApiKey is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultTtl", ex.Message, StringComparison.Ordinal);
    }
}
