namespace Ccx.Dns.Planning;

/// <summary>
/// A plan policy (ExternalDNS <c>--policy</c>): a strategy that filters the calculated changes, for example
/// dropping deletes (<c>upsert-only</c>).
/// </summary>
public interface IPlanPolicy
{
    /// <summary>The policy name, for example <c>sync</c>.</summary>
    string Name { get; }

    /// <summary>Filters the changes.</summary>
    /// <param name="changes">The calculated changes.</param>
    /// <returns>The changes this policy allows.</returns>
    DnsChanges Apply(DnsChanges changes);
}
