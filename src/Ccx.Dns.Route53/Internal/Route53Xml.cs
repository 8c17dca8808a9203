using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Ccx.Dns.Route53.Internal;

/// <summary>
/// Reads and writes the Route 53 2013-04-01 XML documents. Request elements are written in the model's order
/// (Route 53 requires it); responses are read by local name so that a missing or different namespace is tolerated.
/// </summary>
internal static class Route53Xml
{
    public const string Namespace = "https://route53.amazonaws.com/doc/2013-04-01/";

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        OmitXmlDeclaration = false,
    };

    public static byte[] WriteChangeBatch(IReadOnlyList<RecordSetChange> changes)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, WriterSettings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("ChangeResourceRecordSetsRequest", Namespace);
            w.WriteStartElement("ChangeBatch", Namespace);
            w.WriteStartElement("Changes", Namespace);
            foreach (var change in changes)
            {
                w.WriteStartElement("Change", Namespace);
                w.WriteElementString("Action", Namespace, ActionText(change.Action));
                WriteRecordSet(w, change.RecordSet);
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndDocument();
        }

        return stream.ToArray();
    }

    public static byte[] WriteListTagsForResources(IReadOnlyList<string> ids)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, WriterSettings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("ListTagsForResourcesRequest", Namespace);
            w.WriteStartElement("ResourceIds", Namespace);
            foreach (var id in ids)
            {
                w.WriteElementString("ResourceId", Namespace, id);
            }

            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndDocument();
        }

        return stream.ToArray();
    }

    public static string ActionText(ChangeAction action) => action switch
    {
        ChangeAction.Create => "CREATE",
        ChangeAction.Delete => "DELETE",
        _ => "UPSERT",
    };

    public static HostedZonePage ReadHostedZones(XDocument doc)
    {
        var root = doc.Root ?? throw Malformed("ListHostedZones");
        var zones = new List<HostedZone>();
        foreach (var z in Children(Child(root, "HostedZones"), "HostedZone"))
        {
            var id = BareId(Text(z, "Id") ?? throw Malformed("ListHostedZones"));
            var name = Route53Names.Decode(Text(z, "Name") ?? string.Empty);
            var isPrivate = string.Equals(Text(Child(z, "Config"), "PrivateZone"), "true", StringComparison.OrdinalIgnoreCase);
            zones.Add(new HostedZone(id, name, isPrivate));
        }

        var truncated = string.Equals(Text(root, "IsTruncated"), "true", StringComparison.OrdinalIgnoreCase);
        var next = Text(root, "NextMarker");
        return new HostedZonePage(zones, truncated && !string.IsNullOrEmpty(next) ? next : null);
    }

    public static IReadOnlyList<HostedZoneTags> ReadTagSets(XDocument doc)
    {
        var root = doc.Root ?? throw Malformed("ListTagsForResources");
        var result = new List<HostedZoneTags>();
        foreach (var set in Children(Child(root, "ResourceTagSets"), "ResourceTagSet"))
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in Children(Child(set, "Tags"), "Tag"))
            {
                var key = Text(tag, "Key");
                if (key is not null)
                {
                    tags[key] = Text(tag, "Value") ?? string.Empty;
                }
            }

            result.Add(new HostedZoneTags(BareId(Text(set, "ResourceId") ?? string.Empty), tags));
        }

        return result;
    }

    public static RecordSetPage ReadRecordSets(XDocument doc)
    {
        var root = doc.Root ?? throw Malformed("ListResourceRecordSets");
        var sets = new List<ResourceRecordSet>();
        foreach (var e in Children(Child(root, "ResourceRecordSets"), "ResourceRecordSet"))
        {
            sets.Add(ReadRecordSet(e));
        }

        RecordSetCursor? next = null;
        if (string.Equals(Text(root, "IsTruncated"), "true", StringComparison.OrdinalIgnoreCase))
        {
            var name = Text(root, "NextRecordName");
            if (string.IsNullOrEmpty(name))
            {
                throw Malformed("ListResourceRecordSets (IsTruncated without NextRecordName)");
            }

            next = new RecordSetCursor(name, Text(root, "NextRecordType") ?? string.Empty, NullIfEmpty(Text(root, "NextRecordIdentifier")));
        }

        return new RecordSetPage(sets, next);
    }

    public static ChangeInfo ReadChangeInfo(XDocument doc, string operation)
    {
        var info = Child(doc.Root, "ChangeInfo") ?? throw Malformed(operation);
        return new ChangeInfo(BareId(Text(info, "Id") ?? string.Empty), Text(info, "Status") ?? string.Empty);
    }

    /// <summary>
    /// Parses an error body: <c>ErrorResponse/Error{Code,Message}</c>, a bare <c>Error</c> root, or the
    /// <c>InvalidChangeBatch/Messages/Message*</c> root. Falls back to the HTTP status when the body is not XML.
    /// </summary>
    public static (string Code, IReadOnlyList<string> Messages) ReadError(string body, HttpStatusCode status, string? reasonPhrase)
    {
        var fallback = ("HTTP" + ((int)status).ToString(CultureInfo.InvariantCulture), (IReadOnlyList<string>)(string.IsNullOrEmpty(reasonPhrase) ? [] : [reasonPhrase]));
        if (string.IsNullOrWhiteSpace(body) || !body.TrimStart().StartsWith('<'))
        {
            return fallback;
        }

        XDocument doc;
        try
        {
            doc = XDocument.Parse(body);
        }
        catch (XmlException)
        {
            return fallback;
        }

        var root = doc.Root!;
        if (root.Name.LocalName == Route53ErrorCodes.InvalidChangeBatch)
        {
            var messages = Children(Child(root, "Messages"), "Message").Select(m => m.Value).ToList();
            var single = Text(root, "Message");
            if (single is not null)
            {
                messages.Add(single);
            }

            return (Route53ErrorCodes.InvalidChangeBatch, messages);
        }

        var error = root.Name.LocalName == "Error" ? root : Child(root, "Error");
        var code = Text(error, "Code");
        if (string.IsNullOrEmpty(code))
        {
            return fallback;
        }

        var message = Text(error, "Message");
        return (code, message is null ? [] : [message]);
    }

    /// <summary>Strips everything up to the last <c>/</c> (<c>/hostedzone/Z1</c> → <c>Z1</c>), as botocore does.</summary>
    public static string BareId(string id)
    {
        var slash = id.LastIndexOf('/');
        return slash < 0 ? id : id[(slash + 1)..];
    }

    private static ResourceRecordSet ReadRecordSet(XElement e)
    {
        var values = new List<string>();
        foreach (var rr in Children(Child(e, "ResourceRecords"), "ResourceRecord"))
        {
            values.Add(Text(rr, "Value") ?? string.Empty);
        }

        AliasTarget? alias = null;
        var a = Child(e, "AliasTarget");
        if (a is not null)
        {
            alias = new AliasTarget(
                Text(a, "HostedZoneId") ?? string.Empty,
                Route53Names.Decode(Text(a, "DNSName") ?? string.Empty),
                string.Equals(Text(a, "EvaluateTargetHealth"), "true", StringComparison.OrdinalIgnoreCase));
        }

        GeoLocation? geo = null;
        var g = Child(e, "GeoLocation");
        if (g is not null)
        {
            geo = new GeoLocation(NullIfEmpty(Text(g, "ContinentCode")), NullIfEmpty(Text(g, "CountryCode")), NullIfEmpty(Text(g, "SubdivisionCode")));
        }

        GeoProximityLocation? proximity = null;
        var gp = Child(e, "GeoProximityLocation");
        if (gp is not null)
        {
            var coordinates = Child(gp, "Coordinates");
            proximity = new GeoProximityLocation(
                NullIfEmpty(Text(gp, "AWSRegion")),
                NullIfEmpty(Text(gp, "LocalZoneGroup")),
                NullIfEmpty(Text(coordinates, "Latitude")),
                NullIfEmpty(Text(coordinates, "Longitude")),
                Long(Text(gp, "Bias")));
        }

        return new ResourceRecordSet
        {
            Name = Route53Names.Decode(Text(e, "Name") ?? string.Empty),
            Type = Text(e, "Type") ?? string.Empty,
            SetIdentifier = NullIfEmpty(Text(e, "SetIdentifier")),
            Weight = Long(Text(e, "Weight")),
            Region = NullIfEmpty(Text(e, "Region")),
            GeoLocation = geo,
            Failover = NullIfEmpty(Text(e, "Failover")),
            MultiValueAnswer = Text(e, "MultiValueAnswer") is { } mv ? string.Equals(mv, "true", StringComparison.OrdinalIgnoreCase) : null,
            Ttl = Long(Text(e, "TTL")),
            Values = values,
            AliasTarget = alias,
            HealthCheckId = NullIfEmpty(Text(e, "HealthCheckId")),
            GeoProximityLocation = proximity,
        };
    }

    private static void WriteRecordSet(XmlWriter w, ResourceRecordSet rs)
    {
        w.WriteStartElement("ResourceRecordSet", Namespace);
        w.WriteElementString("Name", Namespace, Route53Names.Encode(rs.Name));
        w.WriteElementString("Type", Namespace, rs.Type);
        if (rs.SetIdentifier is not null)
        {
            w.WriteElementString("SetIdentifier", Namespace, rs.SetIdentifier);
        }

        if (rs.Weight is { } weight)
        {
            w.WriteElementString("Weight", Namespace, weight.ToString(CultureInfo.InvariantCulture));
        }

        if (rs.Region is not null)
        {
            w.WriteElementString("Region", Namespace, rs.Region);
        }

        if (rs.GeoLocation is { } geo)
        {
            w.WriteStartElement("GeoLocation", Namespace);
            if (geo.ContinentCode is not null)
            {
                w.WriteElementString("ContinentCode", Namespace, geo.ContinentCode);
            }

            if (geo.CountryCode is not null)
            {
                w.WriteElementString("CountryCode", Namespace, geo.CountryCode);
            }

            if (geo.SubdivisionCode is not null)
            {
                w.WriteElementString("SubdivisionCode", Namespace, geo.SubdivisionCode);
            }

            w.WriteEndElement();
        }

        if (rs.Failover is not null)
        {
            w.WriteElementString("Failover", Namespace, rs.Failover);
        }

        if (rs.MultiValueAnswer is { } multi)
        {
            w.WriteElementString("MultiValueAnswer", Namespace, multi ? "true" : "false");
        }

        if (rs.AliasTarget is null)
        {
            if (rs.Ttl is { } ttl)
            {
                w.WriteElementString("TTL", Namespace, ttl.ToString(CultureInfo.InvariantCulture));
            }

            w.WriteStartElement("ResourceRecords", Namespace);
            foreach (var value in rs.Values)
            {
                w.WriteStartElement("ResourceRecord", Namespace);
                w.WriteElementString("Value", Namespace, value);
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }
        else
        {
            w.WriteStartElement("AliasTarget", Namespace);
            w.WriteElementString("HostedZoneId", Namespace, rs.AliasTarget.HostedZoneId);
            w.WriteElementString("DNSName", Namespace, Route53Names.Encode(rs.AliasTarget.DnsName));
            w.WriteElementString("EvaluateTargetHealth", Namespace, rs.AliasTarget.EvaluateTargetHealth ? "true" : "false");
            w.WriteEndElement();
        }

        if (rs.HealthCheckId is not null)
        {
            w.WriteElementString("HealthCheckId", Namespace, rs.HealthCheckId);
        }

        if (rs.GeoProximityLocation is { } gp)
        {
            w.WriteStartElement("GeoProximityLocation", Namespace);
            if (gp.AwsRegion is not null)
            {
                w.WriteElementString("AWSRegion", Namespace, gp.AwsRegion);
            }

            if (gp.LocalZoneGroup is not null)
            {
                w.WriteElementString("LocalZoneGroup", Namespace, gp.LocalZoneGroup);
            }

            if (gp.Latitude is not null && gp.Longitude is not null)
            {
                w.WriteStartElement("Coordinates", Namespace);
                w.WriteElementString("Latitude", Namespace, gp.Latitude);
                w.WriteElementString("Longitude", Namespace, gp.Longitude);
                w.WriteEndElement();
            }

            if (gp.Bias is { } bias)
            {
                w.WriteElementString("Bias", Namespace, bias.ToString(CultureInfo.InvariantCulture));
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    private static XElement? Child(XElement? parent, string localName)
    {
        if (parent is null)
        {
            return null;
        }

        foreach (var e in parent.Elements())
        {
            if (e.Name.LocalName == localName)
            {
                return e;
            }
        }

        return null;
    }

    private static IEnumerable<XElement> Children(XElement? parent, string localName) =>
        parent is null ? [] : parent.Elements().Where(e => e.Name.LocalName == localName);

    private static string? Text(XElement? parent, string localName) => Child(parent, localName)?.Value;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static long? Long(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static Route53ApiException Malformed(string operation) =>
        new(operation, HttpStatusCode.OK, "MalformedResponse", ["the response body is not the expected XML document"]);
}
