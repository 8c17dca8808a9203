using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ccx.Dns.Patroni;

/// <summary>
/// Reports the <see cref="PatroniSource"/>: healthy while every datastore's last read published its state; degraded
/// while some datastore is not read yet or keeps its last published state (no leader, leader or members unreachable,
/// conflicting leaders); the registration's failure status once one has kept it for longer than
/// <see cref="PatroniSourceOptions.HealthStaleAfter"/>. The data names each datastore's condition, leader and since when
/// it holds. Add it with <c>AddPatroniSourceCheck()</c>.
/// </summary>
public sealed class PatroniSourceHealthCheck : IHealthCheck
{
    private readonly PatroniSource _source;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the check.</summary>
    /// <param name="source">The source.</param>
    /// <param name="timeProvider">The clock.</param>
    public PatroniSourceHealthCheck(PatroniSource source, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _source = source;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = _timeProvider.GetUtcNow();
        var staleAfter = _source.Options.HealthStaleAfter;
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var stale = new List<string>();
        var holding = new List<string>();
        var notRead = 0;
        foreach (var status in _source.Statuses)
        {
            var id = status.DatastoreId.ToString("D", CultureInfo.InvariantCulture);
            data[id] = status.HoldingSince is { } since
                ? string.Create(CultureInfo.InvariantCulture, $"{status.Condition} since {since:O} (leader {status.Leader ?? "none"}): {status.Detail}")
                : string.Create(CultureInfo.InvariantCulture, $"{status.Condition} (leader {status.Leader ?? "none"})");
            if (status.Condition == PatroniClusterCondition.NotRead)
            {
                notRead++;
            }
            else if (status.HoldingSince is { } holdingSince)
            {
                var entry = string.Create(CultureInfo.InvariantCulture, $"{id} ({status.Condition} for {(now - holdingSince).TotalSeconds:0} s)");
                (now - holdingSince > staleAfter ? stale : holding).Add(entry);
            }
        }

        if (stale.Count > 0)
        {
            return Task.FromResult(new HealthCheckResult(
                context.Registration.FailureStatus,
                string.Create(CultureInfo.InvariantCulture, $"{stale.Count} Patroni datastore(s) kept their last published state for more than {staleAfter.TotalSeconds:0} s: {string.Join(", ", stale)}"),
                data: data));
        }

        if (holding.Count > 0 || notRead > 0)
        {
            var parts = new List<string>();
            if (holding.Count > 0)
            {
                parts.Add($"{holding.Count} Patroni datastore(s) keep their last published state: {string.Join(", ", holding)}");
            }

            if (notRead > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{notRead} not read yet"));
            }

            return Task.FromResult(HealthCheckResult.Degraded(string.Join("; ", parts), data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"{data.Count} Patroni datastore(s) published"), data));
    }
}
