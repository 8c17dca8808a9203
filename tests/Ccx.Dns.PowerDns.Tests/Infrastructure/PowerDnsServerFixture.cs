using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ccx.Dns.Providers.PowerDns;

namespace Ccx.Dns.PowerDns.Tests.Infrastructure;

/// <summary>
/// A real pdns_server (gsqlite3 backend, HTTP API) on free loopback ports in a temp dir, started through
/// eng/infra/start-pdns.sh and killed by PID on dispose. Tests create their own zones through the API.
/// </summary>
public sealed class PowerDnsServerFixture : IAsyncLifetime
{
    private static int s_zoneCounter;
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "ccx-pdns-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly IReadOnlyDictionary<string, string> _environment;
    private int _pid;

    public PowerDnsServerFixture()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>A server started with extra environment for start-pdns.sh (for example <c>PDNS_EXPAND_ALIAS=yes</c>).</summary>
    internal PowerDnsServerFixture(IReadOnlyDictionary<string, string> environment) => _environment = environment;

    /// <summary>A random API key, so tests can check it never leaks.</summary>
    public string ApiKey { get; } = "pdns-key-" + Guid.NewGuid().ToString("N");

    public int DnsPort { get; private set; }

    public int ApiPort { get; private set; }

    public string ApiUrl => $"http://127.0.0.1:{ApiPort}";

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public DigClient Dig { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Prerequisites.RequirePowerDns();
        var script = Path.Combine(Prerequisites.RepositoryRoot(), "eng", "infra", "start-pdns.sh");
        string? lastError = null;
        for (var attempt = 0; attempt < 3 && _pid == 0; attempt++)
        {
            DnsPort = LoopbackPorts.FreeTcpAndUdpPort();
            ApiPort = LoopbackPorts.FreeTcpPort();
            if (ApiPort == DnsPort)
            {
                continue;
            }

            (var exitCode, var stdout, var stderr) = await RunAsync(
                "bash", [script, DnsPort.ToString(), _workDir, ApiPort.ToString(), ApiKey], TimeSpan.FromSeconds(40), _environment);
            if (exitCode == 0 && int.TryParse(stdout.Trim(), out var pid))
            {
                _pid = pid;
            }
            else
            {
                lastError = $"exit {exitCode}: {stderr.Trim()}";
            }
        }

        if (_pid == 0)
        {
            throw new InvalidOperationException($"pdns_server did not start via {script}: {lastError}");
        }

        Http.DefaultRequestHeaders.Add("X-API-Key", ApiKey);
        Dig = new DigClient(DnsPort);
    }

    public Task DisposeAsync()
    {
        Http.Dispose();
        if (_pid != 0)
        {
            try
            {
                using var process = Process.GetProcessById(_pid);
                process.Kill();
                process.WaitForExit(5000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    /// <summary>Options pointing at this server, limited to the given zones.</summary>
    public PowerDnsProviderOptions Options(params string[] includeDomains)
    {
        var options = new PowerDnsProviderOptions { ApiUrl = ApiUrl, ApiKey = ApiKey, Timeout = TimeSpan.FromSeconds(10) };
        foreach (var domain in includeDomains)
        {
            options.IncludeDomains.Add(domain);
        }

        return options;
    }

    /// <summary>Creates a Native zone with a unique name (optionally below a given parent) and returns its name without the dot.</summary>
    public async Task<string> CreateZoneAsync(string? name = null)
    {
        name ??= $"z{Interlocked.Increment(ref s_zoneCounter)}-{Guid.NewGuid().ToString("N")[..6]}.ccx.test";
        var body = new JsonObject
        {
            ["name"] = name + ".",
            ["kind"] = "Native",
            ["nameservers"] = new JsonArray("ns1." + name + "."),
        };
        using var response = await Http.PostAsJsonAsync($"{ApiUrl}/api/v1/servers/localhost/zones", body);
        if ((int)response.StatusCode != 201)
        {
            throw new InvalidOperationException($"zone {name} not created: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return name;
    }

    /// <summary>The zone's RRsets as PowerDNS stores them: (name, type, ttl, contents), read directly from the API.</summary>
    public async Task<IReadOnlyList<(string Name, string Type, long Ttl, string[] Contents)>> ReadRrSetsAsync(string zone)
    {
        var json = await Http.GetFromJsonAsync<JsonObject>($"{ApiUrl}/api/v1/servers/localhost/zones/{zone}.")
            ?? throw new InvalidOperationException("empty zone body");
        return [.. json["rrsets"]!.AsArray().Select(r => (
            (string)r!["name"]!,
            (string)r["type"]!,
            (long)r["ttl"]!,
            r["records"]!.AsArray().Select(x => (string)x!["content"]!).Order(StringComparer.Ordinal).ToArray()))];
    }

    /// <summary>Runs a process and captures its output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}

[CollectionDefinition(Name)]
public sealed class PowerDnsServerGroup : ICollectionFixture<PowerDnsServerFixture>
{
    public const string Name = "PowerDNS server";
}

/// <summary>A second pdns_server, started with <c>expand-alias=yes</c> and itself as <c>resolver=</c>, so that ALIAS records answer A queries.</summary>
public sealed class ExpandAliasPowerDnsServerFixture() : IAsyncLifetime
{
    public PowerDnsServerFixture Server { get; } = new(new Dictionary<string, string> { ["PDNS_EXPAND_ALIAS"] = "yes" });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
