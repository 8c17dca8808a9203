using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Ccx.Dns.Route53.Internal;

/// <summary>
/// One token bucket per AWS account, shared by every provider instance using that account (Route 53 allows
/// 5 requests per second per account, all callers together). The account is identified by
/// <see cref="Route53ProviderOptions.AccountId"/> when set, else by the access key id. Registered once per
/// container; providers created without a container share <see cref="Shared"/>.
/// </summary>
internal sealed class Route53AccountRateLimiters : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<RateLimiter>> _limiters = new(StringComparer.Ordinal);

    /// <summary>The process-wide registry used by providers created without dependency injection.</summary>
    public static Route53AccountRateLimiters Shared { get; } = new();

    /// <summary>Gets the limiter of an account, creating it with the given rate on first use.</summary>
    public RateLimiter GetOrCreate(string account, double requestsPerSecond, int burst)
    {
        ArgumentNullException.ThrowIfNull(account);
        return _limiters.GetOrAdd(account, _ => new Lazy<RateLimiter>(() => Create(requestsPerSecond, burst))).Value;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            if (limiter.IsValueCreated)
            {
                limiter.Value.Dispose();
            }
        }

        _limiters.Clear();
    }

    internal static TokenBucketRateLimiter Create(double requestsPerSecond, int burst)
    {
        // One token every 1/rate seconds, at least 1 ms; a bucket of `burst` tokens. Waiters queue in order.
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, (long)(TimeSpan.TicksPerSecond / requestsPerSecond)));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = period,
            AutoReplenishment = true,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }
}
