using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Ccx.Dns.Rfc2136;
using Ccx.Dns.Rfc2136.Wire;
using Ccx.Dns.TestServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ccx.Dns.Benchmarks;

/// <summary>
/// Real Patroni failovers followed into DNS: a two-member Patroni cluster (etcd, PostgreSQL 15) on loopback, the hosted
/// reconciler with the <c>PatroniSource</c> and the TXT registry, and PowerDNS (or BIND). For each switchover
/// (<c>patronictl switchover</c>) and each hard kill of the primary's postmaster, three clocks run from the command:
/// a 10 ms poll of Patroni's <c>/cluster</c> (when Patroni reports the new leader), a 2 ms poll of the DNS server
/// (when <c>UUID.userDomain</c> answers the new leader), and a client that resolves the name through that DNS server
/// and connects with Npgsql until it gets a server with <c>pg_is_in_recovery() = false</c>.
/// Reported: the library's share (DNS answer − Patroni reporting the leader; goal p95 ≤ 250 ms) and the time from the
/// command to a successful connection by name (dominated by Patroni). The library's share is broken down from the
/// source's and the reconciler's own events (a callback arrives, a read publishes the new leader, the targeted reconcile
/// starts and ends), so that what dominates it is visible.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/Ccx.Dns.Benchmarks -- patroni-failover [poll|callback|both] [--switchovers N] [--kills N] [--dns pdns|bind]</c>.
/// <c>poll</c>: the source polls every 100 ms; <c>callback</c>: it polls every second and Patroni's <c>on_role_change</c>
/// runs the sample's callback script, which posts to the source's callback listener. The reconciler keeps its defaults
/// (500 ms minimum between signal-triggered runs). Needs root or a user PostgreSQL accepts (it runs as <c>postgres</c>
/// under root) and the packages <c>patroni postgresql-15 etcd-server</c>.
/// </remarks>
internal static class PatroniFailoverBenchmark
{
    private const string Zone = "db.patroni-bench.test";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(string[] args)
    {
        var mode = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal))).FirstOrDefault() ?? "both";
        var switchovers = Option(args, "--switchovers", 20);
        var kills = Option(args, "--kills", 5);
        var dns = OptionText(args, "--dns", "pdns");
        if (mode is not ("poll" or "callback" or "both") || dns is not ("pdns" or "bind"))
        {
            await Console.Error.WriteLineAsync("usage: patroni-failover [poll|callback|both] [--switchovers N] [--kills N] [--dns pdns|bind]");
            return 2;
        }

        var ok = true;
        foreach (var run in mode == "both" ? ["poll", "callback"] : new[] { mode })
        {
            ok &= await MeasureAsync(run, dns, switchovers, kills);
        }

        return ok ? 0 : 1;
    }

    private static async Task<bool> MeasureAsync(string mode, string dnsKind, int switchovers, int kills)
    {
        var datastoreId = Guid.NewGuid();
        var primaryName = datastoreId.ToString("D") + "." + Zone;
        var callbackPrefix = $"http://127.0.0.1:{LoopbackPorts.FreeTcpPort()}/ccx-dns/patroni/";
        var script = Path.Combine(Prerequisites.RepositoryRoot(), "samples", "Ccx.Dns.Samples.Patroni", "ccx-dns-patroni-callback.sh");
        Console.WriteLine($"patroni-failover, mode {mode} ({(mode == "poll" ? "source polls every 100 ms" : "Patroni callback + polling every 1 s")}), DNS {dnsKind}: {switchovers} switchovers, {kills} hard kills");

        await using var patroni = await PatroniCluster.StartAsync(2, mode == "callback" ? $"sh {script} {callbackPrefix}refresh/{datastoreId}" : null);
        await using var pdns = dnsKind == "pdns" ? await PowerDnsServer.StartAsync() : null;
        await using var bind = dnsKind == "bind" ? await BindServer.StartAsync([Zone]) : null;
        DnsQuery query;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var timeline = new Timeline();
        builder.Logging.AddProvider(timeline).SetMinimumLevel(LogLevel.Debug);
        var reconciler = builder.Services.AddDnsReconciler();
        if (pdns is not null)
        {
            await pdns.CreateZoneAsync(Zone);
            using (var noRectify = await pdns.Http.PutAsync(
                new Uri($"{pdns.ApiUrl}/api/v1/servers/localhost/zones/{Zone}."),
                new StringContent("""{"api_rectify":false}""", Encoding.UTF8, "application/json")))
            {
                noRectify.EnsureSuccessStatusCode();
            }

            reconciler.AddPowerDnsProvider(o =>
            {
                o.ApiUrl = pdns.ApiUrl;
                o.ApiKey = pdns.ApiKey;
                o.IncludeDomains.Add(Zone);
            });
            query = new DnsQuery(pdns.DnsEndPoint, TimeSpan.FromSeconds(1));
        }
        else
        {
            reconciler.AddRfc2136Provider(o => bind!.ConfigureProvider(o, Zone));
            query = new DnsQuery(bind!.EndPoint, TimeSpan.FromSeconds(1));
        }

        reconciler.AddTxtRegistry(o => o.OwnerId = "patroni-bench").AddPatroniSource(o =>
        {
            o.PollInterval = mode == "poll" ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1);
            o.CallbackListenerPrefix = mode == "callback" ? callbackPrefix : null;
            var datastore = new Patroni.PatroniDatastoreOptions { Id = datastoreId, UserDomain = Zone };
            foreach (var member in patroni.Members)
            {
                datastore.RestApiUrls.Add(member.RestApiUrl);
            }

            o.Datastores.Add(datastore);
        });
        using var host = builder.Build();
        host.Services.GetRequiredService<Reconciliation.DnsReconciler>().Reconciled += (_, result) => timeline.Reconciled(result);
        await host.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var results = new List<Sample>();
        var failures = 0;
        try
        {
            var leader = await patroni.WaitHealthyAsync(StepTimeout);
            await WaitSteadyAsync(patroni, query, primaryName, leader);
            for (var n = 0; n < switchovers + kills; n++)
            {
                var kind = n < switchovers ? "switchover" : "hard kill";
                var next = patroni.Members.Single(m => m.Name != leader).Name;
                var sample = await MeasureOneAsync(patroni, http, query, primaryName, kind, leader, next, timeline);
                if (sample is null)
                {
                    failures++;
                    Console.WriteLine($"  {kind} {n + 1}: {leader} -> {next} not followed within {StepTimeout.TotalSeconds:0} s");
                }
                else
                {
                    results.Add(sample);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {kind} {n + 1,2}: {leader} -> {next}: Patroni reported the leader after {sample.PatroniMs,7:0} ms, DNS answered {sample.LibraryMs,6:0} ms later, connected by name after {sample.ConnectMs,7:0} ms"));
                    Console.WriteLine("      " + sample.Steps.Describe());
                }

                leader = await patroni.WaitHealthyAsync(StepTimeout, notThis: leader);
                await WaitSteadyAsync(patroni, query, primaryName, leader);
            }
        }
        finally
        {
            await host.StopAsync();
        }

        foreach (var kind in new[] { "switchover", "hard kill" })
        {
            var of = results.Where(r => r.Kind == kind).ToList();
            if (of.Count == 0)
            {
                continue;
            }

            Console.WriteLine($"{mode}, {dnsKind}, {kind} (n={of.Count}):");
            Console.WriteLine("  library share (DNS answer - Patroni reports the new leader): " + Summary(of.Select(r => r.LibraryMs)));
            Console.WriteLine("  command -> Patroni reports the new leader:                   " + Summary(of.Select(r => r.PatroniMs)));
            Console.WriteLine("  command -> successful connection by name (not in recovery):  " + Summary(of.Select(r => r.ConnectMs)));
            Console.WriteLine("  the library's share, step by step (from Patroni reporting the new leader):");
            if (of.Any(r => r.Steps.CallbackMs is not null))
            {
                Console.WriteLine("    -> first callback received:                               " + Summary(of.Select(r => r.Steps.CallbackMs).OfType<double>()));
            }

            if (of.Any(r => r.Steps.TriggerCallbackMs is not null))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    the callback that started the publishing read -> DNS answers ({of.Count(r => r.Steps.TriggerCallbackMs is not null)} of {of.Count}; a poll started the others): ")
                    + Summary(of.Select(r => r.LibraryMs - r.Steps.TriggerCallbackMs).OfType<double>()));
            }

            Console.WriteLine("    -> the source publishes the new leader (read done):          " + Summary(of.Select(r => r.Steps.PublishedMs).OfType<double>()));
            Console.WriteLine("    duration of that read (GET /cluster of every member):      " + Summary(of.Select(r => r.Steps.ReadMs).OfType<double>()));
            Console.WriteLine("    publish -> the targeted reconcile starts:                    " + Summary(of.Select(r => r.Steps.ReconcileStartMs - r.Steps.PublishedMs).OfType<double>()));
            Console.WriteLine("    reconcile duration (plan + PowerDNS PATCH):                  " + Summary(of.Select(r => r.Steps.ReconcileEndMs - r.Steps.ReconcileStartMs).OfType<double>()));
            Console.WriteLine("    reconcile end -> DNS answers:                                " + Summary(of.Select(r => r.LibraryMs - r.Steps.ReconcileEndMs).OfType<double>()));
        }

        var all = results.Select(r => r.LibraryMs).Order().ToList();
        var p95 = all.Count == 0 ? double.NaN : Percentile(all, 95);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{mode}, {dnsKind}: library share over all {all.Count} failovers p95 {p95:0} ms; goal p95 <= 250 ms: {(p95 <= 250 ? "met" : "NOT met")}; not followed: {failures}"));
        return failures == 0 && p95 <= 250;
    }

    private static async Task<Sample?> MeasureOneAsync(PatroniCluster patroni, HttpClient http, DnsQuery query, string primaryName, string kind, string leader, string next, Timeline timeline)
    {
        var nextAddress = IPAddress.Parse(patroni.Member(next).Host);
        using var stop = new CancellationTokenSource(StepTimeout);
        var t0 = Stopwatch.GetTimestamp();
        var patroniSees = WatchPatroniAsync(patroni, http, next, stop.Token);
        var dnsAnswers = WatchDnsAsync(query, primaryName, nextAddress, stop.Token);
        var connects = WatchConnectionAsync(patroni, query, primaryName, nextAddress, stop.Token);
        if (kind == "switchover")
        {
            await patroni.SwitchoverAsync(leader, next);
        }
        else
        {
            patroni.KillPostmaster(leader);
        }

        var (seen, answered, connected) = (await patroniSees, await dnsAnswers, await connects);
        if (seen is null || answered is null || connected is null)
        {
            return null;
        }

        double Ms(long at) => Stopwatch.GetElapsedTime(t0, at).TotalMilliseconds;
        var steps = timeline.StepsSince(t0, seen.Value, answered.Value, nextAddress.ToString());
        return new Sample(kind, Ms(seen.Value), Ms(answered.Value) - Ms(seen.Value), Ms(connected.Value), steps);
    }

    /// <summary>Polls every member's <c>/cluster</c> every 10 ms; the timestamp when one first names <paramref name="leader"/> as leader.</summary>
    private static async Task<long?> WatchPatroniAsync(PatroniCluster patroni, HttpClient http, string leader, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var reads = patroni.Members.Select(async m =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(m.RestApiUrl + "/cluster"), cancellationToken);
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                    return json.RootElement.GetProperty("members").EnumerateArray()
                        .Any(x => x.GetProperty("name").GetString() == leader && x.GetProperty("role").GetString() == "leader");
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or KeyNotFoundException)
                {
                    return false;
                }
            }).ToList();
            foreach (var read in reads)
            {
                if (await read)
                {
                    return Stopwatch.GetTimestamp();
                }
            }

            await Delay(10, cancellationToken);
        }

        return null;
    }

    private static async Task<long?> WatchDnsAsync(DnsQuery query, string name, IPAddress expected, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if ((await ResolveAsync(query, name)).SequenceEqual([expected]))
            {
                return Stopwatch.GetTimestamp();
            }

            await Delay(2, cancellationToken);
        }

        return null;
    }

    /// <summary>Resolves the name through the DNS server under test and connects with Npgsql until a server that is not in recovery answers at the new leader's address.</summary>
    private static async Task<long?> WatchConnectionAsync(PatroniCluster patroni, DnsQuery query, string name, IPAddress expected, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var addresses = await ResolveAsync(query, name);
            if (addresses.Length == 1 && addresses[0].Equals(expected))
            {
                try
                {
                    var connection = new NpgsqlConnectionStringBuilder
                    {
                        Host = addresses[0].ToString(),
                        Port = patroni.PostgresPort,
                        Username = patroni.SuperUser,
                        Password = patroni.SuperUserPassword,
                        Database = "postgres",
                        Pooling = false,
                        Timeout = 2,
                    };
                    await using var client = new NpgsqlConnection(connection.ConnectionString);
                    await client.OpenAsync(cancellationToken);
                    await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", client);
                    if (await command.ExecuteScalarAsync(cancellationToken) is false)
                    {
                        return Stopwatch.GetTimestamp();
                    }
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
                {
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }

            await Delay(20, cancellationToken);
        }

        return null;
    }

    /// <summary>Waits until DNS answers the leader (and Patroni is healthy), so every failover starts from a settled state.</summary>
    private static async Task WaitSteadyAsync(PatroniCluster patroni, DnsQuery query, string primaryName, string leader)
    {
        var replicaName = "replica." + primaryName;
        var replica = IPAddress.Parse(patroni.Members.Single(m => m.Name != leader).Host);
        var primary = IPAddress.Parse(patroni.Member(leader).Host);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StepTimeout)
        {
            if ((await ResolveAsync(query, primaryName)).SequenceEqual([primary]) && (await ResolveAsync(query, replicaName)).SequenceEqual([replica]))
            {
                await Task.Delay(1000); // let the reconciler's minimum event interval and Patroni's loop settle
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"DNS did not settle on leader {leader}: {patroni.LogTails()}");
    }

    private static async Task<IPAddress[]> ResolveAsync(DnsQuery query, string name)
    {
        try
        {
            var answers = await query.GetAnswersAsync(name, DnsRecordType.A);
            return [.. answers.Select(a => a.Data).OfType<AddressRecordData>().Select(a => a.Address)];
        }
        catch (TimeoutException)
        {
            return [];
        }
    }

    private static async Task Delay(int milliseconds, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(milliseconds, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Summary(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return "not seen";
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"min {sorted[0],6:0} ms  p50 {Percentile(sorted, 50),6:0} ms  p95 {Percentile(sorted, 95),6:0} ms  max {sorted[^1],6:0} ms  mean {sorted.Average(),6:0} ms");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : fallback;
    }

    private static string OptionText(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed record Sample(string Kind, double PatroniMs, double LibraryMs, double ConnectMs, Steps Steps);

    /// <summary>When the steps of the library's share happened, in ms from Patroni reporting the new leader (negative: before it); null when not seen.</summary>
    /// <param name="CallbackMs">The first callback request the listener received after the command.</param>
    /// <param name="TriggerCallbackMs">The callback that started the read that published the new leader; null when a poll started it.</param>
    /// <param name="PublishedMs">The read that published the new leader finished.</param>
    /// <param name="ReadMs">How long that read took.</param>
    /// <param name="ReconcileStartMs">The reconcile that wrote it started.</param>
    /// <param name="ReconcileEndMs">That reconcile ended.</param>
    /// <param name="Events">The callbacks, publishes and reconciles from a second before Patroni reported the leader until DNS answered it, for the per-failover line.</param>
    private sealed record Steps(double? CallbackMs, double? TriggerCallbackMs, double? PublishedMs, double? ReadMs, double? ReconcileStartMs, double? ReconcileEndMs, string Events)
    {
        public string Describe() => Events;
    }

    /// <summary>
    /// Records, with <see cref="Stopwatch"/> timestamps, the source's events that mark the steps of the library's share
    /// (a callback received: 2413; a read that publishes: 2401; its duration: 2400) and every reconcile's start and end.
    /// </summary>
    private sealed class Timeline : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<(long At, string What)> _events = new();

        public void Reconciled(Reconciliation.ReconcileResult result)
        {
            var end = Stopwatch.GetTimestamp();
            var start = end - (long)(result.Duration.TotalSeconds * Stopwatch.Frequency);
            _events.Enqueue((start, "reconcile-start " + result.Mode));
            _events.Enqueue((end, string.Create(CultureInfo.InvariantCulture, $"reconcile-end {result.Mode} {result.Outcome}")));
        }

        public Steps StepsSince(long command, long seen, long answered, string newLeader)
        {
            var events = _events.Where(e => e.At >= command).OrderBy(e => e.At).ToList();
            double Ms(long at) => (at - seen) * 1000.0 / Stopwatch.Frequency;
            var callback = events.FirstOrDefault(e => e.What.StartsWith("callback", StringComparison.Ordinal));
            var published = events.FirstOrDefault(e => e.What.StartsWith("publish", StringComparison.Ordinal) && e.What.Contains("primary " + newLeader + ",", StringComparison.Ordinal));

            // The callback that started the publishing read: one received at most 60 ms before it (else a poll did).
            var trigger = published.What is null ? default : events.LastOrDefault(e => e.What.StartsWith("callback", StringComparison.Ordinal) && e.At <= published.At && e.At >= published.At - (Stopwatch.Frequency * 60 / 1000));
            var read = published.What is null ? default : events.LastOrDefault(e => e.At <= published.At + Stopwatch.Frequency / 1000 && e.What.StartsWith("read ", StringComparison.Ordinal));
            var end = published.What is null ? default : events.FirstOrDefault(e => e.At >= published.At && e.What.StartsWith("reconcile-end", StringComparison.Ordinal));
            var start = end.What is null ? default : events.LastOrDefault(e => e.At <= end.At && e.What.StartsWith("reconcile-start", StringComparison.Ordinal));
            var shown = events.Where(e => !e.What.StartsWith("read ", StringComparison.Ordinal) && Ms(e.At) >= -1000 && e.At <= answered)
                .Append((At: answered, What: "DNS answers"));
            var text = string.Join(" | ", shown.Select(e => string.Create(CultureInfo.InvariantCulture, $"{Ms(e.At):+0;-0} {e.What}")));
            return new Steps(
                callback.What is null ? null : Ms(callback.At),
                trigger.What is null ? null : Ms(trigger.At),
                published.What is null ? null : Ms(published.At),
                read.What is null ? null : ParseReadMs(read.What),
                start.What is null ? null : Ms(start.At),
                end.What is null ? null : Ms(end.At),
                text);
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var what = eventId.Id switch
            {
                2413 => "callback",
                2401 => "publish " + AfterDatastore(formatter(state, exception)),
                2400 => "read " + formatter(state, exception),
                _ => null,
            };
            if (what is not null)
            {
                _events.Enqueue((Stopwatch.GetTimestamp(), what.Length > 160 ? what[..160] : what));
            }
        }

        public void Dispose()
        {
        }

        /// <summary>The message without its "Datastore {id}: " prefix, cut short.</summary>
        private static string AfterDatastore(string message)
        {
            var at = message.IndexOf(": ", StringComparison.Ordinal);
            var rest = at >= 0 && message.StartsWith("Datastore ", StringComparison.Ordinal) ? message[(at + 2)..] : message;
            return rest.Length > 90 ? rest[..90] : rest;
        }

        private static double? ParseReadMs(string read)
        {
            // "read Datastore …: read Published in 00:00:00.0123456 (…)"
            var at = read.IndexOf(" in ", StringComparison.Ordinal);
            return at >= 0 && TimeSpan.TryParse(read.AsSpan(at + 4, Math.Min(16, read.Length - at - 4)), CultureInfo.InvariantCulture, out var elapsed) ? elapsed.TotalMilliseconds : null;
        }
    }
}
