using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Rfc2136.Tests.Infrastructure;

/// <summary>
/// One real RFC 2136 server (BIND or Knot, see the subclasses) for a test collection, serving the zones the provider
/// tests use: a parent and a child zone, a reverse zone, a 5,000-record zone, a zone that refuses updates and one for
/// apex tests. Every integration test class runs against both servers through a subclass per server.
/// </summary>
public abstract class Rfc2136ServerFixture(Rfc2136ServerKind kind) : ServerFixture<Rfc2136Server>
{
    public const string KeyName = Rfc2136Server.KeyName;
    public const string Zone = "example.org";
    public const string ChildZone = "sub.example.org";
    public const string ReverseZone = "2.0.192.in-addr.arpa";
    public const string BigZone = "big.test";
    public const string LockedZone = "locked.test";
    public const string ApexZone = "apex.test";
    public const int BigZoneRecordCount = 5000;

    /// <summary>A TXT record of two character-strings, written in the zone file (not by the provider).</summary>
    public const string MultiStringTxtName = "multi-update.example.org";

    /// <summary>An HINFO record, a type the codec does not interpret (read in RFC 3597's generic form).</summary>
    public const string GenericRecordName = "hinfo.example.org";

    public Rfc2136ServerKind Kind => kind;

    /// <summary>
    /// The response code of an update the server's access control refuses (unsigned, or to a zone without updates):
    /// BIND answers REFUSED, Knot NOTAUTH.
    /// </summary>
    public string UpdateDeniedCode => Kind == Rfc2136ServerKind.Bind ? "REFUSED" : "NOTAUTH";

    public string Secret => Server.Secret;

    /// <summary>Extra keys with other algorithms, allowed to update and transfer the main zone.</summary>
    public IReadOnlyList<TsigTestKey> OtherKeys => Server.OtherKeys;

    public int Port => Server.Port;

    public IPEndPoint EndPoint => Server.EndPoint;

    public DnsQuery Query => Server.Query(TimeSpan.FromSeconds(3));

    public Rfc2136DnsProvider CreateProvider(Action<Rfc2136ProviderOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = CreateOptions();
        configure?.Invoke(options);
        return new Rfc2136DnsProvider(Options.Create(options), timeProvider);
    }

    public Rfc2136ProviderOptions CreateOptions() => Server.ProviderOptions(Zone, ChildZone, ReverseZone);

    /// <summary>The zone's SOA serial, by a real query.</summary>
    public Task<uint> GetSerialAsync(string zone) => Server.GetSerialAsync(zone);

    protected override Task<Rfc2136Server> StartServerAsync() =>
        Rfc2136Server.StartAsync(Kind, Zones(), [TsigTestKey.Create("ccx-sha512-key", "hmac-sha512"), TsigTestKey.Create("ccx-sha1-key", "hmac-sha1")]);

    private static List<Rfc2136TestZone> Zones()
    {
        var big = new StringBuilder();
        for (var i = 0; i < BigZoneRecordCount; i++)
        {
            big.Append(CultureInfo.InvariantCulture, $"host{i:D4} IN A 10.{i / 65536}.{i / 256 % 256}.{i % 256}\n");
        }

        return
        [
            new(Zone)
            {
                Records = "multi IN TXT \"part one\" \"part two\"\n" +
                    "multi-update IN TXT \"part one\" \"part two\"\n" +
                    "hinfo IN HINFO \"PC\" \"Linux\"\n" +
                    "www.sub IN A 192.0.2.99\n",
                AllowOtherKeys = true,
            },
            new(ChildZone) { NameServer = "ns1." + Zone, Records = "www IN A 192.0.2.77\n" },
            new(ReverseZone) { NameServer = "ns1." + Zone },
            new(BigZone) { Records = big.ToString() },
            new(LockedZone) { AllowUpdate = false },
            new(ApexZone),
        ];
    }
}

/// <summary>The provider tests' zones on BIND 9.</summary>
public sealed class BindServerFixture() : Rfc2136ServerFixture(Rfc2136ServerKind.Bind);

/// <summary>The provider tests' zones on Knot DNS.</summary>
public sealed class KnotServerFixture() : Rfc2136ServerFixture(Rfc2136ServerKind.Knot);

[CollectionDefinition(Name)]
public sealed class BindServerGroup : ICollectionFixture<BindServerFixture>
{
    public const string Name = "bind";
}

[CollectionDefinition(Name)]
public sealed class KnotServerGroup : ICollectionFixture<KnotServerFixture>
{
    public const string Name = "knot";
}
