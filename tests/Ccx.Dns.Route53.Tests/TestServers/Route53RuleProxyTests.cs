using System.Net;
using System.Text;
using System.Xml.Linq;
using Ccx.Dns.Route53.Tests.Infrastructure;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Route53.Tests.TestServers;

/// <summary>
/// The rule proxy itself, against moto over real HTTP: Route 53's ChangeResourceRecordSets rules that moto does not
/// enforce, batch atomicity, the translation that keeps moto exact, and every injected fault.
/// </summary>
[Collection(MotoServerGroup.Name)]
[Trait("Category", "Integration")]
public sealed class Route53RuleProxyTests(MotoServerFixture moto) : IAsyncLifetime, IDisposable
{
    private const string Ns = "https://route53.amazonaws.com/doc/2013-04-01/";
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private string _zone = string.Empty;

    private Route53RuleProxy Proxy => moto.Proxy;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        _zone = await moto.CreateZoneAsync("rules.example");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Assert.Empty(Proxy.ProxyErrors);
        _http.Dispose();
    }

    [Fact]
    public async Task ChangeBatch_CreateOfExistingRecordSet_IsRefusedAsRoute53DoesWhileMotoAloneDuplicatesIt()
    {
        await AcceptedAsync(Change("CREATE", A("www", 300, "192.0.2.1")));

        var (status, body) = await SendBatchAsync(Change("CREATE", A("www", 300, "192.0.2.2")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Tried to create resource record set [name='www.rules.example.', type='A'] but it already exists"], Messages(body, "InvalidChangeBatch"));
        Assert.Equal(["www.rules.example A 300 192.0.2.1"], await ZoneAsync());
        Assert.Equal(Route53BatchOutcome.RefusedByRules, Proxy.Batches[^1].Outcome);
        Assert.Equal(1, Proxy.BatchesRefusedByRules);

        // The gap the proxy closes: moto itself takes the same CREATE and then holds two record sets for one key.
        await moto.SendAsync(HttpMethod.Post, $"/2013-04-01/hostedzone/{_zone}/rrset/", Batch(Change("CREATE", A("www", 300, "192.0.2.2"))));
        Assert.Equal(2, (await ZoneAsync()).Count(l => l.StartsWith("www.rules.example A", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ChangeBatch_CreateBesideOtherSetIdentifier_IsAccepted()
    {
        await AcceptedAsync(Change("CREATE", A("w", 60, "192.0.2.1", setIdentifier: "blue", weight: 1)));

        await AcceptedAsync(Change("CREATE", A("w", 60, "192.0.2.2", setIdentifier: "green", weight: 1)));

        var (status, body) = await SendBatchAsync(Change("CREATE", A("w", 60, "192.0.2.3", setIdentifier: "blue", weight: 1)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Tried to create resource record set [name='w.rules.example.', type='A', set-identifier='blue'] but it already exists"], Messages(body, "InvalidChangeBatch"));
    }

    [Fact]
    public async Task ChangeBatch_DeleteOfMissingRecordSet_IsRefusedNotFound()
    {
        var (status, body) = await SendBatchAsync(Change("DELETE", A("gone", 300, "192.0.2.1")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Tried to delete resource record set [name='gone.rules.example.', type='A'] but it was not found"], Messages(body, "InvalidChangeBatch"));
    }

    [Theory]
    [InlineData(300, "192.0.2.9")] // another value
    [InlineData(60, "192.0.2.1", "192.0.2.2")] // another TTL
    [InlineData(300, "192.0.2.1")] // a value missing
    public async Task ChangeBatch_DeleteWhoseValuesOrTtlDiffer_IsRefusedAndTheRecordSetStays(long ttl, params string[] values)
    {
        await AcceptedAsync(Change("CREATE", A("www", 300, "192.0.2.1", "192.0.2.2")));

        var (status, body) = await SendBatchAsync(Change("DELETE", A("www", ttl, values)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Tried to delete resource record set [name='www.rules.example.', type='A'] but the values provided do not match the current values"], Messages(body, "InvalidChangeBatch"));
        Assert.Equal(["www.rules.example A 300 192.0.2.1,192.0.2.2"], await ZoneAsync());
    }

    [Fact]
    public async Task ChangeBatch_DeleteWithTheSameValuesInAnotherOrder_IsAccepted()
    {
        await AcceptedAsync(Change("CREATE", A("www", 300, "192.0.2.1", "192.0.2.2")));

        await AcceptedAsync(Change("DELETE", A("www", 300, "192.0.2.2", "192.0.2.1")));

        Assert.Empty(await ZoneAsync());
    }

    [Fact]
    public async Task ChangeBatch_OneChangeBreaksARule_NothingOfTheBatchIsApplied()
    {
        await AcceptedAsync(Change("CREATE", A("keep", 300, "192.0.2.1")));

        var (status, body) = await SendBatchAsync(
            Change("CREATE", A("new1", 300, "192.0.2.5")),
            Change("DELETE", A("keep", 300, "192.0.2.1")),
            Change("DELETE", A("missing", 300, "192.0.2.7")),
            Change("UPSERT", A("new2", 300, "192.0.2.6")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Tried to delete resource record set [name='missing.rules.example.', type='A'] but it was not found"], Messages(body, "InvalidChangeBatch"));
        Assert.Equal(["keep.rules.example A 300 192.0.2.1"], await ZoneAsync());
    }

    [Fact]
    public async Task ChangeBatch_EveryBrokenChange_IsListed()
    {
        await AcceptedAsync(Change("CREATE", A("a", 300, "192.0.2.1")));

        var (_, body) = await SendBatchAsync(Change("CREATE", A("a", 300, "192.0.2.1")), Change("DELETE", A("b", 300, "192.0.2.2")));

        Assert.Equal(2, Messages(body, "InvalidChangeBatch").Count);
    }

    [Fact]
    public async Task ChangeBatch_DeleteOldThenCreateNew_IsAnAtomicValueConditionalUpdate()
    {
        await AcceptedAsync(Change("CREATE", A("www", 300, "192.0.2.1")));

        await AcceptedAsync(Change("DELETE", A("www", 300, "192.0.2.1")), Change("CREATE", A("www", 60, "198.51.100.1")));
        var (status, _) = await SendBatchAsync(Change("DELETE", A("www", 300, "192.0.2.1")), Change("CREATE", A("www", 60, "198.51.100.2")));

        Assert.Equal(HttpStatusCode.BadRequest, status); // the second writer read the old value: refused, nothing lost
        Assert.Equal(["www.rules.example A 60 198.51.100.1"], await ZoneAsync());
    }

    [Fact]
    public async Task ChangeBatch_RecreateAfterDelete_IsAcceptedWhereMotoAloneWouldRefuseIt()
    {
        // moto refuses a CREATE identical to one in its history once any record set sorts after it, even after a
        // delete; Route 53 does not, and the proxy's translation keeps moto exact.
        await AcceptedAsync(Change("CREATE", A("a", 300, "192.0.2.1")), Change("CREATE", A("z", 300, "192.0.2.2")));
        await AcceptedAsync(Change("DELETE", A("a", 300, "192.0.2.1")));

        await AcceptedAsync(Change("CREATE", A("a", 300, "192.0.2.1")));

        Assert.Equal(["a.rules.example A 300 192.0.2.1", "z.rules.example A 300 192.0.2.2"], await ZoneAsync());
    }

    [Fact]
    public async Task ChangeBatch_DeleteWithSetIdentifier_RemovesOnlyThatRecordSet()
    {
        // moto alone removes every record set carrying the identifier, whatever its name.
        await AcceptedAsync(
            Change("CREATE", A("x", 60, "192.0.2.1", setIdentifier: "blue", weight: 1)),
            Change("CREATE", A("y", 60, "192.0.2.2", setIdentifier: "blue", weight: 1)),
            Change("CREATE", A("x", 60, "192.0.2.3", setIdentifier: "green", weight: 1)));

        await AcceptedAsync(Change("DELETE", A("x", 60, "192.0.2.1", setIdentifier: "blue", weight: 1)));

        Assert.Equal(["x.rules.example A 60 192.0.2.3 [green]", "y.rules.example A 60 192.0.2.2 [blue]"], await ZoneAsync());
    }

    [Fact]
    public async Task ChangeBatch_CnameBesideOtherData_IsRefusedBothWays()
    {
        await AcceptedAsync(Change("CREATE", A("a", 300, "192.0.2.1")), Change("CREATE", Set("c", "CNAME", 300, "target.example.net")));

        var (_, first) = await SendBatchAsync(Change("CREATE", Set("a", "CNAME", 300, "target.example.net")));
        var (_, second) = await SendBatchAsync(Change("CREATE", Set("c", "TXT", 300, "\"text\"")));
        await AcceptedAsync(Change("DELETE", Set("c", "CNAME", 300, "target.example.net")), Change("CREATE", A("c", 300, "192.0.2.3")));

        Assert.Contains("RRSet of type CNAME with DNS name a.rules.example. is not permitted", Assert.Single(Messages(first, "InvalidChangeBatch")), StringComparison.Ordinal);
        Assert.Contains("conflicting RRSet of type CNAME with the same DNS name already exists", Assert.Single(Messages(second, "InvalidChangeBatch")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeBatch_NameOutsideTheZone_IsRefused()
    {
        var (status, body) = await SendBatchAsync(Change("UPSERT", Set("www.other.example", "A", 300, "192.0.2.1", absolute: true)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["RRSet with DNS name www.other.example. is not permitted in zone rules.example."], Messages(body, "InvalidChangeBatch"));
    }

    [Fact]
    public async Task ChangeBatch_AliasRecordSet_IsDeletedByItsTarget()
    {
        var alias = new XElement(X("ResourceRecordSet"), new XElement(X("Name"), "al.rules.example."), new XElement(X("Type"), "A"),
            new XElement(X("AliasTarget"), new XElement(X("HostedZoneId"), "Z1"), new XElement(X("DNSName"), "lb.example.net."), new XElement(X("EvaluateTargetHealth"), "false")));
        await AcceptedAsync(Change("CREATE", alias));
        var other = new XElement(alias);
        other.Descendants(X("DNSName")).Single().Value = "other.example.net.";

        var (status, _) = await SendBatchAsync(Change("DELETE", other));
        await AcceptedAsync(Change("DELETE", alias));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Empty(await ZoneAsync());
    }

    [Fact]
    public async Task ChangeBatch_TooManyRecords_IsRefusedWithUpsertCountingTwice()
    {
        XElement Big(string label) => A(label, 300, [.. Enumerable.Range(0, 200).Select(i => $"10.0.{i / 250}.{(i % 250) + 1}")]);

        var (status, body) = await SendBatchAsync(Change("UPSERT", Big("b1")), Change("UPSERT", Big("b2")), Change("UPSERT", Big("b3")));
        await AcceptedAsync(Change("CREATE", Big("b1")), Change("CREATE", Big("b2")), Change("CREATE", Big("b3"))); // 600: within the limit
        await AcceptedAsync(Change("CREATE", A("huge", 300, [.. Enumerable.Range(0, 600).Select(i => $"10.1.{i / 250}.{(i % 250) + 1}")])));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Number of records limit of 1000 exceeded."], Messages(body, "InvalidChangeBatch"));
        Assert.Equal(4, (await ZoneAsync()).Count);
    }

    [Theory]
    [InlineData(Route53FaultKind.Throttling, 400, "Throttling")]
    [InlineData(Route53FaultKind.PriorRequestNotComplete, 400, "PriorRequestNotComplete")]
    [InlineData(Route53FaultKind.InternalError, 500, "InternalFailure")]
    [InlineData(Route53FaultKind.ServiceUnavailable, 503, "ServiceUnavailable")]
    public async Task Fault_Answered_ReturnsRoute53ErrorAndForwardsNothing(Route53FaultKind kind, int status, string code)
    {
        Proxy.InjectFault(kind, operation: "ChangeResourceRecordSets");

        var (answered, body) = await SendBatchAsync(Change("CREATE", A("www", 300, "192.0.2.1")));
        await AcceptedAsync(Change("CREATE", A("later", 300, "192.0.2.2")));

        Assert.Equal(status, (int)answered);
        var error = XDocument.Parse(body).Root!;
        Assert.Equal("ErrorResponse", error.Name.LocalName);
        Assert.Equal(code, error.Element(X("Error"))!.Element(X("Code"))!.Value);
        Assert.Equal(["later.rules.example A 300 192.0.2.2"], await ZoneAsync());
        Assert.Equal(1, Proxy.Faults[kind]);
        Assert.Equal([Route53BatchOutcome.NotForwarded, Route53BatchOutcome.Applied], Proxy.Batches.Select(b => b.Outcome));
    }

    [Fact]
    public async Task Fault_DroppedBeforeForwarding_ClosesTheConnectionAndAppliesNothing()
    {
        Proxy.InjectFault(Route53FaultKind.DroppedBeforeForwarding);

        await Assert.ThrowsAsync<HttpRequestException>(() => SendBatchAsync(Change("CREATE", A("www", 300, "192.0.2.1"))));

        Assert.Empty(await ZoneAsync());
        Assert.Equal(Route53BatchOutcome.NotForwarded, Assert.Single(Proxy.Batches).Outcome);
    }

    [Fact]
    public async Task Fault_DroppedAfterForwarding_AppliesTheBatchButLosesTheAnswer()
    {
        Proxy.InjectFault(Route53FaultKind.DroppedAfterForwarding);

        await Assert.ThrowsAsync<HttpRequestException>(() => SendBatchAsync(Change("CREATE", A("www", 300, "192.0.2.1"))));
        var (status, _) = await SendBatchAsync(Change("CREATE", A("www", 300, "192.0.2.1")));

        Assert.Equal(["www.rules.example A 300 192.0.2.1"], await ZoneAsync());
        Assert.Equal(HttpStatusCode.BadRequest, status); // the retry of a lost write meets Route 53's rule
        Assert.Equal([Route53BatchOutcome.AppliedAnswerLost, Route53BatchOutcome.RefusedByRules], Proxy.Batches.Select(b => b.Outcome));
    }

    [Fact]
    public async Task Fault_OnlyForTheNamedOperation_LeavesOthersAlone()
    {
        Proxy.InjectFault(Route53FaultKind.Throttling, operation: "ChangeResourceRecordSets");

        var (listStatus, _) = await SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{_zone}/rrset");

        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Equal(0, Proxy.FaultsInjected);
    }

    [Fact]
    public async Task FaultSchedule_SameSeed_InjectsTheSameFaultsInTheSameOrder()
    {
        async Task<List<string>> RunAsync()
        {
            await moto.ResetAsync();
            var zone = await moto.CreateZoneAsync("rules.example");
            Proxy.UseFaultSchedule(new Route53FaultSchedule(42, 0.5) { Kinds = [Route53FaultKind.Throttling, Route53FaultKind.ServiceUnavailable, Route53FaultKind.InternalError] });
            Proxy.FaultsEnabled = true;
            var answers = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                var (status, body) = await SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{zone}/rrset");
                answers.Add(status == HttpStatusCode.OK ? "ok" : XDocument.Parse(body).Root!.Element(X("Error"))!.Element(X("Code"))!.Value);
            }

            return answers;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.InRange(first.Count(a => a != "ok"), 10, 30);
        Assert.Equal(3, first.Where(a => a != "ok").Distinct().Count());
    }

    [Fact]
    public async Task FaultSchedule_Disabled_InjectsNothing()
    {
        Proxy.UseFaultSchedule(new Route53FaultSchedule(1, 1.0));
        Proxy.FaultsEnabled = false;

        var (status, _) = await SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{_zone}/rrset");

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Redirect_IsAnsweredWithLocationAndNotFollowedByTheProxy()
    {
        Proxy.InjectRedirect(new Uri("http://127.0.0.1:9/elsewhere"));

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Proxy.Endpoint, $"/2013-04-01/hostedzone/{_zone}/rrset"));
        request.Headers.TryAddWithoutValidation("Authorization", Authorization("AKIDRULES"));
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(new Uri("http://127.0.0.1:9/elsewhere"), response.Headers.Location);
        Assert.Equal(1, Proxy.Redirects);
    }

    [Fact]
    public async Task Calls_AreCountedByOperationAndAttributedToTheSigningKey()
    {
        await SendAsync(HttpMethod.Get, "/2013-04-01/hostedzone", accessKey: "AKIDFIRST");
        await SendBatchAsync("AKIDSECOND", Change("CREATE", A("www", 300, "192.0.2.1")));

        Assert.Equal(1, Proxy.Calls("ListHostedZones"));
        Assert.Equal(1, Proxy.Calls("ChangeResourceRecordSets"));
        Assert.Equal(2, Proxy.TotalCalls);
        Assert.Equal(["AKIDFIRST", "AKIDSECOND"], Proxy.Requests.Select(r => r.Caller));
        Assert.Equal("AKIDSECOND", Assert.Single(Proxy.Batches).Caller);
        Assert.Equal([new Route53WireChange("CREATE", "www.rules.example", "A", string.Empty)], Proxy.Batches[0].Changes);
    }

    private static XName X(string local) => XName.Get(local, Ns);

    private static string Authorization(string accessKey) =>
        $"AWS4-HMAC-SHA256 Credential={accessKey}/20260101/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=00";

    private static XElement A(string label, long ttl, params string[] values) => Set(label, "A", ttl, values);

    private static XElement A(string label, long ttl, string value, string setIdentifier, long weight)
    {
        var set = Set(label, "A", ttl, value);
        set.Element(X("Type"))!.AddAfterSelf(new XElement(X("SetIdentifier"), setIdentifier), new XElement(X("Weight"), weight));
        return set;
    }

    private static XElement Set(string label, string type, long ttl, string value, bool absolute) =>
        new(X("ResourceRecordSet"),
            new XElement(X("Name"), absolute ? label + "." : label + ".rules.example."),
            new XElement(X("Type"), type),
            new XElement(X("TTL"), ttl),
            new XElement(X("ResourceRecords"), new XElement(X("ResourceRecord"), new XElement(X("Value"), value))));

    private static XElement Set(string label, string type, long ttl, params string[] values) =>
        new(X("ResourceRecordSet"),
            new XElement(X("Name"), label + ".rules.example."),
            new XElement(X("Type"), type),
            new XElement(X("TTL"), ttl),
            new XElement(X("ResourceRecords"), values.Select(v => new XElement(X("ResourceRecord"), new XElement(X("Value"), v)))));

    private static XElement Change(string action, XElement set) => new(X("Change"), new XElement(X("Action"), action), set);

    private static string Batch(params XElement[] changes) =>
        new XElement(X("ChangeResourceRecordSetsRequest"), new XElement(X("ChangeBatch"), new XElement(X("Changes"), changes))).ToString(SaveOptions.DisableFormatting);

    private static List<string> Messages(string body, string root)
    {
        var doc = XDocument.Parse(body).Root!;
        Assert.Equal(root, doc.Name.LocalName);
        return [.. doc.Element(X("Messages"))!.Elements(X("Message")).Select(m => m.Value)];
    }

    private Task<(HttpStatusCode Status, string Body)> SendBatchAsync(params XElement[] changes) => SendBatchAsync("AKIDRULES", changes);

    private Task<(HttpStatusCode Status, string Body)> SendBatchAsync(string accessKey, params XElement[] changes) =>
        SendAsync(HttpMethod.Post, $"/2013-04-01/hostedzone/{_zone}/rrset/", Batch(changes), accessKey);

    private async Task AcceptedAsync(params XElement[] changes)
    {
        var (status, body) = await SendBatchAsync(changes);
        Assert.True(status == HttpStatusCode.OK, $"refused: {(int)status} {body}");
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? body = null, string accessKey = "AKIDRULES")
    {
        // A fresh connection per request: a dropped connection is then never retried silently by the handler.
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.Zero });
        using var request = new HttpRequestMessage(method, new Uri(Proxy.Endpoint, path));
        request.Headers.TryAddWithoutValidation("Authorization", Authorization(accessKey));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/xml");
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The zone as moto lists it, duplicates included (apex SOA/NS left out): "name TYPE ttl v1,v2 [set]" sorted.</summary>
    private async Task<List<string>> ZoneAsync()
    {
        var listed = XDocument.Parse(await moto.SendAsync(HttpMethod.Get, $"/2013-04-01/hostedzone/{_zone}/rrset?maxitems=300"));
        return [.. listed.Root!.Element(X("ResourceRecordSets"))!.Elements(X("ResourceRecordSet"))
            .Select(e => new Route53RecordSetXml(e))
            .Where(s => s.Type is not "SOA" and not "NS")
            .Select(s => $"{s.Name} {s.Type} {s.Element.Element(X("TTL"))?.Value} {string.Join(',', s.Values.Order(StringComparer.Ordinal))}" + (s.SetIdentifier.Length > 0 ? $" [{s.SetIdentifier}]" : string.Empty))
            .Order(StringComparer.Ordinal)];
    }
}
