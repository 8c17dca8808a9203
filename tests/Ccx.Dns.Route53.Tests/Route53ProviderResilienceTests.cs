using System.Net;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers;
using Ccx.Dns.Route53.Tests.Infrastructure;

namespace Ccx.Dns.Route53.Tests;

/// <summary>Faults moto cannot produce, injected in front of it; retry delays run on the fake clock.</summary>
public sealed class Route53ProviderResilienceTests(MotoServerFixture moto) : MotoTestBase(moto)
{
    [Fact]
    public async Task GetRecordsAsync_ThrottledTwice_RetriesWithGrowingJitteredBackoff()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create(); // base delay 100 ms
        Providers.Counter.InjectError(HttpStatusCode.BadRequest, "Throttling", times: 2);

        var records = await Providers.Time.RunAsync(provider.GetRecordsAsync());

        Assert.NotEmpty(records);
        Assert.Equal(3, Providers.Counter.Count("ListHostedZones"));
        Assert.Equal(2, Providers.Time.Delays.Count);
        Assert.InRange(Providers.Time.Delays[0], TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
        Assert.InRange(Providers.Time.Delays[1], TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200));
        Assert.Contains(Providers.Logs.Lines, l => l.Contains("ListHostedZones failed with Throttling (attempt 1); retrying", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "PriorRequestNotComplete")]
    [InlineData(HttpStatusCode.BadRequest, "ThrottlingException")]
    [InlineData(HttpStatusCode.InternalServerError, "InternalFailure")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable")]
    [InlineData(HttpStatusCode.TooManyRequests, "TooManyRequests")]
    public async Task ApplyChangesAsync_RetryableError_IsRetriedThenApplied(HttpStatusCode status, string code)
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        Providers.Counter.InjectError(status, code, match: r => r.Method == HttpMethod.Post);

        await Providers.Time.RunAsync(provider.ApplyChangesAsync(new DnsChanges { Create = [A("a.example.com", "192.0.2.1")] }));

        Assert.Equal(2, Providers.Counter.Count("ChangeResourceRecordSets"));
        Assert.Contains(await provider.GetRecordsAsync(), r => r.DnsName == "a.example.com");
    }

    [Fact]
    public async Task GetRecordsAsync_NetworkFailure_IsRetried()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create();
        Providers.Counter.InjectNetworkFailure();

        await Providers.Time.RunAsync(provider.GetRecordsAsync());

        Assert.Equal(2, Providers.Counter.Count("ListHostedZones"));
    }

    [Fact]
    public async Task GetRecordsAsync_RequestTimesOut_IsRetried()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create(o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));
        Providers.Counter.InjectStall();

        var records = await Providers.Time.RunAsync(provider.GetRecordsAsync());

        Assert.NotEmpty(records);
        Assert.Equal(2, Providers.Counter.Count("ListHostedZones"));
        Assert.Contains(Providers.Logs.Lines, l => l.Contains("failed with Timeout (attempt 1)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetRecordsAsync_ThrottledBeyondMaxAttempts_ThrowsTransient()
    {
        var provider = Providers.Create(o => o.MaxAttempts = 3);
        Providers.Counter.InjectError(HttpStatusCode.BadRequest, "Throttling", times: 5);

        var error = await Assert.ThrowsAnyAsync<DnsProviderException>(() => Providers.Time.RunAsync(provider.GetRecordsAsync()));

        Assert.True(error.IsTransient);
        Assert.Contains("Throttling", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, Providers.Counter.Count("ListHostedZones"));
        AssertNoSecrets(error);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "AccessDenied")]
    [InlineData(HttpStatusCode.Forbidden, "SignatureDoesNotMatch")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidInput")]
    public async Task GetRecordsAsync_PermanentError_IsNotRetried(HttpStatusCode status, string code)
    {
        var provider = Providers.Create();
        Providers.Counter.InjectError(status, code);

        var error = await Assert.ThrowsAnyAsync<DnsProviderException>(() => Providers.Time.RunAsync(provider.GetRecordsAsync()));

        Assert.False(error.IsTransient);
        Assert.Contains(code, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, Providers.Counter.Total);
        AssertNoSecrets(error);
    }

    [Fact]
    public async Task GetRecordsAsync_NonXmlErrorBody_FallsBackToHttpStatus()
    {
        var provider = Providers.Create(o => o.MaxAttempts = 1);
        Providers.Counter.AddRule((_, _) => true, () => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway") });

        var error = await Assert.ThrowsAnyAsync<DnsProviderException>(() => provider.GetRecordsAsync());

        Assert.True(error.IsTransient);
        Assert.Contains("HTTP502", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChangesAsync_TransientFailureAfterSomeBatches_IsPartialAndTransient()
    {
        await Moto.CreateZoneAsync("example.com");
        var provider = Providers.Create(o => { o.MaxChangesPerBatch = 10; o.MaxAttempts = 2; });
        var posts = 0;
        Providers.Counter.AddRule(
            (r, _) => r.Method == HttpMethod.Post && Interlocked.Increment(ref posts) > 1,
            () => CountingFaultHandler.ErrorResponse(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable"));

        var error = await Assert.ThrowsAnyAsync<DnsProviderException>(() => Providers.Time.RunAsync(
            provider.ApplyChangesAsync(new DnsChanges { Create = [.. Enumerable.Range(0, 25).Select(i => A($"h{i:D2}.example.com", "192.0.2.1"))] })));

        Assert.True(error.IsTransient);
        Assert.True(error.IsPartial);
        Assert.Empty(error.RejectedEndpoints);
        Assert.Contains("10 change(s) had been applied", error.Message, StringComparison.Ordinal);
        AssertNoSecrets(error);
    }

    [Fact]
    public async Task GetRecordsAsync_ZoneDeletedWhileCached_ThrowsTransientAndRereadsZones()
    {
        var zoneId = await Moto.CreateZoneAsync("example.com");
        await Moto.CreateZoneAsync("example.org");
        var provider = Providers.Create(o => o.ZonesCacheDuration = TimeSpan.FromHours(1));
        await provider.GetRecordsAsync();
        await Moto.SendAsync(HttpMethod.Delete, $"/2013-04-01/hostedzone/{zoneId}");

        var error = await Assert.ThrowsAnyAsync<DnsProviderException>(() => provider.GetRecordsAsync());
        var records = await provider.GetRecordsAsync();

        Assert.True(error.IsTransient);
        Assert.Contains("no longer exists", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, Providers.Counter.Count("ListHostedZones"));
        Assert.All(records, r => Assert.EndsWith("example.org", r.DnsName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RateLimiter_SameAccount_IsSharedAcrossProviders()
    {
        var first = Providers.Create(o => { o.RequestsPerSecond = 0.0001; o.RequestBurst = 2; });
        var second = Providers.Create(o => { o.RequestsPerSecond = 0.0001; o.RequestBurst = 2; });
        var otherAccount = Providers.Create(o => { o.RequestsPerSecond = 0.0001; o.RequestBurst = 2; o.AccountId = "222222222222"; });
        await first.GetRecordsAsync();
        await second.GetRecordsAsync();
        using var cts = new CancellationTokenSource();

        var blocked = first.GetRecordsAsync(cts.Token);
        await otherAccount.GetRecordsAsync();
        var finished = await Task.WhenAny(blocked, Task.Delay(TimeSpan.FromMilliseconds(300)));
        await cts.CancelAsync();

        Assert.NotSame(blocked, finished);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        Assert.Equal(3, Providers.Counter.Count("ListHostedZones")); // two tokens of the shared bucket + the other account's
    }

    private static void AssertNoSecrets(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(TestProviders.AccessKey, e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(TestProviders.SecretKey, e.ToString(), StringComparison.Ordinal);
        }
    }
}
