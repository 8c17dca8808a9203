using System.Globalization;
using System.Text;

namespace Ccx.Dns.TestServers;

/// <summary>
/// A real Knot DNS <c>knotd</c> (foreground) on a free loopback port with a temp work dir and its own
/// <c>knot.conf</c>: the given primary zones accept updates and transfers signed with the server's keys; journal,
/// timers and the control socket live in the work dir, and zone files are never written back.
/// </summary>
public sealed class KnotServer : Rfc2136Server
{
    private KnotServer(IReadOnlyList<Rfc2136TestZone> zones, IReadOnlyList<TsigTestKey>? otherKeys)
        : base(Rfc2136ServerKind.Knot, ("knotd", "knot"), "knot.conf", zones, otherKeys)
    {
    }

    private string DatabaseDir => Path.Combine(WorkDir, "db");

    /// <summary>Starts knotd serving <paramref name="zones"/> (a zone name converts to a plain zone: SOA, NS, ns1 A); fails naming the missing package when Knot is not installed.</summary>
    /// <param name="zones">The zones.</param>
    /// <param name="otherKeys">Keys besides the main one.</param>
    /// <returns>The running server.</returns>
    public static Task<KnotServer> StartAsync(IReadOnlyList<Rfc2136TestZone> zones, IReadOnlyList<TsigTestKey>? otherKeys = null) =>
        StartAsync(new KnotServer(zones, otherKeys));

    /// <inheritdoc />
    protected override IEnumerable<string> Arguments() => ["-c", ConfigurationPath];

    /// <inheritdoc />
    protected override void PrepareWorkDir() => Directory.CreateDirectory(DatabaseDir);

    /// <inheritdoc />
    protected override string RenderConfiguration()
    {
        var keys = (TsigTestKey[])[Key, .. OtherKeys];
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $$"""
            server:
                rundir: "{{WorkDir}}"
                pidfile: "{{WorkDir}}/knot.pid"
                listen: 127.0.0.1@{{Port}}
                udp-workers: 1
                tcp-workers: 2
                background-workers: 1

            control:
                listen: "{{WorkDir}}/knot.sock"

            database:
                storage: "{{DatabaseDir}}"

            log:
              - target: stderr
                any: info

            key:

            """);
        foreach (var key in keys)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  - id: {key.Name}\n    algorithm: {key.Algorithm}\n    secret: {key.Secret}\n");
        }

        sb.Append("\nacl:\n");
        foreach (var key in keys)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  - id: update-{key.Name}\n    key: {key.Name}\n    action: [update, transfer]\n");
            sb.Append(CultureInfo.InvariantCulture, $"  - id: transfer-{key.Name}\n    key: {key.Name}\n    action: transfer\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $$"""

            template:
              - id: default
                storage: "{{WorkDir}}"
                file: "%s.zone"
                zonefile-sync: -1
                zonefile-load: whole
                journal-content: changes
                semantic-checks: off
                serial-policy: increment

            zone:

            """);
        foreach (var zone in ZoneSpecs)
        {
            var update = UpdateKeys(zone);
            var acl = update.Count > 0
                ? update.Select(k => "update-" + k.Name)
                : TransferKeys(zone).Select(k => "transfer-" + k.Name);
            sb.Append(CultureInfo.InvariantCulture, $"  - domain: {zone.Name}\n    acl: [{string.Join(", ", acl)}]\n");
        }

        return sb.ToString();
    }
}
