using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ccx.Dns.Endpoints;

/// <summary>
/// Reads and writes <see cref="DnsEndpoint"/> in ExternalDNS's webhook JSON: <c>dnsName</c>, <c>targets</c>,
/// <c>recordType</c>, <c>setIdentifier</c>, <c>recordTTL</c>, <c>labels</c>, <c>providerSpecific</c>
/// (empty fields omitted; keys read case-insensitively).
/// </summary>
public sealed class DnsEndpointJsonConverter : JsonConverter<DnsEndpoint>
{
    private static readonly JsonEncodedText DnsNameProperty = JsonEncodedText.Encode("dnsName");
    private static readonly JsonEncodedText TargetsProperty = JsonEncodedText.Encode("targets");
    private static readonly JsonEncodedText RecordTypeProperty = JsonEncodedText.Encode("recordType");
    private static readonly JsonEncodedText SetIdentifierProperty = JsonEncodedText.Encode("setIdentifier");
    private static readonly JsonEncodedText RecordTtlProperty = JsonEncodedText.Encode("recordTTL");
    private static readonly JsonEncodedText LabelsProperty = JsonEncodedText.Encode("labels");
    private static readonly JsonEncodedText ProviderSpecificName = JsonEncodedText.Encode("providerSpecific");
    private static readonly RecordType NoRecordType = new(string.Empty);
    private static readonly JsonEncodedText NameProperty = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText ValueProperty = JsonEncodedText.Encode("value");

    private enum Member
    {
        Other,
        DnsName,
        Targets,
        RecordType,
        SetIdentifier,
        RecordTtl,
        Labels,
        ProviderSpecific,
    }

    /// <inheritdoc />
    public override DnsEndpoint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("an endpoint must be a JSON object");
        }

        string name = string.Empty, setId = string.Empty;
        var type = NoRecordType;
        long ttl = 0;
        ImmutableArray<string> targets = [];
        var labels = new LabelMap.Builder();
        ImmutableArray<ProviderSpecificProperty>.Builder? ps = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var member = MemberOf(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            switch (member)
            {
                case Member.DnsName: name = reader.GetString() ?? string.Empty; break;
                case Member.RecordType: type = ReadRecordType(ref reader); break;
                case Member.SetIdentifier: setId = reader.GetString() ?? string.Empty; break;
                case Member.RecordTtl: ttl = reader.GetInt64(); break;
                case Member.Targets: targets = ReadTargets(ref reader); break;
                case Member.Labels:
                    Expect(ref reader, JsonTokenType.StartObject, "labels");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var key = reader.GetString() ?? string.Empty;
                        reader.Read();
                        labels.Add(key, reader.GetString() ?? string.Empty);
                    }

                    break;
                case Member.ProviderSpecific:
                    Expect(ref reader, JsonTokenType.StartArray, "providerSpecific");
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        Expect(ref reader, JsonTokenType.StartObject, "providerSpecific");
                        string psName = string.Empty, psValue = string.Empty;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                        {
                            var isName = IsKey(ref reader, NameProperty, "name");
                            var isValue = !isName && IsKey(ref reader, ValueProperty, "value");
                            reader.Read();
                            if (isName)
                            {
                                psName = reader.GetString() ?? string.Empty;
                            }
                            else if (isValue)
                            {
                                psValue = reader.GetString() ?? string.Empty;
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }

                        ps ??= ImmutableArray.CreateBuilder<ProviderSpecificProperty>();
                        ps.Add(new(psName, psValue));
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new DnsEndpoint(name, type)
        {
            Targets = targets,
            SetIdentifier = setId,
            Ttl = ttl,
            Labels = labels.ToMap(),
            ProviderSpecific = ps is null ? [] : ps.ToImmutable(),
        };
    }

    /// <summary>The member a property name stands for: the exact (camel-case) spelling without allocating, any other case as Go reads it.</summary>
    private static Member MemberOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals(DnsNameProperty.EncodedUtf8Bytes))
        {
            return Member.DnsName;
        }

        if (reader.ValueTextEquals(TargetsProperty.EncodedUtf8Bytes))
        {
            return Member.Targets;
        }

        if (reader.ValueTextEquals(RecordTypeProperty.EncodedUtf8Bytes))
        {
            return Member.RecordType;
        }

        if (reader.ValueTextEquals(RecordTtlProperty.EncodedUtf8Bytes))
        {
            return Member.RecordTtl;
        }

        if (reader.ValueTextEquals(SetIdentifierProperty.EncodedUtf8Bytes))
        {
            return Member.SetIdentifier;
        }

        if (reader.ValueTextEquals(LabelsProperty.EncodedUtf8Bytes))
        {
            return Member.Labels;
        }

        if (reader.ValueTextEquals(ProviderSpecificName.EncodedUtf8Bytes))
        {
            return Member.ProviderSpecific;
        }

        return (reader.GetString() ?? string.Empty).ToUpperInvariant() switch
        {
            "DNSNAME" => Member.DnsName,
            "TARGETS" => Member.Targets,
            "RECORDTYPE" => Member.RecordType,
            "SETIDENTIFIER" => Member.SetIdentifier,
            "RECORDTTL" => Member.RecordTtl,
            "LABELS" => Member.Labels,
            "PROVIDERSPECIFIC" => Member.ProviderSpecific,
            _ => Member.Other,
        };
    }

    private static bool IsKey(ref Utf8JsonReader reader, JsonEncodedText exact, string name) =>
        reader.ValueTextEquals(exact.EncodedUtf8Bytes) || string.Equals(reader.GetString(), name, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a record type, reusing the known types' instances (no string per endpoint for them).</summary>
    private static RecordType ReadRecordType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            foreach (var known in RecordType.Known)
            {
                if (reader.ValueSpan.Length == known.Value.Length && System.Text.Ascii.Equals(reader.ValueSpan, known.Value))
                {
                    return known;
                }
            }
        }

        return new RecordType(reader.GetString() ?? string.Empty);
    }

    /// <summary>Reads the targets array; a single target (the common case) takes no builder.</summary>
    private static ImmutableArray<string> ReadTargets(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray, "targets");
        if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            return [];
        }

        var first = reader.GetString() ?? string.Empty;
        if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            return [first];
        }

        var builder = ImmutableArray.CreateBuilder<string>();
        builder.Add(first);
        do
        {
            builder.Add(reader.GetString() ?? string.Empty);
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);
        return builder.DrainToImmutable();
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DnsEndpoint value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        if (value.DnsName.Length > 0)
        {
            writer.WriteString(DnsNameProperty, value.DnsName);
        }

        if (value.Targets.Count > 0)
        {
            writer.WriteStartArray(TargetsProperty);
            foreach (var target in value.Targets)
            {
                writer.WriteStringValue(target);
            }

            writer.WriteEndArray();
        }

        if (value.RecordType.Value.Length > 0)
        {
            writer.WriteString(RecordTypeProperty, value.RecordType.Value);
        }

        if (value.SetIdentifier.Length > 0)
        {
            writer.WriteString(SetIdentifierProperty, value.SetIdentifier);
        }

        if (value.Ttl != 0)
        {
            writer.WriteNumber(RecordTtlProperty, value.Ttl);
        }

        if (value.Labels.Count > 0)
        {
            writer.WriteStartObject(LabelsProperty);
            foreach (var (key, label) in value.Labels)
            {
                writer.WriteString(key, label);
            }

            writer.WriteEndObject();
        }

        if (value.ProviderSpecific.Count > 0)
        {
            writer.WriteStartArray(ProviderSpecificName);
            foreach (var property in value.ProviderSpecific)
            {
                writer.WriteStartObject();
                writer.WriteString(NameProperty, property.Name);
                writer.WriteString(ValueProperty, property.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string property)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"'{property}' must be a JSON {(token == JsonTokenType.StartArray ? "array" : "object")}");
        }
    }
}
