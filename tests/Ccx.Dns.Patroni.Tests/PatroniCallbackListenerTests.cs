using System.Net;
using System.Text.Json;
using Ccx.Dns.Patroni.Tests.Infrastructure;
using Ccx.Dns.Patroni;
using Ccx.Dns.TestServers;

namespace Ccx.Dns.Patroni.Tests;

/// <summary>The HTTP endpoint Patroni's callback posts to, and the callback script shipped with the sample.</summary>
public sealed class PatroniCallbackListenerTests
{
    private static string FreePrefix() => $"http://127.0.0.1:{LoopbackPorts.FreeTcpPort()}/ccx-dns/patroni/";

    /// <summary>A listener on a free loopback prefix, serving until stopped; stopping waits (30 s at most) for it to end.</summary>
    private sealed class ServingListener : IAsyncDisposable
    {
        private readonly PatroniCallbackListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        private ServingListener(PatroniSource source)
        {
            Prefix = FreePrefix();
            _listener = new PatroniCallbackListener(source, Prefix);
            _listener.Start();
            _serving = _listener.ServeAsync(_stop.Token);
        }

        public string Prefix { get; }

        public static ServingListener Start(PatroniSource source) => new(source);

        /// <summary>Stops serving and waits for the serve loop to end (throws when it does not within 30 s).</summary>
        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _serving.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await _stop.CancelAsync();
            }

            _listener.Dispose();
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task PostRefresh_ReadsTheDatastoreAtOnceAndAnswersWhatItFound()
    {
        await using var cluster = ScriptedCluster.Start(2);
        cluster.AnswerAll(cluster.Leader(0), cluster.Replica(1));
        using var source = cluster.CreateSource();
        await using var serving = ServingListener.Start(source);
        var prefix = serving.Prefix;
        using var http = new HttpClient();

        cluster.AnswerAll(cluster.Replica(0), cluster.Leader(1));
        using var response = await http.PostAsync(new Uri(prefix + "refresh/" + cluster.Id + "?action=on_role_change&role=master"), null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var entry = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(cluster.Id, entry.GetProperty("datastore").GetGuid());
        Assert.Equal("Published", entry.GetProperty("condition").GetString());
        Assert.Equal("n2", entry.GetProperty("leader").GetString());
        Assert.Equal(1, cluster.Members[0].Requests);
        Assert.Equal(ScriptedCluster.Host(1), source.GetStatus(cluster.Id).Published!.Primary!.Address);

        await serving.StopAsync();
    }

    [Fact]
    public async Task Requests_WrongMethodPathOrId_RefusedWithTheRightStatus()
    {
        await using var cluster = ScriptedCluster.Start(1);
        cluster.AnswerAll(cluster.Leader(0));
        using var source = cluster.CreateSource();
        await using var serving = ServingListener.Start(source);
        var prefix = serving.Prefix;
        using var http = new HttpClient();

        using (var get = await http.GetAsync(new Uri(prefix + "refresh/" + cluster.Id)))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
            Assert.Equal(["POST"], get.Content.Headers.Allow);
        }

        using (var malformed = await http.PostAsync(new Uri(prefix + "refresh/not-a-uuid"), null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }

        using (var unknown = await http.PostAsync(new Uri(prefix + "refresh/" + Guid.NewGuid()), null))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains("is configured", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var other = await http.PostAsync(new Uri(prefix + "promote/" + cluster.Id), null))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        Assert.Equal(0, cluster.Members[0].Requests); // none of them read anything

        using (var all = await http.PostAsync(new Uri(prefix + "refresh"), null))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
            Assert.Equal(1, cluster.Members[0].Requests);
        }

        await serving.StopAsync();
    }

    [Fact]
    public async Task Start_PortTaken_FailsNamingThePrefix()
    {
        await using var cluster = ScriptedCluster.Start(1);
        using var source = cluster.CreateSource();
        var prefix = FreePrefix();
        using var first = new PatroniCallbackListener(source, prefix);
        first.Start();
        using var second = new PatroniCallbackListener(source, prefix);

        var ex = Assert.Throws<InvalidOperationException>(second.Start);
        Assert.Contains(prefix, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallbackScript_AsPatroniRunsIt_TriggersARead()
    {
        Prerequisites.Require("The Patroni callback script", ("curl", "curl"));
        await using var cluster = ScriptedCluster.Start(1);
        cluster.AnswerAll(cluster.Leader(0));
        using var source = cluster.CreateSource();
        await using var serving = ServingListener.Start(source);
        var prefix = serving.Prefix;
        var script = Path.Combine(Prerequisites.RepositoryRoot(), "samples", "Ccx.Dns.Samples.Patroni", "ccx-dns-patroni-callback.sh");

        // Patroni runs: <callback command split like a shell> on_role_change <role> <scope>.
        var (exit, stdout, stderr) = await ServerProcess.RunAsync("sh", [script, prefix + "refresh/" + cluster.Id, "on_role_change", "master", "pg-test"], TimeSpan.FromSeconds(30));

        Assert.True(exit == 0 && stderr.Length == 0, $"the callback script failed ({exit}): {stdout} {stderr}");
        Assert.Equal(1, cluster.Members[0].Requests);
        Assert.Equal(PatroniClusterCondition.Published, source.GetStatus(cluster.Id).Condition);
        await serving.StopAsync();
    }
}
