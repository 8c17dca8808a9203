using Ccx.Dns.Reconciliation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ccx.Dns.Hosting;

/// <summary>
/// What the run-once mode (<see cref="DnsReconcilerOptions.Once"/>, ExternalDNS <c>--once</c>) did: the report of its
/// one reconcile and the exit code it set. Resolve it after <c>host.RunAsync()</c> returns.
/// </summary>
public sealed class DnsRunOnceOutcome
{
    private readonly Lock _gate = new();
    private ReconcileResult? _result;
    private int? _exitCode;

    /// <summary>The report of the one reconcile; <see langword="null"/> until it ran (or when run-once is off).</summary>
    public ReconcileResult? Result
    {
        get
        {
            lock (_gate)
            {
                return _result;
            }
        }
    }

    /// <summary>
    /// 0 when the reconcile completed (applied, no changes, dry run, not the leader), 1 when it failed or its plan was
    /// withheld; <see langword="null"/> until it ran. Also set as <see cref="Environment.ExitCode"/>.
    /// </summary>
    public int? ExitCode
    {
        get
        {
            lock (_gate)
            {
                return _exitCode;
            }
        }
    }

    internal void Set(ReconcileResult result, int exitCode)
    {
        lock (_gate)
        {
            _result = result;
            _exitCode = exitCode;
        }
    }
}

/// <summary>
/// The run-once mode in a generic host: when <see cref="DnsReconcilerOptions.Once"/> is set, runs one full reconcile,
/// writes its report (Markdown) to standard output, sets the exit code (0 completed, 1 failed or withheld) and stops the
/// application. The periodic loop does not run in this mode.
/// </summary>
internal sealed class DnsRunOnceService(
    DnsReconciler reconciler,
    DnsRunOnceOutcome outcome,
    IHostApplicationLifetime? lifetime,
    ILogger<DnsRunOnceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!reconciler.Options.Once)
        {
            return;
        }

        var result = await reconciler.RunOnceAsync(stoppingToken).ConfigureAwait(false);
        var exitCode = result.Succeeded && result.Outcome != ReconcileOutcome.Withheld ? 0 : 1;
        outcome.Set(result, exitCode);
        Environment.ExitCode = exitCode;
        await Console.Out.WriteAsync(result.ToMarkdown().AsMemory(), stoppingToken).ConfigureAwait(false);
        await Console.Out.FlushAsync(stoppingToken).ConfigureAwait(false);
        Log.RunOnceFinished(logger, result.Outcome, exitCode);
        lifetime?.StopApplication();
    }
}
