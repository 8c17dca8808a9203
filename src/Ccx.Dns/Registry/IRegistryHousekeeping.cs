namespace Ccx.Dns.Registry;

/// <summary>
/// A registry that can have ownership bookkeeping to tidy up even when the plan has no record changes (for example
/// ownership records left behind by a provider that failed half-way). The reconciler then calls
/// <see cref="IRegistry.ApplyChangesAsync"/> with an empty change set so the registry can write it.
/// </summary>
internal interface IRegistryHousekeeping
{
    /// <summary>Whether the last read found bookkeeping to tidy up.</summary>
    bool HasPendingCleanup { get; }
}
