using System.Globalization;
using System.Text;

namespace Ccx.Dns.TestServers;

/// <summary>
/// A real BIND 9 <c>named</c> (<c>-g</c>, foreground) on a free loopback port with a temp work dir and its own
/// <c>named.conf</c>: the given primary zones accept updates and transfers signed with the server's keys.
/// </summary>
public sealed class BindServer : Rfc2136Server
{
    private BindServer(IReadOnlyList<Rfc2136TestZone> zones, IReadOnlyList<TsigTestKey>? otherKeys)
        : base(Rfc2136ServerKind.Bind, ("named", "bind9"), "named.conf", zones, otherKeys)
    {
    }

    /// <summary>Starts named serving <paramref name="zones"/> (a zone name converts to a plain zone: SOA, NS, ns1 A); fails naming the missing package when BIND is not installed.</summary>
    /// <param name="zones">The zones.</param>
    /// <param name="otherKeys">Keys besides the main one.</param>
    /// <returns>The running server.</returns>
    public static Task<BindServer> StartAsync(IReadOnlyList<Rfc2136TestZone> zones, IReadOnlyList<TsigTestKey>? otherKeys = null) =>
        StartAsync(new BindServer(zones, otherKeys));

    /// <inheritdoc />
    protected override IEnumerable<string> Arguments() => ["-g", "-c", ConfigurationPath];

    /// <inheritdoc />
    protected override string RenderConfiguration()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $$"""
            options {
                directory "{{WorkDir}}";
                pid-file "{{WorkDir}}/named.pid";
                session-keyfile "{{WorkDir}}/session.key";
                listen-on port {{Port}} { 127.0.0.1; };
                listen-on-v6 { none; };
                recursion no;
                dnssec-validation no;
                notify no;
                max-journal-size 10m;
            };
            controls { };

            """);
        foreach (var key in (TsigTestKey[])[Key, .. OtherKeys])
        {
            sb.Append(CultureInfo.InvariantCulture, $"key \"{key.Name}\" {{ algorithm {key.Algorithm}; secret \"{key.Secret}\"; }};\n");
        }

        foreach (var zone in ZoneSpecs)
        {
            sb.Append(CultureInfo.InvariantCulture, $$"""
                zone "{{zone.Name}}" {
                    type primary;
                    file "{{ZoneFilePath(zone.Name)}}";
                    allow-update { {{Keys(UpdateKeys(zone))}} };
                    allow-transfer { {{Keys(TransferKeys(zone))}} };
                };

                """);
        }

        return sb.ToString();
    }

    private static string Keys(IReadOnlyList<TsigTestKey> keys) =>
        keys.Count == 0 ? "none;" : string.Concat(keys.Select(k => $"key \"{k.Name}\"; "));
}
