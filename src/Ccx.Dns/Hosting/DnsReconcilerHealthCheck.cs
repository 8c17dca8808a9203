using System.Globalization;
using Ccx.Dns.Reconciliation;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ccx.Dns.Hosting;

/// <summary>
/// Reports the reconciler unhealthy when its last successful sync is older than
/// <see cref="DnsReconcilerOptions.UnhealthyAfterIntervals"/> × <see cref="DnsReconcilerOptions.Interval"/>
/// (counted from start-up before the first sync) and as soon as the safety guard withholds a plan (it waits for a
/// person to approve it), degraded while the last reconcile failed but the threshold is not yet reached or when records
/// owned by someone else kept desired changes out (owner mismatches), healthy otherwise. Add it with <c>AddDnsReconcilerCheck()</c>.
/// </summary>
public sealed class DnsReconcilerHealthCheck : IHealthCheck
{
    private readonly DnsReconciler _reconciler;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the check.</summary>
    /// <param name="reconciler">The reconciler.</param>
    /// <param name="timeProvider">The clock.</param>
    public DnsReconcilerHealthCheck(DnsReconciler reconciler, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _reconciler = reconciler;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = _reconciler.Options;
        var threshold = options.Interval * options.UnhealthyAfterIntervals;
        var lastSync = _reconciler.LastSuccessfulSyncAt;
        var last = _reconciler.LastResult;
        var age = _timeProvider.GetUtcNow() - (lastSync ?? _reconciler.CreatedAt);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["lastSuccessfulSync"] = lastSync?.ToString("O", CultureInfo.InvariantCulture) ?? "never",
            ["lastOutcome"] = last?.Outcome.ToString() ?? "none",
            ["consecutiveTransientFailures"] = _reconciler.ConsecutiveTransientFailures,
        };
        // The cause chain on one line, never the exception: the health service logs a result's exception with its stack
        // trace on every probe.
        var detail = last switch
        {
            null => "no reconcile has run yet",
            { Error: { Exception: { } thrown } error } => $"{error.Stage} failed ({(error.IsTransient ? "transient" : "permanent")}): {Diagnostics.ExceptionChain.Describe(thrown)}",
            { Error: { } error } => error.ToString(),
            { WithheldReason: { } reason } => "plan withheld: " + reason,
            _ => last.Outcome.ToString(),
        };

        if (age > threshold)
        {
            return Task.FromResult(new HealthCheckResult(
                context.Registration.FailureStatus,
                string.Create(CultureInfo.InvariantCulture, $"no successful DNS sync for {age.TotalSeconds:0} s (threshold {threshold.TotalSeconds:0} s); last: {detail}"),
                null,
                data));
        }

        // A withheld plan waits for a person: DNS is not following the sources until someone approves it.
        if (last is { Outcome: ReconcileOutcome.Withheld })
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "DNS plan withheld by the safety guard: " + last.WithheldReason, null, data));
        }

        if (last is { Outcome: ReconcileOutcome.Failed })
        {
            return Task.FromResult(HealthCheckResult.Degraded("the last DNS reconcile did not complete: " + detail, null, data));
        }

        // Desired changes someone else's records keep out: the reconcile "succeeds" while DNS does not follow.
        if (last is { OwnerMismatches.Count: > 0 } blocked)
        {
            var names = string.Join(", ", blocked.OwnerMismatches.Take(3).Select(m =>
                $"{m.Record.DnsName} {m.Record.RecordType} ({(m.ForeignOwner.Length == 0 ? "no owner" : "owner '" + m.ForeignOwner + "'")})"));
            return Task.FromResult(HealthCheckResult.Degraded(
                string.Create(CultureInfo.InvariantCulture, $"{blocked.OwnerMismatches.Count} record(s) not owned by this control plane keep desired changes out: {names}{(blocked.OwnerMismatches.Count > 3 ? ", …" : string.Empty)}"),
                null,
                data));
        }

        return Task.FromResult(HealthCheckResult.Healthy(lastSync is null ? "starting: " + detail : "DNS in sync: " + detail, data));
    }
}
