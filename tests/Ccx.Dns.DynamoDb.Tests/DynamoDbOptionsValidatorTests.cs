
namespace Ccx.Dns.DynamoDb.Tests;

public sealed class DynamoDbOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new DynamoDbRegistryOptionsValidator().Validate(null, new DynamoDbRegistryOptions()).Succeeded);
        Assert.True(new DynamoDbLeaderLeaseOptionsValidator().Validate(null, new DynamoDbLeaderLeaseOptions()).Succeeded);
    }

    [Fact]
    public void Validate_RegistryOptionsWithManyErrors_ReportsEveryErrorWithoutTheKey()
    {
        var options = new DynamoDbRegistryOptions
        {
            TableName = "bad table!",
            Region = "eu west 1",
            ServiceUrl = new Uri("/relative", UriKind.Relative),
            OwnerId = "a,b",
            OldOwnerId = "a,b",
            CacheInterval = TimeSpan.FromSeconds(-5),
            TxtPrefix = "p-",
            TxtSuffix = "-s",
            TxtWildcardReplacement = "w.x",
            TxtEncryptionAesKey = "short-secret-key",
        };

        var result = new DynamoDbRegistryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(9, failures.Count);
        Assert.Contains(failures, f => f.Contains("TableName", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Region", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("ServiceUrl", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("OwnerId", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("OldOwnerId", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("CacheInterval", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("mutually exclusive", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("TxtWildcardReplacement", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("TxtEncryptionAesKey", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain("short-secret-key", f));
    }

    [Theory]
    [InlineData("ab", false)]
    [InlineData("abc", true)]
    [InlineData("external-dns", true)]
    [InlineData("my_table.v2", true)]
    [InlineData("tab\"le", false)]
    public void Validate_TableName_FollowsDynamoDbRules(string tableName, bool valid)
    {
        var result = new DynamoDbRegistryOptionsValidator().Validate(null, new DynamoDbRegistryOptions { TableName = tableName });

        Assert.Equal(valid, result.Succeeded);
    }

    [Fact]
    public void Validate_LeaseOptionsWithManyErrors_ReportsEveryError()
    {
        var options = new DynamoDbLeaderLeaseOptions
        {
            TableName = "",
            LeaseName = " ",
            HolderId = "",
            Duration = TimeSpan.FromMilliseconds(500),
            RenewInterval = TimeSpan.FromSeconds(1),
            ServiceUrl = new Uri("ftp://127.0.0.1"),
        };

        var result = new DynamoDbLeaderLeaseOptionsValidator().Validate(null, options);

        Assert.Equal(6, result.Failures!.Count());
    }

    [Theory]
    [InlineData(-1, false, "SafetyMargin must not be negative (was -00:00:01)")]
    [InlineData(0, true, null)]
    [InlineData(9, true, null)]
    [InlineData(10, false, "SafetyMargin (00:00:10) must be shorter than Duration - RenewInterval (00:00:10)")]
    public void Validate_LeaseSafetyMargin_IsZeroOrMoreAndShorterThanDurationMinusRenewInterval(int seconds, bool valid, string? error)
    {
        var result = new DynamoDbLeaderLeaseOptionsValidator().Validate(null, new DynamoDbLeaderLeaseOptions { SafetyMargin = TimeSpan.FromSeconds(seconds) });

        Assert.Equal(valid, result.Succeeded);
        if (error is not null)
        {
            Assert.Contains(error, Assert.Single(result.Failures!));
        }
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            new DynamoDbLeaderLease(new DynamoDbLeaderLeaseOptions { RenewInterval = TimeSpan.FromMinutes(1) }));
    }
}
