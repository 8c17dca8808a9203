using Ccx.Dns.Testing;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>
/// One real RFC 2136 server serving one zone per conformance scenario (zones must exist before the server starts);
/// one subclass per server.
/// </summary>
public abstract class Rfc2136Fixture(Rfc2136ServerKind kind, DnsProviderCapabilities capabilities) : ServerFixture<Rfc2136Server>
{
    public const string Suffix = "rfc2136.test";

    public Rfc2136ServerKind Kind => kind;

    /// <summary>The server's capability declaration.</summary>
    public DnsProviderCapabilities Capabilities => capabilities;

    public static string ZoneFor(ConformanceScenario scenario, ConformanceReconcileMode mode = ConformanceReconcileMode.Full, string suffix = Suffix) =>
        scenario.Name + (mode == ConformanceReconcileMode.Targeted ? ".targeted." : ".") + suffix;

    /// <summary>Every scenario's zone in both modes, under <paramref name="suffix"/>.</summary>
    public static IReadOnlyList<Rfc2136TestZone> ScenarioZones(string suffix) => Rfc2136TestZone.Plain(
        ConformanceScenarios.All.SelectMany(s => new[] { ZoneFor(s, ConformanceReconcileMode.Full, suffix), ZoneFor(s, ConformanceReconcileMode.Targeted, suffix) }));

    protected override Task<Rfc2136Server> StartServerAsync() => Rfc2136Server.StartAsync(Kind, ScenarioZones(Suffix));
}

/// <summary>The conformance zones on BIND 9.</summary>
public sealed class BindFixture() : Rfc2136Fixture(Rfc2136ServerKind.Bind, KnownProviderCapabilities.Rfc2136);

/// <summary>The conformance zones on Knot DNS.</summary>
public sealed class KnotFixture() : Rfc2136Fixture(Rfc2136ServerKind.Knot, KnownProviderCapabilities.Rfc2136Knot);

[CollectionDefinition(Name)]
public sealed class BindServerGroup : ICollectionFixture<BindFixture>
{
    public const string Name = "conformance: BIND";
}

[CollectionDefinition(Name)]
public sealed class KnotServerGroup : ICollectionFixture<KnotFixture>
{
    public const string Name = "conformance: Knot";
}
