using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.PowerDns.Tests.Infrastructure;
using Ccx.Dns.Providers;

namespace Ccx.Dns.PowerDns.Tests;

/// <summary>
/// Malformed answers from a loopback HTTP server standing in for a broken PowerDNS or proxy. Nothing but a
/// <see cref="PowerDnsApiException"/> (or, for writes, a <see cref="DnsRecordConflictException"/>) may come out; a
/// single malformed RRset is skipped with one warning and the rest of its zone is read; a malformed RRset at a name
/// being changed keeps that change from being written.
/// </summary>
public sealed class PowerDnsProviderMalformedResponseTests
{
    private const string ZoneList = """[{"id":"example.org.","name":"example.org.","kind":"Native"}]""";
    private const string Good = """{"name":"good.example.org.","type":"A","ttl":60,"records":[{"content":"192.0.2.1","disabled":false}]}""";
    private const string Good2 = """{"name":"good.example.org.","type":"TXT","ttl":60,"records":[{"content":"\"text\"","disabled":false}]}""";

    private static PowerDnsProviderOptions Options(string url) => new() { ApiUrl = url, ApiKey = "k", Timeout = TimeSpan.FromSeconds(10) };

    private static string ZoneWith(params string[] entries) =>
        """{"id":"example.org.","name":"example.org.","kind":"Native","rrsets":[""" + string.Join(",", entries) + "]}";

    private static string Deep(int depth) => new string('[', depth) + new string(']', depth);

    [Theory]
    [InlineData("entry is null", "null")]
    [InlineData("entry is a string", "\"bad.example.org.\"")]
    [InlineData("entry is a number", "42")]
    [InlineData("entry is an array", """["bad.example.org.","A"]""")]
    [InlineData("name null", """{"name":null,"type":"A","ttl":60,"records":[{"content":"192.0.2.9","disabled":false}]}""")]
    [InlineData("name missing", """{"type":"A","ttl":60,"records":[{"content":"192.0.2.9","disabled":false}]}""")]
    [InlineData("name empty", """{"name":"","type":"A","ttl":60,"records":[{"content":"192.0.2.9","disabled":false}]}""")]
    [InlineData("name is a number", """{"name":5,"type":"A","ttl":60,"records":[{"content":"192.0.2.9","disabled":false}]}""")]
    [InlineData("type null", """{"name":"bad.example.org.","type":null,"ttl":60,"records":[{"content":"192.0.2.9","disabled":false}]}""")]
    [InlineData("type missing", """{"name":"bad.example.org.","ttl":60,"records":[{"content":"192.0.2.9","disabled":false}]}""")]
    [InlineData("type is a number", """{"name":"bad.example.org.","type":1,"ttl":60,"records":[{"content":"192.0.2.9","disabled":false}]}""")]
    [InlineData("ttl is a string", """{"name":"bad.example.org.","type":"A","ttl":"sixty","records":[{"content":"192.0.2.9","disabled":false}]}""")]
    [InlineData("ttl is too large", """{"name":"bad.example.org.","type":"A","ttl":1e40,"records":[{"content":"192.0.2.9","disabled":false}]}""")]
    [InlineData("records null", """{"name":"bad.example.org.","type":"A","ttl":60,"records":null}""")]
    [InlineData("records missing", """{"name":"bad.example.org.","type":"A","ttl":60}""")]
    [InlineData("records is an object", """{"name":"bad.example.org.","type":"A","ttl":60,"records":{"content":"192.0.2.9"}}""")]
    [InlineData("records holds null", """{"name":"bad.example.org.","type":"A","ttl":60,"records":[null]}""")]
    [InlineData("records holds a string", """{"name":"bad.example.org.","type":"A","ttl":60,"records":["192.0.2.9"]}""")]
    [InlineData("content null", """{"name":"bad.example.org.","type":"A","ttl":60,"records":[{"content":null,"disabled":false}]}""")]
    [InlineData("content missing", """{"name":"bad.example.org.","type":"A","ttl":60,"records":[{"disabled":false}]}""")]
    [InlineData("content is a number", """{"name":"bad.example.org.","type":"A","ttl":60,"records":[{"content":192,"disabled":false}]}""")]
    [InlineData("disabled is a string", """{"name":"bad.example.org.","type":"A","ttl":60,"records":[{"content":"192.0.2.9","disabled":"no"}]}""")]
    [InlineData("records hold a good record and a null", """{"name":"bad.example.org.","type":"A","ttl":60,"records":[{"content":"192.0.2.9","disabled":false},null]}""")]
    public async Task GetRecords_OneMalformedRrSet_SkippedWithOneWarningAndTheRestOfTheZoneRead(string what, string entry)
    {
        await using var http = new LoopbackHttpServer((_, path) => new CannedResponse(200,
            path.Contains("/zones/", StringComparison.Ordinal) ? ZoneWith(Good, entry, Good2) : ZoneList));
        var logger = new CapturingLogger<PowerDnsProvider>();
        using var provider = new PowerDnsProvider(Options(http.Url), logger);

        var records = await provider.GetRecordsAsync();

        var read = string.Join(", ", records.Select(r => $"{r.DnsName} {r.RecordType}"));
        Assert.True(read == "good.example.org A, good.example.org TXT", $"{what}: read {read}");
        var warning = Assert.Single(logger.Lines, e => e.StartsWith("Warning 7 ", StringComparison.Ordinal));
        Assert.Contains("PowerDNS zone example.org returned 1 malformed record set(s), skipped", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not JSON", "this is not json")]
    [InlineData("empty body", "")]
    [InlineData("truncated JSON", """{"id":"example.org.","name":"example.org.","rrsets":[{"name":"good.exa""")]
    [InlineData("truncated after an entry", """{"id":"example.org.","name":"example.org.","rrsets":[{"name":"good.example.org.","type":"A","ttl":60,"records":[]},""")]
    [InlineData("body is null", "null")]
    [InlineData("body is an array", "[]")]
    [InlineData("body is a number", "5")]
    [InlineData("rrsets missing", """{"id":"example.org.","name":"example.org."}""")]
    [InlineData("rrsets null", """{"id":"example.org.","name":"example.org.","rrsets":null}""")]
    [InlineData("rrsets is an object", """{"id":"example.org.","name":"example.org.","rrsets":{}}""")]
    [InlineData("rrsets is a string", """{"id":"example.org.","name":"example.org.","rrsets":"none"}""")]
    [InlineData("deep nesting in rrsets", "DEEP-RRSETS")]
    [InlineData("deep nesting inside an entry", "DEEP-ENTRY")]
    public async Task GetRecords_MalformedZoneBody_PermanentPowerDnsApiException(string what, string body)
    {
        body = body switch
        {
            "DEEP-RRSETS" => """{"id":"example.org.","name":"example.org.","rrsets":""" + Deep(5000) + "}",
            "DEEP-ENTRY" => ZoneWith(Good, """{"name":"bad.example.org.","type":"A","ttl":60,"records":[],"comments":""" + Deep(5000) + "}"),
            _ => body,
        };
        await using var http = new LoopbackHttpServer((_, path) => new CannedResponse(200, path.Contains("/zones/", StringComparison.Ordinal) ? body : ZoneList));
        using var provider = new PowerDnsProvider(Options(http.Url));

        var ex = await Record.ExceptionAsync(() => provider.GetRecordsAsync());

        var apiError = Assert.IsType<PowerDnsApiException>(ex);
        Assert.False(apiError.IsTransient, what);
        Assert.Contains("PowerDNS GET /api/v1/servers/localhost/zones/example.org.", apiError.Message, StringComparison.Ordinal);
        Assert.True(
            apiError.Message.Contains("malformed answer", StringComparison.Ordinal) || apiError.Message.Contains("not the expected JSON", StringComparison.Ordinal),
            $"{what}: {apiError.Message}");
    }

    [Theory]
    [InlineData("entry null", "[null]")]
    [InlineData("entry is a number", "[5]")]
    [InlineData("id null", """[{"id":null,"name":"example.org."}]""")]
    [InlineData("id missing", """[{"name":"example.org."}]""")]
    [InlineData("id empty", """[{"id":"","name":"example.org."}]""")]
    [InlineData("id is a number", """[{"id":5,"name":"example.org."}]""")]
    [InlineData("name missing", """[{"id":"example.org."}]""")]
    [InlineData("name null next to a good zone", """[{"id":"example.org.","name":"example.org."},{"id":"sub.example.org.","name":null}]""")]
    [InlineData("list is null", "null")]
    [InlineData("list is an object", "{}")]
    [InlineData("truncated", """[{"id":"example.org.","name":"example.org."}""")]
    [InlineData("empty body", "")]
    [InlineData("deep nesting", "DEEP")]
    public async Task ZoneList_Malformed_PermanentPowerDnsApiExceptionAndNothingElseSent(string what, string body)
    {
        body = body == "DEEP" ? Deep(5000) : body;
        await using var http = new LoopbackHttpServer((_, path) => new CannedResponse(200, path.Contains("/zones/", StringComparison.Ordinal) ? ZoneWith(Good) : body));
        using var provider = new PowerDnsProvider(Options(http.Url));

        var read = await Record.ExceptionAsync(() => provider.GetRecordsAsync());
        var apply = await Record.ExceptionAsync(() =>
            provider.ApplyChangesAsync(new DnsChanges { Create = [new DnsEndpoint("good.example.org", RecordType.A, "192.0.2.1")] }));

        foreach (var ex in new[] { read, apply })
        {
            var apiError = Assert.IsType<PowerDnsApiException>(ex);
            Assert.False(apiError.IsTransient, what);
            Assert.Contains("PowerDNS GET /api/v1/servers/localhost/zones ", apiError.Message, StringComparison.Ordinal);
        }

        Assert.Equal(2, http.Requests.Count);
        Assert.All(http.Requests, r => Assert.StartsWith("GET /api/v1/servers/localhost/zones?dnssec=false ", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetRecords_BodyCutShortByTheConnection_TransientPowerDnsApiException()
    {
        await using var http = new LoopbackHttpServer((_, _) => new CannedResponse(200, ZoneList[..20], CutShort: true));
        using var provider = new PowerDnsProvider(Options(http.Url));

        var ex = await Record.ExceptionAsync(() => provider.GetRecordsAsync());

        var apiError = Assert.IsType<PowerDnsApiException>(ex);
        Assert.True(apiError.IsTransient);
        Assert.Contains("cut short", apiError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyChanges_MalformedRrSetAtAChangedName_ThatChangeIsRefusedAndTheRestApplied()
    {
        const string malformedAtWww = """{"name":"www.example.org.","type":"TXT","ttl":60,"records":[{"content":null,"disabled":false}]}""";
        await using var http = new LoopbackHttpServer((method, target) => method switch
        {
            "PATCH" => new CannedResponse(204),
            _ when target.Contains("rrset_name=www.example.org.", StringComparison.Ordinal) => new CannedResponse(200, ZoneWith(malformedAtWww)),
            _ when target.Contains("/zones/", StringComparison.Ordinal) => new CannedResponse(200, ZoneWith()),
            _ => new CannedResponse(200, ZoneList),
        });
        var logger = new CapturingLogger<PowerDnsProvider>();
        using var provider = new PowerDnsProvider(Options(http.Url), logger);
        var www = new DnsEndpoint("www.example.org", RecordType.A, "192.0.2.1");

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() =>
            provider.ApplyChangesAsync(new DnsChanges { Create = [www, new DnsEndpoint("ok.example.org", RecordType.A, "192.0.2.2")] }));

        Assert.True(ex.IsPartial);
        var rejected = Assert.Single(ex.RejectedEndpoints);
        Assert.Equal(www, rejected.Endpoint);
        Assert.Contains("malformed record set at this name (a record's content is missing or null)", rejected.Reason, StringComparison.Ordinal);
        var patch = http.Bodies[Assert.Single(Enumerable.Range(0, http.Requests.Count), i => http.Requests[i].StartsWith("PATCH ", StringComparison.Ordinal))];
        Assert.Contains("ok.example.org.", patch, StringComparison.Ordinal);
        Assert.DoesNotContain("www.example.org", patch, StringComparison.Ordinal);
        Assert.Contains(logger.Lines, e => e.StartsWith("Warning 7 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyChanges_ZoneReadHoldsAnRrSetWithoutName_NothingWrittenToThatZone()
    {
        // More changed names than are read one by one: the whole zone is read, and an entry without a usable name could
        // be at any of them.
        await using var http = new LoopbackHttpServer((method, target) => method switch
        {
            "PATCH" => new CannedResponse(204),
            _ when target.Contains("/zones/", StringComparison.Ordinal) => new CannedResponse(200, ZoneWith(Good, "null")),
            _ => new CannedResponse(200, ZoneList),
        });
        using var provider = new PowerDnsProvider(Options(http.Url));
        var creates = Enumerable.Range(0, 20).Select(i => new DnsEndpoint($"h{i}.example.org", RecordType.A, "192.0.2.1")).ToArray();

        var ex = await Assert.ThrowsAsync<DnsRecordConflictException>(() => provider.ApplyChangesAsync(new DnsChanges { Create = creates }));

        Assert.False(ex.IsPartial);
        Assert.Equal(20, ex.RejectedEndpoints.Count);
        Assert.All(ex.RejectedEndpoints, r => Assert.Contains("malformed record sets without a usable name", r.Reason, StringComparison.Ordinal));
        Assert.DoesNotContain(http.Requests, r => r.StartsWith("PATCH ", StringComparison.Ordinal));
        Assert.Single(http.Requests, r => r.StartsWith("GET /api/v1/servers/localhost/zones/example.org. ", StringComparison.Ordinal));
    }
}
