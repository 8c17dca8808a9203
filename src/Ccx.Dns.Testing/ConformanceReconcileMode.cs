namespace Ccx.Dns.Testing;

/// <summary>How the conformance runner reconciles each step after the first (which is always a full reconcile).</summary>
public enum ConformanceReconcileMode
{
    /// <summary>Every step is a full reconcile.</summary>
    Full,

    /// <summary>
    /// Every later step reconciles only the names the source's change signal named
    /// (<see cref="Reconciliation.DnsReconciler.RunOnceAsync(IEnumerable{string}, CancellationToken)"/>); with a registry
    /// that serves names from its view (<see cref="Registry.IScopedRegistry"/>) the step fails unless the reconcile was
    /// targeted.
    /// </summary>
    Targeted,
}
