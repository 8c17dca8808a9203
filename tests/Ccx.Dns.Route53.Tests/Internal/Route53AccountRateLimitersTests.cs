using Ccx.Dns.Route53.Internal;

namespace Ccx.Dns.Route53.Tests.Internal;

public sealed class Route53AccountRateLimitersTests
{
    [Fact]
    public void GetOrCreate_DefaultOptions_FiveTokensRefilledEvery200Milliseconds()
    {
        using var registry = new Route53AccountRateLimiters();
        var options = new Route53ProviderOptions();

        var limiter = Assert.IsType<System.Threading.RateLimiting.TokenBucketRateLimiter>(registry.GetOrCreate("a", options.RequestsPerSecond, options.RequestBurst));

        Assert.Equal(TimeSpan.FromMilliseconds(200), limiter.ReplenishmentPeriod);
        Assert.Equal(5, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void GetOrCreate_BurstSpent_RefusesUntilReplenished()
    {
        using var registry = new Route53AccountRateLimiters();
        var limiter = registry.GetOrCreate("a", requestsPerSecond: 0.0001, burst: 5);

        for (var i = 0; i < 5; i++)
        {
            using var lease = limiter.AttemptAcquire();
            Assert.True(lease.IsAcquired);
        }

        using var sixth = limiter.AttemptAcquire();
        Assert.False(sixth.IsAcquired);
    }

    [Fact]
    public void GetOrCreate_SameAccount_SameLimiter_OtherAccount_Another()
    {
        using var registry = new Route53AccountRateLimiters();

        Assert.Same(registry.GetOrCreate("key:A", 5, 5), registry.GetOrCreate("key:A", 50, 50));
        Assert.NotSame(registry.GetOrCreate("key:A", 5, 5), registry.GetOrCreate("key:B", 5, 5));
    }
}
