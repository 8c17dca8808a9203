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
}
