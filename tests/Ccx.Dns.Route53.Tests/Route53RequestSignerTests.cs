using System.Net.Http.Headers;
using System.Text;
using Amazon.Runtime;
using Ccx.Dns.Route53.Internal;
using Ccx.Dns.Route53.Tests.Infrastructure;

namespace Ccx.Dns.Route53.Tests;

/// <summary>
/// SigV4: the independent reference reproduces the spec's known-answer vectors (providers.md §1.12, botocore), and the
/// production signer (AWSSDK.Core's AWSSigV4Signer) agrees with that reference on the same requests.
/// </summary>
public sealed class Route53RequestSignerTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>www.example.com.</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.10</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>";

    private static readonly DateTime At = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

    public static TheoryData<string, string, string, bool, string, string> Vectors => new()
    {
        { "GET", "/2013-04-01/hostedzone", "maxitems=100", false,
            "7cfd362b291f48313508240735af583a9c551766f1776390cb497a5c4199231a", "e94a0f3b99c7c0de54141a4bad9971dd000e26f7a9c1aecbf7044b65e1ef21cf" },
        { "GET", "/2013-04-01/hostedzone/Z1PA6795UKMFR9/rrset", "name=%5C052.example.com.&type=A&maxitems=300", false,
            "6b1fd43569fcbdef2cb873bc923d21e64a827c081e6ba9a511e726c43e9bc9ab", "97502b074344ed5f8e3840287cc780fda6b725df26037658de0b6f4ef05fd7cc" },
        { "POST", "/2013-04-01/hostedzone/Z1PA6795UKMFR9/rrset/", string.Empty, true,
            "fbacba27a84df0c8b6b1d21ab25d0d64e026aa81945ab181a1a5f27f8f5dcfb9", "a63eec20fabc81942809edfe810e1c6ea4ee80e2cfbbe4dc2a396a74431ad875" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Reference_KnownAnswerVectors_MatchBotocore(string method, string path, string query, bool withBody, string canonicalHash, string signature)
    {
        var body = withBody ? Encoding.UTF8.GetBytes(Body) : [];
        var headers = new List<KeyValuePair<string, string>> { new("Host", "route53.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z") };
        if (withBody)
        {
            Assert.Equal(434, body.Length);
            headers.Add(new("Content-Type", "application/xml"));
        }

        var result = SigV4Reference.Sign(method, path, query, headers, body, Secret, At);

        Assert.Equal(canonicalHash, result.CanonicalRequestHash);
        Assert.Equal(signature, result.Signature);
    }

    [Fact]
    public void Reference_CanonicalQuery_SortsAndEncodesEscapedName()
    {
        Assert.Equal("maxitems=300&name=%5C052.example.com.&type=A", SigV4Reference.CanonicalQuery("name=%5C052.example.com.&type=A&maxitems=300"));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task SignAsync_VectorRequests_AgreesWithReference(string method, string path, string query, bool withBody, string canonicalHash, string signature)
    {
        _ = canonicalHash;
        _ = signature;
        var time = new ManualTimeProvider(new DateTimeOffset(At));
        var signer = new Route53RequestSigner(new Route53ProviderOptions { Credentials = new BasicAWSCredentials("AKIDEXAMPLE", Secret) }, time);
        var uri = new Uri("https://route53.amazonaws.com" + path + (query.Length > 0 ? "?" + query : string.Empty));
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        var body = withBody ? Encoding.UTF8.GetBytes(Body) : null;
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        }

        await signer.SignAsync(request, body, CancellationToken.None);

        var authorization = request.Headers.GetValues("Authorization").Single();
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/route53/aws4_request, SignedHeaders=", authorization);
        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
        Assert.True(new SignatureCheckingHandler(Secret).Check(request, body ?? []), "the SDK signature differs from the reference SigV4 computation");
    }

    [Fact]
    public async Task SignAsync_TamperedQuery_FailsVerification()
    {
        var signer = new Route53RequestSigner(new Route53ProviderOptions { Credentials = new BasicAWSCredentials("AKIDEXAMPLE", Secret) }, new ManualTimeProvider(new DateTimeOffset(At)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://route53.amazonaws.com/2013-04-01/hostedzone?maxitems=100");
        await signer.SignAsync(request, null, CancellationToken.None);

        request.RequestUri = new Uri("https://route53.amazonaws.com/2013-04-01/hostedzone?maxitems=99");

        Assert.False(new SignatureCheckingHandler(Secret).Check(request, []));
    }

    [Fact]
    public async Task SignAsync_SessionCredentials_SignsSecurityToken()
    {
        var signer = new Route53RequestSigner(new Route53ProviderOptions { Credentials = new SessionAWSCredentials("ASIAEXAMPLE", Secret, "token-123") }, new ManualTimeProvider(new DateTimeOffset(At)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://route53.amazonaws.com/2013-04-01/hostedzone?maxitems=100");

        await signer.SignAsync(request, null, CancellationToken.None);

        Assert.Equal("token-123", request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("x-amz-security-token", request.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
        Assert.True(new SignatureCheckingHandler(Secret).Check(request, []));
    }

    [Fact]
    public async Task SignAsync_LoopbackEndpointWithPort_SignsHostWithPort()
    {
        var signer = new Route53RequestSigner(new Route53ProviderOptions { Credentials = new BasicAWSCredentials("AKIDEXAMPLE", Secret) }, new ManualTimeProvider(new DateTimeOffset(At)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:45678/2013-04-01/hostedzone?maxitems=100");

        await signer.SignAsync(request, null, CancellationToken.None);

        Assert.True(new SignatureCheckingHandler(Secret).Check(request, []));
    }
}
