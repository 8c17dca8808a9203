using System.Diagnostics;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Rfc2136.Wire;

namespace Ccx.Dns.Rfc2136.Updates;

/// <summary>
/// One endpoint change as it is sent: the zone, the records of the update section, and the condition its record set
/// must meet (the prerequisites of the message carrying it).
/// </summary>
[DebuggerDisplay("{Description}")]
internal sealed class RecordSetChange(string zone, DnsEndpoint endpoint, string description, List<DnsResourceRecord> updates, RecordSetCondition condition)
{
    private int _encodedSize = -1;

    /// <summary>The normalised zone.</summary>
    public string Zone { get; } = zone;

    /// <summary>The endpoint (the new one of an update).</summary>
    public DnsEndpoint Endpoint { get; } = endpoint;

    /// <summary>For example <c>create www.example.org A</c>.</summary>
    public string Description { get; } = description;

    /// <summary>The update section records.</summary>
    public List<DnsResourceRecord> Updates { get; } = updates;

    /// <summary>What the record set must be for the change to apply.</summary>
    public RecordSetCondition Condition { get; } = condition;

    /// <summary>The record sets the change writes (the condition's set, and the new set of an update that moves it).</summary>
    public IEnumerable<RecordSetKey> WrittenSets => Updates.Select(u => new RecordSetKey(DnsNames.Normalize(u.Name), u.Type)).Append(Condition.Key).Distinct();

    /// <summary>
    /// The uncompressed size of this change's update records and the most prerequisites it can add: an upper bound of
    /// what it adds to a message.
    /// </summary>
    /// <exception cref="DnsFormatException">A record cannot be encoded.</exception>
    public int EncodedSize
    {
        get
        {
            if (_encodedSize < 0)
            {
                var writer = new DnsWireWriter(compress: false);
                foreach (var record in Updates.Concat(UpdatePrerequisiteBuilder.MostFor(Condition)))
                {
                    record.Write(writer);
                }

                _encodedSize = writer.Length;
            }

            return _encodedSize;
        }
    }
}
