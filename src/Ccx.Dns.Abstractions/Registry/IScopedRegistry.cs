using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Registry;

/// <summary>
/// A registry that keeps its view of the provider between calls and can serve the records of a few names from it,
/// so that a targeted reconcile never reads or labels the whole zone.
/// </summary>
public interface IScopedRegistry : IRegistry
{
    /// <summary>Reads the records at the given names, with ownership labels, from the kept view.</summary>
    /// <param name="names">Normalised names (<see cref="DnsNames.Normalize"/>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Exactly the records a full <see cref="IRegistry.GetRecordsAsync"/> over the same view would return at
    /// those names; <see langword="null"/> when there is no view to serve from (never read, dropped after a failure, or
    /// expired), in which case the caller reads in full.</returns>
    Task<IReadOnlyList<DnsEndpoint>?> GetRecordsAsync(IReadOnlySet<string> names, CancellationToken cancellationToken = default);
}
