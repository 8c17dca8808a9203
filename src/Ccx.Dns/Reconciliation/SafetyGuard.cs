using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;

namespace Ccx.Dns.Reconciliation;

/// <summary>Why the safety guard withholds a plan.</summary>
/// <param name="Tag">The metric tag: <c>thresholds</c> or <c>empty_source</c>.</param>
/// <param name="Reason">The explanation for operators, naming how to approve the plan.</param>
internal sealed record GuardVerdict(string Tag, string Reason);

/// <summary>
/// The safety guard: judges a plan against the number of records we own, guarding what cannot be undone by the next
/// reconcile — deletes, and deletes because the sources returned nothing — and letting through target changes of names
/// that are still desired (failovers), however many there are.
/// </summary>
/// <remarks>
/// A delete takes a name out of DNS: clients get NXDOMAIN, which resolvers cache for the zone's negative TTL, and the
/// ownership record goes with it. A plan deleting a large share of what we own is far more often a broken source than an
/// intended wipe, so it waits for a person. An update of a name that stays desired is different: the name keeps
/// answering, and when the update was wrong the next reconcile with a corrected source puts it back. Withholding
/// updates is also exactly wrong when many happen at once for a good reason — an availability-zone outage fails over
/// many datastores together, and DNS must follow all of them at once. So by default only updates that change a record's
/// type or leave it without targets count against <see cref="SafetyGuardOptions.MaxUpdatePercent"/>; set
/// <see cref="SafetyGuardOptions.GuardTargetChanges"/> to count every update (octoDNS's update threshold).
/// </remarks>
internal static class SafetyGuard
{
    public const string ThresholdsTag = "thresholds";
    public const string EmptySourceTag = "empty_source";

    /// <summary>How an operator lets a withheld plan through; part of every verdict.</summary>
    public const string HowToApprove =
        "To apply this exact plan once, call DnsReconciler.ApproveWithheldPlan(); to stop withholding such plans, change the Guard options";

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
                    $"the sources returned no endpoints while {ownedCount} owned records exist; the plan would delete {changes.Delete.Count} of them (Guard.AllowEmptySource is off). {HowToApprove}."));
        }

        if (ownedCount < options.MinExistingRecords || ownedCount == 0 || options.AllowUnsafePlans)
        {
            return null;
        }

        var reasons = new List<string>(2);
        var deletes = changes.Delete.Count;
        if (deletes * 100d > options.MaxDeletePercent * ownedCount)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"it deletes {deletes} of {ownedCount} owned records ({deletes * 100d / ownedCount:0.#}% > Guard.MaxDeletePercent {options.MaxDeletePercent}%)"));
        }

        var updates = options.GuardTargetChanges ? changes.UpdateNew.Count : CountGuardedUpdates(changes);
        if (updates * 100d > options.MaxUpdatePercent * ownedCount)
        {
            var what = options.GuardTargetChanges ? "updates" : "changes the type of, or empties,";
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"it {what} {updates} of {ownedCount} owned records ({updates * 100d / ownedCount:0.#}% > Guard.MaxUpdatePercent {options.MaxUpdatePercent}%)"));
        }

        return reasons.Count == 0
            ? null
            : new GuardVerdict(ThresholdsTag, "the plan is unsafe: " + string.Join("; ", reasons) + ". " + HowToApprove + " (Guard.AllowUnsafePlans applies every plan).");
    }

    /// <summary>
    /// The updates that are not a plain change of targets, TTL or properties of a name that stays desired: those that
    /// change the record type or leave the record without targets.
    /// </summary>
    /// <param name="changes">The plan.</param>
    /// <returns>The number of such updates.</returns>
    internal static int CountGuardedUpdates(DnsChanges changes)
    {
        var count = 0;
        for (var i = 0; i < changes.UpdateNew.Count; i++)
        {
            var updated = changes.UpdateNew[i];
            var old = i < changes.UpdateOld.Count ? changes.UpdateOld[i] : null;
            if (updated.Targets.Count == 0
                || (old is not null && (old.RecordType != updated.RecordType || !DnsNames.AreEqual(old.DnsName, updated.DnsName))))
            {
                count++;
            }
        }

        return count;
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
