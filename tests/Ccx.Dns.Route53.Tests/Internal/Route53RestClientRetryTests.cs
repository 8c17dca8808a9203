using System.Net;
using Ccx.Dns.Route53.Internal;
using Ccx.Dns.Route53.Tests.Infrastructure;
using Ccx.Dns.TestServers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccx.Dns.Route53.Tests.Internal;

/// <summary>Whether a refusal follows an attempt that may have been applied, over real HTTP through the rule proxy.</summary>
public sealed class Route53RestClientRetryTests(MotoServerFixture moto) : MotoTestBase(moto)
{
    [Theory]
    [InlineData(Route53FaultKind.DroppedAfterForwarding, true)] // applied, answer lost
    [InlineData(Route53FaultKind.DroppedBeforeForwarding, true)] // no answer: the client cannot know
    [InlineData(Route53FaultKind.InternalError, true)] // a 5xx: the server may have acted
    [InlineData(Route53FaultKind.ServiceUnavailable, true)]
    [InlineData(Route53FaultKind.Throttling, false)] // refused before anything happened
    [InlineData(Route53FaultKind.PriorRequestNotComplete, false)]
    public async Task ChangeResourceRecordSetsAsync_RefusalAfterAFault_SaysWhetherAnEarlierAttemptWentUnanswered(Route53FaultKind fault, bool unanswered)
    {
        var zone = await Moto.CreateZoneAsync("example.com");
        var options = Providers.Options();
        using var http = new HttpClient(Providers.Counter, disposeHandler: false);
        var client = new Route53RestClient(http, new Route53RequestSigner(options, Providers.Time), Providers.RateLimiters, options, Providers.Time, NullLogger.Instance);
        var create = new RecordSetChange(ChangeAction.Create, new ResourceRecordSet { Name = "www.example.com", Type = "A", Ttl = 300, Values = ["192.0.2.1"] });
        await client.ChangeResourceRecordSetsAsync(zone, [create]); // exists now: every later CREATE is refused
        Moto.Proxy.InjectFault(fault, operation: "ChangeResourceRecordSets");

        var error = await Assert.ThrowsAsync<Route53ApiException>(() => Providers.Time.RunAsync(client.ChangeResourceRecordSetsAsync(zone, [create])));

        Assert.Equal("InvalidChangeBatch", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal(unanswered, error.EarlierAttemptUnanswered);
        Assert.Equal(3, Providers.Counter.Count("ChangeResourceRecordSets"));
    }
}
