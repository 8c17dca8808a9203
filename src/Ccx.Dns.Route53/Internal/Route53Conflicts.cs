namespace Ccx.Dns.Route53.Internal;

/// <summary>
/// Tells Route 53's refusals that mean "the zone is not what the plan was computed from" (a conflict: re-reading fixes
/// the plan) from refusals of the change itself (invalid data: permanent).
/// </summary>
internal static class Route53Conflicts
{
    // Route 53's InvalidChangeBatch messages for a CREATE of an existing record set, a DELETE of a missing one or with
    // other values, and a CNAME meeting other data at its name.
    private static readonly string[] ConflictPhrases =
    [
        "but it already exists",
        "but it was not found",
        "but the values provided do not match the current values",
        "is not permitted because a conflicting RRSet of type CNAME",
        "is not permitted as it conflicts with other records with the same DNS name",
    ];

    /// <summary>Whether an <c>InvalidChangeBatch</c> refusal lists only conflicts (and at least one).</summary>
    public static bool AreConflicts(Route53ApiException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.ErrorCode == Route53ErrorCodes.InvalidChangeBatch
            && error.Messages.Count > 0
            && error.Messages.All(IsConflict);
    }

    /// <summary>Whether one refusal message is a conflict.</summary>
    public static bool IsConflict(string message) =>
        ConflictPhrases.Any(p => message.Contains(p, StringComparison.OrdinalIgnoreCase));
}
