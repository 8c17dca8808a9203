using System.Globalization;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Reliability.Tests.Infrastructure;

/// <summary>
/// Generates desired endpoints for one zone: valid ones of every managed type, and invalid ones of many kinds (bad
/// names, over-long labels and names, bad wildcards, wrong address families, multi-target and co-located CNAMEs,
/// negative or huge TTLs, empty or 10 kB TXT, control characters, unknown types, no targets, foreign domains).
/// Every endpoint has a unique name or key, so each one's fate can be checked on its own.
/// </summary>
public sealed class BadEndpointGenerator(Random random, string zone)
{
    private static readonly string[] InvalidKinds =
    [
        "empty-label", "label-over-63", "name-over-253", "wildcard-inside", "wildcard-partial", "a-with-ipv6", "aaaa-with-ipv4",
        "a-not-an-ip", "a-octet-overflow", "cname-two-targets", "cname-beside-a", "ttl-negative", "ttl-huge", "txt-empty",
        "txt-10kb", "control-in-name", "control-in-txt", "unknown-type", "no-targets", "outside-domain", "cname-bad-target", "space-in-name",
    ];

    public List<DnsEndpoint> Valid { get; } = [];

    public List<DnsEndpoint> Invalid { get; } = [];

    /// <summary>Invalid endpoints the <see cref="DnsEndpoint"/> constructor itself refused (with an ArgumentException), by kind.</summary>
    public Dictionary<string, int> RefusedAtConstruction { get; } = [];

    public Dictionary<string, int> InvalidByKind { get; } = [];

    /// <summary>Generates <paramref name="count"/> endpoints, about <paramref name="validShare"/> of them valid, in random order.</summary>
    public List<DnsEndpoint> Generate(int count, double validShare)
    {
        var all = new List<DnsEndpoint>(count);
        for (var i = 0; i < count; i++)
        {
            if (random.NextDouble() < validShare)
            {
                var endpoint = ValidEndpoint(i);
                Valid.Add(endpoint);
                all.Add(endpoint);
                continue;
            }

            var kind = InvalidKinds[random.Next(InvalidKinds.Length)];
            InvalidByKind[kind] = InvalidByKind.GetValueOrDefault(kind) + 1;
            DnsEndpoint[] made;
            try
            {
                made = InvalidEndpoint(kind, i);
            }
            catch (ArgumentException)
            {
                RefusedAtConstruction[kind] = RefusedAtConstruction.GetValueOrDefault(kind) + 1;
                continue;
            }

            // The last one is the invalid endpoint; any before it are valid companions (the A beside a CNAME).
            foreach (var companion in made[..^1])
            {
                Valid.Add(companion);
                all.Add(companion);
            }

            Invalid.Add(made[^1]);
            all.Add(made[^1]);
        }

        // Shuffle so that valid and invalid endpoints interleave.
        for (var i = all.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (all[i], all[j]) = (all[j], all[i]);
        }

        return all;
    }

    private DnsEndpoint ValidEndpoint(int i)
    {
        var name = $"v{i.ToString(CultureInfo.InvariantCulture)}.{zone}";
        return random.Next(5) switch
        {
            0 => new DnsEndpoint(name, RecordType.A, $"192.0.2.{random.Next(1, 255)}", $"198.51.100.{random.Next(1, 255)}") { Ttl = 300 },
            1 => new DnsEndpoint(name, RecordType.AAAA, $"2001:db8::{random.Next(1, 0xffff):x}") { Ttl = 60 },
            2 => new DnsEndpoint(name, RecordType.CNAME, $"target{random.Next(100)}.example.net") { Ttl = 600 },
            3 => new DnsEndpoint(name, RecordType.TXT, $"app=v{i}; region=eu-{random.Next(9)}") { Ttl = 120 },
            _ => new DnsEndpoint("*." + name, RecordType.A, "203.0.113.7") { Ttl = 30 },
        };
    }

    private DnsEndpoint[] InvalidEndpoint(string kind, int i)
    {
        var n = i.ToString(CultureInfo.InvariantCulture);
        var name = $"bad{n}.{zone}";
        return kind switch
        {
            "empty-label" => [new DnsEndpoint($"bad{n}..{zone}", RecordType.A, "192.0.2.1")],
            "label-over-63" => [new DnsEndpoint($"{new string('x', 64 + random.Next(200))}{n}.{zone}", RecordType.A, "192.0.2.1")],
            "name-over-253" => [new DnsEndpoint(string.Join('.', Enumerable.Repeat(new string('l', 60), 4 + random.Next(4))) + $".b{n}.{zone}", RecordType.A, "192.0.2.1")],
            "wildcard-inside" => [new DnsEndpoint($"bad{n}.*.{zone}", RecordType.A, "192.0.2.1")],
            "wildcard-partial" => [new DnsEndpoint($"*bad{n}.{zone}", RecordType.A, "192.0.2.1")],
            "a-with-ipv6" => [new DnsEndpoint(name, RecordType.A, "2001:db8::1")],
            "aaaa-with-ipv4" => [new DnsEndpoint(name, RecordType.AAAA, "192.0.2.1")],
            "a-not-an-ip" => [new DnsEndpoint(name, RecordType.A, "host.example.net")],
            "a-octet-overflow" => [new DnsEndpoint(name, RecordType.A, "192.0.2.256")],
            "cname-two-targets" => [new DnsEndpoint(name, RecordType.CNAME, "one.example.net", "two.example.net")],
            "cname-beside-a" => [new DnsEndpoint(name, RecordType.A, "192.0.2.44") { Ttl = 300 }, new DnsEndpoint(name, RecordType.CNAME, "other.example.net")],
            "ttl-negative" => [new DnsEndpoint(name, RecordType.A, "192.0.2.1") { Ttl = -random.Next(1, int.MaxValue) }],
            "ttl-huge" => [new DnsEndpoint(name, RecordType.A, "192.0.2.1") { Ttl = (long)int.MaxValue + 1 + random.Next() }],
            "txt-empty" => [new DnsEndpoint(name, RecordType.TXT, string.Empty)],
            "txt-10kb" => [new DnsEndpoint(name, RecordType.TXT, new string('t', 10_240))],
            "control-in-name" => [new DnsEndpoint($"bad{n}\u0001x.{zone}", RecordType.A, "192.0.2.1")],
            "control-in-txt" => [new DnsEndpoint(name, RecordType.TXT, "a\u0000b\u001bc")],
            "unknown-type" => [new DnsEndpoint(name, new RecordType("FOO" + (char)('A' + random.Next(26))), "whatever")],
            "no-targets" => [new DnsEndpoint(name, RecordType.A)],
            "outside-domain" => [new DnsEndpoint($"bad{n}.example.com", RecordType.A, "192.0.2.1")],
            "cname-bad-target" => [new DnsEndpoint(name, RecordType.CNAME, "bad target..example.net")],
            "space-in-name" => [new DnsEndpoint($"bad {n}.{zone}", RecordType.A, "192.0.2.1")],
            _ => throw new InvalidOperationException(kind),
        };
    }
}
