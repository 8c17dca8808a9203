using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ccx.Dns.PowerDns;
using Ccx.Dns.Rfc2136;

namespace Ccx.Dns.TestServers;

/// <summary>
/// A real pdns_server (gsqlite3 backend, HTTP API) on free loopback ports in a temp dir, started through
/// <c>eng/infra/start-pdns.sh</c> and killed by PID on dispose.
/// </summary>
public sealed class PowerDnsServer : IAsyncDisposable
{
    private static int s_zoneCounter;
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "ccx-pdns-" + Guid.NewGuid().ToString("N")[..12]);
    private int _pid;

    private PowerDnsServer()
    {
    }

    /// <summary>A random API key, so tests can check it never leaks.</summary>
    public string ApiKey { get; } = "pdns-key-" + Guid.NewGuid().ToString("N");

    /// <summary>The DNS port (UDP and TCP) on 127.0.0.1.</summary>
    public int DnsPort { get; private set; }

    /// <summary>The HTTP API port on 127.0.0.1.</summary>
    public int ApiPort { get; private set; }

    /// <summary>The API base URL.</summary>
    public string ApiUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{ApiPort}");

    /// <summary>The DNS endpoint.</summary>
    public IPEndPoint DnsEndPoint => new(IPAddress.Loopback, DnsPort);

    /// <summary>An HTTP client carrying the API key.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Real DNS queries to this server through dig, a resolver that is not the project's own.</summary>
    public DigClient Dig => new(DnsPort);

    /// <summary>A stub resolver asking this server over UDP.</summary>
    /// <param name="timeout">The per-query timeout; 2 s when null.</param>
    /// <returns>The resolver.</returns>
    public DnsQuery Query(TimeSpan? timeout = null) => new(DnsEndPoint, timeout ?? TimeSpan.FromSeconds(2));

    /// <summary>Starts a server; fails naming the missing packages when PowerDNS is not installed.</summary>
    /// <param name="environment">
    /// Extra environment for <c>eng/infra/start-pdns.sh</c>, or null: for example <c>PDNS_EXPAND_ALIAS=yes</c> for a server
    /// with <c>expand-alias=yes</c> and itself as <c>resolver=</c>, so that ALIAS records answer A queries.
    /// </param>
    /// <returns>The running server.</returns>
    public static async Task<PowerDnsServer> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        Prerequisites.RequirePowerDns();
        var server = new PowerDnsServer();
        var script = Path.Combine(Prerequisites.RepositoryRoot(), "eng", "infra", "start-pdns.sh");
        string? lastError = null;
        for (var attempt = 0; attempt < 3 && server._pid == 0; attempt++)
        {
            server.DnsPort = LoopbackPorts.FreeTcpAndUdpPort();
            server.ApiPort = LoopbackPorts.FreeTcpPort();
            if (server.ApiPort == server.DnsPort)
            {
                continue;
            }

            var (exitCode, stdout, stderr) = await ServerProcess.RunAsync(
                "bash",
                [script, server.DnsPort.ToString(CultureInfo.InvariantCulture), server._workDir, server.ApiPort.ToString(CultureInfo.InvariantCulture), server.ApiKey],
                TimeSpan.FromSeconds(40),
                environment).ConfigureAwait(false);
            if (exitCode == 0 && int.TryParse(stdout.Trim(), CultureInfo.InvariantCulture, out var pid))
            {
                server._pid = pid;
            }
            else
            {
                lastError = string.Create(CultureInfo.InvariantCulture, $"exit {exitCode}: {stderr.Trim()}");
            }
        }

        if (server._pid == 0)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"pdns_server did not start via {script}: {lastError}");
        }

        server.Http.DefaultRequestHeaders.Add("X-API-Key", server.ApiKey);
        return server;
    }

    /// <summary>Provider options pointing at this server, limited to the given zones.</summary>
    /// <param name="includeDomains">The zones.</param>
    /// <returns>The options.</returns>
    public PowerDnsProviderOptions ProviderOptions(params string[] includeDomains)
    {
        var options = new PowerDnsProviderOptions { ApiUrl = ApiUrl, ApiKey = ApiKey, Timeout = TimeSpan.FromSeconds(10) };
        foreach (var domain in includeDomains)
        {
            options.IncludeDomains.Add(domain);
        }

        return options;
    }

    /// <summary>Creates an empty Native zone (SOA and NS only).</summary>
    /// <param name="name">The zone name, without a trailing dot; a unique name under <c>ccx.test</c> when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The zone name, without a trailing dot.</returns>
    public async Task<string> CreateZoneAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= string.Create(CultureInfo.InvariantCulture, $"z{Interlocked.Increment(ref s_zoneCounter)}-{Guid.NewGuid().ToString("N")[..6]}.ccx.test");
        var body = new JsonObject
        {
            ["name"] = name + ".",
            ["kind"] = "Native",
            ["nameservers"] = new JsonArray("ns1." + name + "."),
        };
        using var response = await Http.PostAsJsonAsync(new Uri($"{ApiUrl}/api/v1/servers/localhost/zones"), body, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"zone {name} not created: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }

        return name;
    }

    /// <summary>A zone's RRsets as PowerDNS stores them, read directly from the API.</summary>
    /// <param name="zone">The zone name, without a trailing dot.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>(name, type, ttl, contents sorted ordinally) per RRset.</returns>
    public async Task<IReadOnlyList<(string Name, string Type, long Ttl, string[] Contents)>> ReadRrSetsAsync(string zone, CancellationToken cancellationToken = default)
    {
        var json = await Http.GetFromJsonAsync<JsonObject>(new Uri($"{ApiUrl}/api/v1/servers/localhost/zones/{zone}."), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"empty body for zone {zone}");
        return [.. json["rrsets"]!.AsArray().Select(r => (
            (string)r!["name"]!,
            (string)r["type"]!,
            (long)r["ttl"]!,
            r["records"]!.AsArray().Select(x => (string)x!["content"]!).Order(StringComparer.Ordinal).ToArray()))];
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        ServerProcess.Kill(_pid);
        _pid = 0;
        ServerProcess.DeleteDirectory(_workDir);
        return ValueTask.CompletedTask;
    }
}
