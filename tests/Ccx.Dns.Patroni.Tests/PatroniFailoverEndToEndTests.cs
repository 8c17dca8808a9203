using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Ccx.Dns.Patroni.Tests.Infrastructure;
using Ccx.Dns.Reconciliation;
using Ccx.Dns.Rfc2136;
using Ccx.Dns.Rfc2136.Wire;
using Ccx.Dns.Patroni;
using Ccx.Dns.TestServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Ccx.Dns.Patroni.Tests;

/// <summary>
/// The real thing: a two-member Patroni cluster (etcd, PostgreSQL 15) on loopback fails over — by
/// <c>patronictl switchover</c> and by a hard kill of the primary's postmaster — and two hosted reconcilers (TXT
/// registry) follow it into a real PowerDNS (polling and Patroni's <c>on_role_change</c> callback through the shipped
/// script) and a real BIND (polling only). After each failover, real DNS queries must answer the new leader at
/// <c>UUID.userDomain</c> and the replica at <c>replica.UUID.userDomain</c>, and a PostgreSQL client that connects by
/// the primary name must get a server with <c>pg_is_in_recovery() = false</c>.
/// </summary>
/// <remarks>
/// The client resolves the name through the test's DNS server (a real query with <see cref="DnsQuery"/>), not the
/// system resolver, and connects Npgsql to the address it got, on the cluster's PostgreSQL port (every member listens
/// on that port at its own loopback address). Waits poll real processes and are bounded; nothing asserts how long a
/// step took (the figures are in the <c>patroni-failover</c> benchmark).
/// </remarks>
[Trait("Category", "Integration")]
public sealed class PatroniFailoverEndToEndTests(ITestOutputHelper output)
{
    private const string Zone = "db.patroni-e2e.test";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RealPatroni_SwitchoverAndHardKill_DnsFollowsAndClientsReachTheNewPrimaryByName()
    {
        PatroniCluster.RequirePrerequisites();
        var total = Stopwatch.StartNew();
        var datastoreId = Guid.NewGuid();
        var primaryName = datastoreId.ToString("D") + "." + Zone;
        var replicaName = "replica." + primaryName;
        var callbackPrefix = $"http://127.0.0.1:{LoopbackPorts.FreeTcpPort()}/ccx-dns/patroni/";
        var script = Path.Combine(Prerequisites.RepositoryRoot(), "samples", "Ccx.Dns.Samples.Patroni", "ccx-dns-patroni-callback.sh");

        // The servers start side by side: Patroni (the slowest: initdb, then a base backup), PowerDNS and BIND.
        var patroniStart = PatroniCluster.StartAsync(2, callbackCommand: $"sh {script} {callbackPrefix}refresh/{datastoreId}");
        var pdnsStart = PowerDnsServer.StartAsync();
        var bindStart = BindServer.StartAsync([Zone]);
        await using var patroni = await patroniStart;
        await using var pdns = await pdnsStart;
        await using var bind = await bindStart;
        await pdns.CreateZoneAsync(Zone);
        using (var noRectify = await pdns.Http.PutAsync(
            new Uri($"{pdns.ApiUrl}/api/v1/servers/localhost/zones/{Zone}."),
            new StringContent("""{"api_rectify":false}""", Encoding.UTF8, "application/json")))
        {
            noRectify.EnsureSuccessStatusCode();
        }

        Log(total, $"Patroni cluster {patroni.Scope} ({string.Join(", ", patroni.Members.Select(m => $"{m.Name} {m.Host}"))}, PostgreSQL port {patroni.PostgresPort}), PowerDNS and BIND up");

        var pdnsLogs = new CapturingLoggerProvider();
        using var pdnsHost = BuildHost(datastoreId, patroni, callbackPrefix, pdnsLogs, b => b.AddPowerDnsProvider(o =>
        {
            o.ApiUrl = pdns.ApiUrl;
            o.ApiKey = pdns.ApiKey;
            o.IncludeDomains.Add(Zone);
        }));
        using var bindHost = BuildHost(datastoreId, patroni, callbackPrefix: null, new CapturingLoggerProvider(), b => b.AddRfc2136Provider(o => bind.ConfigureProvider(o, Zone)));
        await pdnsHost.StartAsync();
        await bindHost.StartAsync();
        var servers = new (string Name, DnsQuery Query)[] { ("PowerDNS", pdns.Query()), ("BIND", bind.Query()) };
        try
        {
            var leader = await patroni.WaitHealthyAsync(StepTimeout);
            await AssertFollowedAsync(patroni, servers, primaryName, replicaName, leader, "after start");
            Log(total, $"initial state in DNS: leader {leader}");

            // 1. A planned switchover with patronictl.
            var candidate = patroni.Members.Single(m => m.Name != leader).Name;
            await patroni.SwitchoverAsync(leader, candidate);
            var afterSwitchover = await patroni.WaitHealthyAsync(StepTimeout);
            Assert.Equal(candidate, afterSwitchover);
            await AssertFollowedAsync(patroni, servers, primaryName, replicaName, afterSwitchover, "after the switchover");
            Log(total, $"switchover {leader} -> {afterSwitchover} followed in DNS");

            // 2. A hard kill of the primary's postmaster (SIGKILL): Patroni fails over to the replica.
            var killed = patroni.KillPostmaster(afterSwitchover);
            var afterKill = await patroni.WaitHealthyAsync(StepTimeout, notThis: afterSwitchover);
            await AssertFollowedAsync(patroni, servers, primaryName, replicaName, afterKill, "after the hard kill");
            Log(total, $"postmaster {killed} of {afterSwitchover} killed; failover to {afterKill} followed in DNS");

            var pdnsSource = pdnsHost.Services.GetRequiredService<PatroniSource>();
            Assert.Equal(PatroniClusterCondition.Published, pdnsSource.GetStatus(datastoreId).Condition);
            Assert.Equal(afterKill, pdnsSource.GetStatus(datastoreId).Leader);
            Assert.All([pdnsHost, bindHost], h => Assert.True(h.Services.GetRequiredService<DnsReconciler>().LastResult?.Succeeded));

            // Patroni ran the shipped callback script on the role changes, and the PowerDNS host's listener read at once.
            var callbacks = pdnsLogs.Entries.Where(e => e.EventId == 2413).Select(e => e.Message).ToList();
            Assert.Contains(callbacks, m => m.Contains("action=on_role_change", StringComparison.Ordinal)
                && (m.Contains("role=master", StringComparison.Ordinal) || m.Contains("role=primary", StringComparison.Ordinal)));
            Assert.Empty(pdnsLogs.Entries.Where(e => e.EventId == 2414).Select(e => e.Message).ToList()); // no callback request was refused
        }
        finally
        {
            await pdnsHost.StopAsync();
            await bindHost.StopAsync();
            Log(total, "done");
        }
    }

    private static IHost BuildHost(Guid datastoreId, PatroniCluster patroni, string? callbackPrefix, CapturingLoggerProvider logs, Action<IDnsReconcilerBuilder> addProvider)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        var dns = builder.Services.AddDnsReconciler(o => o.MinEventSyncInterval = TimeSpan.FromMilliseconds(100));
        addProvider(dns);
        dns.AddTxtRegistry(o => o.OwnerId = "patroni-e2e").AddPatroniSource(o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(200);
            o.CallbackListenerPrefix = callbackPrefix;
            var datastore = new PatroniDatastoreOptions { Id = datastoreId, UserDomain = Zone };
            foreach (var member in patroni.Members)
            {
                datastore.RestApiUrls.Add(member.RestApiUrl);
            }

            o.Datastores.Add(datastore);
        });
        return builder.Build();
    }

    /// <summary>Waits until every DNS server answers the leader at the primary name and the other member at the replica name, then connects by name.</summary>
    private static async Task AssertFollowedAsync(PatroniCluster patroni, (string Name, DnsQuery Query)[] servers, string primaryName, string replicaName, string leader, string when)
    {
        var leaderAddress = patroni.Member(leader).Host;
        var replicaAddress = patroni.Members.Single(m => m.Name != leader).Host;
        foreach (var (server, query) in servers)
        {
            var primary = await WaitForAnswerAsync(query, primaryName, leaderAddress);
            Assert.True(primary.SequenceEqual([leaderAddress]), $"{server} {when}: {primaryName} answers [{string.Join(", ", primary)}], not the leader {leader} ({leaderAddress}); Patroni: {await DescribeAsync(patroni)}");
            var replica = await WaitForAnswerAsync(query, replicaName, replicaAddress);
            Assert.True(replica.SequenceEqual([replicaAddress]), $"{server} {when}: {replicaName} answers [{string.Join(", ", replica)}], not the replica ({replicaAddress}); Patroni: {await DescribeAsync(patroni)}");
        }

        // A client that connects by the primary name reaches a server that takes writes, and by the replica name one in recovery.
        foreach (var (server, query) in servers)
        {
            var (address, inRecovery) = await ConnectByNameAsync(query, primaryName, patroni, expectInRecovery: false);
            Assert.Equal(leaderAddress, address);
            Assert.False(inRecovery, $"{server} {when}: the server at {primaryName} ({address}) is in recovery");
            (address, inRecovery) = await ConnectByNameAsync(query, replicaName, patroni, expectInRecovery: true);
            Assert.Equal(replicaAddress, address);
            Assert.True(inRecovery, $"{server} {when}: the server at {replicaName} ({address}) is not in recovery");
        }
    }

    private static async Task<string[]> WaitForAnswerAsync(DnsQuery query, string name, string expected)
    {
        var clock = Stopwatch.StartNew();
        string[] last = [];
        while (clock.Elapsed < StepTimeout)
        {
            last = await ResolveAsync(query, name);
            if (last.SequenceEqual([expected]))
            {
                return last;
            }

            await Task.Delay(50); // polls a real DNS server; nothing asserts how long it took
        }

        return last;
    }

    private static async Task<string[]> ResolveAsync(DnsQuery query, string name)
    {
        try
        {
            var answers = await query.GetAnswersAsync(name, DnsRecordType.A);
            return [.. answers.Select(a => a.Data).OfType<AddressRecordData>().Select(a => a.Address.ToString()).Order(StringComparer.Ordinal)];
        }
        catch (TimeoutException)
        {
            return [];
        }
    }

    /// <summary>
    /// Resolves <paramref name="name"/> through the test's DNS server and connects to the address it answers, retrying
    /// until the server there is (or is not) in recovery as expected or the step times out: a promotion finishes a
    /// moment after Patroni names the new leader, as a real client's retry would see.
    /// </summary>
    private static async Task<(string Address, bool InRecovery)> ConnectByNameAsync(DnsQuery query, string name, PatroniCluster patroni, bool expectInRecovery)
    {
        var clock = Stopwatch.StartNew();
        var last = (Address: "(none)", InRecovery: !expectInRecovery);
        Exception? error = null;
        while (clock.Elapsed < StepTimeout)
        {
            var addresses = await ResolveAsync(query, name);
            if (addresses.Length == 1)
            {
                try
                {
                    last = (addresses[0], await PostgresProbe.IsInRecoveryAsync(IPAddress.Parse(addresses[0]), patroni.PostgresPort, patroni.SuperUser, patroni.SuperUserPassword));
                    if (last.InRecovery == expectInRecovery)
                    {
                        return last;
                    }
                }
                catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or IOException)
                {
                    error = ex;
                }
            }

            await Task.Delay(100); // retries a real connection
        }

        Assert.Fail($"connecting by {name} never reached a server with pg_is_in_recovery() = {expectInRecovery}: last {last}, error {error?.Message}");
        return last;
    }

    private static async Task<string> DescribeAsync(PatroniCluster patroni) =>
        string.Join(", ", (await patroni.ReadClusterAsync())?.Select(m => $"{m.Name} {m.Role} {m.State} {m.Host}") ?? ["no answer"]);

    private void Log(Stopwatch total, string message) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{total.Elapsed.TotalSeconds,6:0.0} s] {message}"));
}
