using System.Diagnostics;
using System.Security.Cryptography;
using Ccx.Dns.PowerDns.Tests.Infrastructure;

namespace Ccx.Dns.Reliability.Tests.Infrastructure;

/// <summary>
/// A real BIND (named) on a free loopback port, started through eng/infra/start-bind.sh with a TSIG key whose
/// secret is random per run, and killed by PID on dispose.
/// </summary>
public sealed class BindServer : IAsyncDisposable
{
    public const string Zone = "example.org";
    public const string KeyName = "ccx-reliability";

    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "ccx-rel-bind-" + Guid.NewGuid().ToString("N")[..12]);
    private int _pid;

    private BindServer()
    {
    }

    public string Secret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public int Port { get; private set; }

    public static async Task<BindServer> StartAsync()
    {
        if (Prerequisites.FindOnPath("named") is null || Prerequisites.FindOnPath("tsig-keygen") is null || Prerequisites.FindOnPath("dig") is null)
        {
            throw new InvalidOperationException(
                "The RFC 2136 reliability tests need 'named', 'tsig-keygen' and 'dig', which are missing: apt-get install -y bind9 bind9-utils bind9-dnsutils (or run eng/test.sh).");
        }

        var server = new BindServer();
        Directory.CreateDirectory(server._workDir);
        await File.WriteAllTextAsync(Path.Combine(server._workDir, "tsig.key"),
            $"key \"{KeyName}\" {{\n\talgorithm hmac-sha256;\n\tsecret \"{server.Secret}\";\n}};\n");
        var script = Path.Combine(Prerequisites.RepositoryRoot(), "eng", "infra", "start-bind.sh");
        string? error = null;
        for (var attempt = 0; attempt < 3 && server._pid == 0; attempt++)
        {
            server.Port = LoopbackPorts.FreeTcpAndUdpPort();
            var (exit, stdout, stderr) = await PowerDnsServerFixture.RunAsync("bash", [script, server.Port.ToString(), server._workDir, Zone, KeyName], TimeSpan.FromSeconds(40));
            if (exit == 0 && int.TryParse(stdout.Trim(), out var pid))
            {
                server._pid = pid;
            }
            else
            {
                error = $"exit {exit}: {stderr.Trim()}";
            }
        }

        if (server._pid == 0)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"named did not start via {script}: {error}");
        }

        return server;
    }

    public ValueTask DisposeAsync()
    {
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
            }
            catch (InvalidOperationException)
            {
            }
        }

        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
