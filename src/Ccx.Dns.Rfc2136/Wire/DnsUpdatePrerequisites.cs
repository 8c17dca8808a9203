namespace Ccx.Dns.Rfc2136.Wire;

/// <summary>
/// The prerequisites of an UPDATE message (RFC 2136 §2.4), as the resource records of its prerequisite section
/// (<see cref="DnsMessage.Answers"/>). Every prerequisite has TTL 0; the server checks all of them before it applies
/// any update and, when one fails, applies nothing and answers YXDOMAIN, YXRRSET, NXDOMAIN or NXRRSET.
/// </summary>
public static class DnsUpdatePrerequisites
{
    /// <summary>"RRset exists (value independent)" (§2.4.1): class ANY, the type, no data.</summary>
    /// <param name="name">The owner name.</param>
    /// <param name="type">The record type.</param>
    /// <returns>The prerequisite record; the server answers NXRRSET when it fails.</returns>
    public static DnsResourceRecord RecordSetExists(string name, DnsRecordType type) =>
        new(name, type, DnsClass.Any, 0, EmptyRecordData.Instance);

    /// <summary>
    /// "RRset exists (value dependent)" (§2.4.2): one record per member of the complete record set, in the zone's class
    /// with TTL 0. The server compares the data of the whole set (not the TTL).
    /// </summary>
    /// <param name="name">The owner name.</param>
    /// <param name="type">The record type.</param>
    /// <param name="data">The data of every record of the set, each once.</param>
    /// <param name="zoneClass">The zone's class.</param>
    /// <returns>The prerequisite records; the server answers NXRRSET when the set is missing or holds other data.</returns>
    public static IReadOnlyList<DnsResourceRecord> RecordSetEquals(string name, DnsRecordType type, IEnumerable<DnsRecordData> data, DnsClass zoneClass = DnsClass.IN)
    {
        ArgumentNullException.ThrowIfNull(data);
        return [.. data.Select(d => new DnsResourceRecord(name, type, zoneClass, 0, d))];
    }

    /// <summary>"RRset does not exist" (§2.4.3): class NONE, the type, no data.</summary>
    /// <param name="name">The owner name.</param>
    /// <param name="type">The record type.</param>
    /// <returns>The prerequisite record; the server answers YXRRSET when it fails.</returns>
    public static DnsResourceRecord RecordSetDoesNotExist(string name, DnsRecordType type) =>
        new(name, type, DnsClass.None, 0, EmptyRecordData.Instance);

    /// <summary>"Name is in use" (§2.4.4): class ANY, type ANY, no data.</summary>
    /// <param name="name">The owner name.</param>
    /// <returns>The prerequisite record; the server answers NXDOMAIN when it fails.</returns>
    public static DnsResourceRecord NameIsInUse(string name) =>
        new(name, DnsRecordType.ANY, DnsClass.Any, 0, EmptyRecordData.Instance);

    /// <summary>"Name is not in use" (§2.4.5): class NONE, type ANY, no data. An empty non-terminal is not in use.</summary>
    /// <param name="name">The owner name.</param>
    /// <returns>The prerequisite record; the server answers YXDOMAIN when it fails.</returns>
    public static DnsResourceRecord NameIsNotInUse(string name) =>
        new(name, DnsRecordType.ANY, DnsClass.None, 0, EmptyRecordData.Instance);
}
