namespace Ccx.Dns.Coordination;

/// <summary>
/// A leader-election lease: of several replicas of a service, only the one holding the lease applies DNS
/// changes (the others keep computing plans, so they can take over at once). Implementations keep the lease in
/// a shared store with an expiry (for example a DynamoDB item with a conditional write).
/// </summary>
public interface ILeaderLease
{
    /// <summary>Whether this instance held the lease at the last successful acquire or renew, and it has not expired since.</summary>
    bool IsHeld { get; }

    /// <summary>Acquires the lease when it is free or expired, or renews it when this instance holds it.</summary>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>Whether this instance holds the lease afterwards.</returns>
    /// <exception cref="Providers.DnsProviderException">The lease store failed; the lease must be treated as not held.</exception>
    Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// How much longer this instance may act as the holder, measured only on its own clock from the moment it sent the
    /// last successful acquire or renew (never from a time another instance wrote); <see cref="TimeSpan.Zero"/> when
    /// not held. The reconciler applies nothing when this is below its margin and cancels an apply that reaches it.
    /// </summary>
    /// <value>The default implementation returns <see cref="TimeSpan.MaxValue"/> while <see cref="IsHeld"/> and zero otherwise.</value>
    TimeSpan RemainingTime => IsHeld ? TimeSpan.MaxValue : TimeSpan.Zero;

    /// <summary>
    /// The fencing token of the current grant: a number that increases every time the lease changes hands, so that a
    /// store can refuse a write carrying an older token; 0 when not held or when the lease keeps no token.
    /// </summary>
    /// <value>The default implementation returns 0.</value>
    long FencingToken => 0;
}
