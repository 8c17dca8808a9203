namespace Ccx.Dns.Registry;

/// <summary>
/// A registry that can have ownership bookkeeping to tidy up even when the plan has no record changes (for example
/// ownership entries left behind when a write failed half-way and the record stopped being desired). When its last read
/// found some, <see cref="Reconciliation.DnsReconciler"/> calls <see cref="IRegistry.ApplyChangesAsync"/> with an empty
/// change set (outside dry runs, after the lease check) so that the registry can delete them.
/// </summary>
public interface IRegistryHousekeeping
{
    /// <summary>Whether the last read found bookkeeping to tidy up.</summary>
    bool HasPendingCleanup { get; }
}
