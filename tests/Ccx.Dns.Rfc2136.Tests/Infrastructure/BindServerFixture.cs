using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Ccx.Dns.Rfc2136.Wire;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Rfc2136.Tests.Infrastructure;

/// <summary>
/// Starts a real BIND 9 <c>named</c> in the foreground on a free loopback port with a temp work dir, serving
/// zones that accept TSIG-signed updates and transfers, and kills it by PID at the end. Fails with a clear
/// message when <c>named</c> is not installed.
/// </summary>
public sealed class BindServerFixture : IAsyncLifetime
{
    public const string KeyName = "ccx-test-key";
    public const string Zone = "example.org";
    public const string ChildZone = "sub.example.org";
    public const string ReverseZone = "2.0.192.in-addr.arpa";
    public const string BigZone = "big.test";
    public const string LockedZone = "locked.test";
    public const string ApexZone = "apex.test";

    /// <summary>A TXT record of two character-strings, written in the zone file (not by the provider).</summary>
    public const string MultiStringTxtName = "multi-update.example.org";

    /// <summary>An HINFO record, a type the codec does not interpret (read in RFC 3597's generic form).</summary>
    public const string GenericRecordName = "hinfo.example.org";
    public const int BigZoneRecordCount = 5000;

    private Process? _process;

    public string Secret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Extra keys with other algorithms, allowed to update and transfer the main zone: (name, algorithm, secret).</summary>
    public IReadOnlyList<(string Name, string Algorithm, string Secret)> OtherKeys { get; } =
    [
        ("ccx-sha512-key", "hmac-sha512", Convert.ToBase64String(RandomNumberGenerator.GetBytes(64))),
        ("ccx-sha1-key", "hmac-sha1", Convert.ToBase64String(RandomNumberGenerator.GetBytes(20))),
    ];

    public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "ccx-bind-" + Guid.NewGuid().ToString("N")[..12]);

    public int Port { get; private set; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public DnsQuery Query => new(EndPoint, TimeSpan.FromSeconds(3));

    public Rfc2136DnsProvider CreateProvider(Action<Rfc2136ProviderOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = CreateOptions();
        configure?.Invoke(options);
        return new Rfc2136DnsProvider(Options.Create(options), timeProvider);
    }

    public Rfc2136ProviderOptions CreateOptions()
    {
        var options = new Rfc2136ProviderOptions
        {
            Host = "127.0.0.1",
            Port = Port,
            TsigKeyName = KeyName,
            TsigSecret = Secret,
            Timeout = TimeSpan.FromSeconds(10),
        };
        options.Zones.Add(Zone);
        options.Zones.Add(ChildZone);
        options.Zones.Add(ReverseZone);
        return options;
    }

    /// <summary>The zone's SOA serial, by a real query.</summary>
    public async Task<uint> GetSerialAsync(string zone)
    {
        var answers = await Query.GetAnswersAsync(zone, DnsRecordType.SOA);
        return Assert.IsType<SoaRecordData>(Assert.Single(answers).Data).Serial;
    }

    public async Task InitializeAsync()
    {
        var named = FindExecutable("named")
            ?? throw new InvalidOperationException(
                "BIND 9 'named' was not found on PATH or in /usr/sbin: install it with " +
                "'apt-get install -y bind9 bind9-utils bind9-dnsutils' (eng/test.sh does this) to run the RFC 2136 integration tests.");
        Directory.CreateDirectory(WorkDir);
        WriteZones();
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort();
            File.WriteAllText(Path.Combine(WorkDir, "named.conf"), NamedConf());
            var log = Path.Combine(WorkDir, "named.log");
            var start = new ProcessStartInfo(named)
            {
                ArgumentList = { "-g", "-c", Path.Combine(WorkDir, "named.conf") },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = WorkDir,
            };
            _process = Process.Start(start) ?? throw new InvalidOperationException("named did not start");
            var output = new StringBuilder();
            _process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
            if (await WaitReadyAsync())
            {
                return;
            }

            await DisposeProcessAsync();
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            File.WriteAllText(log, text);
            if (attempt >= 2 || !text.Contains("address in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"named did not become ready on 127.0.0.1:{Port}; its log:\n{Tail(text, 40)}");
            }
        }
    }

    public async Task DisposeAsync()
    {
        await DisposeProcessAsync();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task DisposeProcessAsync()
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
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (OperationCanceledException)
        {
        }

        _process.Dispose();
        _process = null;
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
                var response = await query.QueryAsync(BigZone, DnsRecordType.SOA);
                if (response.ResponseCode == DnsResponseCode.NoError && response.Answers.Count == 1)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is TimeoutException or SocketException or DnsFormatException)
            {
            }

            await Task.Delay(50);
        }

        return false;
    }

    private void WriteZones()
    {
        static string Soa(string zone) =>
            $"$TTL 300\n@ IN SOA ns1.{zone}. hostmaster.{zone}. ( 1 3600 600 86400 300 )\n  IN NS ns1.{zone}.\n";
        File.WriteAllText(Path.Combine(WorkDir, Zone + ".zone"),
            Soa(Zone) + "ns1 IN A 127.0.0.1\n" +
            "multi IN TXT \"part one\" \"part two\"\n" +
            "multi-update IN TXT \"part one\" \"part two\"\n" +
            "hinfo IN HINFO \"PC\" \"Linux\"\n" +
            "www.sub IN A 192.0.2.99\n");
        File.WriteAllText(Path.Combine(WorkDir, ChildZone + ".zone"),
            $"$TTL 300\n@ IN SOA ns1.{Zone}. hostmaster.{Zone}. ( 1 3600 600 86400 300 )\n  IN NS ns1.{Zone}.\nwww IN A 192.0.2.77\n");
        File.WriteAllText(Path.Combine(WorkDir, ReverseZone + ".zone"),
            $"$TTL 300\n@ IN SOA ns1.{Zone}. hostmaster.{Zone}. ( 1 3600 600 86400 300 )\n  IN NS ns1.{Zone}.\n");
        File.WriteAllText(Path.Combine(WorkDir, LockedZone + ".zone"), Soa(LockedZone) + "ns1 IN A 127.0.0.1\n");
        File.WriteAllText(Path.Combine(WorkDir, ApexZone + ".zone"), Soa(ApexZone) + "ns1 IN A 127.0.0.1\n");
        var big = new StringBuilder(Soa(BigZone)).Append("ns1 IN A 127.0.0.1\n");
        for (var i = 0; i < BigZoneRecordCount; i++)
        {
            big.Append(CultureInfo.InvariantCulture, $"host{i:D4} IN A 10.{i / 65536}.{i / 256 % 256}.{i % 256}\n");
        }

        File.WriteAllText(Path.Combine(WorkDir, BigZone + ".zone"), big.ToString());
    }

    private string NamedConf()
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
            key "{{KeyName}}" {
                algorithm hmac-sha256;
                secret "{{Secret}}";
            };

            """);
        foreach (var (name, algorithm, secret) in OtherKeys)
        {
            sb.Append(CultureInfo.InvariantCulture, $"key \"{name}\" {{ algorithm {algorithm}; secret \"{secret}\"; }};\n");
        }

        foreach (var zone in new[] { Zone, ChildZone, ReverseZone, BigZone, ApexZone })
        {
            var keys = zone == Zone ? string.Concat(OtherKeys.Select(k => $" key \"{k.Name}\";")) : string.Empty;
            sb.Append(CultureInfo.InvariantCulture, $$"""
                zone "{{zone}}" {
                    type primary;
                    file "{{WorkDir}}/{{zone}}.zone";
                    allow-update { key "{{KeyName}}";{{keys}} };
                    allow-transfer { key "{{KeyName}}";{{keys}} };
                };

                """);
        }

        sb.Append(CultureInfo.InvariantCulture, $$"""
            zone "{{LockedZone}}" {
                type primary;
                file "{{WorkDir}}/{{LockedZone}}.zone";
                allow-update { none; };
                allow-transfer { key "{{KeyName}}"; };
            };

            """);
        return sb.ToString();
    }

    private static int FreePort()
    {
        for (var i = 0; i < 20; i++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free loopback port for both TCP and UDP");
    }

    private static string? FindExecutable(string name)
    {
        var paths = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/sbin"]);
        return paths.Select(p => Path.Combine(p, name)).FirstOrDefault(File.Exists);
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));
}

[CollectionDefinition(Name)]
public sealed class BindServerGroup : ICollectionFixture<BindServerFixture>
{
    public const string Name = "bind";
}
