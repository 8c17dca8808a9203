using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Registry.Txt;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Tests.Registry.Txt;

public sealed class TxtRegistryOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(TxtRegistryOptions options) => new TxtRegistryOptionsValidator().Validate(null, options);

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(Validate(new TxtRegistryOptions()).Succeeded);
    }

    [Fact]
    public void Validate_ValidFullConfiguration_Succeeds()
    {
        var options = new TxtRegistryOptions
        {
            OwnerId = "cluster-1",
            OldOwnerId = "cluster-0",
            Prefix = "%{record_type}-owner.",
            WildcardReplacement = "wildcard",
            CacheInterval = TimeSpan.FromMinutes(1),
            EncryptionEnabled = true,
            EncryptionAesKey = Convert.ToBase64String(new byte[32]),
        };
        options.ManagedRecordTypes.Add("MX");

        Assert.True(Validate(options).Succeeded);
    }

    [Fact]
    public void Validate_ManyErrors_ReportsEveryOneAtOnce()
    {
        var options = new TxtRegistryOptions
        {
            OwnerId = "",
            Prefix = "p-",
            Suffix = "-s",
            WildcardReplacement = "a.b",
            CacheInterval = TimeSpan.FromSeconds(-1),
            EncryptionEnabled = true,
        };
        options.ManagedRecordTypes.Add("BOGUS");

        var result = Validate(options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(6, failures.Count);
        Assert.Contains(failures, f => f.Contains("OwnerId", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("mutually exclusive", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("WildcardReplacement", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("CacheInterval", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("EncryptionAesKey must be set", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("BOGUS", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a,b")]
    [InlineData("a\"b")]
    public void Validate_OwnerIdThatWouldCorruptLabelText_Fails(string ownerId)
    {
        Assert.True(Validate(new TxtRegistryOptions { OwnerId = ownerId }).Failed);
    }

    [Fact]
    public void Validate_PrefixWithInvalidCharacters_Fails()
    {
        Assert.True(Validate(new TxtRegistryOptions { Prefix = "txt space." }).Failed);
    }

    [Fact]
    public void Validate_InvalidKey_FailsWithoutEchoingTheKey()
    {
        const string secret = "s3cr3t-key-that-is-not-32-bytes!!";

        var result = Validate(new TxtRegistryOptions { EncryptionEnabled = true, EncryptionAesKey = secret });

        Assert.True(result.Failed);
        Assert.Contains("32 bytes", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TxtRegistryConstructor_InvalidOptions_ThrowsWithoutEchoingTheKey()
    {
        const string secret = "short-secret";

        var ex = Assert.Throws<OptionsValidationException>(() =>
            new TxtRegistry(new InMemoryDnsProvider(["example.org"]), new TxtRegistryOptions { EncryptionAesKey = secret }));

        Assert.DoesNotContain(secret, ex.Message, StringComparison.Ordinal);
    }
}
