using System.Globalization;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Testing;

/// <summary>
/// The conformance scenarios (modelled on DNSControl's integration suite): each is a list of whole desired states,
/// run against every provider whose declared capabilities allow it.
/// </summary>
public static class ConformanceScenarios
{
    /// <summary>The owner id the runner reconciles as.</summary>
    public const string OwnerId = "conformance";

    /// <summary>The owner id of the foreign records some scenarios seed before their first step.</summary>
    public const string ForeignOwnerId = "someone-else";

    /// <summary>The number of record sets in the <c>bulk-500</c> scenario.</summary>
    public const int BulkCount = 500;

    private static readonly RecordType A = RecordType.A;
    private static readonly RecordType AAAA = RecordType.AAAA;
    private static readonly RecordType CNAME = RecordType.CNAME;
    private static readonly RecordType TXT = RecordType.TXT;
    private static readonly RecordType MX = RecordType.MX;
    private static readonly RecordType SRV = RecordType.SRV;
    private static readonly RecordType CAA = RecordType.CAA;

    /// <summary>A 400-byte TXT text (longer than one 255-byte character-string).</summary>
    public static string LongText { get; } = string.Concat(Enumerable.Range(0, 40).Select(i => i.ToString("D3", CultureInfo.InvariantCulture) + "-abcdef"));

    /// <summary>Every scenario, in a stable order.</summary>
    public static IReadOnlyList<ConformanceScenario> All { get; } = Build();

    /// <summary>Finds a scenario by name.</summary>
    /// <param name="name">The scenario's name.</param>
    /// <returns>The scenario.</returns>
    /// <exception cref="KeyNotFoundException">No scenario has that name.</exception>
    public static ConformanceScenario Get(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException($"no conformance scenario named '{name}'");

    private static ConformanceStep Step(string description, Func<ConformanceZone, IReadOnlyList<DnsEndpoint>> desired) => new(description, desired);

    private static ConformanceStep Empty(string description = "delete everything") => new(description, static _ => []);

    private static ConformanceScenario Scenario(string name, string description, IReadOnlyList<ConformanceRequirement> requirements, params ConformanceStep[] steps) =>
        new() { Name = name, Description = description, Requirements = requirements, Steps = steps };

#pragma warning disable CA1502 // one flat list of scenarios reads better than many small methods
    private static List<ConformanceScenario> Build()
#pragma warning restore CA1502
    {
        var txt = ConformanceRequirement.Type(TXT);
        var mx = ConformanceRequirement.Type(MX);
        var srv = ConformanceRequirement.Type(SRV);
        var caa = ConformanceRequirement.Type(CAA);
        var multi = ConformanceRequirement.MultipleTargets;
        var scenarios = new List<ConformanceScenario>
        {
            Scenario("a-create", "creates one A record", [],
                Step("create www A", z => [z.Record("www", A, "192.0.2.1")])),
            Scenario("a-update", "changes an A record's address", [],
                Step("create www A", z => [z.Record("www", A, "192.0.2.1")]),
                Step("move www to another address", z => [z.Record("www", A, "192.0.2.2")])),
            Scenario("a-delete", "deletes an A record and its ownership record", [],
                Step("create www A", z => [z.Record("www", A, "192.0.2.1")]),
                Empty()),
            Scenario("aaaa-lifecycle", "creates, updates and deletes an AAAA record", [],
                Step("create v6 AAAA", z => [z.Record("v6", AAAA, "2001:db8::1")]),
                Step("change the address", z => [z.Record("v6", AAAA, "2001:db8::2")]),
                Empty()),
            Scenario("aaaa-canonical-form", "an AAAA address written in a non-canonical form converges", [],
                Step("create with a long-form address", z => [z.Record("v6long", AAAA, "2001:db8:0:0:0:0:0:10")])),
            Scenario("cname-lifecycle", "creates, updates and deletes a CNAME", [],
                Step("create alias CNAME", z => [z.Record("alias", CNAME, "target.example.net")]),
                Step("point it elsewhere", z => [z.Record("alias", CNAME, "other.example.net")]),
                Empty()),
            Scenario("cname-in-zone", "a CNAME to a name in the same zone", [],
                Step("create an A and a CNAME to it", z => [z.Record("origin", A, "192.0.2.5"), z.Record("pointer", CNAME, z.Fqdn("origin"))])),
            Scenario("txt-lifecycle", "creates, updates and deletes a TXT record", [txt],
                Step("create note TXT", z => [z.Record("note", TXT, "hello world")]),
                Step("change the text", z => [z.Record("note", TXT, "goodbye world")]),
                Empty()),
            Scenario("txt-long", "a TXT text longer than one 255-byte character-string", [txt, ConformanceRequirement.TxtLength(LongText)],
                Step("create a 400-byte TXT", z => [z.Record("long", TXT, LongText)]),
                Step("shorten it", z => [z.Record("long", TXT, LongText[..200])])),
            Scenario("txt-quotes", "a TXT text containing double quotes and a backslash", [txt],
                Step("create a TXT with quotes", z => [z.Record("quoted", TXT, "say \"hi\" to C:\\dir")])),
            Scenario("txt-semicolons", "a DKIM-like TXT text with semicolons and equals signs", [txt],
                Step("create a DKIM TXT", z => [z.Record("dkim._domainkey", TXT, "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1")])),
            Scenario("txt-unicode", "a TXT text with non-ASCII characters", [txt],
                Step("create a unicode TXT", z => [z.Record("unicode", TXT, "héllo wörld ✓ 日本")])),
            Scenario("txt-spf-apex", "an SPF TXT at the apex next to ownership records", [txt, ConformanceRequirement.Apex],
                Step("create the SPF record", z => [z.Record("@", TXT, "v=spf1 include:_spf.example.net -all")]),
                Step("tighten it", z => [z.Record("@", TXT, "v=spf1 -all")])),
            Scenario("txt-multiple", "a TXT record set with several texts", [txt, multi],
                Step("create two texts", z => [z.Record("multi", TXT, "first text", "second text")]),
                Step("add a third", z => [z.Record("multi", TXT, "first text", "second text", "third text")]),
                Step("drop the first", z => [z.Record("multi", TXT, "second text", "third text")])),
            Scenario("txt-case", "a TXT text that changes only in case is rewritten and kept exactly", [txt],
                Step("create a mixed-case TXT", z => [z.Record("cased", TXT, "Key=AbC")]),
                Step("lower-case it", z => [z.Record("cased", TXT, "key=abc")]),
                Step("upper-case one letter", z => [z.Record("cased", TXT, "key=abC")])),
            Scenario("mx-lifecycle", "creates, updates and deletes an MX record", [mx],
                Step("create MX", z => [z.Record("mail", MX, "10 mx1.example.net")]),
                Step("change preference and host", z => [z.Record("mail", MX, "20 mx2.example.net")]),
                Empty()),
            Scenario("mx-multiple", "MX hosts with different preferences, one in the zone", [mx, multi],
                Step("create two MX hosts", z => [z.Record("mx", A, "192.0.2.25"), z.Record("corp", MX, "10 " + z.Fqdn("mx"), "20 backup.example.net")]),
                Step("drop the backup", z => [z.Record("mx", A, "192.0.2.25"), z.Record("corp", MX, "10 " + z.Fqdn("mx"))])),
            Scenario("srv-lifecycle", "creates, updates and deletes an SRV record", [srv],
                Step("create SRV", z => [z.Record("_sip._tcp", SRV, "10 5 5060 sip1.example.net.")]),
                Step("change weight and port", z => [z.Record("_sip._tcp", SRV, "10 20 5061 sip1.example.net.")]),
                Empty()),
            Scenario("srv-multiple", "an SRV record set with several targets", [srv, multi],
                Step("create two SRV targets", z => [z.Record("_xmpp._tcp", SRV, "10 50 5222 a.example.net.", "10 50 5222 b.example.net.")])),
            Scenario("caa-lifecycle", "creates, extends and deletes CAA records", [caa],
                Step("create CAA issue", z => [z.Record("@", CAA, "0 issue \"letsencrypt.org\"")]),
                Step("add iodef and issuewild", z => [z.Record("@", CAA, "0 issue \"letsencrypt.org\"", "0 issuewild \";\"", "0 iodef \"mailto:security@example.net\"")]),
                Empty()),
            Scenario("multi-target-a", "a round-robin A record grows, shrinks and is reordered", [multi],
                Step("create three addresses", z => [z.Record("rr", A, "192.0.2.10", "192.0.2.11", "192.0.2.12")]),
                Step("remove one", z => [z.Record("rr", A, "192.0.2.10", "192.0.2.12")]),
                Step("add two", z => [z.Record("rr", A, "192.0.2.10", "192.0.2.12", "192.0.2.13", "192.0.2.14")]),
                Step("same set, another order", z => [z.Record("rr", A, "192.0.2.14", "192.0.2.13", "192.0.2.12", "192.0.2.10")])),
            Scenario("multi-target-aaaa", "an AAAA record set with several addresses", [multi],
                Step("create two addresses", z => [z.Record("rr6", AAAA, "2001:db8::a", "2001:db8::b")]),
                Step("replace both", z => [z.Record("rr6", AAAA, "2001:db8::c", "2001:db8::d")])),
            Scenario("dual-stack", "A and AAAA at the same name, each with its own ownership", [],
                Step("create A and AAAA", z => [z.Record("dual", A, "192.0.2.30"), z.Record("dual", AAAA, "2001:db8::30")]),
                Step("drop the AAAA", z => [z.Record("dual", A, "192.0.2.30")])),
            Scenario("ttl-change", "changes only the TTL", [ConformanceRequirement.Ttl],
                Step("create with TTL 300", z => [z.Record("ttl", A, 300, "192.0.2.40")]),
                Step("lower it to 60", z => [z.Record("ttl", A, 60, "192.0.2.40")]),
                Step("raise it to 3600", z => [z.Record("ttl", A, 3600, "192.0.2.40")])),
            Scenario("ttl-unset", "an unset TTL converges on the provider's default and then to a set one", [ConformanceRequirement.Ttl],
                Step("create without a TTL", z => [z.Record("ttl0", A, "192.0.2.41")]),
                Step("set TTL 120", z => [z.Record("ttl0", A, 120, "192.0.2.41")])),
            Scenario("cname-to-a", "replaces a CNAME with an A record at the same name", [ConformanceRequirement.TypeChange],
                Step("create CNAME", z => [z.Record("swap", CNAME, "target.example.net")]),
                Step("replace it by an A", z => [z.Record("swap", A, "192.0.2.50")])),
            Scenario("a-to-cname", "replaces an A record with a CNAME at the same name", [ConformanceRequirement.TypeChange],
                Step("create A", z => [z.Record("swap2", A, "192.0.2.51")]),
                Step("replace it by a CNAME", z => [z.Record("swap2", CNAME, "target.example.net")])),
            Scenario("wildcard", "creates, updates and deletes a wildcard A record", [ConformanceRequirement.Wildcard],
                Step("create *.wild A", z => [z.Record("*.wild", A, "192.0.2.60")]),
                Step("change it", z => [z.Record("*.wild", A, "192.0.2.61")]),
                Empty()),
            Scenario("wildcard-cname", "a wildcard CNAME next to an explicit name under it", [ConformanceRequirement.Wildcard],
                Step("create *.apps CNAME and an explicit A", z => [z.Record("*.apps", CNAME, "ingress.example.net"), z.Record("api.apps", A, "192.0.2.62")])),
            Scenario("apex-a", "an A record at the zone apex", [ConformanceRequirement.Apex],
                Step("create apex A", z => [z.Record("@", A, "192.0.2.70")]),
                Step("change it", z => [z.Record("@", A, "192.0.2.71")]),
                Empty()),
            Scenario("apex-mx-txt", "MX and TXT at the apex together", [ConformanceRequirement.Apex, mx, txt],
                Step("create apex MX and TXT", z => [z.Record("@", MX, "10 mx.example.net"), z.Record("@", TXT, "google-site-verification=abc123")])),
            Scenario("idn-name", "an internationalised name is written as punycode and converges", [],
                Step("create bücher A", z => [z.Record("bücher", A, "192.0.2.80")]),
                Step("update it by its punycode name", z => [z.Record("xn--bcher-kva", A, "192.0.2.81")])),
            Scenario("case-only-name", "a name differing only in case is the same record", [],
                Step("create MixedCase A", z => [z.Record("MixedCase", A, "192.0.2.90")]),
                Step("ask for mixedcase", z => [z.Record("mixedcase", A, "192.0.2.90")]),
                Step("ask for MIXEDCASE with a new address", z => [z.Record("MIXEDCASE", A, "192.0.2.91")])),
            Scenario("case-only-target", "a CNAME target differing only in case is the same target", [],
                Step("create CNAME to Target.Example.Net", z => [z.Record("casetarget", CNAME, "Target.Example.Net")]),
                Step("ask for the lower-case target", z => [z.Record("casetarget", CNAME, "target.example.net")])),
            Scenario("set-identifiers", "weighted record sets sharing a name, told apart by set identifiers (aws/weight)", [ConformanceRequirement.SetIdentifiers],
                Step("create blue and green", z => [Weighted(z, "blue", 10, "192.0.2.100"), Weighted(z, "green", 20, "192.0.2.101")]),
                Step("move green", z => [Weighted(z, "blue", 10, "192.0.2.100"), Weighted(z, "green", 20, "192.0.2.102")]),
                Step("drop blue", z => [Weighted(z, "green", 20, "192.0.2.102")])),
            Scenario("many-types-one-name", "A, TXT and MX at one name, changed independently", [txt, mx],
                Step("create three types", z => [z.Record("svc", A, "192.0.2.110"), z.Record("svc", TXT, "service"), z.Record("svc", MX, "10 mx.example.net")]),
                Step("change only the TXT", z => [z.Record("svc", A, "192.0.2.110"), z.Record("svc", TXT, "service v2"), z.Record("svc", MX, "10 mx.example.net")]),
                Step("drop the MX", z => [z.Record("svc", A, "192.0.2.110"), z.Record("svc", TXT, "service v2")])),
            Scenario("deep-and-long-names", "a deep name and a 61-character label (63 with the ownership record's type prefix)", [],
                Step("create them", z =>
                [
                    z.Record("a.b.c.d.deep", A, "192.0.2.120"),
                    z.Record(new string('l', 61), A, "192.0.2.121"),
                ])),
            Scenario("replace-all", "a desired state replaced by a disjoint one", [txt],
                Step("create set one", z => [z.Record("one", A, "192.0.2.130"), z.Record("two", CNAME, "one.example.net"), z.Record("three", TXT, "3")]),
                Step("replace by set two", z => [z.Record("four", A, "192.0.2.131"), z.Record("five", AAAA, "2001:db8::5")])),
            Scenario("foreign-owned-untouched", "a record owned by someone else is left byte-identical while ours change around it", [],
                Step("create ours next to it", z => [z.Record("mine", A, "192.0.2.140")]),
                Step("change ours", z => [z.Record("mine", A, "192.0.2.141")]),
                Empty("delete ours"))
                with { ForeignOwned = z => [z.Record("theirs", A, 600, "198.51.100.1")] },
            Scenario("foreign-owned-conflict", "wanting a name another owner holds does not take it over", [],
                Step("want their name with our address", z => [z.Record("contested", A, "192.0.2.150"), z.Record("mine2", A, "192.0.2.151")])
                    with { Blocked = z => [new EndpointKey(z.Fqdn("contested"), A)] },
                Empty("give up"))
                with { ForeignOwned = z => [z.Record("contested", A, 600, "198.51.100.2")] },
            Scenario("unowned-untouched", "a record without any ownership record is never deleted or updated", [],
                Step("create ours", z => [z.Record("managed", A, "192.0.2.160")]),
                Step("want the unowned name too", z => [z.Record("managed", A, "192.0.2.160"), z.Record("handmade", A, "192.0.2.161")])
                    with { Blocked = z => [new EndpointKey(z.Fqdn("handmade"), A)] },
                Empty())
                with { Unowned = z => [z.Record("handmade", A, 600, "198.51.100.3")] },
            Scenario("bulk-500", $"{BulkCount} record sets created, updated and deleted, one step each", [ConformanceRequirement.LargeChangeSets],
                Step($"create {BulkCount} A records", z => Bulk(z, 0)),
                Step("change every other address", z => Bulk(z, 1)),
                Empty($"delete all {BulkCount}")),
        };
        return scenarios;
    }

    private static DnsEndpoint Weighted(ConformanceZone zone, string setIdentifier, int weight, string address) =>
        (zone.Record("weighted", RecordType.A, address) with { SetIdentifier = setIdentifier })
            .WithProviderSpecific("aws/weight", weight.ToString(CultureInfo.InvariantCulture));

    private static DnsEndpoint[] Bulk(ConformanceZone zone, int generation) =>
    [
        .. Enumerable.Range(0, BulkCount).Select(i => zone.Record(
            "host" + i.ToString("D3", CultureInfo.InvariantCulture),
            RecordType.A,
            string.Create(CultureInfo.InvariantCulture, $"10.{(generation == 1 && i % 2 == 0 ? 1 : 0)}.{i / 256}.{i % 256}"))),
    ];
}
