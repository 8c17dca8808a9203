using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Ccx.Dns.Rfc2136;
using Ccx.Dns.Rfc2136.Wire;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.TestServers;

/// <summary>
/// A real BIND 9 <c>named</c> in the foreground on a free loopback port with a temp work dir, serving the given
/// primary zones (each holding only SOA, NS and <c>ns1</c> A), which accept TSIG-signed updates and transfers.
/// Killed by PID on dispose.
/// </summary>
public sealed class BindServer : IAsyncDisposable
{
    /// <summary>The TSIG key name.</summary>
    public const string KeyName = "ccx-conformance-key";

    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "ccx-bind-" + Guid.NewGuid().ToString("N")[..12]);
    private Process? _process;

    private BindServer(IReadOnlyList<string> zones)
    {
        Zones = zones;
    }

    /// <summary>The zones served.</summary>
    public IReadOnlyList<string> Zones { get; }

    /// <summary>The hmac-sha256 TSIG secret (base64).</summary>
    public string Secret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The DNS port (UDP and TCP) on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The DNS endpoint.</summary>
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>A stub resolver asking this server over UDP.</summary>
    /// <param name="timeout">The per-query timeout; 2 s when null.</param>
    /// <returns>The resolver.</returns>
    public DnsQuery Query(TimeSpan? timeout = null) => new(EndPoint, timeout ?? TimeSpan.FromSeconds(2));

    /// <summary>Options for an RFC 2136 provider updating the given zones (all served zones when none given).</summary>
    /// <param name="zones">The zones.</param>
    /// <returns>The options.</returns>
    public Rfc2136ProviderOptions ProviderOptions(params string[] zones)
    {
        var options = new Rfc2136ProviderOptions
        {
            Host = "127.0.0.1",
            Port = Port,
            TsigKeyName = KeyName,
            TsigSecret = Secret,
            TsigAlgorithm = "hmac-sha256",
            Timeout = TimeSpan.FromSeconds(10),
        };
        foreach (var zone in zones.Length == 0 ? Zones : zones)
        {
            options.Zones.Add(zone);
        }

        return options;
    }

    /// <summary>An RFC 2136 provider for the given zones.</summary>
    /// <param name="zones">The zones.</param>
    /// <returns>The provider.</returns>
    public Rfc2136DnsProvider CreateProvider(params string[] zones) => new(Options.Create(ProviderOptions(zones)));

    /// <summary>Starts named serving <paramref name="zones"/>; fails naming the missing package when BIND is not installed.</summary>
    /// <param name="zones">The zone names, without trailing dots.</param>
    /// <returns>The running server.</returns>
    public static async Task<BindServer> StartAsync(IReadOnlyList<string> zones)
    {
        ArgumentNullException.ThrowIfNull(zones);
        Prerequisites.Require("BIND 9", ("named", "bind9"), ("dig", "bind9-dnsutils"));
        var server = new BindServer(zones);
        try
        {
            await server.StartAsync().ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAsync()
    {
        Directory.CreateDirectory(_workDir);
        foreach (var zone in Zones)
        {
            File.WriteAllText(
                Path.Combine(_workDir, zone + ".zone"),
                $"$TTL 300\n@ IN SOA ns1.{zone}. hostmaster.{zone}. ( 1 3600 600 86400 300 )\n  IN NS ns1.{zone}.\nns1 IN A 127.0.0.1\n");
        }

        var named = Prerequisites.FindOnPath("named")!;
        for (var attempt = 0; ; attempt++)
        {
            Port = LoopbackPorts.FreeTcpAndUdpPort();
            File.WriteAllText(Path.Combine(_workDir, "named.conf"), NamedConf());
            var start = new ProcessStartInfo(named)
            {
                ArgumentList = { "-g", "-c", Path.Combine(_workDir, "named.conf") },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = _workDir,
            };
            _process = Process.Start(start) ?? throw new InvalidOperationException("named did not start");
            var output = new StringBuilder();
            _process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
            if (await WaitReadyAsync().ConfigureAwait(false))
            {
                return;
            }

            StopProcess();
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            if (attempt >= 2 || !text.Contains("address in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"named did not become ready on 127.0.0.1:{Port}; its log:\n{string.Join('\n', text.Split('\n').TakeLast(40))}");
            }
        }
    }

    private async Task<bool> WaitReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        var query = new DnsQuery(EndPoint, TimeSpan.FromMilliseconds(300));
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process!.HasExited)
            {
                return false;
            }

            try
            {
                var response = await query.QueryAsync(Zones[^1], DnsRecordType.SOA).ConfigureAwait(false);
                if (response.ResponseCode == DnsResponseCode.NoError && response.Answers.Count == 1)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is TimeoutException or SocketException or DnsFormatException)
            {
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        return false;
    }

    private string NamedConf()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $$"""
            options {
                directory "{{_workDir}}";
                pid-file "{{_workDir}}/named.pid";
                session-keyfile "{{_workDir}}/session.key";
                listen-on port {{Port}} { 127.0.0.1; };
                listen-on-v6 { none; };
                recursion no;
                dnssec-validation no;
                notify no;
                max-journal-size 10m;
            };
            controls { };
            key "{{KeyName}}" {
                algorithm hmac-sha256;
                secret "{{Secret}}";
            };

            """);
        foreach (var zone in Zones)
        {
            sb.Append(CultureInfo.InvariantCulture, $$"""
                zone "{{zone}}" {
                    type primary;
                    file "{{_workDir}}/{{zone}}.zone";
                    allow-update { key "{{KeyName}}"; };
                    allow-transfer { key "{{KeyName}}"; };
                };

                """);
        }

        return sb.ToString();
    }

    private void StopProcess()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _process = null;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        StopProcess();
        ServerProcess.DeleteDirectory(_workDir);
        return ValueTask.CompletedTask;
    }
}
