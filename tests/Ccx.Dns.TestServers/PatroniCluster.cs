using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Ccx.Dns.TestServers;

/// <summary>One member of a <see cref="PatroniCluster"/>.</summary>
/// <param name="Name">The Patroni member name (n1, n2, …).</param>
/// <param name="Host">Its own loopback address: its PostgreSQL and REST API listen there, and DNS publishes it.</param>
/// <param name="RestPort">Its REST API port.</param>
/// <param name="Directory">Its folder: config, data dir, socket, pgpass, log.</param>
public sealed record PatroniClusterMember(string Name, string Host, int RestPort, string Directory)
{
    /// <summary>The REST API base URL (what Patroni advertises as <c>restapi.connect_address</c>).</summary>
    public string RestApiUrl => string.Create(CultureInfo.InvariantCulture, $"http://{Host}:{RestPort}");

    /// <summary>The Patroni configuration file.</summary>
    public string ConfigPath => Path.Combine(Directory, "patroni.yml");

    /// <summary>The PostgreSQL data directory.</summary>
    public string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>Patroni's (and its PostgreSQL's) log.</summary>
    public string LogPath => Path.Combine(Directory, "patroni.log");
}

/// <summary>What <c>GET /cluster</c> says about one member.</summary>
/// <param name="Name">The member name.</param>
/// <param name="Role">leader, replica, standby_leader, sync_standby.</param>
/// <param name="State">running, streaming, stopped, starting, ….</param>
/// <param name="Host">Its PostgreSQL host.</param>
public sealed record PatroniMemberState(string Name, string Role, string State, string? Host)
{
    /// <summary>Whether it is a running replica.</summary>
    public bool IsRunningReplica => Role is "replica" or "sync_standby" && State is "running" or "streaming";
}

/// <summary>
/// A real Patroni cluster on loopback: an <c>etcd</c> (Patroni's DCS) and members running PostgreSQL 15 under Patroni,
/// each on its own loopback address (127.x.y.11, .12, …) with one PostgreSQL port shared by all (so a DNS name that
/// resolves to a member's address reaches its PostgreSQL on that port). PostgreSQL refuses to run as root, so when the
/// tests run as root the members run as the <c>postgres</c> user (through <c>setpriv</c>) with their files in a temp
/// folder that user owns. Killed by PID and deleted on dispose.
/// </summary>
public sealed class PatroniCluster : IAsyncDisposable
{
    /// <summary>The PostgreSQL 15 binaries Patroni is pointed at.</summary>
    public const string PostgresBinDir = "/usr/lib/postgresql/15/bin";

    private readonly string _workDir;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(3) };
    private readonly Dictionary<string, Process> _patroni = new(StringComparer.Ordinal);
    private Process? _etcd;

    private PatroniCluster(string workDir, string scope, IReadOnlyList<PatroniClusterMember> members, int postgresPort, int etcdPort)
    {
        _workDir = workDir;
        Scope = scope;
        Members = members;
        PostgresPort = postgresPort;
        EtcdPort = etcdPort;
    }

    /// <summary>The Patroni cluster name (<c>scope</c>).</summary>
    public string Scope { get; }

    /// <summary>The members.</summary>
    public IReadOnlyList<PatroniClusterMember> Members { get; }

    /// <summary>The PostgreSQL port every member listens on at its own address.</summary>
    public int PostgresPort { get; }

    /// <summary>The etcd client port on 127.0.0.1.</summary>
    public int EtcdPort { get; }

    /// <summary>The PostgreSQL superuser.</summary>
    public string SuperUser => "postgres";

    /// <summary>The superuser's password (random per cluster).</summary>
    public string SuperUserPassword { get; } = "pg-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Whether the members run as the <c>postgres</c> user (the tests run as root).</summary>
    public static bool RunsAsPostgresUser => Environment.UserName == "root";

    /// <summary>Fails naming what is missing when Patroni, etcd or PostgreSQL 15 are not installed.</summary>
    public static void RequirePrerequisites()
    {
        Prerequisites.Require("A real Patroni cluster", ("patroni", "patroni"), ("patronictl", "patroni"), ("etcd", "etcd-server"), ("setpriv", "util-linux"));
        if (!File.Exists(Path.Combine(PostgresBinDir, "postgres")))
        {
            throw new InvalidOperationException(
                $"A real Patroni cluster is needed by these tests but PostgreSQL 15 ('{PostgresBinDir}/postgres', package postgresql-15) is missing: install with " +
                "'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y patroni postgresql-15 etcd-server' (or run eng/test.sh).");
        }

        if (RunsAsPostgresUser && !File.ReadAllLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("The tests run as root and PostgreSQL refuses root, but there is no 'postgres' user to run it as: install the postgresql-15 package (it creates the user).");
        }
    }

    /// <summary>
    /// Starts etcd and <paramref name="memberCount"/> members, and waits until one is the leader and the others are
    /// running replicas.
    /// </summary>
    /// <param name="memberCount">How many members.</param>
    /// <param name="callbackCommand">A command for Patroni's <c>on_role_change</c>, <c>on_start</c> and <c>on_stop</c> callbacks (Patroni appends action, role and cluster name), or null.</param>
    /// <param name="timeout">How long the cluster may take to be healthy; 120 s when null.</param>
    /// <returns>The running cluster.</returns>
    public static async Task<PatroniCluster> StartAsync(int memberCount = 2, string? callbackCommand = null, TimeSpan? timeout = null)
    {
        RequirePrerequisites();
        var workDir = Directory.CreateTempSubdirectory("ccx-patroni-").FullName;
        var random = Random.Shared;
        PatroniCluster? cluster = null;
        try
        {
            // Each member gets its own loopback address, so that the primary and the replica names answer different
            // addresses and one PostgreSQL port serves both. A random 127.x.y.0/24 keeps parallel runs apart.
            string[] hosts = [];
            var postgresPort = 0;
            for (var attempt = 0; attempt < 20 && postgresPort == 0; attempt++)
            {
                var prefix = string.Create(CultureInfo.InvariantCulture, $"127.{random.Next(16, 250)}.{random.Next(0, 256)}.");
                hosts = [.. Enumerable.Range(0, memberCount).Select(i => prefix + (11 + i).ToString(CultureInfo.InvariantCulture))];
                postgresPort = PortFreeOnAll(hosts);
            }

            if (postgresPort == 0)
            {
                throw new InvalidOperationException("no PostgreSQL port free on every member's loopback address after 20 attempts");
            }

            var members = hosts.Select((host, i) => new PatroniClusterMember(
                "n" + (i + 1).ToString(CultureInfo.InvariantCulture),
                host,
                FreePort(host),
                Path.Combine(workDir, "n" + (i + 1).ToString(CultureInfo.InvariantCulture)))).ToList();
            cluster = new PatroniCluster(workDir, "ccx-" + Guid.NewGuid().ToString("N")[..8], members, postgresPort, LoopbackPorts.FreeTcpPort());
            await cluster.StartAllAsync(callbackCommand, timeout ?? TimeSpan.FromSeconds(120)).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                ServerProcess.DeleteDirectory(workDir);
            }

            throw;
        }
    }

    /// <summary>The member with that name.</summary>
    /// <param name="name">The member name.</param>
    /// <returns>The member.</returns>
    public PatroniClusterMember Member(string name) => Members.Single(m => m.Name == name);

    /// <summary>The member at that address.</summary>
    /// <param name="host">The address.</param>
    /// <returns>The member, or null.</returns>
    public PatroniClusterMember? MemberAt(string host) => Members.SingleOrDefault(m => m.Host == host);

    /// <summary>Reads <c>GET /cluster</c> from the first member that answers.</summary>
    /// <returns>The members as Patroni reports them, or null when none answered.</returns>
    public async Task<IReadOnlyList<PatroniMemberState>?> ReadClusterAsync()
    {
        foreach (var member in Members)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(member.RestApiUrl + "/cluster")).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    continue;
                }

                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                return [.. json.RootElement.GetProperty("members").EnumerateArray().Select(m => new PatroniMemberState(
                    m.GetProperty("name").GetString()!,
                    m.GetProperty("role").GetString()!,
                    m.TryGetProperty("state", out var state) ? state.GetString() ?? string.Empty : string.Empty,
                    m.TryGetProperty("host", out var host) ? host.GetString() : null))];
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or IOException or SocketException)
            {
                // Try the next member.
            }
        }

        return null;
    }

    /// <summary>The current leader's name, or null.</summary>
    /// <returns>The name.</returns>
    public async Task<string?> LeaderAsync() => (await ReadClusterAsync().ConfigureAwait(false))?.FirstOrDefault(m => m.Role == "leader")?.Name;

    /// <summary>Waits until a leader (other than <paramref name="notThis"/>, when given) runs and every other member is a running replica.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="notThis">A member that must not be the leader.</param>
    /// <returns>The leader's name.</returns>
    /// <exception cref="TimeoutException">The cluster did not get there, with the last state and the logs' tails.</exception>
    public async Task<string> WaitHealthyAsync(TimeSpan timeout, string? notThis = null)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<PatroniMemberState>? last = null;
        while (clock.Elapsed < timeout)
        {
            last = await ReadClusterAsync().ConfigureAwait(false);
            var leader = last?.FirstOrDefault(m => m.Role == "leader" && m.State == "running");
            if (leader is not null && leader.Name != notThis && last!.Count == Members.Count && last.All(m => m == leader || m.IsRunningReplica))
            {
                return leader.Name;
            }

            await Task.Delay(200).ConfigureAwait(false); // polls a real external process; no time logic depends on it
        }

        throw new TimeoutException($"the Patroni cluster was not healthy within {timeout.TotalSeconds:0} s{(notThis is null ? string.Empty : " with a leader other than " + notThis)}; last /cluster: {Describe(last)}\n{LogTails()}");
    }

    /// <summary>Runs <c>patronictl switchover</c> from <paramref name="leader"/> to <paramref name="candidate"/> and waits for the command to finish.</summary>
    /// <param name="leader">The current leader.</param>
    /// <param name="candidate">The member to promote.</param>
    /// <returns>A task that completes when patronictl exits 0.</returns>
    public async Task SwitchoverAsync(string leader, string candidate)
    {
        var (exit, stdout, stderr) = await ServerProcess.RunAsync(
            "patronictl",
            ["-c", Member(leader).ConfigPath, "switchover", Scope, "--leader", leader, "--candidate", candidate, "--force"],
            TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (exit != 0 || !stdout.Contains("Successfully switched over", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"patronictl switchover {leader} -> {candidate} failed ({exit}): {stdout} {stderr}\n{LogTails()}");
        }
    }

    /// <summary>Kills a member's PostgreSQL postmaster with SIGKILL (Patroni, configured with <c>primary_start_timeout: 0</c>, then fails over).</summary>
    /// <param name="name">The member.</param>
    /// <returns>The killed postmaster's PID.</returns>
    public int KillPostmaster(string name)
    {
        var pidFile = Path.Combine(Member(name).DataDirectory, "postmaster.pid");
        var pid = int.Parse(File.ReadLines(pidFile).First().Trim(), CultureInfo.InvariantCulture);
        using var process = Process.GetProcessById(pid);
        process.Kill();
        process.WaitForExit(10_000);
        return pid;
    }

    /// <summary>The last lines of every member's log and of etcd's, for failure messages.</summary>
    /// <param name="lines">How many lines of each.</param>
    /// <returns>The text.</returns>
    public string LogTails(int lines = 15)
    {
        var text = new StringBuilder();
        foreach (var path in Members.Select(m => m.LogPath).Append(Path.Combine(_workDir, "etcd.log")))
        {
            text.Append("--- ").Append(path).Append('\n');
            try
            {
                foreach (var line in File.ReadLines(path).TakeLast(lines))
                {
                    text.Append(line.Length > 300 ? line[..300] : line).Append('\n');
                }
            }
            catch (IOException ex)
            {
                text.Append(ex.Message).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Patroni stops its PostgreSQL on SIGTERM; whatever is still running after that is killed.
        foreach (var process in _patroni.Values)
        {
            await SignalAsync(process.Id, "TERM").ConfigureAwait(false);
        }

        var deadline = Stopwatch.StartNew();
        foreach (var process in _patroni.Values)
        {
            var left = TimeSpan.FromSeconds(20) - deadline.Elapsed;
            if (!process.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                ServerProcess.Kill(process.Id);
            }

            process.Dispose();
        }

        foreach (var member in Members)
        {
            var pidFile = Path.Combine(member.DataDirectory, "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault()?.Trim(), CultureInfo.InvariantCulture, out var postmaster))
            {
                ServerProcess.Kill(postmaster);
            }
        }

        if (_etcd is not null)
        {
            ServerProcess.Kill(_etcd.Id);
            _etcd.Dispose();
        }

        _http.Dispose();
        ServerProcess.DeleteDirectory(_workDir);
    }

    private async Task StartAllAsync(string? callbackCommand, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var etcdData = Path.Combine(_workDir, "etcd");
        Directory.CreateDirectory(etcdData);
        var peerPort = LoopbackPorts.FreeTcpPort();
        _etcd = StartLogged(
            $"exec etcd --name ccx --data-dir {etcdData} --listen-client-urls http://127.0.0.1:{EtcdPort} --advertise-client-urls http://127.0.0.1:{EtcdPort} "
            + $"--listen-peer-urls http://127.0.0.1:{peerPort} --initial-advertise-peer-urls http://127.0.0.1:{peerPort} --initial-cluster ccx=http://127.0.0.1:{peerPort}",
            Path.Combine(_workDir, "etcd.log"),
            asPostgres: false);
        await WaitForEtcdAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);

        foreach (var member in Members)
        {
            Directory.CreateDirectory(member.Directory);
            await File.WriteAllTextAsync(member.ConfigPath, Configuration(member, callbackCommand)).ConfigureAwait(false);
        }

        if (RunsAsPostgresUser)
        {
            var (exit, _, stderr) = await ServerProcess.RunAsync("chown", ["-R", "postgres:postgres", _workDir], TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            if (exit != 0)
            {
                throw new InvalidOperationException($"chown of {_workDir} to postgres failed: {stderr}");
            }
        }

        // Start them together: one bootstraps (initdb), the others wait for it and clone it with pg_basebackup.
        foreach (var member in Members)
        {
            _patroni[member.Name] = StartLogged($"exec patroni {member.ConfigPath}", member.LogPath, RunsAsPostgresUser);
        }

        await WaitHealthyAsync(timeout - clock.Elapsed).ConfigureAwait(false);
    }

    private string Configuration(PatroniClusterMember member, string? callbackCommand)
    {
        var callbacks = callbackCommand is null
            ? string.Empty
            : "  callbacks:\n"
              + $"    on_role_change: {Quote(callbackCommand)}\n"
              + $"    on_start: {Quote(callbackCommand)}\n"
              + $"    on_stop: {Quote(callbackCommand)}\n";
        return string.Create(CultureInfo.InvariantCulture, $$"""
            scope: {{Scope}}
            name: {{member.Name}}
            restapi:
              listen: {{member.Host}}:{{member.RestPort}}
              connect_address: {{member.Host}}:{{member.RestPort}}
            etcd3:
              hosts: 127.0.0.1:{{EtcdPort}}
            bootstrap:
              dcs:
                ttl: 10
                loop_wait: 1
                retry_timeout: 5
                primary_start_timeout: 0
                postgresql:
                  use_pg_rewind: true
                  parameters:
                    wal_log_hints: "on"
              initdb:
              - encoding: UTF8
              - auth-host: md5
              pg_hba:
              - local all all trust
              - host all all 127.0.0.0/8 md5
              - host replication replicator 127.0.0.0/8 md5
            postgresql:
              listen: {{member.Host}}:{{PostgresPort}}
              connect_address: {{member.Host}}:{{PostgresPort}}
              data_dir: {{member.DataDirectory}}
              bin_dir: {{PostgresBinDir}}
              pgpass: {{Path.Combine(member.Directory, "pgpass")}}
              authentication:
                superuser: {username: {{SuperUser}}, password: {{SuperUserPassword}}}
                replication: {username: replicator, password: {{SuperUserPassword}}}
                rewind: {username: {{SuperUser}}, password: {{SuperUserPassword}}}
              parameters:
                unix_socket_directories: {{member.Directory}}
                max_connections: 30
                shared_buffers: 16MB
                fsync: "off"
                synchronous_commit: "off"

            """) + callbacks;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private Process StartLogged(string command, string logPath, bool asPostgres)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, WorkingDirectory = _workDir };
        info.ArgumentList.Add("-c");
        var redirected = $"{command} >>{logPath} 2>&1";
        info.ArgumentList.Add(asPostgres
            ? $"touch {logPath} && chown postgres:postgres {logPath} && exec setpriv --reuid=postgres --regid=postgres --init-groups -- bash -c '{redirected}'"
            : redirected);
        info.Environment["HOME"] = _workDir;
        return Process.Start(info) ?? throw new InvalidOperationException($"cannot start: {command}");
    }

    private async Task WaitForEtcdAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{EtcdPort}/health"))).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            if (_etcd!.HasExited)
            {
                break;
            }

            await Task.Delay(100).ConfigureAwait(false); // polls a real external process
        }

        throw new InvalidOperationException($"etcd did not start on 127.0.0.1:{EtcdPort}:\n{LogTails()}");
    }

    private static async Task SignalAsync(int pid, string signal)
    {
        try
        {
            await ServerProcess.RunAsync("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private static string Describe(IReadOnlyList<PatroniMemberState>? members) =>
        members is null ? "no member answered" : string.Join(", ", members.Select(m => $"{m.Name} {m.Role} {m.State}"));

    private static int FreePort(string host)
    {
        using var listener = new TcpListener(IPAddress.Parse(host), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port free on every address (0 when the one tried is taken somewhere).</summary>
    private static int PortFreeOnAll(string[] hosts)
    {
        var port = FreePort(hosts[0]);
        foreach (var host in hosts.Skip(1))
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Parse(host), port);
                listener.Start();
            }
            catch (SocketException)
            {
                return 0;
            }
        }

        return port;
    }
}
