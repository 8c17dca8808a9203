using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Providers;

/// <summary>
/// The provider refused changes because the records at the server are not what the plan was calculated from: a
/// create found the record set already present (another writer created it since it was read), or an update or delete
/// found a different value or no record set. The refused changes are in
/// <see cref="DnsProviderException.RejectedEndpoints"/>, each with its reason; <see cref="DnsProviderException.IsPartial"/>
/// tells whether other changes of the same call were applied.
/// </summary>
/// <remarks>
/// Providers write creates as <i>create-if-absent</i> (and updates and deletes as conditional on the value read) where
/// their protocol allows, so that a stale view can never overwrite or merge into another owner's record. A conflict
/// is transient: the caller drops what it cached, reads again, and the planner then sees the record as it is (for
/// example as another owner's, which it leaves alone).
/// </remarks>
public sealed class DnsRecordConflictException : DnsProviderException
{
    /// <summary>Creates a conflict with a default message.</summary>
    public DnsRecordConflictException()
        : this("the records at the DNS provider changed since they were read", [], isPartial: false)
    {
    }

    /// <summary>Creates a conflict.</summary>
    /// <param name="message">What conflicted.</param>
    public DnsRecordConflictException(string message)
        : this(message, [], isPartial: false)
    {
    }

    /// <summary>Creates a conflict with a cause.</summary>
    /// <param name="message">What conflicted.</param>
    /// <param name="innerException">The cause.</param>
    public DnsRecordConflictException(string message, Exception innerException)
        : this(message, [], isPartial: false, innerException)
    {
    }

    /// <summary>Creates a conflict.</summary>
    /// <param name="message">What conflicted.</param>
    /// <param name="conflicts">The refused changes, each with its reason.</param>
    /// <param name="isPartial">Whether other changes of the same call were applied.</param>
    /// <param name="innerException">The cause, if any.</param>
    public DnsRecordConflictException(string message, IReadOnlyList<RejectedEndpoint> conflicts, bool isPartial, Exception? innerException = null)
        : base(message, isTransient: true, innerException)
    {
        ArgumentNullException.ThrowIfNull(conflicts);
        RejectedEndpoints = conflicts;
        IsPartial = isPartial;
    }
}
