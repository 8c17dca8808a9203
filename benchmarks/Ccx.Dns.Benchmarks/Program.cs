using BenchmarkDotNet.Running;
using Ccx.Dns.Benchmarks;

// "failover-latency [bind|pdns|all]" is a wall-clock console measurement against real DNS servers; "patroni-failover
// [poll|callback|both]" follows real Patroni failovers into DNS and to a client connecting by name; "scale CLUSTERS
// [FAILOVERS]" an out-of-process run that reports peak RSS ("scale-full", "scale-preempt", "scale-split" and
// "scale-memory" are its variants, see ScaleRun.cs); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "failover-latency")
{
    return await FailoverLatencyBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "patroni-failover")
{
    return await PatroniFailoverBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "scale-memory")
{
    return await ScaleMemory.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "scale-split")
{
    return await ScaleSplit.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "scale-full")
{
    return await ScaleFull.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "scale-preempt")
{
    return await ScalePreempt.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "scale")
{
    return await ScaleRun.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
