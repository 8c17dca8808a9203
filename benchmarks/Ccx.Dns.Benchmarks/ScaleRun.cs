using System.Diagnostics;
using System.Globalization;
using Ccx.Dns.Reconciliation;

namespace Ccx.Dns.Benchmarks;

/// <summary>
/// Out-of-process scale run (<c>scale CLUSTERS [failovers]</c>): builds the failover stack, then reports the initial
/// full reconcile, steady full reconciles, targeted failovers (median, p95, max, allocated per failover), the managed
/// heap per managed record and the process's peak RSS. Run one size per process so that RSS belongs to that size.
/// </summary>
internal static class ScaleRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clusters = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var failovers = args.Length > 1 && args[1] != "--hold" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000;
        var sw = Stopwatch.StartNew();
        using var phases = new RssByPhase("setup");
        FailoverStack.ReportsMemory = true;
        using var stack = new FailoverStack(clusters);
        var setup = sw.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup allocated {GC.GetTotalAllocatedBytes() / 1048576.0:0} MB, gen2 GCs {GC.CollectionCount(2)}, heap now {GC.GetTotalMemory(false) / 1048576.0:0} MB, committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:0} MB"));
        phases.Enter("steady full");

        var steady = new List<double>();
        var coldAllocatedBefore = GC.GetTotalAllocatedBytes();
        var coldGen2Before = GC.CollectionCount(2);
        var coldPauseBefore = GC.GetTotalPauseDuration();
        for (var i = 0; i < 5; i++)
        {
            sw.Restart();
            var result = await stack.Reconciler.RunOnceAsync();
            steady.Add(sw.Elapsed.TotalMilliseconds);
            if (i == 0)
            {
                FailoverStack.ReportMemory("after the first full reconcile");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  first full reconcile after the bulk creation: {steady[0]:0} ms, allocated {(GC.GetTotalAllocatedBytes() - coldAllocatedBefore) / 1048576.0:0} MB, {GC.CollectionCount(2) - coldGen2Before} gen2, GC pauses {(GC.GetTotalPauseDuration() - coldPauseBefore).TotalMilliseconds:0} ms"));
            }

            if (result.Outcome != ReconcileOutcome.NoChanges)
            {
                throw new InvalidOperationException(result.ToString());
            }
        }

        phases.Enter("targeted");
        var targeted = new List<double>(failovers);
        long allocated = 0;
        for (var i = 0; i < failovers; i++)
        {
            stack.FailoverFast();
            var before = GC.GetAllocatedBytesForCurrentThread();
            sw.Restart();
            var result = await stack.Reconciler.RunOnceAsync(stack.LastNames);
            targeted.Add(sw.Elapsed.TotalMilliseconds);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            if (result.Mode != ReconcileMode.Targeted || result.AppliedChanges.UpdateNew.Count != 2)
            {
                throw new InvalidOperationException(result.ToString());
            }
        }

        phases.Enter("full after");
        var pauseBefore = GC.GetTotalPauseDuration();
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var gen2Before = GC.CollectionCount(2);
        sw.Restart();
        var full = await stack.Reconciler.RunOnceAsync();
        var fullAfter = sw.Elapsed.TotalMilliseconds;
        var fullPause = (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds;
        var fullAllocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        var fullGen2 = GC.CollectionCount(2) - gen2Before;
        sw.Restart();
        var steadyAfter = await stack.Reconciler.RunOnceAsync();
        var steadyAfterMs = sw.Elapsed.TotalMilliseconds;

        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        targeted.Sort();
        steady.Sort();
        var records = 2 * clusters;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"clusters {clusters:N0}: {records:N0} records + {records:N0} ownership TXT"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup (topology + initial full reconcile): {setup.TotalSeconds:0.00} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  steady full reconcile: median {steady[steady.Count / 2]:0.0} ms (min {steady[0]:0.0}, max {steady[^1]:0.0})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  targeted failover ({failovers}): median {targeted[targeted.Count / 2] * 1000:0} us, p95 {targeted[(int)(targeted.Count * 0.95)] * 1000:0} us, max {targeted[^1]:0.00} ms, allocated {allocated / failovers / 1024.0:0.0} KB per failover"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  full reconcile after the failovers ({full.Outcome}): {fullAfter:0.0} ms (GC pauses {fullPause:0} ms, {fullGen2} gen2, allocated {fullAllocated / 1048576.0:0} MB); next steady full: {steadyAfterMs:0.0} ms ({steadyAfter.Outcome})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  managed heap {heap / 1048576.0:0.0} MB = {heap / (double)records:0} bytes per managed record (record + ownership + desired + views); peak RSS {process.PeakWorkingSet64 / 1048576.0:0} MB"));
        Console.WriteLine("  peak RSS by phase: " + phases);
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  GC: heap {info.HeapSizeBytes / 1048576.0:0} MB, fragmented {info.FragmentedBytes / 1048576.0:0} MB, committed {info.TotalCommittedBytes / 1048576.0:0} MB, RSS now {Environment.WorkingSet / 1048576.0:0} MB"));
        var generations = info.GenerationInfo.ToArray();
        Console.WriteLine("  GC by generation (size / fragmented after the last collection): " + string.Join(", ", Enumerable.Range(0, generations.Length).Select(g => string.Create(CultureInfo.InvariantCulture, $"{(g < 3 ? "gen" + g : g == 3 ? "LOH" : "POH")} {generations[g].SizeAfterBytes / 1048576.0:0}/{generations[g].FragmentationAfterBytes / 1048576.0:0} MB"))));
        await HeapSnapshotPause.HoldIfAskedAsync(args, stack);

        return 0;
    }
}

/// <summary>
/// The full reconcile that follows targeted failovers (<c>scale-full CLUSTERS [ROUNDS]</c>): each round fails 20 clusters
/// over (targeted) and then runs one full reconcile; reports the median and the spread of those full reconciles.
/// </summary>
internal static class ScaleFull
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clusters = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        using var stack = new FailoverStack(clusters);
        await stack.Reconciler.RunOnceAsync();
        var fulls = new List<double>(rounds);
        var sw = new Stopwatch();
        var (gen0, gen1, gen2, pause) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < 20; i++)
            {
                stack.FailoverFast();
                await stack.Reconciler.RunOnceAsync(stack.LastNames);
            }

            sw.Restart();
            var result = await stack.Reconciler.RunOnceAsync();
            fulls.Add(sw.Elapsed.TotalMilliseconds);
            if (result.Outcome != ReconcileOutcome.NoChanges)
            {
                throw new InvalidOperationException(result.ToString());
            }
        }

        fulls.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"clusters {clusters:N0}: full reconcile after 20 targeted failovers, {rounds} rounds: median {fulls[fulls.Count / 2]:0.0} ms (min {fulls[0]:0.0}, max {fulls[^1]:0.0}); collections in the rounds: gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}, pauses {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:0} ms"));
        return 0;
    }
}

/// <summary>Where a steady full reconcile spends its time (development aid: <c>scale-split CLUSTERS</c>).</summary>
internal static class ScaleSplit
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clusters = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        using var stack = new FailoverStack(clusters);
        for (var round = 0; round < 3; round++)
        {
            var sw = Stopwatch.StartNew();
            var desired = await stack.Source.GetEndpointsAsync();
            var tSource = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var pause0 = GC.GetTotalPauseDuration();
            var current = await stack.Registry.GetRecordsAsync();
            var tRegistry = sw.Elapsed.TotalMilliseconds;
            Console.Write(string.Create(CultureInfo.InvariantCulture, $"[registry GC pause {(GC.GetTotalPauseDuration() - pause0).TotalMilliseconds:0} ms] "));
            sw.Restart();
            foreach (var d in desired)
            {
                _ = Endpoints.EndpointValidator.Validate(d);
            }

            var tValidate = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var plan = Planning.Planner.Instance.Calculate(new Planning.PlanInput { Current = current, Desired = desired, OwnerId = "bench" });
            var tPlan = sw.Elapsed.TotalMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"source {tSource:0.0} ms, registry {tRegistry:0.0} ms, validate {tValidate:0.0} ms, plan (incl. validate) {tPlan:0.0} ms, changes {plan.Changes.Count}"));
        }

        return 0;
    }
}

/// <summary>
/// Where the memory goes (<c>scale-memory CLUSTERS</c>): builds the failover stack piece by piece and reports the
/// managed heap each piece adds, per managed record.
/// </summary>
internal static class ScaleMemory
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clusters = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var records = 2.0 * clusters;
        long last = Heap();
        void Step(string what)
        {
            var now = Heap();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-58} +{(now - last) / 1048576.0,7:0.0} MB  {(now - last) / records,6:0} B/record"));
            last = now;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"clusters {clusters:N0} ({records:N0} records + {records:N0} ownership TXT)"));
        var source = new Sources.Datastore.DatastoreNamingSource();
        var topology = new List<Sources.Datastore.DatastoreCluster>(clusters);
        for (var i = 0; i < clusters; i++)
        {
            topology.Add(new Sources.Datastore.DatastoreCluster(new Guid(i, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]), FailoverStack.Zone,
            [
                new($"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}", Sources.Datastore.DatastoreNodeRole.Primary),
                new($"10.{128 + ((i >> 16) & 127)}.{(i >> 8) & 255}.{i & 255}", Sources.Datastore.DatastoreNodeRole.Replica),
            ]));
        }

        source.SetClusters(topology);
        topology = null;
        Step("datastore source (clusters + desired endpoints)");
        var desired = await source.GetEndpointsAsync();
        Step("source snapshot list");
        var provider = new Ccx.Dns.Providers.InMemory.InMemoryDnsProvider([FailoverStack.Zone]);
        var cached = new Ccx.Dns.Providers.Caching.CachingDnsProvider(provider, new Ccx.Dns.Providers.Caching.CachingDnsProviderOptions { CacheDuration = TimeSpan.FromHours(1) });
        var registry = new Registry.Txt.TxtRegistry(cached, new Registry.Txt.TxtRegistryOptions { OwnerId = "bench" });
        await registry.GetRecordsAsync();
        await registry.ApplyChangesAsync(new Planning.DnsChanges { Create = desired });
        Step("apply (provider + cache + registry view, pre-label)");
        var labelled = await registry.GetRecordsAsync();
        Step("labelled records (full read)");
        _ = await provider.GetRecordsAsync();
        Step("in-memory provider snapshot");
        var plan = Planning.Planner.Instance.Calculate(new Planning.PlanInput { Current = labelled, Desired = desired, OwnerId = "bench" });
        Step($"a full plan's result ({plan.Changes.Count} changes)");
        GC.KeepAlive(source);
        GC.KeepAlive(registry);
        GC.KeepAlive(labelled);
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  total heap {Heap() / 1048576.0:0.0} MB; peak RSS {process.PeakWorkingSet64 / 1048576.0:0} MB"));
        await HeapSnapshotPause.HoldIfAskedAsync(args, desired);

        return 0;
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>Samples the process's resident set every 20 ms and keeps the peak of each named phase.</summary>
internal sealed class RssByPhase : IDisposable
{
    private readonly List<(string Phase, long PeakBytes)> _phases = [];
    private readonly Timer _timer;
    private readonly Lock _gate = new();

    public RssByPhase(string first)
    {
        _phases.Add((first, 0));
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
    }

    public void Enter(string phase)
    {
        Sample();
        lock (_gate)
        {
            _phases.Add((phase, 0));
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return string.Join(", ", _phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.PeakBytes / 1048576.0:0} MB")));
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        long rss = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                break;
            }
        }

        lock (_gate)
        {
            var last = _phases[^1];
            if (rss > last.PeakBytes)
            {
                _phases[^1] = (last.Phase, rss);
            }
        }
    }
}

/// <summary>With <c>--hold</c>, keeps the process and what it measured alive for two minutes: time to take a heap dump.</summary>
internal static class HeapSnapshotPause
{
    public static async Task HoldIfAskedAsync(string[] args, object alive)
    {
        if (args.Contains("--hold"))
        {
            // dotnet-dump collect -p <pid> --type Heap, or dotnet-gcdump collect -p <pid>.
            Console.WriteLine($"  holding for 120 s (pid {Environment.ProcessId})");
            await Task.Delay(TimeSpan.FromSeconds(120));
            GC.KeepAlive(alive);
        }
    }
}

/// <summary>
/// A failover that arrives while a full reconcile runs (<c>scale-preempt CLUSTERS [DELAY_MS] [ROUNDS]</c>): the first
/// full reconcile after the bulk creation (cold), then rounds of 20 targeted failovers and a full reconcile (warm); in
/// each, one more cluster fails over DELAY_MS into the full reconcile. Reports the failover's time to applied (the full
/// reconcile yields to it) and the full reconcile's own time.
/// </summary>
internal static class ScalePreempt
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clusters = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var delay = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        using var stack = new FailoverStack(clusters);
        var warm = new List<(double Failover, double Full)>();
        for (var round = 0; round <= rounds; round++)
        {
            if (round > 0)
            {
                for (var i = 0; i < 20; i++)
                {
                    stack.FailoverFast();
                    await stack.Reconciler.RunOnceAsync(stack.LastNames);
                }
            }

            var fullClock = Stopwatch.StartNew();
            var full = Task.Run(() => stack.Reconciler.RunOnceAsync());
            await Task.Delay(delay);
            stack.FailoverFast();
            var failoverClock = Stopwatch.StartNew();
            var failover = await stack.Reconciler.RunOnceAsync(stack.LastNames);
            var failoverMs = failoverClock.Elapsed.TotalMilliseconds;
            var fullDone = full.IsCompleted;
            var fullResult = await full;
            var fullMs = fullClock.Elapsed.TotalMilliseconds;
            if (failover.Mode != ReconcileMode.Targeted || failover.AppliedChanges.UpdateNew.Count != 2 || fullResult.Error is not null)
            {
                throw new InvalidOperationException($"{failover} / {fullResult}");
            }

            if (round == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"clusters {clusters:N0}, failover {delay} ms into the full reconcile"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cold (first full after the bulk creation): failover applied in {failoverMs:0.0} ms{(fullDone ? " (the full reconcile had already ended)" : string.Empty)}; the full reconcile took {fullMs:0} ms ({fullResult.Outcome})"));
            }
            else
            {
                warm.Add((failoverMs, fullMs));
            }
        }

        if (warm.Count > 0)
        {
            var failovers = warm.Select(w => w.Failover).Order().ToList();
            var fulls = warm.Select(w => w.Full).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  warm ({warm.Count} rounds after 20 failovers): failover applied median {failovers[failovers.Count / 2]:0.0} ms (max {failovers[^1]:0.0}); the full reconcile median {fulls[fulls.Count / 2]:0} ms"));
        }

        return 0;
    }
}
