using System.Diagnostics;
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
    private Process? _process;

    private MotoServer()
    {
    }

    /// <summary>The emulator's base address.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Starts moto_server; fails naming the missing prerequisite when it is not installed.</summary>
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

    private async Task StartAsync(string executable)
    {
        var port = LoopbackPorts.FreeTcpPort();
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture) },
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
        Endpoint = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await _admin.GetAsync(new Uri(Endpoint, "/moto-api/")).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException($"moto_server did not become ready on {Endpoint} (exited: {_process.HasExited})");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>Creates a public hosted zone.</summary>
    /// <param name="name">The zone name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The zone's bare id.</returns>
    public async Task<string> CreateZoneAsync(string name, CancellationToken cancellationToken = default)
    {
        var body = $"<CreateHostedZoneRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Name>{name}</Name><CallerReference>{Guid.NewGuid():N}</CallerReference></CreateHostedZoneRequest>";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, "/2013-04-01/hostedzone"));
        request.Headers.TryAddWithoutValidation("Authorization", FakeAuthorization);
        request.Content = new StringContent(body, Encoding.UTF8, "application/xml");
        using var response = await _admin.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"moto CreateHostedZone {name} failed: {(int)response.StatusCode} {text}");
        }

        var id = XDocument.Parse(text).Descendants().FirstOrDefault(e => e.Name.LocalName == "Id")?.Value
            ?? throw new InvalidOperationException($"moto CreateHostedZone {name} answered without an id: {text}");
        return id[(id.LastIndexOf('/') + 1)..];
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
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync().ConfigureAwait(false);
                }
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
            _process = null;
        }

        _admin.Dispose();
        ServerProcess.DeleteDirectory(_workDir);
    }
}
