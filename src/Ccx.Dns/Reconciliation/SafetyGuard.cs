using System.Globalization;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Reconciliation;

/// <summary>Why the safety guard withholds a plan.</summary>
/// <param name="Tag">The metric tag: <c>thresholds</c> or <c>empty_source</c>.</param>
/// <param name="Reason">The explanation for operators, naming the override.</param>
internal sealed record GuardVerdict(string Tag, string Reason);

/// <summary>
/// The safety guard: judges a plan against the number of records we own, as octoDNS's update/delete thresholds do.
/// </summary>
internal static class SafetyGuard
{
    public const string ThresholdsTag = "thresholds";
    public const string EmptySourceTag = "empty_source";

    /// <summary>Judges a plan.</summary>
    /// <param name="options">The thresholds.</param>
    /// <param name="ownedCount">Current records in scope that we own.</param>
    /// <param name="desiredCount">Desired endpoints the sources returned (all sources together).</param>
    /// <param name="changes">The plan.</param>
    /// <returns>Why the plan must be withheld, or <see langword="null"/> when it may be applied.</returns>
    public static GuardVerdict? Evaluate(SafetyGuardOptions options, int ownedCount, int desiredCount, DnsChanges changes)
    {
        if (desiredCount == 0 && ownedCount > 0 && changes.Delete.Count > 0 && !options.AllowEmptySource)
        {
            return new GuardVerdict(
                EmptySourceTag,
                string.Create(CultureInfo.InvariantCulture,
                    $"the sources returned no endpoints while {ownedCount} owned records exist; the plan would delete {changes.Delete.Count} of them. Set Guard.AllowEmptySource or approve the plan to apply it"));
        }

        if (ownedCount < options.MinExistingRecords || ownedCount == 0 || options.AllowUnsafePlans)
        {
            return null;
        }

        var reasons = new List<string>(2);
        var deletes = changes.Delete.Count;
        var updates = changes.UpdateNew.Count;
        if (deletes * 100d > options.MaxDeletePercent * ownedCount)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"it deletes {deletes} of {ownedCount} owned records ({deletes * 100d / ownedCount:0.#}% > Guard.MaxDeletePercent {options.MaxDeletePercent}%)"));
        }

        if (updates * 100d > options.MaxUpdatePercent * ownedCount)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"it updates {updates} of {ownedCount} owned records ({updates * 100d / ownedCount:0.#}% > Guard.MaxUpdatePercent {options.MaxUpdatePercent}%)"));
        }

        return reasons.Count == 0
            ? null
            : new GuardVerdict(ThresholdsTag, "the plan is unsafe: " + string.Join("; ", reasons) + ". Set Guard.AllowUnsafePlans or approve the plan to apply it");
    }

    /// <summary>A fingerprint of a plan, independent of list order, to match an approval to the plan approved.</summary>
    /// <param name="changes">The plan.</param>
    /// <returns>The fingerprint.</returns>
    public static string Fingerprint(DnsChanges changes)
    {
        var lines = new List<string>(changes.Count);
        lines.AddRange(changes.Create.Select(e => "c " + e));
        lines.AddRange(changes.UpdateOld.Select(e => "o " + e));
        lines.AddRange(changes.UpdateNew.Select(e => "n " + e));
        lines.AddRange(changes.Delete.Select(e => "d " + e));
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }
}
