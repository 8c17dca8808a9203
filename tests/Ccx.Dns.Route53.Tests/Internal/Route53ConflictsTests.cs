using Ccx.Dns.Route53.Internal;

namespace Ccx.Dns.Route53.Tests.Internal;

public sealed class Route53ConflictsTests
{
    [Theory]
    [InlineData("Tried to create resource record set [name='www.example.com.', type='A'] but it already exists", true)]
    [InlineData("Tried to delete resource record set [name='registry.example.com.', type='A'] but it was not found", true)]
    [InlineData("Tried to delete resource record set [name='flex.k8s.example.com.', type='A'] but the values provided do not match the current values", true)]
    [InlineData("RRSet of type A with DNS name x.example.com. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone example.com.", true)]
    [InlineData("RRSet of type CNAME with DNS name x.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com.", true)]
    [InlineData("Invalid Resource Record: FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '300.1.1.1'", false)]
    [InlineData("RRSet with DNS name www.other.example. is not permitted in zone example.com.", false)]
    [InlineData("Number of records limit of 1000 exceeded.", false)]
    public void IsConflict_Route53RefusalMessage_TellsAConflictFromABadChange(string message, bool expected) =>
        Assert.Equal(expected, Route53Conflicts.IsConflict(message));
}
