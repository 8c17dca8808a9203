using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Updates;

/// <summary>What a change expects of the server's record set before it may be applied.</summary>
internal enum RecordSetExpectation
{
    /// <summary>No record set of the type at the name (a create): "RRset does not exist", RFC 2136 §2.4.3.</summary>
    Absent,

    /// <summary>The record set holds exactly the given data (an update or delete): "RRset exists (value dependent)", §2.4.2.</summary>
    Exactly,

    /// <summary>The record set exists, whatever it holds (a delete that names no value): "RRset exists (value independent)", §2.4.1.</summary>
    Present,
}

/// <summary>
/// The condition one change places on one record set, turned into UPDATE prerequisites by
/// <see cref="UpdatePrerequisiteBuilder"/> so that a change computed from a stale view is refused by the server.
/// </summary>
/// <param name="Expectation">What the record set must be.</param>
/// <param name="Name">The owner name as the endpoint spells it.</param>
/// <param name="Type">The record type.</param>
/// <param name="Data">For <see cref="RecordSetExpectation.Exactly"/>, the data of the complete set, each once; else empty.</param>
/// <param name="Targets">The targets the set was read with, for messages.</param>
internal sealed record RecordSetCondition(RecordSetExpectation Expectation, string Name, DnsRecordType Type, IReadOnlyList<DnsRecordData> Data, IReadOnlyList<string> Targets)
{
    /// <summary>The record set's identity: normalised name and type.</summary>
    public RecordSetKey Key { get; } = new(DnsNames.Normalize(Name), Type);

    /// <summary>What the change expected, for the reason of a refused change.</summary>
    /// <returns>The text.</returns>
    public string Describe() => Expectation switch
    {
        RecordSetExpectation.Absent when Type == DnsRecordType.CNAME =>
            $"it expected {Name} to hold no records (a CNAME cannot share its name)",
        RecordSetExpectation.Absent =>
            $"it expected no {Type} record set and no CNAME at {Name}",
        RecordSetExpectation.Exactly =>
            string.Create(CultureInfo.InvariantCulture, $"it expected the {Type} record set at {Name} to hold exactly [{string.Join(", ", Targets)}], as read"),
        _ => $"it expected a {Type} record set at {Name}",
    };
}

/// <summary>A record set's identity: the normalised owner name (lower case, no trailing dot) and the type.</summary>
/// <param name="Name">The normalised name.</param>
/// <param name="Type">The type.</param>
internal readonly record struct RecordSetKey(string Name, DnsRecordType Type);
