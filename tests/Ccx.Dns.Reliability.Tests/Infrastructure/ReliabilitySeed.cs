using System.Globalization;

namespace Ccx.Dns.Reliability.Tests.Infrastructure;

/// <summary>Seeds and sizes for the randomized tests, overridable from the environment to reproduce or soak.</summary>
public static class ReliabilitySeed
{
    /// <summary>Environment variable that overrides every randomized test's seed.</summary>
    public const string SeedVariable = "CCX_DNS_RELIABILITY_SEED";

    /// <summary>Environment variable that overrides the number of fault-injection rounds.</summary>
    public const string RoundsVariable = "CCX_DNS_RELIABILITY_ROUNDS";

    /// <summary>The seed from <see cref="SeedVariable"/>, or <paramref name="fallback"/>.</summary>
    public static int Get(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : fallback;

    /// <summary>The round count from <see cref="RoundsVariable"/>, or <paramref name="fallback"/>.</summary>
    public static int Rounds(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(RoundsVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var rounds) && rounds > 0 ? rounds : fallback;

    /// <summary>Runs <paramref name="body"/>; any failure is rethrown with the seed and how to replay it.</summary>
    public static async Task RunAsync(int seed, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception ex)
        {
            throw new ReproducibleFailureException(
                $"failed with seed {seed}; replay with {SeedVariable}={seed}: {ex.Message}", ex);
        }
    }
}

/// <summary>A randomized test's failure, naming the seed that reproduces it.</summary>
public sealed class ReproducibleFailureException(string message, Exception inner) : Exception(message, inner);
