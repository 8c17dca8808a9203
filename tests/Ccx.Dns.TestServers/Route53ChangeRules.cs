using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Ccx.Dns.TestServers;

/// <summary>
/// A <c>ResourceRecordSet</c> element (from a change batch, or as the emulator lists it) with what Route 53 compares:
/// its key (name, type, set identifier) and its content (TTL, values as a set, alias target, routing fields).
/// </summary>
public sealed class Route53RecordSetXml
{
    /// <summary>Reads a <c>ResourceRecordSet</c> element.</summary>
    /// <param name="element">The element (any namespace).</param>
    /// <exception cref="FormatException">The element has no Name or Type.</exception>
    public Route53RecordSetXml(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        Element = element;
        var name = Text(element, "Name") ?? throw new FormatException("ResourceRecordSet without Name");
        WireName = name.EndsWith('.') ? name : name + ".";
        Name = NormalizeName(name);
        Type = (Text(element, "Type") ?? throw new FormatException("ResourceRecordSet without Type")).Trim().ToUpperInvariant();
        SetIdentifier = Text(element, "SetIdentifier") ?? string.Empty;
        var alias = Child(element, "AliasTarget");
        IsAlias = alias is not null;
        Values = [.. Children(Child(element, "ResourceRecords"), "ResourceRecord").Select(r => Text(r, "Value") ?? string.Empty)];
        var content = new StringBuilder();
        if (alias is not null)
        {
            // Alias record sets have no TTL on Route 53 (the emulator lists a bogus TTL 0 for them).
            content.Append("alias=").Append(Text(alias, "HostedZoneId")).Append('|')
                .Append(NormalizeName(Text(alias, "DNSName") ?? string.Empty)).Append('|')
                .Append((Text(alias, "EvaluateTargetHealth") ?? "false").Trim().ToUpperInvariant());
        }
        else
        {
            var values = Values.Order(StringComparer.Ordinal);
            content.Append("ttl=").Append(Text(element, "TTL")?.Trim()).Append("|values=").AppendJoin('\u0001', values);
        }

        foreach (var field in (string[])["Weight", "Region", "Failover", "HealthCheckId"])
        {
            if (Text(element, field) is { } value)
            {
                content.Append('|').Append(field).Append('=').Append(value.Trim());
            }
        }

        if (Child(element, "GeoLocation") is { } geo)
        {
            content.Append("|geo=").AppendJoin(',', geo.Elements().OrderBy(e => e.Name.LocalName, StringComparer.Ordinal).Select(e => e.Name.LocalName + ":" + e.Value.Trim()));
        }

        if (Child(element, "GeoProximityLocation") is { } proximity)
        {
            content.Append("|proximity=").AppendJoin(',', proximity.Descendants().Where(e => !e.HasElements).OrderBy(e => e.Name.LocalName, StringComparer.Ordinal).Select(e => e.Name.LocalName + ":" + e.Value.Trim()));
        }

        if (string.Equals(Text(element, "MultiValueAnswer")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            content.Append("|multivalue");
        }

        Content = content.ToString();
    }

    /// <summary>The element as given.</summary>
    public XElement Element { get; }

    /// <summary>The name as written, with a trailing dot (for messages).</summary>
    public string WireName { get; }

    /// <summary>The name, normalised: lower case, octal escapes decoded, no trailing dot.</summary>
    public string Name { get; }

    /// <summary>The record type, upper case.</summary>
    public string Type { get; }

    /// <summary>The set identifier, empty when none.</summary>
    public string SetIdentifier { get; }

    /// <summary>Whether this is an alias record set.</summary>
    public bool IsAlias { get; }

    /// <summary>The <c>ResourceRecord</c> values in the order given (none for an alias).</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>What a DELETE must match exactly: TTL, values (as a set), alias target and routing fields.</summary>
    public string Content { get; }

    /// <summary>The record set's identity: name, type and set identifier.</summary>
    public (string Name, string Type, string SetIdentifier) Key => (Name, Type, SetIdentifier);

    /// <summary>The record set as Route 53's messages describe it: <c>[name='a.example.com.', type='A']</c>.</summary>
    public string Describe() => SetIdentifier.Length == 0
        ? $"[name='{WireName}', type='{Type}']"
        : $"[name='{WireName}', type='{Type}', set-identifier='{SetIdentifier}']";

    /// <summary>A copy to send to the emulator: the Route 53 namespace, and no TTL on an alias record set.</summary>
    public XElement ToEmulatorElement()
    {
        var copy = new XElement(Element);
        if (IsAlias)
        {
            copy.Elements().Where(e => e.Name.LocalName == "TTL").Remove();
        }

        return copy;
    }

    /// <summary>Lower case, <c>\ooo</c> and <c>\X</c> escapes decoded, no trailing dot.</summary>
    /// <param name="name">A name as written on the wire.</param>
    /// <returns>The normalised name.</returns>
    public static string NormalizeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = new List<byte>(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '\\' && IsOctal(name, i + 1))
            {
                bytes.Add((byte)(((name[i + 1] - '0') * 64) + ((name[i + 2] - '0') * 8) + (name[i + 3] - '0')));
                i += 3;
            }
            else if (name[i] == '\\' && i + 1 < name.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(name[i + 1].ToString()));
                i++;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(name[i].ToString()));
            }
        }

        var text = Encoding.UTF8.GetString([.. bytes]).ToLowerInvariant();
        return text.EndsWith('.') ? text[..^1] : text;
    }

    internal static XElement? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    internal static IEnumerable<XElement> Children(XElement? parent, string localName) =>
        parent is null ? [] : parent.Elements().Where(e => e.Name.LocalName == localName);

    internal static string? Text(XElement? parent, string localName) => Child(parent, localName)?.Value;

    private static bool IsOctal(string text, int index) =>
        index + 2 < text.Length
        && text[index] is >= '0' and <= '3' && text[index + 1] is >= '0' and <= '7' && text[index + 2] is >= '0' and <= '7';
}

/// <summary>One change of a ChangeResourceRecordSets batch.</summary>
/// <param name="Action">CREATE, DELETE or UPSERT (upper case as sent).</param>
/// <param name="RecordSet">The record set.</param>
public sealed record Route53ChangeXml(string Action, Route53RecordSetXml RecordSet);

/// <summary>The rules' answer to a batch: the refusal messages (none when accepted) and what to send the emulator.</summary>
/// <param name="Messages">One message per change that breaks a rule, Route 53's wording; empty when the batch is accepted.</param>
/// <param name="EmulatorBodies">
/// The ChangeResourceRecordSets bodies that, sent in order, make the emulator hold exactly the batch's result (split so
/// that each stays within moto's own 1,000-record count); empty when refused.
/// </param>
/// <param name="Result">The zone's record sets after the batch (the current ones when refused).</param>
public sealed record Route53BatchVerdict(IReadOnlyList<string> Messages, IReadOnlyList<byte[]> EmulatorBodies, IReadOnlyCollection<Route53RecordSetXml> Result)
{
    /// <summary>Whether the batch is accepted.</summary>
    public bool Accepted => Messages.Count == 0;
}

/// <summary>
/// Route 53's documented rules for ChangeResourceRecordSets, which the emulator (moto) does not enforce, applied to a
/// batch against the zone's current record sets: changes are validated in order against a working copy of the zone
/// and the batch is all or nothing. A CREATE of an existing name+type(+set identifier) is refused ("already exists"),
/// a DELETE must name an existing record set ("not found") with exactly its TTL, values (in any order), alias target
/// and routing fields ("the values provided do not match the current values"), a name must lie in the zone, and a
/// CNAME cannot share its name with another record set. The request quotas are checked too: at most 1,000
/// <c>ResourceRecord</c> elements and 32,000 value characters, UPSERT counting twice.
/// </summary>
/// <remarks>
/// An accepted batch is translated for the emulator so that it ends exactly in the batch's result despite moto's own
/// quirks: moto appends a duplicate on CREATE, refuses a CREATE identical to one in its history even after a delete,
/// and deletes every record set of a name+type (or every record set carrying a set identifier) on DELETE. The
/// translation sends DELETE (of the stored record sets) for what goes away or changes, UPSERT for what is new or
/// changed, and UPSERT again for unchanged record sets moto's DELETE would take with it.
/// </remarks>
public static class Route53ChangeRules
{
    /// <summary>The Route 53 XML namespace.</summary>
    public const string Namespace = "https://route53.amazonaws.com/doc/2013-04-01/";

    /// <summary>The most <c>ResourceRecord</c> elements in one request (UPSERT counts twice).</summary>
    public const int MaxRecords = 1000;

    /// <summary>The most value characters in one request (UPSERT counts twice).</summary>
    public const int MaxCharacters = 32000;

    private static readonly XNamespace Ns = Namespace;

    /// <summary>Parses a ChangeResourceRecordSetsRequest body.</summary>
    /// <param name="body">The request body.</param>
    /// <returns>The changes in order.</returns>
    /// <exception cref="FormatException">The body is not a change batch.</exception>
    public static IReadOnlyList<Route53ChangeXml> ParseBatch(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        XDocument doc;
        try
        {
            doc = XDocument.Parse(Encoding.UTF8.GetString(body));
        }
        catch (System.Xml.XmlException e)
        {
            throw new FormatException("the body is not XML: " + e.Message, e);
        }

        var changes = Route53RecordSetXml.Children(Route53RecordSetXml.Child(Route53RecordSetXml.Child(doc.Root, "ChangeBatch"), "Changes"), "Change")
            .Select(c => new Route53ChangeXml(
                (Route53RecordSetXml.Text(c, "Action") ?? string.Empty).Trim().ToUpperInvariant(),
                new Route53RecordSetXml(Route53RecordSetXml.Child(c, "ResourceRecordSet") ?? throw new FormatException("Change without ResourceRecordSet"))))
            .ToList();
        return changes.Count == 0 ? throw new FormatException("a change batch without changes") : changes;
    }

    /// <summary>Applies Route 53's rules to a batch.</summary>
    /// <param name="zoneName">The hosted zone's name (any case, trailing dot optional).</param>
    /// <param name="current">The zone's record sets now.</param>
    /// <param name="changes">The batch.</param>
    /// <returns>The verdict.</returns>
    public static Route53BatchVerdict Evaluate(string zoneName, IEnumerable<Route53RecordSetXml> current, IReadOnlyList<Route53ChangeXml> changes)
    {
        ArgumentNullException.ThrowIfNull(zoneName);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(changes);
        var zone = Route53RecordSetXml.NormalizeName(zoneName);
        var before = new Dictionary<(string, string, string), Route53RecordSetXml>();
        foreach (var set in current)
        {
            before[set.Key] = set;
        }

        var working = new Dictionary<(string, string, string), Route53RecordSetXml>(before);
        var messages = new List<string>();
        var records = changes.Sum(c => Weight(c.Action) * c.RecordSet.Values.Count);
        var characters = changes.Sum(c => Weight(c.Action) * c.RecordSet.Values.Sum(v => v.Length));
        if (records > MaxRecords)
        {
            messages.Add($"Number of records limit of {MaxRecords} exceeded.");
        }

        if (characters > MaxCharacters)
        {
            messages.Add($"Number of characters limit of {MaxCharacters} exceeded.");
        }

        foreach (var (action, set) in changes)
        {
            if (!string.Equals(set.Name, zone, StringComparison.Ordinal) && !set.Name.EndsWith("." + zone, StringComparison.Ordinal))
            {
                messages.Add($"RRSet with DNS name {set.WireName} is not permitted in zone {zone}.");
                continue;
            }

            switch (action)
            {
                case "CREATE" when working.ContainsKey(set.Key):
                    messages.Add($"Tried to create resource record set {set.Describe()} but it already exists");
                    continue;
                case "DELETE" when !working.ContainsKey(set.Key):
                    messages.Add($"Tried to delete resource record set {set.Describe()} but it was not found");
                    continue;
                case "DELETE" when !string.Equals(working[set.Key].Content, set.Content, StringComparison.Ordinal):
                    messages.Add($"Tried to delete resource record set {set.Describe()} but the values provided do not match the current values");
                    continue;
                case "DELETE":
                    working.Remove(set.Key);
                    continue;
                case "CREATE" or "UPSERT":
                    if (CnameConflict(working, set, zone) is { } conflict)
                    {
                        messages.Add(conflict);
                        continue;
                    }

                    working[set.Key] = set;
                    continue;
                default:
                    messages.Add($"Invalid request: unknown action '{action}' in Change for {set.Describe()}");
                    continue;
            }
        }

        return messages.Count > 0
            ? new Route53BatchVerdict(messages, [], before.Values)
            : new Route53BatchVerdict([], EmulatorBatches(before, working), working.Values);
    }

    /// <summary>The InvalidChangeBatch error document Route 53 answers a refused batch with (HTTP 400).</summary>
    /// <param name="messages">One message per refused change.</param>
    /// <param name="requestId">The request id.</param>
    /// <returns>The body.</returns>
    public static string InvalidChangeBatchBody(IEnumerable<string> messages, string requestId)
    {
        var root = new XElement(
            Ns + "InvalidChangeBatch",
            new XElement(Ns + "Messages", messages.Select(m => new XElement(Ns + "Message", m))),
            new XElement(Ns + "RequestId", requestId));
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.ToString(SaveOptions.DisableFormatting);
    }

    private static string? CnameConflict(Dictionary<(string, string, string), Route53RecordSetXml> working, Route53RecordSetXml set, string zone)
    {
        var others = working.Values.Where(w => string.Equals(w.Name, set.Name, StringComparison.Ordinal) && w.Key != set.Key).ToList();
        if (set.Type == "CNAME" && others.Any(o => o.Type != "CNAME"))
        {
            return $"RRSet of type CNAME with DNS name {set.WireName} is not permitted as it conflicts with other records with the same DNS name in zone {zone}.";
        }

        if (set.Type != "CNAME" && others.Any(o => o.Type == "CNAME"))
        {
            return $"RRSet of type {set.Type} with DNS name {set.WireName} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone {zone}.";
        }

        return null;
    }

    private static int Weight(string action) => action == "UPSERT" ? 2 : 1;

    private static List<byte[]> EmulatorBatches(
        Dictionary<(string, string, string), Route53RecordSetXml> before, Dictionary<(string, string, string), Route53RecordSetXml> after)
    {
        var changes = new List<(string Action, Route53RecordSetXml Set)>();
        var upserted = new HashSet<(string, string, string)>();
        var deleted = new List<Route53RecordSetXml>();
        foreach (var (key, old) in before)
        {
            if (!after.TryGetValue(key, out var now) || !ReferenceEquals(now, old))
            {
                changes.Add(("DELETE", old));
                deleted.Add(old);
            }
        }

        foreach (var (key, now) in after)
        {
            if (!before.TryGetValue(key, out var old) || !ReferenceEquals(now, old))
            {
                changes.Add(("UPSERT", now));
                upserted.Add(key);
            }
        }

        // moto's DELETE without a set identifier removes every record set of that name and type; with one, every
        // record set carrying that identifier, whatever its name: put back what the batch keeps.
        foreach (var (key, kept) in after)
        {
            if (upserted.Contains(key))
            {
                continue;
            }

            var takenAlong = deleted.Any(d => d.SetIdentifier.Length == 0
                ? d.Name == kept.Name && d.Type == kept.Type
                : d.SetIdentifier == kept.SetIdentifier);
            if (takenAlong)
            {
                changes.Add(("UPSERT", kept));
            }
        }

        // moto counts UPSERT twice against its 1,000-record limit too, and the translation turns creates into upserts:
        // split in order (the proxy holds its zone lock meanwhile, so no one sees the steps).
        var bodies = new List<byte[]>();
        var chunk = new List<XElement>();
        var count = 0;
        foreach (var (planned, set) in changes)
        {
            // An UPSERT too large for moto's count (over 500 values) goes as CREATE: its key was deleted just before
            // (changed) or is new, so moto's duplicate-create check cannot misfire on a set it holds.
            var action = planned == "UPSERT" && 2 * set.Values.Count > MaxRecords ? "CREATE" : planned;
            var weight = Weight(action) * Math.Max(1, set.Values.Count);
            if (chunk.Count > 0 && count + weight > MaxRecords)
            {
                bodies.Add(Body(chunk));
                chunk = [];
                count = 0;
            }

            chunk.Add(new XElement(Ns + "Change", new XElement(Ns + "Action", action), set.ToEmulatorElement()));
            count += weight;
        }

        if (chunk.Count > 0)
        {
            bodies.Add(Body(chunk));
        }

        return bodies;
    }

    private static byte[] Body(List<XElement> changes)
    {
        var doc = new XDocument(
            new XDeclaration("1.0", "UTF-8", null),
            new XElement(Ns + "ChangeResourceRecordSetsRequest", new XElement(Ns + "ChangeBatch", new XElement(Ns + "Changes", changes))));
        using var stream = new MemoryStream();
        doc.Save(stream, SaveOptions.DisableFormatting);
        return stream.ToArray();
    }

}
