using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Updates;

/// <summary>
/// Turns the conditions of the changes sent in one UPDATE message into its prerequisite section (RFC 2136 §2.4), so
/// that the server applies the message only if every record set it touches is as the plan read it.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>An update or delete requires its record set to hold exactly the data read (§2.4.2; the server compares data,
/// not TTLs).</item>
/// <item>A create requires its record set to be absent (§2.4.3) unless the same message replaces that set. Because a
/// server silently ignores an add that would put a CNAME next to other data (§3.4.2.2), a create of another type
/// also requires no CNAME at the name, and a CNAME create requires the name to be unused (§2.4.5), or, when the
/// message deletes other record sets at that name, every other type the provider writes to be absent there.</item>
/// </list>
/// Conditions on one record set are emitted once; the first change naming a set decides its condition.
/// </remarks>
internal static class UpdatePrerequisiteBuilder
{
    /// <summary>The types, other than CNAME, a CNAME create checks individually when "name not in use" cannot be used.</summary>
    internal static readonly DnsRecordType[] CnameGuardTypes =
    [
        DnsRecordType.A, DnsRecordType.AAAA, DnsRecordType.TXT, DnsRecordType.MX, DnsRecordType.SRV,
        DnsRecordType.NS, DnsRecordType.PTR, DnsRecordType.DNAME, DnsRecordType.CAA,
    ];

    /// <summary>The prerequisites of a message carrying <paramref name="conditions"/>.</summary>
    /// <param name="conditions">The changes' conditions, in message order.</param>
    /// <returns>The prerequisite section.</returns>
    public static List<DnsResourceRecord> Build(IEnumerable<RecordSetCondition> conditions)
    {
        var list = conditions as IReadOnlyCollection<RecordSetCondition> ?? [.. conditions];
        var replaced = new HashSet<RecordSetKey>();
        foreach (var condition in list)
        {
            if (condition.Expectation != RecordSetExpectation.Absent)
            {
                replaced.Add(condition.Key);
            }
        }

        var result = new List<DnsResourceRecord>();
        var emitted = new HashSet<(RecordSetKey Key, DnsClass Class)>();
        foreach (var condition in list)
        {
            var key = condition.Key;
            switch (condition.Expectation)
            {
                case RecordSetExpectation.Exactly:
                    if (emitted.Add((key, DnsClass.IN)) && !emitted.Contains((key, DnsClass.Any)))
                    {
                        result.AddRange(DnsUpdatePrerequisites.RecordSetEquals(condition.Name, condition.Type, condition.Data));
                    }

                    break;
                case RecordSetExpectation.Present:
                    if (!emitted.Contains((key, DnsClass.IN)) && emitted.Add((key, DnsClass.Any)))
                    {
                        result.Add(DnsUpdatePrerequisites.RecordSetExists(condition.Name, condition.Type));
                    }

                    break;
                default:
                    AddAbsent(condition, replaced, emitted, result);
                    break;
            }
        }

        return result;
    }

    /// <summary>The most prerequisite records one condition can add to a message (for sizing messages).</summary>
    /// <param name="condition">The condition.</param>
    /// <returns>The records.</returns>
    public static IReadOnlyList<DnsResourceRecord> MostFor(RecordSetCondition condition) => condition.Expectation switch
    {
        RecordSetExpectation.Exactly => DnsUpdatePrerequisites.RecordSetEquals(condition.Name, condition.Type, condition.Data),
        RecordSetExpectation.Present => [DnsUpdatePrerequisites.RecordSetExists(condition.Name, condition.Type)],
        _ when condition.Type == DnsRecordType.CNAME =>
            [DnsUpdatePrerequisites.RecordSetDoesNotExist(condition.Name, DnsRecordType.CNAME),
                .. CnameGuardTypes.Select(t => DnsUpdatePrerequisites.RecordSetDoesNotExist(condition.Name, t))],
        _ => [DnsUpdatePrerequisites.RecordSetDoesNotExist(condition.Name, condition.Type), DnsUpdatePrerequisites.RecordSetDoesNotExist(condition.Name, DnsRecordType.CNAME)],
    };

    private static void AddAbsent(RecordSetCondition condition, HashSet<RecordSetKey> replaced, HashSet<(RecordSetKey, DnsClass)> emitted, List<DnsResourceRecord> result)
    {
        var key = condition.Key;
        void Absent(DnsRecordType type)
        {
            var guarded = key with { Type = type };
            if (!replaced.Contains(guarded) && emitted.Add((guarded, DnsClass.None)))
            {
                result.Add(DnsUpdatePrerequisites.RecordSetDoesNotExist(condition.Name, type));
            }
        }

        Absent(condition.Type);
        if (condition.Type != DnsRecordType.CNAME)
        {
            Absent(DnsRecordType.CNAME);
            return;
        }

        if (!replaced.Any(k => k.Type != DnsRecordType.CNAME && string.Equals(k.Name, key.Name, StringComparison.Ordinal)))
        {
            var any = key with { Type = DnsRecordType.ANY };
            if (emitted.Add((any, DnsClass.None)))
            {
                result.Add(DnsUpdatePrerequisites.NameIsNotInUse(condition.Name));
            }

            return;
        }

        // The message deletes other record sets at this name first: the name is in use when the prerequisites are
        // checked, so each other type must be checked on its own.
        foreach (var type in CnameGuardTypes)
        {
            Absent(type);
        }
    }
}
