using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Ccx.Dns.Route53;

namespace Ccx.Dns.TestServers;

/// <summary>
/// <c>moto_server</c> (a third-party AWS emulator standing in for Route 53) on a free loopback port, killed by PID on
/// dispose. It speaks the Route 53 REST API but serves no DNS.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    private const string FakeAuthorization =
        "AWS4-HMAC-SHA256 Credential=AKIDCONFORMANCE/20260101/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=00";

    private readonly HttpClient _admin = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _workDir = Directory.CreateTempSubdirectory("ccx-moto-").FullName;
    private RunningProcess? _process;

    private MotoServer()
    {
    }

    /// <summary>The emulator's base address.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Starts moto_server; fails naming the missing prerequisite and how to install it when it is not installed.</summary>
    /// <returns>The running server.</returns>
    public static async Task<MotoServer> StartAsync()
    {
        var executable = Prerequisites.FindOnPath("moto_server")
            ?? throw new InvalidOperationException(
                "moto_server is needed by the Route 53 tests but is not on PATH: install it with python3 -m pip install \"moto[server]==5.2.1\" (eng/test.sh does this).");
        var server = new MotoServer();
        try
        {
            await server.StartAsync(executable).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a hosted zone out of band.</summary>
    /// <param name="name">The zone name.</param>
    /// <param name="isPrivate">Whether the zone is private (associated with a VPC).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The zone's bare id.</returns>
    public async Task<string> CreateZoneAsync(string name, bool isPrivate = false, CancellationToken cancellationToken = default)
    {
        var vpc = isPrivate ? "<VPC><VPCRegion>us-east-1</VPCRegion><VPCId>vpc-1</VPCId></VPC><HostedZoneConfig><PrivateZone>true</PrivateZone></HostedZoneConfig>" : string.Empty;
        var body = $"<CreateHostedZoneRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Name>{name}</Name><CallerReference>{Guid.NewGuid():N}</CallerReference>{vpc}</CreateHostedZoneRequest>";
        var text = await SendAsync(HttpMethod.Post, "/2013-04-01/hostedzone", body, cancellationToken).ConfigureAwait(false);
        var id = XDocument.Parse(text).Descendants().FirstOrDefault(e => e.Name.LocalName == "Id")?.Value
            ?? throw new InvalidOperationException($"moto CreateHostedZone {name} answered without an id: {text}");
        return id[(id.LastIndexOf('/') + 1)..];
    }

    /// <summary>Adds tags to a hosted zone out of band.</summary>
    /// <param name="zoneId">The zone's bare id.</param>
    /// <param name="tags">The tags.</param>
    /// <returns>A task that completes when the tags are set.</returns>
    public Task TagZoneAsync(string zoneId, params (string Key, string Value)[] tags)
    {
        var add = string.Concat(tags.Select(t => $"<Tag><Key>{t.Key}</Key><Value>{t.Value}</Value></Tag>"));
        return SendAsync(
            HttpMethod.Post,
            $"/2013-04-01/tags/hostedzone/{zoneId}",
            $"<ChangeTagsForResourceRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><AddTags>{add}</AddTags></ChangeTagsForResourceRequest>");
    }

    /// <summary>Sends a raw request to moto (routed to Route 53 by a fake credential scope) and returns the body.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path, from the root.</param>
    /// <param name="body">The XML body, or null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response body.</returns>
    /// <exception cref="InvalidOperationException">moto answered with an error.</exception>
    public async Task<string> SendAsync(HttpMethod method, string path, string? body = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, new Uri(Endpoint, path));
        request.Headers.TryAddWithoutValidation("Authorization", FakeAuthorization);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/xml");
        }

        using var response = await _admin.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"moto {method} {path} failed: {(int)response.StatusCode} {text}");
        }

        return text;
    }

    /// <summary>Drops every zone and record (POST /moto-api/reset).</summary>
    /// <returns>A task that completes when moto is empty.</returns>
    public async Task ResetAsync()
    {
        using var response = await _admin.PostAsync(new Uri(Endpoint, "/moto-api/reset"), null).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Provider options pointing at the emulator with fake credentials, limited to <paramref name="zone"/>, without a request quota.</summary>
    /// <param name="zone">The zone.</param>
    /// <returns>The options.</returns>
    public Route53ProviderOptions ProviderOptions(string zone)
    {
        var options = new Route53ProviderOptions
        {
            Endpoint = Endpoint,
            Credentials = new BasicAWSCredentials("AKIDCONFORMANCE", "conformance-secret-key"),
            RequestsPerSecond = 1000,
            RequestBurst = 1000,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
        };
        options.DomainFilter.Add(zone);
        return options;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _process?.Dispose();
        _process = null;
        _admin.Dispose();
        ServerProcess.DeleteDirectory(_workDir);
        return ValueTask.CompletedTask;
    }

    private async Task StartAsync(string executable)
    {
        var port = LoopbackPorts.FreeTcpPort();
        Endpoint = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        _process = RunningProcess.Start(executable, ["-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)], _workDir);
        if (!await _process.WaitReadyAsync(AnswersAsync, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100)).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"moto_server did not become ready on {Endpoint} (exited: {_process.HasExited}); its log:\n{_process.OutputTail()}");
        }
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var response = await _admin.GetAsync(new Uri(Endpoint, "/moto-api/")).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
