namespace Ccx.Dns.TestServers;

/// <summary>
/// Waits for a condition another thread brings about. Not a timed test: the real-time bound (30 s unless given) only
/// stops a hung test, with a message saying what never happened.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>Completes once <paramref name="condition"/> holds.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="what">What is waited for, for the message.</param>
    /// <param name="limit">The real-time bound; 30 s when null.</param>
    /// <param name="interval">How long between checks; 5 ms when null.</param>
    /// <returns>A task that completes when the condition holds.</returns>
    /// <exception cref="TimeoutException">It never held within <paramref name="limit"/>.</exception>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? limit = null, TimeSpan? interval = null) =>
        TrueAsync(() => Task.FromResult(condition()), () => what, limit, interval);

    /// <summary>Completes once <paramref name="condition"/> holds.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="what">What is waited for, for the message (evaluated only on failure).</param>
    /// <param name="limit">The real-time bound; 30 s when null.</param>
    /// <param name="interval">How long between checks; 5 ms when null.</param>
    /// <returns>A task that completes when the condition holds.</returns>
    /// <exception cref="TimeoutException">It never held within <paramref name="limit"/>.</exception>
    public static Task TrueAsync(Func<bool> condition, Func<string> what, TimeSpan? limit = null, TimeSpan? interval = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, limit, interval);

    /// <summary>Completes once the asynchronous <paramref name="condition"/> holds.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="what">What is waited for, for the message.</param>
    /// <param name="limit">The real-time bound; 30 s when null.</param>
    /// <param name="interval">How long between checks; 5 ms when null.</param>
    /// <returns>A task that completes when the condition holds.</returns>
    /// <exception cref="TimeoutException">It never held within <paramref name="limit"/>.</exception>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null, TimeSpan? interval = null) =>
        TrueAsync(condition, () => what, limit, interval);

    private static async Task TrueAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? limit, TimeSpan? interval)
    {
        var bound = limit ?? DefaultLimit;
        using var deadline = new CancellationTokenSource(bound);
        while (!await condition().ConfigureAwait(false))
        {
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"never happened within {bound.TotalSeconds} s: {what()}");
            }

            await Task.Delay(interval ?? DefaultInterval, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
