using Amazon.Runtime;
using Ccx.Dns.Providers;
using Ccx.Dns.Route53.Internal;
using Ccx.Dns.Route53.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccx.Dns.Route53.Tests.Internal;

public sealed class Route53RestClientTests
{
    private static Route53RestClient Client(Func<double> random, Route53ProviderOptions? options = null)
    {
        options ??= new Route53ProviderOptions { RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(20) };
        return new Route53RestClient(new HttpClient(), new Route53RequestSigner(options, TimeProvider.System), new Route53AccountRateLimiters(), options, TimeProvider.System, NullLogger.Instance, random);
    }

    [Theory]
    [InlineData(1, 0.0, 500)]
    [InlineData(1, 1.0, 1000)]
    [InlineData(3, 0.0, 2000)]
    [InlineData(3, 1.0, 4000)]
    [InlineData(10, 0.0, 10000)]
    [InlineData(10, 1.0, 20000)]
    public void Backoff_Attempt_IsExponentialCappedWithEqualJitter(int attempt, double random, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Client(() => random).Backoff(attempt));

    [Fact]
    public async Task ListTagsForHostedZonesAsync_MoreThanTenIds_IsRefused()
    {
        var client = Client(() => 0.5, new Route53ProviderOptions { Credentials = new BasicAWSCredentials("a", "b") });

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ListTagsForHostedZonesAsync([.. Enumerable.Range(0, 11).Select(i => $"Z{i}")]));
    }
}
