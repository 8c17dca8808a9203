using System.Net;
using System.Net.Sockets;
using Ccx.Dns.Rfc2136;
using Ccx.Dns.Rfc2136.Wire;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.TestServers;

/// <summary>The RFC 2136 servers the tests run against.</summary>
public enum Rfc2136ServerKind
{
    /// <summary>ISC BIND 9 <c>named</c> (<see cref="BindServer"/>).</summary>
    Bind,

    /// <summary>CZ.NIC Knot DNS <c>knotd</c> (<see cref="KnotServer"/>).</summary>
    Knot,
}

/// <summary>
/// A real authoritative DNS server accepting RFC 2136 updates: run in the foreground on a free loopback port with a
/// temp work dir and its own configuration, serving the given primary zones, which accept updates (unless a zone says
/// otherwise) and transfers signed with <see cref="Key"/>. Killed by PID on dispose. A subclass says only how its
/// server is configured and started.
/// </summary>
public abstract class Rfc2136Server : IAsyncDisposable
{
    /// <summary>The name of the main TSIG key (hmac-sha256).</summary>
    public const string KeyName = "ccx-test-key";

    private RunningProcess? _process;

    /// <summary>Creates the server's description; <see cref="StartAsync{T}"/> starts it.</summary>
    /// <param name="kind">Which server this is.</param>
    /// <param name="executable">The executable and its Debian package, for the "missing prerequisite" message.</param>
    /// <param name="configurationFileName">The configuration file's name in <see cref="WorkDir"/>.</param>
    /// <param name="zones">The zones.</param>
    /// <param name="otherKeys">Keys besides <see cref="Key"/>, allowed on zones with <see cref="Rfc2136TestZone.AllowOtherKeys"/>.</param>
    protected Rfc2136Server(
        Rfc2136ServerKind kind, (string Binary, string Package) executable, string configurationFileName, IReadOnlyList<Rfc2136TestZone> zones, IReadOnlyList<TsigTestKey>? otherKeys)
    {
        ArgumentNullException.ThrowIfNull(zones);
        if (zones.Count == 0)
        {
            throw new ArgumentException("a server needs at least one zone", nameof(zones));
        }

        Kind = kind;
        Executable = executable;
        ConfigurationFileName = configurationFileName;
        ZoneSpecs = zones;
        Zones = [.. zones.Select(z => z.Name)];
        OtherKeys = otherKeys ?? [];
        WorkDir = Path.Combine(Path.GetTempPath(), $"ccx-{GetType().Name.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..12]}");
    }

    /// <summary>Which server this is.</summary>
    public Rfc2136ServerKind Kind { get; }

    /// <summary>The names of the zones served.</summary>
    public IReadOnlyList<string> Zones { get; }

    /// <summary>The zones served, as configured.</summary>
    public IReadOnlyList<Rfc2136TestZone> ZoneSpecs { get; }

    /// <summary>The main key, <see cref="KeyName"/>, with a random hmac-sha256 secret.</summary>
    public TsigTestKey Key { get; } = TsigTestKey.Create(KeyName);

    /// <summary>The main key's secret (base64).</summary>
    public string Secret => Key.Secret;

    /// <summary>Other keys the server knows.</summary>
    public IReadOnlyList<TsigTestKey> OtherKeys { get; }

    /// <summary>The temp directory holding the configuration, zone files and server state.</summary>
    public string WorkDir { get; }

    /// <summary>The DNS port (UDP and TCP) on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The DNS endpoint.</summary>
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>What the server has written to its standard output and error so far.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>The executable and its Debian package, for the "missing prerequisite" message.</summary>
    protected (string Binary, string Package) Executable { get; }

    /// <summary>The configuration file's name in <see cref="WorkDir"/>.</summary>
    protected string ConfigurationFileName { get; }

    /// <summary>The path of the configuration file.</summary>
    protected string ConfigurationPath => Path.Combine(WorkDir, ConfigurationFileName);

    /// <summary>Starts a server of the given kind.</summary>
    /// <param name="kind">The server.</param>
    /// <param name="zones">The zones.</param>
    /// <param name="otherKeys">Keys besides the main one.</param>
    /// <returns>The running server.</returns>
    public static async Task<Rfc2136Server> StartAsync(Rfc2136ServerKind kind, IReadOnlyList<Rfc2136TestZone> zones, IReadOnlyList<TsigTestKey>? otherKeys = null) => kind switch
    {
        Rfc2136ServerKind.Bind => await BindServer.StartAsync(zones, otherKeys).ConfigureAwait(false),
        Rfc2136ServerKind.Knot => await KnotServer.StartAsync(zones, otherKeys).ConfigureAwait(false),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown server kind"),
    };

    /// <summary>A stub resolver asking this server over UDP.</summary>
    /// <param name="timeout">The per-query timeout; 2 s when null.</param>
    /// <returns>The resolver.</returns>
    public DnsQuery Query(TimeSpan? timeout = null) => new(EndPoint, timeout ?? TimeSpan.FromSeconds(2));

    /// <summary>Options for an RFC 2136 provider updating the given zones (all served zones when none given) with the main key.</summary>
    /// <param name="zones">The zones.</param>
    /// <returns>The options.</returns>
    public Rfc2136ProviderOptions ProviderOptions(params string[] zones)
    {
        var options = new Rfc2136ProviderOptions { Timeout = TimeSpan.FromSeconds(10) };
        ConfigureProvider(options, zones);
        return options;
    }

    /// <summary>
    /// Points options being configured (as in <c>AddRfc2136Provider(o => ...)</c>) at this server with the main key, for
    /// the given zones (all served zones when none given); the other settings keep their values.
    /// </summary>
    /// <param name="options">The options to set.</param>
    /// <param name="zones">The zones.</param>
    public void ConfigureProvider(Rfc2136ProviderOptions options, params string[] zones)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zones);
        options.Host = "127.0.0.1";
        options.Port = Port;
        options.TsigKeyName = Key.Name;
        options.TsigSecret = Key.Secret;
        options.TsigAlgorithm = Key.Algorithm;
        foreach (var zone in zones.Length == 0 ? Zones : zones)
        {
            options.Zones.Add(zone);
        }
    }

    /// <summary>An RFC 2136 provider for the given zones (all served zones when none given).</summary>
    /// <param name="zones">The zones.</param>
    /// <returns>The provider.</returns>
    public Rfc2136DnsProvider CreateProvider(params string[] zones) => new(Options.Create(ProviderOptions(zones)));

    /// <summary>A zone's SOA serial, by a real query.</summary>
    /// <param name="zone">The zone.</param>
    /// <returns>The serial.</returns>
    public async Task<uint> GetSerialAsync(string zone)
    {
        var answers = await Query().GetAnswersAsync(zone, DnsRecordType.SOA).ConfigureAwait(false);
        return answers is [{ Data: SoaRecordData soa }]
            ? soa.Serial
            : throw new InvalidOperationException($"{Kind} did not answer one SOA record for {zone} (got {answers.Count})");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        StopProcess();
        ServerProcess.DeleteDirectory(WorkDir);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Starts <paramref name="server"/>, disposing it when it does not come up.</summary>
    /// <typeparam name="T">The server type.</typeparam>
    /// <param name="server">The server.</param>
    /// <returns>The running server.</returns>
    protected static async Task<T> StartAsync<T>(T server)
        where T : Rfc2136Server
    {
        ArgumentNullException.ThrowIfNull(server);
        try
        {
            await server.RunAsync().ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The configuration text for the current <see cref="Port"/>.</summary>
    /// <returns>The text.</returns>
    protected abstract string RenderConfiguration();

    /// <summary>The command-line arguments that run the server in the foreground with <see cref="ConfigurationPath"/>.</summary>
    /// <returns>The arguments.</returns>
    protected abstract IEnumerable<string> Arguments();

    /// <summary>Creates what the server needs in <see cref="WorkDir"/> besides the configuration and zone files.</summary>
    protected virtual void PrepareWorkDir()
    {
    }

    /// <summary>The path of a zone's file.</summary>
    /// <param name="zone">The zone name.</param>
    /// <returns>The path.</returns>
    protected string ZoneFilePath(string zone) => Path.Combine(WorkDir, zone + ".zone");

    /// <summary>The keys allowed to update a zone: the main key, and the other keys when the zone allows them.</summary>
    /// <param name="zone">The zone.</param>
    /// <returns>The keys; empty when the zone accepts no updates.</returns>
    protected IReadOnlyList<TsigTestKey> UpdateKeys(Rfc2136TestZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zone.AllowUpdate ? TransferKeys(zone) : [];
    }

    /// <summary>The keys allowed to transfer a zone: the main key, and the other keys when the zone allows them.</summary>
    /// <param name="zone">The zone.</param>
    /// <returns>The keys.</returns>
    protected IReadOnlyList<TsigTestKey> TransferKeys(Rfc2136TestZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zone.AllowOtherKeys ? [Key, .. OtherKeys] : [Key];
    }

    private async Task RunAsync()
    {
        Prerequisites.Require(Kind.ToString(), Executable);
        Directory.CreateDirectory(WorkDir);
        foreach (var zone in ZoneSpecs)
        {
            await File.WriteAllTextAsync(ZoneFilePath(zone.Name), zone.ToZoneFile()).ConfigureAwait(false);
        }

        PrepareWorkDir();
        var executable = Prerequisites.FindOnPath(Executable.Binary)!;
        for (var attempt = 0; ; attempt++)
        {
            Port = LoopbackPorts.FreeTcpAndUdpPort();
            await File.WriteAllTextAsync(ConfigurationPath, RenderConfiguration()).ConfigureAwait(false);
            _process = RunningProcess.Start(executable, Arguments(), WorkDir);
            if (await _process.WaitReadyAsync(AnswersSoaAsync, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50)).ConfigureAwait(false))
            {
                return;
            }

            var text = _process.Output;
            var log = _process.OutputTail();
            StopProcess();
            if (attempt >= 2 || !text.Contains("address already in use", StringComparison.OrdinalIgnoreCase) && !text.Contains("address in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"{Executable.Binary} did not become ready on 127.0.0.1:{Port}; its log:\n{log}");
            }
        }
    }

    /// <summary>Whether the last zone answers its SOA record (the server has loaded every zone).</summary>
    private async Task<bool> AnswersSoaAsync()
    {
        try
        {
            var response = await new DnsQuery(EndPoint, TimeSpan.FromMilliseconds(300)).QueryAsync(Zones[^1], DnsRecordType.SOA).ConfigureAwait(false);
            return response.ResponseCode == DnsResponseCode.NoError && response.Answers.Count == 1;
        }
        catch (Exception e) when (e is TimeoutException or SocketException or DnsFormatException)
        {
            return false;
        }
    }

    private void StopProcess()
    {
        _process?.Dispose();
        _process = null;
    }
}
