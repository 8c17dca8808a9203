namespace Ccx.Dns;

/// <summary>
/// Cancellation checked every <see cref="Stride"/> items of a long loop over records (the planner's rows, a registry's
/// full read): often enough to stop within a fraction of a millisecond, rarely enough to cost nothing.
/// </summary>
internal static class PeriodicCancellation
{
    /// <summary>How many items a loop handles between two checks (a power of two).</summary>
    public const int Stride = 4_096;

    /// <summary>Whether the item at <paramref name="index"/> (counted from the loop's start) is one at which to check.</summary>
    /// <param name="index">The item's position in the loop.</param>
    /// <returns><see langword="true"/> at every <see cref="Stride"/>th item, the first included.</returns>
    public static bool IsCheckpoint(int index) => (index & (Stride - 1)) == 0;

    /// <summary>Throws when <paramref name="cancellationToken"/> is cancelled, checked at every <see cref="Stride"/>th item.</summary>
    /// <param name="index">The item's position in the loop.</param>
    /// <param name="cancellationToken">The token.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void ThrowAt(int index, CancellationToken cancellationToken)
    {
        if (IsCheckpoint(index))
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
