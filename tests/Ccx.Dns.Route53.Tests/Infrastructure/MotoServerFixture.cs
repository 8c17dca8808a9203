using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Route53.Tests.Infrastructure;

/// <summary>
/// Starts <c>moto_server</c> (the AWS emulator) on a free loopback port for the test collection and stops it by
/// PID, with the project's <see cref="Route53RuleProxy"/> in front of it (Route 53's rules, which moto does not
/// enforce, and wire faults). Fails with a message naming the missing prerequisite when moto is not installed.
/// </summary>
public sealed partial class MotoServerFixture : IAsyncLifetime, IDisposable
{
    private static readonly string FakeAuthorization =
        "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260101/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=00";

    private readonly HttpClient _admin = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Process? _process;
    private string? _workDir;

    /// <summary>moto itself (no Route 53 rules): for setting up zones out of band.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The rule-enforcing, fault-injecting proxy in front of moto: what providers under test talk to.</summary>
    public Route53RuleProxy Proxy { get; private set; } = null!;

    public int Pid => _process?.Id ?? 0;

    public async Task InitializeAsync()
    {
        var executable = FindOnPath("moto_server")
            ?? throw new InvalidOperationException(
                "Prerequisite missing: 'moto_server' is not on PATH. Install it with: python3 -m pip install \"moto[server]==5.2.1\" (eng/test.sh does this).");
        var port = FreePort();
        _workDir = Directory.CreateTempSubdirectory("ccx-moto-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            WorkingDirectory = _workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("moto_server could not be started");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var response = await _admin.GetAsync(new Uri(Endpoint, "/moto-api/"));
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"moto_server did not become ready on {Endpoint} (exited: {_process.HasExited})");
            }

            await Task.Delay(100);
        }

        Proxy = Route53RuleProxy.Start(Endpoint);
    }

    public async Task DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        if (_process is { HasExited: false })
        {
            using var byPid = Process.GetProcessById(_process.Id);
            byPid.Kill(entireProcessTree: true);
            await byPid.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_workDir is not null)
        {
            Directory.Delete(_workDir, recursive: true);
        }
    }

    public void Dispose() => _admin.Dispose();

    /// <summary>Drops every zone and record (POST /moto-api/reset) and resets the proxy's counters, faults and hooks.</summary>
    public async Task ResetAsync()
    {
        Proxy.Reset();
        using var response = await _admin.PostAsync(new Uri(Endpoint, "/moto-api/reset"), null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Creates a hosted zone out of band and returns its bare id.</summary>
    public async Task<string> CreateZoneAsync(string name, bool isPrivate = false)
    {
        var vpc = isPrivate ? "<VPC><VPCRegion>us-east-1</VPCRegion><VPCId>vpc-1</VPCId></VPC><HostedZoneConfig><PrivateZone>true</PrivateZone></HostedZoneConfig>" : string.Empty;
        var body = $"<CreateHostedZoneRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Name>{name}</Name><CallerReference>{Guid.NewGuid():N}</CallerReference>{vpc}</CreateHostedZoneRequest>";
        var text = await SendAsync(HttpMethod.Post, "/2013-04-01/hostedzone", body);
        return ZoneIdRegex().Match(text).Groups[1].Value;
    }

    /// <summary>Adds tags to a hosted zone out of band.</summary>
    public async Task TagZoneAsync(string zoneId, params (string Key, string Value)[] tags)
    {
        var add = string.Concat(tags.Select(t => $"<Tag><Key>{t.Key}</Key><Value>{t.Value}</Value></Tag>"));
        await SendAsync(HttpMethod.Post, $"/2013-04-01/tags/hostedzone/{zoneId}", $"<ChangeTagsForResourceRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><AddTags>{add}</AddTags></ChangeTagsForResourceRequest>");
    }

    /// <summary>Sends a raw request to moto (routed to Route 53 by a fake credential scope) and returns the body.</summary>
    public async Task<string> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Endpoint, path));
        request.Headers.TryAddWithoutValidation("Authorization", FakeAuthorization);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/xml");
        }

        using var response = await _admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"moto {method} {path} failed: {(int)response.StatusCode} {text}");
        }

        return text;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    [GeneratedRegex("<Id>/hostedzone/([^<]+)</Id>")]
    private static partial Regex ZoneIdRegex();
}

[CollectionDefinition(Name)]
public sealed class MotoServerGroup : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto";
}
