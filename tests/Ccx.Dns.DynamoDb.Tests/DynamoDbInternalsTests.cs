using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ccx.Dns.DynamoDb.Internal;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.DynamoDb.Tests;

public sealed class DynamoDbInternalsTests
{
    [Theory]
    [InlineData("foo.example.org#A#", "foo.example.org", "A", "")]
    [InlineData("Foo.Example.org#cname#", "foo.example.org", "CNAME", "")]
    [InlineData("baz.example.org#A#set-1", "baz.example.org", "A", "set-1")]
    [InlineData("baz.example.org#A#set#with#hashes", "baz.example.org", "A", "set#with#hashes")]
    [InlineData("bare.example.org#TXT", "bare.example.org", "TXT", "")]
    public void TryParseKey_ExternalDnsKeys_ParseIntoNameTypeAndSetIdentifier(string text, string name, string type, string set)
    {
        Assert.True(OwnershipItem.TryParseKey(text, out var key));
        Assert.Equal(new EndpointKey(name, RecordType.Parse(type), set), key);
    }

    [Theory]
    [InlineData("#lease#cluster")]
    [InlineData("no-type")]
    [InlineData("name#")]
    public void TryParseKey_LeaseAndMalformedKeys_AreNotRecordKeys(string text)
    {
        Assert.False(OwnershipItem.TryParseKey(text, out _));
    }

    [Fact]
    public void EndpointKey_ToString_IsTheItemKeyFormat()
    {
        Assert.Equal("www.example.org#AAAA#eu", new DnsEndpoint("WWW.example.org.", RecordType.AAAA, "2001:db8::1") { SetIdentifier = "eu" }.Key.ToString());
    }

    [Fact]
    public void IsTransient_ClassifiesDynamoDbFailures()
    {
        Assert.True(DynamoDbErrors.IsTransient(new ProvisionedThroughputExceededException("slow down")));
        Assert.True(DynamoDbErrors.IsTransient(new AmazonDynamoDBException("throttled") { ErrorCode = "ThrottlingException", StatusCode = HttpStatusCode.BadRequest }));
        Assert.True(DynamoDbErrors.IsTransient(new AmazonDynamoDBException("unavailable") { StatusCode = HttpStatusCode.ServiceUnavailable }));
        Assert.True(DynamoDbErrors.IsTransient(new HttpRequestException("connection refused")));
        Assert.True(DynamoDbErrors.IsTransient(new TaskCanceledException("timeout")));
        Assert.False(DynamoDbErrors.IsTransient(new ResourceNotFoundException("no table") { StatusCode = HttpStatusCode.BadRequest }));
        Assert.False(DynamoDbErrors.IsTransient(new AmazonDynamoDBException("bad") { ErrorCode = "ValidationException", StatusCode = HttpStatusCode.BadRequest }));
        Assert.False(DynamoDbErrors.IsTransient(new AmazonDynamoDBException("denied") { ErrorCode = "AccessDeniedException", StatusCode = HttpStatusCode.BadRequest }));
        Assert.True(DynamoDbErrors.IsTransient(BatchStatementErrorCodeEnum.ThrottlingError));
        Assert.False(DynamoDbErrors.IsTransient(BatchStatementErrorCodeEnum.ValidationError));
    }

    [Fact]
    public void Chunk_RepeatedKeysAndMoreThan25Statements_KeepsBatchesSmallAndKeysDistinct()
    {
        var statements = Enumerable.Range(0, 60)
            .Select(i => new OwnershipStatement(i < 30 ? $"k{i}" : $"k{i - 30}", "UPDATE", "s", []))
            .ToList();

        var batches = OwnershipTable.Chunk(statements);

        Assert.Equal(3, batches.Count);
        Assert.All(batches, b => Assert.InRange(b.Count, 1, 25));
        Assert.All(batches, b => Assert.Equal(b.Count, b.Select(i => statements[i].KeyText).Distinct().Count()));
        Assert.Equal(Enumerable.Range(0, 60), batches.SelectMany(b => b).Order());

        // A statement on a key always runs after the earlier statements on the same key.
        var batchOf = batches.SelectMany((b, n) => b.Select(i => (i, n))).ToDictionary(x => x.i, x => x.n);
        Assert.All(Enumerable.Range(30, 30), i => Assert.True(batchOf[i] > batchOf[i - 30]));
    }
}
