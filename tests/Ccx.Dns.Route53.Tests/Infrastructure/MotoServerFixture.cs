namespace Ccx.Dns.Route53.Tests.Infrastructure;

/// <summary>
/// The shared moto_server with the project's <see cref="Route53RuleProxy"/> in front of it (<see cref="MotoBehindRuleProxy"/>)
/// for the Route 53 test collection.
/// </summary>
public sealed class MotoServerFixture : ServerFixture<MotoBehindRuleProxy>
{
    /// <summary>moto itself (no Route 53 rules): for setting up zones out of band.</summary>
    public Uri Endpoint => Server.Moto.Endpoint;

    /// <summary>The rule-enforcing, fault-injecting proxy in front of moto: what providers under test talk to.</summary>
    public Route53RuleProxy Proxy => Server.Proxy;

    /// <summary>Drops every zone and record and resets the proxy's counters, faults and hooks.</summary>
    public Task ResetAsync() => Server.ResetAsync();

    /// <summary>Creates a hosted zone out of band and returns its bare id.</summary>
    public Task<string> CreateZoneAsync(string name, bool isPrivate = false) => Server.Moto.CreateZoneAsync(name, isPrivate);

    /// <summary>Adds tags to a hosted zone out of band.</summary>
    public Task TagZoneAsync(string zoneId, params (string Key, string Value)[] tags) => Server.Moto.TagZoneAsync(zoneId, tags);

    /// <summary>Sends a raw request to moto and returns the body.</summary>
    public Task<string> SendAsync(HttpMethod method, string path, string? body = null) => Server.Moto.SendAsync(method, path, body);

    protected override Task<MotoBehindRuleProxy> StartServerAsync() => MotoBehindRuleProxy.StartAsync();
}

[CollectionDefinition(Name)]
public sealed class MotoServerGroup : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto";
}
